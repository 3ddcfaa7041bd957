/**
 * Ways to cut a byte stream into the pieces a decoder is fed: at given offsets, at arbitrary
 * points, in fixed sizes, or in seeded random sizes. Every piece list covers all of the input.
 */

/** `bytes` cut at `cuts` (ascending offsets within the input; a repeated cut gives an empty piece). Views, no copies. */
export function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const bounds = [0, ...cuts, bytes.length];
  return bounds.slice(0, -1).map((from, i) => bytes.subarray(from, bounds[i + 1]));
}

/**
 * `bytes` cut at arbitrary naturals, each taken modulo `length + 1` (duplicates dropped), so a
 * fast-check list of `fc.nat()` fits any input and shrinks well. Views, no copies.
 */
export function cutAnywhere(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return splitAt(bytes, ...points);
}

/** `bytes` in pieces of `size` bytes (the last one shorter). Views, no copies. */
export function fixedChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/**
 * `bytes` in pieces of 1..`maxChunk` bytes, sizes drawn from `random` (see seeded-random.ts).
 * Each piece is a copy, as separate socket reads would be: a decoder that reads past a piece's
 * end cannot borrow the next piece's bytes from a shared buffer.
 */
export function randomChunks(bytes: Uint8Array, random: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}
