/**
 * The tests' seeded randomness: the same seed gives the same numbers on every run and machine, so
 * a random chunking or payload that fails can be repeated. Not for anything secret.
 */

/** A mulberry32 generator: uniform floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` bytes drawn from `random`: incompressible, so deflate stores them as they are. */
export function randomBytes(length: number, random: () => number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
