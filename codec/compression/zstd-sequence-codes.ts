/**
 * The literal-length and match-length codes of zstd (RFC 8878 section 3.1.1.3.2.1): each code's
 * baseline and number of extra bits. Data only.
 */

/** Baselines of literal length codes 0..35. */
export const LITERAL_LENGTH_BASE = new Int32Array([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512,
  1024, 2048, 4096, 8192, 16384, 32768, 65536,
]);
/** Extra bits of literal length codes 0..35. */
export const LITERAL_LENGTH_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
]);

/** Baselines of match length codes 0..52. */
export const MATCH_LENGTH_BASE = new Int32Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
  34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
]);
/** Extra bits of match length codes 0..52. */
export const MATCH_LENGTH_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3,
  3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
]);

/** Largest literal length code. */
export const MAX_LITERAL_LENGTH_CODE = 35;
/** Largest match length code. */
export const MAX_MATCH_LENGTH_CODE = 52;
/** Largest offset code an FSE table may describe (the reference decoder's limit). */
export const MAX_OFFSET_TABLE_SYMBOL = 31;
/**
 * Largest offset code a sequence may use here: 30, for offsets below 2^31, which covers every
 * window up to the 1 GiB this decoder accepts at most.
 */
export const MAX_OFFSET_CODE = 30;
