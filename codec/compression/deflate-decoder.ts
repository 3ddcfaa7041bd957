/**
 * DEFLATE (RFC 1951) block decoder for zlib-stream: decodes one sync-flushed segment at a time
 * into an {@link WindowedOutput} whose history is the window. Owns the bit reader and the
 * Huffman tables; never sees the zlib header, WebSocket messages or buffering policy.
 */
import { CompressionError } from './errors.js';
import {
  CODE_LENGTH_INFO,
  CODE_LENGTH_ORDER,
  DISTANCE_INFO,
  fixedDistanceLengths,
  fixedLiteralLengths,
  KIND_END,
  KIND_LENGTH,
  KIND_LITERAL,
  KIND_MASK,
  LITERAL_LENGTH_INFO,
  MAX_DISTANCE_CODES,
  MAX_LITERAL_CODES,
} from './deflate-tables.js';
import { decodeLongCode, HuffmanTable } from './huffman-table.js';
import type { WindowedOutput } from './windowed-output.js';

// Root sizes trade table-building time per block against how often codes miss the root.
const LITERAL_ROOT_BITS = 10;
const DISTANCE_ROOT_BITS = 8;
const CODE_LENGTH_ROOT_BITS = 7;
// Below this length a byte loop beats copyWithin's call overhead.
const COPY_WITHIN_MIN = 12;

const FIXED_LITERAL = new HuffmanTable(LITERAL_ROOT_BITS, LITERAL_LENGTH_INFO);
FIXED_LITERAL.build(fixedLiteralLengths(), 0, 288);
const FIXED_DISTANCE = new HuffmanTable(DISTANCE_ROOT_BITS, DISTANCE_INFO);
FIXED_DISTANCE.build(fixedDistanceLengths(), 0, 32);

const EMPTY = new Uint8Array(0);

// A dynamic block's tables live only while that block is decoded (a sync flush ends every block
// before its segment ends, and decoding never yields), so every decoder shares one set: about
// 6 KiB that a thousand idle connections need not each hold.
const SHARED_LITERAL = new HuffmanTable(LITERAL_ROOT_BITS, LITERAL_LENGTH_INFO);
const SHARED_DISTANCE = new HuffmanTable(DISTANCE_ROOT_BITS, DISTANCE_INFO);
const SHARED_CODE_LENGTH = new HuffmanTable(CODE_LENGTH_ROOT_BITS, CODE_LENGTH_INFO);
const SHARED_LENGTHS = new Uint8Array(MAX_LITERAL_CODES + MAX_DISTANCE_CODES);
const SHARED_CODE_LENGTH_LENGTHS = new Uint8Array(19);

/**
 * Decodes DEFLATE blocks with a persistent window. The bit reader keeps at most 31 bits and
 * reads past the segment's end only as zero padding, which is detected as truncation.
 */
export class DeflateDecoder {
  private readonly output: WindowedOutput;
  private readonly literal = SHARED_LITERAL;
  private readonly distance = SHARED_DISTANCE;
  private readonly codeLength = SHARED_CODE_LENGTH;
  private readonly lengths = SHARED_LENGTHS;
  private readonly codeLengthLengths = SHARED_CODE_LENGTH_LENGTHS;
  private inp: Uint8Array = EMPTY;
  private inPos = 0;
  private end = 0;
  private bitBuf = 0;
  private bitCnt = 0;

  constructor(output: WindowedOutput) {
    this.output = output;
  }

  /**
   * Decodes the blocks of `input[start, end)` onto the output. The segment must end exactly
   * after an empty stored block (what Z_SYNC_FLUSH emits); anything else is an error.
   */
  decodeSegment(input: Uint8Array, start: number, end: number): void {
    this.inp = input;
    this.inPos = start;
    this.end = end;
    this.bitBuf = 0;
    this.bitCnt = 0;
    try {
      for (;;) {
        this.refill();
        const header = this.bitBuf & 7;
        this.bitBuf >>>= 3;
        this.bitCnt -= 3;
        this.checkOverrun();
        if (header & 1) {
          throw new CompressionError(
            'ZLIB_STREAM_ENDED',
            'the server ended the zlib stream with a final block; zlib-stream stays open for the ' +
              'whole connection, so reconnect with a new context',
          );
        }
        const type = header >>> 1;
        if (type === 0) {
          if (this.storedBlock()) return;
        } else if (type === 1) {
          this.huffmanBlock(FIXED_LITERAL, FIXED_DISTANCE);
        } else if (type === 2) {
          this.readDynamicTables();
          this.huffmanBlock(this.literal, this.distance);
        } else {
          this.fail('reserved block type');
        }
      }
    } finally {
      this.inp = EMPTY;
    }
  }

  /** Copies a stored block; true if it was the empty block that ends the segment. */
  private storedBlock(): boolean {
    const pad = this.bitCnt & 7;
    this.bitBuf >>>= pad;
    this.bitCnt -= pad;
    let p = this.inPos - (this.bitCnt >>> 3);
    this.bitBuf = 0;
    this.bitCnt = 0;
    const inp = this.inp;
    const end = this.end;
    if (p + 4 > end) throw truncated();
    const len = inp[p]! | (inp[p + 1]! << 8);
    const nlen = inp[p + 2]! | (inp[p + 3]! << 8);
    if ((len ^ 0xffff) !== nlen) throw badData('stored block length check failed');
    p += 4;
    if (p + len > end) throw truncated();
    if (len !== 0) {
      const output = this.output;
      if (output.pos + len > output.limit()) output.reserve(len);
      output.buf.set(inp.subarray(p, p + len), output.pos);
      output.pos += len;
    }
    this.inPos = p + len;
    return len === 0 && this.inPos === end;
  }

  /** Reads a dynamic block's code lengths and builds its literal/length and distance tables. */
  private readDynamicTables(): void {
    this.refill();
    const header = this.bitBuf;
    this.bitBuf >>>= 14;
    this.bitCnt -= 14;
    this.checkOverrun();
    const nlit = (header & 31) + 257;
    const ndist = ((header >>> 5) & 31) + 1;
    const nclen = ((header >>> 10) & 15) + 4;
    if (nlit > MAX_LITERAL_CODES || ndist > MAX_DISTANCE_CODES) this.fail('too many length or distance symbols');

    const clLengths = this.codeLengthLengths;
    clLengths.fill(0);
    for (let i = 0; i < nclen; i++) {
      if (this.bitCnt < 3) this.refill();
      clLengths[CODE_LENGTH_ORDER[i]!] = this.bitBuf & 7;
      this.bitBuf >>>= 3;
      this.bitCnt -= 3;
    }
    this.checkOverrun();
    const cl = this.codeLength;
    cl.build(clLengths, 0, 19);
    if (cl.left !== 0) this.fail('invalid code lengths set');

    const lengths = this.lengths;
    const total = nlit + ndist;
    const lit = this.literal;
    const dist = this.distance;
    // Both codes' length counts are taken as the lengths are expanded, saving a pass per table.
    const litCounts = lit.counts;
    const distCounts = dist.counts;
    litCounts.fill(0);
    distCounts.fill(0);
    const root = cl.root;
    const rootMask = (1 << cl.rootBits) - 1;
    // The bit reader lives in locals for the loop, as in huffmanBlock; fields are synced on exit.
    const inp = this.inp;
    const end = this.end;
    let inPos = this.inPos;
    let bitBuf = this.bitBuf;
    let bitCnt = this.bitCnt;
    let i = 0;
    while (i < total) {
      // 14 bits: a code-length code (at most 7) and its repeat count (at most 7).
      while (bitCnt < 14) {
        if (inPos < end) bitBuf |= inp[inPos]! << bitCnt;
        else if ((inPos - end) * 8 > bitCnt) throw truncated();
        inPos++;
        bitCnt += 8;
      }
      const entry = root[bitBuf & rootMask]!;
      if (entry === 0) this.failAt(inPos, bitCnt, 'invalid code length code');
      const used = entry & 15;
      bitBuf >>>= used;
      bitCnt -= used;
      const sym = entry >>> 16;
      if (sym < 16) {
        if (i < nlit) litCounts[sym]!++;
        else distCounts[sym]!++;
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) this.failAt(inPos, bitCnt, 'length repeat with no previous length');
        value = lengths[i - 1]!;
        repeat = 3 + (bitBuf & 3);
        bitBuf >>>= 2;
        bitCnt -= 2;
      } else if (sym === 17) {
        repeat = 3 + (bitBuf & 7);
        bitBuf >>>= 3;
        bitCnt -= 3;
      } else {
        repeat = 11 + (bitBuf & 127);
        bitBuf >>>= 7;
        bitCnt -= 7;
      }
      if (i + repeat > total) this.failAt(inPos, bitCnt, 'code length repeat runs past the end');
      const stop = i + repeat;
      // A repeat may run from the literal/length lengths into the distance lengths.
      const inLit = i < nlit ? Math.min(stop, nlit) - i : 0;
      litCounts[value]! += inLit;
      distCounts[value]! += repeat - inLit;
      while (i < stop) lengths[i++] = value;
    }
    this.inPos = inPos;
    this.bitBuf = bitBuf;
    this.bitCnt = bitCnt;
    this.checkOverrun();
    if (lengths[256] === 0) this.fail('missing end-of-block code');
    lit.buildCounted(lengths, 0, nlit);
    // Like zlib: only a single one-bit code may leave code space unused.
    if (lit.left < 0 || (lit.left > 0 && lit.maxLength !== 1)) this.fail('invalid literal/length code');
    dist.buildCounted(lengths, nlit, ndist);
    if (dist.left < 0 || (dist.left > 0 && dist.maxLength > 1)) this.fail('invalid distance code');
  }

  /**
   * The hot loop: decodes symbols until end-of-block. State lives in locals until it returns;
   * `this.bitBuf` gets back only its `bitCnt` valid bits (zeros above, as everywhere else).
   */
  private huffmanBlock(lit: HuffmanTable, dist: HuffmanTable): void {
    const inp = this.inp;
    const end = this.end;
    const output = this.output;
    const litRoot = lit.root;
    const litMask = (1 << lit.rootBits) - 1;
    const distRoot = dist.root;
    const distMask = (1 << dist.rootBits) - 1;
    let inPos = this.inPos;
    let bitBuf = this.bitBuf;
    let bitCnt = this.bitCnt;
    let out = output.buf;
    let outPos = output.pos;
    let limit = output.limit();

    for (;;) {
      // 15 bits: the longest literal/length code.
      if (bitCnt < 15) {
        if (inPos + 4 <= end) {
          // One 32-bit load: bits shifted past bit 31 are lost, but only bytes that fit whole
          // are counted as read, so the next load reads the rest again. The bits above bitCnt
          // are not kept (the signed shifts below fill them with copies of bit 31), so they are
          // masked off first. Signed shifts keep bitBuf a 32-bit integer V8 holds in a register;
          // with unsigned ones it became a double: 17% of the time on large messages.
          bitBuf = (bitBuf & ((1 << bitCnt) - 1)) | ((inp[inPos]! | (inp[inPos + 1]! << 8) | (inp[inPos + 2]! << 16) | (inp[inPos + 3]! << 24)) << bitCnt);
          const whole = (32 - bitCnt) >>> 3;
          inPos += whole;
          bitCnt += whole << 3;
        } else {
          this.inPos = inPos;
          this.bitBuf = bitBuf & ((1 << bitCnt) - 1);
          this.bitCnt = bitCnt;
          this.refill();
          inPos = this.inPos;
          bitBuf = this.bitBuf;
          bitCnt = this.bitCnt;
        }
      }
      let entry = litRoot[bitBuf & litMask]!;
      if (entry === 0) {
        entry = decodeLongCode(lit, bitBuf);
        if (entry < 0) this.failAt(inPos, bitCnt, 'invalid literal/length code');
      }
      let used = entry & 15;
      bitBuf >>= used;
      bitCnt -= used;
      const kind = entry & KIND_MASK;
      if (kind === KIND_LITERAL) {
        if (outPos >= limit) {
          output.pos = outPos;
          output.reserve(1);
          out = output.buf;
          outPos = output.pos;
          limit = output.limit();
        }
        out[outPos++] = entry >>> 16;
        continue;
      }
      if (kind !== KIND_LENGTH) {
        if (kind === KIND_END) break;
        this.failAt(inPos, bitCnt, 'invalid literal/length symbol');
      }
      // 20 bits: up to 5 extra length bits and the longest distance code.
      if (bitCnt < 20) {
        if (inPos + 4 <= end) {
          bitBuf = (bitBuf & ((1 << bitCnt) - 1)) | ((inp[inPos]! | (inp[inPos + 1]! << 8) | (inp[inPos + 2]! << 16) | (inp[inPos + 3]! << 24)) << bitCnt);
          const whole = (32 - bitCnt) >>> 3;
          inPos += whole;
          bitCnt += whole << 3;
        } else {
          this.inPos = inPos;
          this.bitBuf = bitBuf & ((1 << bitCnt) - 1);
          this.bitCnt = bitCnt;
          this.refill();
          inPos = this.inPos;
          bitBuf = this.bitBuf;
          bitCnt = this.bitCnt;
        }
      }
      let extra = (entry >>> 4) & 15;
      const len = (entry >>> 16) + (bitBuf & ((1 << extra) - 1));
      bitBuf >>= extra;
      bitCnt -= extra;

      entry = distRoot[bitBuf & distMask]!;
      if (entry === 0) {
        entry = decodeLongCode(dist, bitBuf);
        if (entry < 0) this.failAt(inPos, bitCnt, 'invalid distance code');
      }
      used = entry & 15;
      bitBuf >>= used;
      bitCnt -= used;
      if ((entry & KIND_MASK) !== KIND_LITERAL) this.failAt(inPos, bitCnt, 'invalid distance symbol');
      extra = (entry >>> 4) & 15;
      if (bitCnt < extra) {
        if (inPos + 4 <= end) {
          bitBuf = (bitBuf & ((1 << bitCnt) - 1)) | ((inp[inPos]! | (inp[inPos + 1]! << 8) | (inp[inPos + 2]! << 16) | (inp[inPos + 3]! << 24)) << bitCnt);
          const whole = (32 - bitCnt) >>> 3;
          inPos += whole;
          bitCnt += whole << 3;
        } else {
        this.inPos = inPos;
        this.bitBuf = bitBuf & ((1 << bitCnt) - 1);
        this.bitCnt = bitCnt;
        this.refill();
        inPos = this.inPos;
        bitBuf = this.bitBuf;
        bitCnt = this.bitCnt;
        }
      }
      const distance = (entry >>> 16) + (bitBuf & ((1 << extra) - 1));
      bitBuf >>= extra;
      bitCnt -= extra;
      // History starts at index 0 of the buffer, so this is "farther back than any output".
      if (distance > outPos) this.failAt(inPos, bitCnt, 'distance too far back');
      if (outPos + len > limit) {
        output.pos = outPos;
        output.reserve(len);
        out = output.buf;
        outPos = output.pos;
        limit = output.limit();
      }
      let from = outPos - distance;
      const stop = outPos + len;
      if (distance >= len && len >= COPY_WITHIN_MIN) {
        out.copyWithin(outPos, from, from + len);
        outPos = stop;
      } else {
        while (outPos < stop) out[outPos++] = out[from++]!;
      }
    }

    output.pos = outPos;
    this.inPos = inPos;
    this.bitBuf = bitBuf & ((1 << bitCnt) - 1);
    this.bitCnt = bitCnt;
    this.checkOverrun();
  }

  /**
   * Tops the bit buffer up to at least 24 bits. Past the end it shifts in zero bytes, and
   * throws once a previous zero byte was actually consumed (the input was cut short).
   */
  private refill(): void {
    const inp = this.inp;
    const end = this.end;
    let inPos = this.inPos;
    let bitBuf = this.bitBuf;
    let bitCnt = this.bitCnt;
    while (bitCnt < 24) {
      if (inPos < end) {
        bitBuf |= inp[inPos]! << bitCnt;
      } else if ((inPos - end) * 8 > bitCnt) {
        throw truncated();
      }
      inPos++;
      bitCnt += 8;
    }
    this.inPos = inPos;
    this.bitBuf = bitBuf;
    this.bitCnt = bitCnt;
  }

  /** Throws if decoding consumed any of the zero padding past the segment's end. */
  private checkOverrun(): void {
    if ((this.inPos - this.end) * 8 > this.bitCnt) throw truncated();
  }

  private fail(reason: string): never {
    this.checkOverrun();
    throw badData(reason);
  }

  private failAt(inPos: number, bitCnt: number, reason: string): never {
    this.inPos = inPos;
    this.bitCnt = bitCnt;
    this.fail(reason);
  }
}

function badData(reason: string): CompressionError {
  return new CompressionError('ZLIB_BAD_DATA', `corrupt zlib-stream data: ${reason}`);
}

function truncated(): CompressionError {
  return new CompressionError(
    'ZLIB_TRUNCATED',
    'a zlib-stream message ended with 00 00 ff ff but its deflate data stops mid-block; ' +
      'the stream is corrupt or was cut',
  );
}
