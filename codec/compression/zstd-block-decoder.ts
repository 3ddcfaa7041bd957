/**
 * Decodes the blocks of a zstd frame (RFC 8878 section 3.1.1.2-3.1.2) onto a WindowedOutput:
 * raw, RLE and compressed blocks (sequences section and sequence execution; the literals
 * section is zstd-literals.ts). Owns the state a frame carries from block to block (repeat
 * offsets, FSE tables); never sees frame headers, WebSocket messages or buffering.
 */
import { BackwardBitReader, MASK } from './backward-bit-reader.js';
import {
  FseTable,
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSETS,
} from './fse-table.js';
import type { WindowedOutput } from './windowed-output.js';
import { zstdCorrupt } from './zstd-errors.js';
import { MAX_BLOCK_SIZE, ZstdLiterals } from './zstd-literals.js';
import {
  LITERAL_LENGTH_BASE,
  LITERAL_LENGTH_BITS,
  MATCH_LENGTH_BASE,
  MATCH_LENGTH_BITS,
  MAX_LITERAL_LENGTH_CODE,
  MAX_MATCH_LENGTH_CODE,
  MAX_OFFSET_CODE,
  MAX_OFFSET_TABLE_SYMBOL,
} from './zstd-sequence-codes.js';

// Below this length a byte loop beats copyWithin's call overhead.
const COPY_WITHIN_MIN = 16;

/** Per-frame decoding state and the block decoders. */
export class ZstdBlockDecoder {
  /** Bytes this frame has produced so far. */
  frameOutput = 0;
  private readonly output: WindowedOutput;
  private window = 0;
  private blockMax = 0;
  private rep1 = 1;
  private rep2 = 4;
  private rep3 = 8;
  private readonly ownLiteralLengths = new FseTable();
  private readonly ownOffsets = new FseTable();
  private readonly ownMatchLengths = new FseTable();
  private literalLengths: FseTable | null = null;
  private offsets: FseTable | null = null;
  private matchLengths: FseTable | null = null;
  private readonly reader = new BackwardBitReader();
  private readonly literals = new ZstdLiterals();

  constructor(output: WindowedOutput) {
    this.output = output;
  }

  /** Starts a frame: no history, default repeat offsets, no tables to repeat. */
  beginFrame(windowSize: number): void {
    this.window = windowSize;
    this.blockMax = Math.min(windowSize, MAX_BLOCK_SIZE);
    this.frameOutput = 0;
    this.rep1 = 1;
    this.rep2 = 4;
    this.rep3 = 8;
    this.literals.beginFrame();
    this.literalLengths = null;
    this.offsets = null;
    this.matchLengths = null;
  }

  /** The largest block this frame allows (content and decoded size). */
  get blockMaximum(): number {
    return this.blockMax;
  }

  /** Appends a raw block's `size` bytes from `data[start]`. */
  rawBlock(data: Uint8Array, start: number, size: number): void {
    const output = this.output;
    if (output.pos + size > output.limit()) output.reserve(size);
    output.buf.set(data.subarray(start, start + size), output.pos);
    output.pos += size;
    this.frameOutput += size;
  }

  /** Appends `size` copies of `byte` (an RLE block). */
  rleBlock(byte: number, size: number): void {
    const output = this.output;
    if (output.pos + size > output.limit()) output.reserve(size);
    output.buf.fill(byte, output.pos, output.pos + size);
    output.pos += size;
    this.frameOutput += size;
  }

  /** Decodes the compressed block `data[start, end)`. */
  compressedBlock(data: Uint8Array, start: number, end: number): void {
    const sequencesStart = this.literals.read(data, start, end, this.blockMax);
    this.readAndExecuteSequences(data, sequencesStart, end);
  }

  /** Reads the sequences section and executes it, then appends the leftover literals. */
  private readAndExecuteSequences(data: Uint8Array, pos: number, end: number): void {
    if (pos >= end) throw zstdCorrupt('missing sequences section');
    let count = data[pos++]!;
    if (count >= 128) {
      if (count === 255) {
        if (pos + 2 > end) throw zstdCorrupt('sequences header runs past the block');
        count = data[pos]! + (data[pos + 1]! << 8) + 0x7f00;
        pos += 2;
      } else {
        if (pos + 1 > end) throw zstdCorrupt('sequences header runs past the block');
        count = ((count - 128) << 8) + data[pos++]!;
      }
    }
    if (count === 0) {
      if (pos !== end) throw zstdCorrupt('bytes after an empty sequences section');
      this.copyLiterals();
      return;
    }
    if (pos >= end) throw zstdCorrupt('missing symbol compression modes');
    const modes = data[pos++]!;
    if (modes & 3) throw zstdCorrupt('reserved bits of the symbol compression modes are set');
    pos = this.selectTable(0, (modes >>> 6) & 3, data, pos, end);
    pos = this.selectTable(1, (modes >>> 4) & 3, data, pos, end);
    pos = this.selectTable(2, (modes >>> 2) & 3, data, pos, end);
    this.executeSequences(data, pos, end, count);
  }

  /** Sets the table of one symbol type (0 literal lengths, 1 offsets, 2 match lengths). */
  private selectTable(kind: number, mode: number, data: Uint8Array, pos: number, end: number): number {
    const maxSymbol = kind === 0 ? MAX_LITERAL_LENGTH_CODE : kind === 1 ? MAX_OFFSET_TABLE_SYMBOL : MAX_MATCH_LENGTH_CODE;
    const own = kind === 0 ? this.ownLiteralLengths : kind === 1 ? this.ownOffsets : this.ownMatchLengths;
    let table: FseTable | null;
    if (mode === 0) {
      table = kind === 0 ? PREDEFINED_LITERAL_LENGTHS : kind === 1 ? PREDEFINED_OFFSETS : PREDEFINED_MATCH_LENGTHS;
    } else if (mode === 1) {
      if (pos >= end) throw zstdCorrupt('missing RLE symbol');
      const symbol = data[pos++]!;
      if (symbol > maxSymbol) throw zstdCorrupt(`RLE code ${symbol} is over ${maxSymbol}`);
      own.buildRle(symbol);
      table = own;
    } else if (mode === 2) {
      pos = own.readDescription(data, pos, end, kind === 1 ? 8 : 9, maxSymbol);
      table = own;
    } else {
      table = kind === 0 ? this.literalLengths : kind === 1 ? this.offsets : this.matchLengths;
      if (table === null) throw zstdCorrupt('repeat mode without an earlier table in the frame');
    }
    if (kind === 0) this.literalLengths = table;
    else if (kind === 1) this.offsets = table;
    else this.matchLengths = table;
    return pos;
  }

  /**
   * The sequence loop: decode each (literals, offset, match) and execute it at once. The bit
   * reader's state lives in locals here (RFC 8878 order: offset, match and literal length extra
   * bits, then the literal length, match length and offset states).
   */
  private executeSequences(data: Uint8Array, start: number, end: number, count: number): void {
    const ll = this.literalLengths!;
    const of = this.offsets!;
    const ml = this.matchLengths!;
    const llSymbol = ll.symbol;
    const llBits = ll.numBits;
    const llBase = ll.baseline;
    const ofSymbol = of.symbol;
    const ofBits = of.numBits;
    const ofBase = of.baseline;
    const mlSymbol = ml.symbol;
    const mlBits = ml.numBits;
    const mlBase = ml.baseline;
    const reader = this.reader;
    reader.init(data, start, end);
    let llState = reader.read(ll.accuracyLog);
    let ofState = reader.read(of.accuracyLog);
    let mlState = reader.read(ml.accuracyLog);
    if (reader.overflowed()) throw zstdCorrupt('sequences bit stream is too short');
    let container = reader.container;
    let avail = reader.avail;
    let next = reader.next;
    const streamStart = reader.start;

    const output = this.output;
    let out = output.buf;
    let pos = output.pos;
    let limit = output.limit();
    let blockEnd = pos + this.blockMax;
    const window = this.window;
    let frameStartPos = pos - this.frameOutput;
    const source = this.literals;
    const literals = source.data;
    let literalPos = source.start;
    const literalEnd = literalPos + source.count;
    let rep1 = this.rep1;
    let rep2 = this.rep2;
    let rep3 = this.rep3;

    let i = 0;
    for (; i < count; i++) {
      const ofCode = ofSymbol[ofState]!;
      const mlCode = mlSymbol[mlState]!;
      const llCode = llSymbol[llState]!;
      // Integer arithmetic only: a heap double stored in rep1 would change this object's shape.
      if (ofCode > MAX_OFFSET_CODE) throw zstdCorrupt(`offset code ${ofCode} reaches past any supported window`);

      // Refill whenever fewer than 25 bits are left and bytes remain: every read below is at
      // most 24 bits, and one that still finds too few bits has run past the stream's start.
      if (avail < 25 && next >= streamStart) {
        do {
          container = (container << 8) | data[next--]!;
          avail += 8;
        } while (avail <= 24 && next >= streamStart);
      }
      let offsetValue = 1 << ofCode;
      let n = ofCode;
      if (n > 24) {
        n -= 24;
        if (avail < 24) break;
        avail -= 24;
        offsetValue += ((container >>> avail) & 0xffffff) << n;
        if (avail < 25 && next >= streamStart) {
          do {
            container = (container << 8) | data[next--]!;
            avail += 8;
          } while (avail <= 24 && next >= streamStart);
        }
      }
      if (avail < n) break;
      avail -= n;
      offsetValue += (container >>> avail) & MASK[n]!;

      n = MATCH_LENGTH_BITS[mlCode]!;
      if (avail < n) {
        while (avail <= 24 && next >= streamStart) {
          container = (container << 8) | data[next--]!;
          avail += 8;
        }
        if (avail < n) break;
      }
      avail -= n;
      const matchLength = MATCH_LENGTH_BASE[mlCode]! + ((container >>> avail) & MASK[n]!);

      n = LITERAL_LENGTH_BITS[llCode]!;
      if (avail < n) {
        while (avail <= 24 && next >= streamStart) {
          container = (container << 8) | data[next--]!;
          avail += 8;
        }
        if (avail < n) break;
      }
      avail -= n;
      const literalLength = LITERAL_LENGTH_BASE[llCode]! + ((container >>> avail) & MASK[n]!);

      if (i + 1 < count) {
        if (avail < 25 && next >= streamStart) {
          do {
            container = (container << 8) | data[next--]!;
            avail += 8;
          } while (avail <= 24 && next >= streamStart);
        }
        n = llBits[llState]!;
        if (avail < n) break;
        avail -= n;
        llState = llBase[llState]! + ((container >>> avail) & MASK[n]!);
        n = mlBits[mlState]!;
        if (avail < n) break;
        avail -= n;
        mlState = mlBase[mlState]! + ((container >>> avail) & MASK[n]!);
        n = ofBits[ofState]!;
        if (avail < n) {
          while (avail <= 24 && next >= streamStart) {
            container = (container << 8) | data[next--]!;
            avail += 8;
          }
          if (avail < n) break;
        }
        avail -= n;
        ofState = ofBase[ofState]! + ((container >>> avail) & MASK[n]!);
      }

      let offset: number;
      if (offsetValue > 3) {
        offset = offsetValue - 3;
        rep3 = rep2;
        rep2 = rep1;
        rep1 = offset;
      } else {
        const index = literalLength === 0 ? offsetValue : offsetValue - 1;
        if (index === 0) {
          offset = rep1;
        } else if (index === 1) {
          offset = rep2;
          rep2 = rep1;
          rep1 = offset;
        } else {
          offset = index === 2 ? rep3 : rep1 - 1;
          rep3 = rep2;
          rep2 = rep1;
          rep1 = offset;
        }
      }

      if (literalLength > literalEnd - literalPos) throw zstdCorrupt('a sequence uses more literals than remain');
      const total = literalLength + matchLength;
      if (pos + total > blockEnd) throw zstdCorrupt('a block decodes to more than its maximum size');
      if (pos + total > limit) {
        output.pos = pos;
        output.reserve(total);
        // Reserving may slide the data towards the start: every position moves with it.
        const shift = output.pos - pos;
        pos += shift;
        blockEnd += shift;
        frameStartPos += shift;
        out = output.buf;
        limit = output.limit();
      }
      if (literalLength !== 0) {
        if (literalLength >= COPY_WITHIN_MIN) {
          out.set(literals.subarray(literalPos, literalPos + literalLength), pos);
          pos += literalLength;
          literalPos += literalLength;
        } else {
          const stop = pos + literalLength;
          while (pos < stop) out[pos++] = literals[literalPos++]!;
        }
      }
      if (offset < 1 || offset > pos - frameStartPos || offset > window) {
        throw zstdCorrupt('a match reaches back further than the frame or its window');
      }
      let from = pos - offset;
      const stop = pos + matchLength;
      if (offset >= matchLength && matchLength >= COPY_WITHIN_MIN) {
        out.copyWithin(pos, from, from + matchLength);
        pos = stop;
      } else {
        while (pos < stop) out[pos++] = out[from++]!;
      }
    }
    // Leaving the loop early means a read found no bits left: the stream is too short.
    if (i !== count) throw zstdCorrupt('sequences bit stream is too short');
    if (pos + (literalEnd - literalPos) > blockEnd) throw zstdCorrupt('a block decodes to more than its maximum size');
    reader.container = container;
    reader.avail = avail;
    reader.next = next;
    this.finishSequences(pos, frameStartPos, literalPos, literalEnd, rep1, rep2, rep3);
  }

  private finishSequences(
    pos: number,
    frameStartPos: number,
    literalPos: number,
    literalEnd: number,
    rep1: number,
    rep2: number,
    rep3: number,
  ): void {
    const reader = this.reader;
    if (reader.overflowed() || reader.remaining() !== 0) {
      throw zstdCorrupt('sequences bit stream has bits left over');
    }
    this.rep1 = rep1;
    this.rep2 = rep2;
    this.rep3 = rep3;
    this.output.pos = pos;
    this.frameOutput = pos - frameStartPos;
    this.literals.start = literalPos;
    this.literals.count = literalEnd - literalPos;
    this.copyLiterals();
  }

  /** Appends the literals not used by sequences (all of them in a block without sequences). */
  private copyLiterals(): void {
    const literals = this.literals;
    const count = literals.count;
    const output = this.output;
    if (output.pos + count > output.limit()) output.reserve(count);
    output.buf.set(literals.data.subarray(literals.start, literals.start + count), output.pos);
    output.pos += count;
    this.frameOutput += count;
    literals.start += count;
    literals.count = 0;
  }
}
