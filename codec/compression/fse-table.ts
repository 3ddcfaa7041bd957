/**
 * FSE decoding tables of zstd (RFC 8878 section 4.1): reading a table description (normalized
 * counts) from the forward bit stream, and building the decoding table from counts. Tables are
 * preallocated at their largest size and rebuilt in place.
 */
import { highBit } from './backward-bit-reader.js';
import { zstdCorrupt } from './zstd-errors.js';

/** Largest accuracy log any zstd FSE table may use (literal and match lengths). */
export const MAX_ACCURACY_LOG = 9;

/** A decoding table: for each state, the symbol it yields and how to reach the next state. */
export class FseTable {
  /** log2 of the table size (0 for a one-symbol RLE table). */
  accuracyLog = 0;
  readonly symbol = new Uint8Array(1 << MAX_ACCURACY_LOG);
  readonly numBits = new Uint8Array(1 << MAX_ACCURACY_LOG);
  readonly baseline = new Uint16Array(1 << MAX_ACCURACY_LOG);
  private readonly counts = new Int16Array(256);
  private readonly next = new Uint16Array(256);

  /**
   * Reads a table description starting at `data[pos]` (not past `end`) and builds the table.
   * Returns the position after the description (it uses whole bytes).
   */
  readDescription(data: Uint8Array, pos: number, end: number, maxLog: number, maxSymbol: number): number {
    if (pos >= end) throw zstdCorrupt('missing FSE table description');
    const counts = this.counts;
    const log = (data[pos]! & 15) + 5;
    if (log > maxLog) throw zstdCorrupt(`FSE accuracy log ${log} is over the maximum of ${maxLog}`);
    let bit = pos * 8 + 4;
    const endBit = end * 8;
    let remaining = 1 << log;
    let symbol = 0;
    while (remaining > 0) {
      if (symbol > maxSymbol) throw zstdCorrupt('FSE table description has too many symbols');
      // Values 0..remaining+1 fit in `bits` bits; the smallest `low` of them take one bit less.
      const top = remaining + 1;
      const bits = highBit(top) + 1; // at most 10: log <= 9
      const low = (1 << bits) - 1 - top;
      const raw = readForward(data, bit, bits, endBit);
      const half = 1 << (bits - 1);
      let value: number;
      if ((raw & (half - 1)) < low) {
        value = raw & (half - 1);
        bit += bits - 1;
      } else {
        value = raw >= half ? raw - low : raw;
        bit += bits;
      }
      if (bit > endBit) throw zstdCorrupt('FSE table description runs past its section');
      const probability = value - 1;
      counts[symbol++] = probability;
      remaining -= probability < 0 ? 1 : probability;
      if (probability === 0) {
        for (;;) {
          const repeat = readForward(data, bit, 2, endBit);
          bit += 2;
          if (bit > endBit) throw zstdCorrupt('FSE table description runs past its section');
          if (symbol + repeat > maxSymbol + 1) throw zstdCorrupt('FSE table description has too many symbols');
          for (let i = 0; i < repeat; i++) counts[symbol++] = 0;
          if (repeat !== 3) break;
        }
      }
    }
    if (remaining < 0) throw zstdCorrupt('FSE probabilities add up to more than the table size');
    this.build(counts, symbol, log);
    return (bit + 7) >>> 3;
  }

  /** Builds the table from normalized counts (-1 meaning "less than one"). */
  build(counts: ArrayLike<number>, symbols: number, log: number): void {
    const size = 1 << log;
    const symbolOf = this.symbol;
    const next = this.next;
    let high = size - 1;
    for (let s = 0; s < symbols; s++) {
      if (counts[s] === -1) {
        symbolOf[high--] = s;
        next[s] = 1;
      } else {
        next[s] = counts[s]!;
      }
    }
    const step = (size >>> 1) + (size >>> 3) + 3;
    const mask = size - 1;
    let position = 0;
    for (let s = 0; s < symbols; s++) {
      const count = counts[s]!;
      for (let i = 0; i < count; i++) {
        symbolOf[position] = s;
        do position = (position + step) & mask;
        while (position > high);
      }
    }
    if (position !== 0) throw zstdCorrupt('FSE probabilities do not fill the table');
    for (let state = 0; state < size; state++) {
      const s = symbolOf[state]!;
      const nextState = next[s]!++;
      const bits = log - highBit(nextState);
      this.numBits[state] = bits;
      this.baseline[state] = (nextState << bits) - size;
    }
    this.accuracyLog = log;
  }

  /** Makes this a one-state table that always yields `symbol` and reads no bits (RLE mode). */
  buildRle(symbol: number): void {
    this.symbol[0] = symbol;
    this.numBits[0] = 0;
    this.baseline[0] = 0;
    this.accuracyLog = 0;
  }
}

/** Reads `n` (<= 16) bits forward from bit `bit`; bits at or past `endBit` read as zero. */
function readForward(data: Uint8Array, bit: number, n: number, endBit: number): number {
  const at = bit >>> 3;
  const endByte = endBit >>> 3;
  let value = at < endByte ? data[at]! : 0;
  if (at + 1 < endByte) value |= data[at + 1]! << 8;
  if (at + 2 < endByte) value |= data[at + 2]! << 16;
  return (value >>> (bit & 7)) & ((1 << n) - 1);
}

/** Builds a table from one of the default distributions of RFC 8878 section 3.1.1.3.2.2. */
function predefinedTable(counts: readonly number[], log: number): FseTable {
  const table = new FseTable();
  table.build(counts, counts.length, log);
  return table;
}

/** Default distribution of literal length codes (accuracy log 6). */
export const PREDEFINED_LITERAL_LENGTHS = predefinedTable(
  [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1],
  6,
);
/** Default distribution of match length codes (accuracy log 6). */
export const PREDEFINED_MATCH_LENGTHS = predefinedTable(
  [
    1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
  ],
  6,
);
/** Default distribution of offset codes (accuracy log 5). */
export const PREDEFINED_OFFSETS = predefinedTable(
  [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1],
  5,
);
