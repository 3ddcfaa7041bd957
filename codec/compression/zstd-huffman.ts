/**
 * Huffman coding of zstd literals (RFC 8878 section 4.2): reading a tree description (weights,
 * direct or FSE-compressed) into a decoding table, and decoding 1 or 4 backward streams with it.
 * Owns its tables; knows nothing of blocks or sequences.
 */
import { BackwardBitReader, highBit } from './backward-bit-reader.js';
import { FseTable } from './fse-table.js';
import { zstdCorrupt } from './zstd-errors.js';

/** Longest literal code zstd allows. */
const MAX_HUFFMAN_BITS = 11;
const MAX_WEIGHT_LOG = 6;

/** A literal decoding table, indexed by the next `maxBits` bits of a stream. */
export class HuffmanLiteralTable {
  /** Code length of the longest code; 0 while no table was read in this frame. */
  maxBits = 0;
  /** Entries `(symbol << 4) | codeLength`. */
  readonly entries = new Uint16Array(1 << MAX_HUFFMAN_BITS);
  private readonly weights = new Uint8Array(256);
  private readonly weightTable = new FseTable();
  private readonly reader = new BackwardBitReader();
  private readonly rankCount = new Uint16Array(MAX_HUFFMAN_BITS + 2);
  private readonly firstPosition = new Uint16Array(MAX_HUFFMAN_BITS + 2);

  /** Forgets the table (a new frame may not reuse it). */
  clear(): void {
    this.maxBits = 0;
  }

  /** Reads a tree description at `data[pos]` (within `end`); returns the position after it. */
  readDescription(data: Uint8Array, pos: number, end: number): number {
    if (pos >= end) throw zstdCorrupt('missing Huffman tree description');
    const header = data[pos++]!;
    const weights = this.weights;
    let count: number;
    if (header < 128) {
      const streamEnd = pos + header;
      if (header === 0 || streamEnd > end) throw zstdCorrupt('Huffman weights run past the literals section');
      const table = this.weightTable;
      const bitsStart = table.readDescription(data, pos, streamEnd, MAX_WEIGHT_LOG, 15);
      count = this.decodeWeights(data, bitsStart, streamEnd);
      pos = streamEnd;
    } else {
      count = header - 127;
      const bytes = (count + 1) >>> 1;
      if (pos + bytes > end) throw zstdCorrupt('Huffman weights run past the literals section');
      for (let i = 0; i < count; i++) {
        const byte = data[pos + (i >>> 1)]!;
        weights[i] = i & 1 ? byte & 15 : byte >>> 4;
      }
      pos += bytes;
    }
    this.buildFromWeights(count);
    return pos;
  }

  /** Decodes FSE-compressed weights with two interleaved states; returns how many. */
  private decodeWeights(data: Uint8Array, start: number, end: number): number {
    const table = this.weightTable;
    const reader = this.reader;
    const weights = this.weights;
    reader.init(data, start, end);
    const log = table.accuracyLog;
    let state1 = reader.read(log);
    let state2 = reader.read(log);
    let count = 0;
    // The stream ends when a state update would need bits it does not have.
    // At most 255 weights are sent (the 256th is implied); more means the stream is corrupt.
    for (;;) {
      if (count > 252) throw zstdCorrupt('too many Huffman weights');
      weights[count++] = table.symbol[state1]!;
      state1 = table.baseline[state1]! + reader.read(table.numBits[state1]!);
      if (reader.overflowed()) {
        weights[count++] = table.symbol[state2]!;
        break;
      }
      weights[count++] = table.symbol[state2]!;
      state2 = table.baseline[state2]! + reader.read(table.numBits[state2]!);
      if (reader.overflowed()) {
        weights[count++] = table.symbol[state1]!;
        break;
      }
    }
    return count;
  }

  /** Completes the weights with the implied last one and fills the decoding table. */
  private buildFromWeights(count: number): void {
    const weights = this.weights;
    const ranks = this.rankCount;
    ranks.fill(0);
    let total = 0;
    for (let s = 0; s < count; s++) {
      const w = weights[s]!;
      if (w > MAX_HUFFMAN_BITS) throw zstdCorrupt(`Huffman weight ${w} is over ${MAX_HUFFMAN_BITS}`);
      ranks[w]!++;
      if (w > 0) total += 1 << (w - 1);
    }
    if (total === 0) throw zstdCorrupt('Huffman tree has no symbols');
    const maxBits = highBit(total) + 1;
    if (maxBits > MAX_HUFFMAN_BITS) throw zstdCorrupt('Huffman tree is deeper than 11 bits');
    const rest = (1 << maxBits) - total;
    if (rest & (rest - 1)) throw zstdCorrupt('Huffman weights do not complete to a power of two');
    if (count >= 256) throw zstdCorrupt('too many Huffman weights');
    const lastWeight = highBit(rest) + 1;
    weights[count] = lastWeight;
    ranks[lastWeight]!++;
    const symbols = count + 1;
    // A complete prefix code has an even number, at least two, of the longest codes.
    if (ranks[1]! < 2 || ranks[1]! & 1) throw zstdCorrupt('invalid Huffman tree');

    // Codes are handed out from the longest (weight 1) up, in symbol order within a weight:
    // each weight's first table position is where the lower weights' spans end.
    const entries = this.entries;
    const firstPosition = this.firstPosition;
    let position = 0;
    for (let w = 1; w <= maxBits; w++) {
      firstPosition[w] = position;
      position += ranks[w]! << (w - 1);
    }
    for (let s = 0; s < symbols; s++) {
      const w = weights[s]!;
      if (w === 0) continue;
      const span = 1 << (w - 1);
      const from = firstPosition[w]!;
      entries.fill((s << 4) | (maxBits + 1 - w), from, from + span);
      firstPosition[w] = from + span;
    }
    this.maxBits = maxBits;
  }

  /**
   * Decodes `count` literals from the stream `data[start, end)` into `out[at, at + count)`.
   * The stream must be consumed exactly. The reader's state lives in locals here.
   */
  decodeStream(data: Uint8Array, start: number, end: number, out: Uint8Array, at: number, count: number): void {
    const reader = this.reader;
    reader.init(data, start, end);
    let container = reader.container;
    let avail = reader.avail;
    let next = reader.next;
    const first = reader.start;
    const entries = this.entries;
    const maxBits = this.maxBits;
    const mask = (1 << maxBits) - 1;
    const stop = at + count;
    let i = at;
    // Two literals per refill while at least 22 bits (two of the longest codes) are at hand.
    while (i + 1 < stop) {
      if (avail < 22) {
        while (avail <= 24 && next >= first) {
          container = (container << 8) | data[next--]!;
          avail += 8;
        }
        if (avail < 22) break;
      }
      let entry = entries[(container >>> (avail - maxBits)) & mask]!;
      out[i++] = entry >>> 4;
      avail -= entry & 15;
      entry = entries[(container >>> (avail - maxBits)) & mask]!;
      out[i++] = entry >>> 4;
      avail -= entry & 15;
    }
    // The last few: the bits below the stream's start read as zeros.
    while (i < stop) {
      while (avail <= 24 && next >= first) {
        container = (container << 8) | data[next--]!;
        avail += 8;
      }
      if (avail <= 0) break;
      const bits = avail >= maxBits ? container >>> (avail - maxBits) : container << (maxBits - avail);
      const entry = entries[bits & mask]!;
      out[i++] = entry >>> 4;
      avail -= entry & 15;
    }
    if (i !== stop || avail !== 0 || next >= first) {
      throw zstdCorrupt('a Huffman literal stream does not end exactly with its last literal');
    }
  }
}
