/**
 * A streaming UTF-8 validator (Unicode table 3-7: no overlongs, no surrogates, nothing past
 * U+10FFFF). It only says yes or no; it never decodes, so text messages stay bytes.
 */

/** The validator state at a code point boundary: the input so far is complete, valid UTF-8. */
export const UTF8_ACCEPT = 0;
/** The validator state after invalid input. Passing it back in returns it again. */
export const UTF8_REJECT = -1;

/**
 * Validates `bytes` as the continuation of a UTF-8 stream in `state` (start with
 * {@link UTF8_ACCEPT}). Returns UTF8_ACCEPT, UTF8_REJECT, or a positive state meaning a code
 * point is cut at the end of `bytes`; feed that state with the next piece.
 */
export function validateUtf8(bytes: Uint8Array, state: number): number {
  if (state < 0) return UTF8_REJECT;
  const n = bytes.length;
  let i = 0;
  // A pending sequence is packed as: bytes still needed (bits 0-1), then the allowed range of
  // the next byte (low bound in bits 8-15, high bound in bits 16-23).
  let need = state & 0x3;
  let lo = (state >>> 8) & 0xff;
  let hi = state >>> 16;
  for (;;) {
    while (need > 0) {
      if (i === n) return need | (lo << 8) | (hi << 16);
      const c = bytes[i]!;
      if (c < lo || c > hi) return UTF8_REJECT;
      i++;
      need--;
      lo = 0x80;
      hi = 0xbf;
    }
    // Gateway payloads are mostly ASCII: skip it eight bytes per test.
    while (
      i + 8 <= n &&
      ((bytes[i]! |
        bytes[i + 1]! |
        bytes[i + 2]! |
        bytes[i + 3]! |
        bytes[i + 4]! |
        bytes[i + 5]! |
        bytes[i + 6]! |
        bytes[i + 7]!) &
        0x80) ===
        0
    ) {
      i += 8;
    }
    let b: number;
    do {
      if (i === n) return UTF8_ACCEPT;
      b = bytes[i++]!;
    } while (b < 0x80);
    if (b < 0xc2) return UTF8_REJECT; // a stray continuation byte, or an overlong 2-byte lead
    lo = 0x80;
    hi = 0xbf;
    if (b < 0xe0) {
      need = 1;
    } else if (b < 0xf0) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      else if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b < 0xf5) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      else if (b === 0xf4) hi = 0x8f; // past U+10FFFF
    } else {
      return UTF8_REJECT;
    }
  }
}
