/**
 * A tiny seeded pseudo-random generator (mulberry32) whose whole state is one 32-bit number,
 * so it lives in the machine's JSON snapshot and replays give the same jitter every time.
 * Jitter needs spread, not secrecy: nothing here is used for security.
 */

/** Draws the next value in [0, 1) and returns it with the generator's next state. */
export function nextRandom(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return { value, state: next };
}

/** Turns any number (for example 32 random bits from the platform) into a generator state. */
export function seedRandom(seed: number): number {
  return Math.trunc(seed) | 0;
}
