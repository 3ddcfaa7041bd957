// Seeded randomness for the corpus: the same seed gives the same bytes on every machine, so
// results from two runs (or two machines) measure the same work. Owns nothing else.

/** A mulberry32 generator: uniform floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one generator, so the generators read like the data they make. */
export class Dice {
  constructor(seed) {
    this.next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p) {
    return this.next() < p;
  }

  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }

  /** `n` lowercase hex digits, like Discord's avatar and icon hashes. */
  hex(n) {
    let out = '';
    for (let i = 0; i < n; i++) out += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return out;
  }
}
