/**
 * Byte helpers every test area shares: literal bytes written as hex, hex for readable failures,
 * and concatenation. Tests only; the library's codecs never use these.
 */

/** Bytes from a hex string; white space is ignored, so tables can group bytes as the spec does. */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Lower-case hex of bytes, for readable failures and compact expectations. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** `parts` one after another in a new array (an array, not rest arguments: a connection's reads can be many thousands). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
