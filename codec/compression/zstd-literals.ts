/**
 * The literals section of a zstd compressed block (RFC 8878 section 3.1.1.3.1): raw, RLE or
 * Huffman-coded literals, with the Huffman tree kept from block to block within a frame.
 * Leaves the block's literals in `data[start, start + count)`; knows nothing of sequences.
 */
import { zstdCorrupt } from './zstd-errors.js';
import { HuffmanLiteralTable } from './zstd-huffman.js';

/** Largest block content and decoded block size (before the window's own limit). */
export const MAX_BLOCK_SIZE = 128 * 1024;

// A block's literals are used up before its decoding returns (and decoding never yields), so
// every context shares one buffer, sized to the largest block maximum seen: idle connections do
// not each keep 128 KiB.
let sharedBuffer = new Uint8Array(0);

/** One block's literals and the frame's Huffman tree. */
export class ZstdLiterals {
  /** Where the literals are: the block itself for raw literals, else an internal buffer. */
  data: Uint8Array;
  /** First literal not yet used. */
  start = 0;
  /** Literals not yet used. */
  count = 0;
  private readonly huffman = new HuffmanLiteralTable();
  private buffer = sharedBuffer;

  constructor() {
    this.data = this.buffer;
  }

  /** Forgets the Huffman tree: a new frame may not reuse it. */
  beginFrame(): void {
    this.huffman.clear();
  }

  /**
   * Reads the literals section at `data[pos]` (within the block ending at `end`; at most
   * `blockMax` literals) and returns where the sequences section starts.
   */
  read(data: Uint8Array, pos: number, end: number, blockMax: number): number {
    if (pos >= end) throw zstdCorrupt('empty compressed block');
    if (sharedBuffer.length < blockMax) sharedBuffer = new Uint8Array(blockMax);
    this.buffer = sharedBuffer;
    const b0 = data[pos]!;
    const type = b0 & 3;
    const sizeFormat = (b0 >>> 2) & 3;
    if (type < 2) {
      let regenerated: number;
      let header: number;
      if (sizeFormat === 1) {
        header = 2;
        regenerated = (b0 >>> 4) | (byteAt(data, pos + 1, end) << 4);
      } else if (sizeFormat === 3) {
        header = 3;
        regenerated = (b0 >>> 4) | (byteAt(data, pos + 1, end) << 4) | (byteAt(data, pos + 2, end) << 12);
      } else {
        header = 1;
        regenerated = b0 >>> 3;
      }
      if (regenerated > blockMax) throw zstdCorrupt('more literals than a block may hold');
      pos += header;
      if (type === 0) {
        if (pos + regenerated > end) throw zstdCorrupt('raw literals run past the block');
        this.data = data;
        this.start = pos;
        this.count = regenerated;
        return pos + regenerated;
      }
      if (pos >= end) throw zstdCorrupt('RLE literals run past the block');
      this.buffer.fill(data[pos]!, 0, regenerated);
      this.useLiteralBuffer(regenerated);
      return pos + 1;
    }

    let regenerated: number;
    let compressed: number;
    let header: number;
    const b1 = byteAt(data, pos + 1, end);
    const b2 = byteAt(data, pos + 2, end);
    if (sizeFormat < 2) {
      header = 3;
      regenerated = (b0 >>> 4) | ((b1 & 63) << 4);
      compressed = (b1 >>> 6) | (b2 << 2);
    } else if (sizeFormat === 2) {
      header = 4;
      const b3 = byteAt(data, pos + 3, end);
      regenerated = (b0 >>> 4) | (b1 << 4) | ((b2 & 3) << 12);
      compressed = (b2 >>> 2) | (b3 << 6);
    } else {
      header = 5;
      const b3 = byteAt(data, pos + 3, end);
      const b4 = byteAt(data, pos + 4, end);
      regenerated = (b0 >>> 4) | (b1 << 4) | ((b2 & 63) << 12);
      compressed = (b2 >>> 6) | (b3 << 2) | (b4 << 10);
    }
    if (regenerated > blockMax) throw zstdCorrupt('more literals than a block may hold');
    pos += header;
    const literalsEnd = pos + compressed;
    if (compressed === 0 || literalsEnd > end) throw zstdCorrupt('compressed literals run past the block');
    const huffman = this.huffman;
    if (type === 2) {
      pos = huffman.readDescription(data, pos, literalsEnd);
    } else if (huffman.maxBits === 0) {
      throw zstdCorrupt('treeless literals without an earlier Huffman table in the frame');
    }
    const out = this.buffer;
    if (sizeFormat === 0) {
      huffman.decodeStream(data, pos, literalsEnd, out, 0, regenerated);
    } else {
      if (pos + 6 > literalsEnd) throw zstdCorrupt('missing Huffman jump table');
      const size1 = data[pos]! | (data[pos + 1]! << 8);
      const size2 = data[pos + 2]! | (data[pos + 3]! << 8);
      const size3 = data[pos + 4]! | (data[pos + 5]! << 8);
      const start1 = pos + 6;
      const start2 = start1 + size1;
      const start3 = start2 + size2;
      const start4 = start3 + size3;
      if (start4 >= literalsEnd) throw zstdCorrupt('Huffman jump table points past the literals');
      const segment = (regenerated + 3) >>> 2;
      const last = regenerated - 3 * segment;
      if (last < 0) throw zstdCorrupt('too few literals for four streams');
      huffman.decodeStream(data, start1, start2, out, 0, segment);
      huffman.decodeStream(data, start2, start3, out, segment, segment);
      huffman.decodeStream(data, start3, start4, out, 2 * segment, segment);
      huffman.decodeStream(data, start4, literalsEnd, out, 3 * segment, last);
    }
    this.useLiteralBuffer(regenerated);
    return literalsEnd;
  }

  private useLiteralBuffer(count: number): void {
    this.data = this.buffer;
    this.start = 0;
    this.count = count;
  }
}

/** `data[index]` if it lies before `end`, else a corrupt-data error. */
function byteAt(data: Uint8Array, index: number, end: number): number {
  if (index >= end) throw zstdCorrupt('literals header runs past the block');
  return data[index]!;
}
