/**
 * The constant tables of DEFLATE (RFC 1951 section 3.2.5 and 3.2.6). Data only: the decoder
 * reads these and never changes them.
 */

/** Base lengths of length symbols 257..285 (index = symbol - 257). */
export const LENGTH_BASE = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]);

/** Extra bits read after length symbols 257..285. */
export const LENGTH_EXTRA = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);

/** Base distances of distance symbols 0..29. */
export const DISTANCE_BASE = new Uint16Array([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
]);

/** Extra bits read after distance symbols 0..29. */
export const DISTANCE_EXTRA = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);

/** The order in which a dynamic block lists the code lengths of the code-length alphabet. */
export const CODE_LENGTH_ORDER = new Uint8Array([
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
]);

/** Largest number of literal/length codes a dynamic block may declare (symbols 0..285). */
export const MAX_LITERAL_CODES = 286;
/** Largest number of distance codes a dynamic block may declare (symbols 0..29). */
export const MAX_DISTANCE_CODES = 30;
/** Farthest back a match may reach: the sliding window of DEFLATE. */
export const WINDOW_SIZE = 32768;

/** Code lengths of the fixed literal/length code (BTYPE 01), all 288 symbols. */
export function fixedLiteralLengths(): Uint8Array {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return lengths;
}

/** Code lengths of the fixed distance code (BTYPE 01), all 32 symbols. */
export function fixedDistanceLengths(): Uint8Array {
  return new Uint8Array(32).fill(5);
}

/*
 * Decoding-table entries pack what the decoder needs about a symbol into one integer:
 * bits 0-3 code length (filled in by the table), 4-7 extra bits, 8-9 kind, 16-31 value
 * (literal byte, base length, base distance or code-length symbol).
 */
/** Entry kind: a literal byte (or a valid distance / code-length symbol). */
export const KIND_LITERAL = 0;
/** Entry kind: a match length. */
export const KIND_LENGTH = 0x100;
/** Entry kind: end of block. */
export const KIND_END = 0x200;
/** Entry kind: a symbol the format reserves (literal/length 286-287, distance 30-31). */
export const KIND_INVALID = 0x300;
/** Mask of the kind bits. */
export const KIND_MASK = 0x300;

/** Entry data of the 288 literal/length symbols. */
export const LITERAL_LENGTH_INFO = new Int32Array(288);
for (let s = 0; s < 256; s++) LITERAL_LENGTH_INFO[s] = (s << 16) | KIND_LITERAL;
LITERAL_LENGTH_INFO[256] = KIND_END;
for (let s = 257; s < 286; s++) {
  LITERAL_LENGTH_INFO[s] = (LENGTH_BASE[s - 257]! << 16) | (LENGTH_EXTRA[s - 257]! << 4) | KIND_LENGTH;
}
LITERAL_LENGTH_INFO[286] = KIND_INVALID;
LITERAL_LENGTH_INFO[287] = KIND_INVALID;

/** Entry data of the 32 distance symbols. */
export const DISTANCE_INFO = new Int32Array(32);
for (let s = 0; s < 30; s++) DISTANCE_INFO[s] = (DISTANCE_BASE[s]! << 16) | (DISTANCE_EXTRA[s]! << 4);
DISTANCE_INFO[30] = KIND_INVALID;
DISTANCE_INFO[31] = KIND_INVALID;

/** Entry data of the 19 code-length symbols. */
export const CODE_LENGTH_INFO = new Int32Array(19);
for (let s = 0; s < 19; s++) CODE_LENGTH_INFO[s] = s << 16;
