/**
 * Canonical Huffman decoding tables for DEFLATE. A table owns its arrays and is rebuilt in
 * place for every dynamic block, so decoding allocates nothing per block.
 */

const REVERSED_BYTE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let r = 0;
  for (let b = 0; b < 8; b++) r |= ((i >>> b) & 1) << (7 - b);
  REVERSED_BYTE[i] = r;
}

/** Longest code DEFLATE allows. */
export const MAX_CODE_BITS = 15;

/**
 * A decoding table: a direct lookup on the next `rootBits` input bits for short codes (almost
 * every symbol), and the canonical counts and symbols for the rare longer ones.
 * Entries are `info[symbol] | codeLength` (code length in bits 0-3, the alphabet's own data
 * above); a root entry of 0 means "not a short code".
 */
export class HuffmanTable {
  /** Per-symbol data of the alphabet, OR-ed into entries; bits 0-3 must be zero. */
  readonly info: Int32Array;
  /** Number of input bits the root table is indexed by: the longest code, up to `maxRootBits`. */
  rootBits = 0;
  /** Largest root table this table may build. */
  readonly maxRootBits: number;
  /** Direct lookup: entry for every `rootBits`-bit input (LSB-first, as DEFLATE packs codes). */
  readonly root: Int32Array;
  /** Number of codes of each length 0..15. */
  readonly counts = new Uint16Array(MAX_CODE_BITS + 1);
  /** Symbols in canonical order (by code length, then value). */
  readonly symbols: Uint16Array;
  /** Longest code length in the current code (0 for an empty code). */
  maxLength = 0;
  /** Code space left unused: 0 complete, > 0 incomplete, < 0 over-subscribed (invalid). */
  left = 0;
  private readonly offsets = new Uint16Array(MAX_CODE_BITS + 2);
  private readonly nextCode = new Uint16Array(MAX_CODE_BITS + 1);

  constructor(maxRootBits: number, info: Int32Array) {
    this.info = info;
    this.maxRootBits = maxRootBits;
    this.root = new Int32Array(1 << maxRootBits);
    this.symbols = new Uint16Array(info.length);
  }

  /**
   * Rebuilds the table from `count` code lengths starting at `lengths[offset]`. Sets `left` and
   * `maxLength`; the caller decides which incomplete codes its alphabet tolerates.
   */
  build(lengths: Uint8Array, offset: number, count: number): void {
    const counts = this.counts;
    counts.fill(0);
    for (let s = 0; s < count; s++) counts[lengths[offset + s]!]!++;
    this.buildCounted(lengths, offset, count);
  }

  /**
   * {@link build} for a caller that already filled `counts` with how many of the lengths are
   * 1..15 (a dynamic block's header counts them as it expands them; `counts[0]` is ignored).
   */
  buildCounted(lengths: Uint8Array, offset: number, count: number): void {
    const counts = this.counts;
    counts[0] = 0;
    let left = 1;
    let maxLength = 0;
    for (let len = 1; len <= MAX_CODE_BITS; len++) {
      left = (left << 1) - counts[len]!;
      if (left < 0) break;
      if (counts[len]) maxLength = len;
    }
    this.left = left;
    this.maxLength = maxLength;
    if (left < 0) return;

    const nextCode = this.nextCode;
    let code = 0;
    for (let len = 1; len <= MAX_CODE_BITS; len++) {
      nextCode[len] = code;
      code = (code + counts[len]!) << 1;
    }
    const info = this.info;
    const root = this.root;
    // Small blocks have short codes: a root no wider than the longest code is cheaper to fill.
    const rootBits = Math.max(1, Math.min(this.maxRootBits, maxLength));
    this.rootBits = rootBits;
    const rootSize = 1 << rootBits;
    // Codes longer than the root are decoded from the canonical order, so only they need it.
    const long = maxLength > rootBits;
    // A complete code whose codes all fit the root writes every root entry: no clearing needed.
    if (long || left !== 0) root.fill(0, 0, rootSize);
    if (long) this.sortSymbols(lengths, offset, count);
    for (let s = 0; s < count; s++) {
      const len = lengths[offset + s]!;
      if (len === 0) continue;
      const c = nextCode[len]!++;
      if (len > rootBits) continue;
      // DEFLATE sends codes most-significant bit first into an LSB-first bit stream.
      const reversed = ((REVERSED_BYTE[c & 0xff]! << 8) | REVERSED_BYTE[c >>> 8]!) >>> (16 - len);
      const entry = info[s]! | len;
      for (let i = reversed; i < rootSize; i += 1 << len) root[i] = entry;
    }
  }

  // The symbols in canonical order (by code length, then value), for decodeLongCode.
  private sortSymbols(lengths: Uint8Array, offset: number, count: number): void {
    const counts = this.counts;
    const offsets = this.offsets;
    offsets[1] = 0;
    for (let len = 1; len <= MAX_CODE_BITS; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
    const symbols = this.symbols;
    for (let s = 0; s < count; s++) {
      const len = lengths[offset + s]!;
      if (len !== 0) symbols[offsets[len]!++] = s;
    }
  }
}

/**
 * Decodes a code the root table does not hold (longer than `rootBits`, or unused code space)
 * from `bits` (the next input bits, LSB first; at least 15 valid). Returns the entry
 * `info[symbol] | length`, or -1 if the bits form no code.
 */
export function decodeLongCode(table: HuffmanTable, bits: number): number {
  const counts = table.counts;
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_CODE_BITS; len++) {
    code |= (bits >>> (len - 1)) & 1;
    const count = counts[len]!;
    if (code - first < count) return table.info[table.symbols[index + code - first]!]! | len;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return -1;
}
