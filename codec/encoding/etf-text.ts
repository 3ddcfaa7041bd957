/**
 * Bytes -> strings for the ETF decoder: atoms (Latin-1 or UTF-8), binaries (UTF-8 with
 * replacement) and map keys. Owns the key cache; knows nothing of tags or lengths, and never
 * copies the input (short strings are built from the bytes in place, long ones go to TextDecoder).
 */

// ignoreBOM keeps a leading U+FEFF: a binary's bytes are data, not a text stream.
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Strict = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });

// Measured on Node 20: building a string char by char beats TextDecoder's fixed call cost
// below about 24 bytes; past that TextDecoder wins.
const SHORT_STRING = 24;

// Map keys repeat in every payload ("id", "guild_id", ...). Returning the same string each
// time spares an allocation and lets V8 reuse its internalized key and object shapes. Values
// do not go through it: measured, caching them gained nothing and evicted keys.
const KEY_CACHE_BITS = 12;
const KEY_CACHE_MASK = (1 << KEY_CACHE_BITS) - 1;
const KEY_CACHE_MAX_LENGTH = 32;
const keyCache: string[] = new Array<string>(1 << KEY_CACHE_BITS).fill('');

/** Decodes ASCII bytes; returns undefined at the first byte >= 0x80 so the caller can fall back. */
function asciiShort(bytes: Uint8Array, start: number, end: number): string | undefined {
  let text = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return undefined;
    text += String.fromCharCode(c);
  }
  return text;
}

/** UTF-8 text of `length` bytes at `start`; invalid sequences become U+FFFD as TextDecoder does. */
export function utf8Text(bytes: Uint8Array, start: number, length: number): string {
  const end = start + length;
  if (length <= SHORT_STRING) {
    const ascii = asciiShort(bytes, start, end);
    if (ascii !== undefined) return ascii;
  }
  return utf8Lenient.decode(bytes.subarray(start, end));
}

/** UTF-8 text of `length` bytes at `start`, or undefined if the bytes are not UTF-8. */
export function utf8TextStrict(bytes: Uint8Array, start: number, length: number): string | undefined {
  const end = start + length;
  if (length <= SHORT_STRING) {
    const ascii = asciiShort(bytes, start, end);
    if (ascii !== undefined) return ascii;
  }
  try {
    return utf8Strict.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** Latin-1 text (one byte, one UTF-16 unit) of `length` bytes at `start`. */
export function latin1Text(bytes: Uint8Array, start: number, length: number): string {
  let text = '';
  // Chunks keep fromCharCode.apply far below any engine's argument-count limit.
  for (let i = start, end = start + length; i < end; i += 4096) {
    text += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(i + 4096, end)) as unknown as number[],
    );
  }
  return text;
}

/**
 * The string for an ASCII atom or map key of `length` bytes at `start`, from the cache when it
 * was seen before; undefined when the bytes are not all ASCII or too long to cache, so the
 * caller decodes them by their own rules (Latin-1 or UTF-8).
 */
export function cachedAscii(bytes: Uint8Array, start: number, length: number): string | undefined {
  if (length > KEY_CACHE_MAX_LENGTH) return undefined;
  const end = start + length;
  let hash = length;
  let high = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    high |= c;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  if (high >= 0x80) return undefined;
  const slot = (hash ^ (hash >>> KEY_CACHE_BITS)) & KEY_CACHE_MASK;
  const cached = keyCache[slot]!;
  if (cached.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (cached.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  keyCache[slot] = text;
  return text;
}
