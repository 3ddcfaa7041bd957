/**
 * Discord's `compress=zstd-stream` transport: one zstd stream per connection whose frames are
 * flushed, never ended, so each WebSocket message holds whole blocks of one payload. Owns the
 * walk over frames, blocks, checksums and skippable frames, and the buffering of a unit cut
 * between pushes; block contents are decoded by zstd-block-decoder.ts.
 */
import { BoundedBuffer } from './bounded-buffer.js';
import { CompressionError, contextFailed } from './errors.js';
import { checkBound, DEFAULT_MAX_ZSTD_WINDOW_SIZE, resolveLimits, type StreamDecompressorOptions } from './limits.js';
import { anchorShapes } from './shape-anchor.js';
import { WindowedOutput } from './windowed-output.js';
import { ZstdBlockDecoder } from './zstd-block-decoder.js';
import { zstdCorrupt } from './zstd-errors.js';
import { frameHeaderSize, parseFrameHeader, SKIPPABLE_MAGIC_HIGH, ZSTD_MAGIC } from './zstd-frame-header.js';

/** Options of {@link ZstdStreamDecompressor}. */
export interface ZstdStreamDecompressorOptions extends StreamDecompressorOptions {
  /**
   * Largest window a frame may ask for, in bytes (default {@link DEFAULT_MAX_ZSTD_WINDOW_SIZE},
   * 8 MiB). The whole window is kept as history, so this bounds memory beside `maxMessageSize`.
   */
  maxWindowSize?: number;
}

// Where the walk over the stream stands between units.
const AT_FRAME = 0; // expecting a frame's magic number and header
const AT_BLOCK = 1; // expecting a block header and its content
const AT_CHECKSUM = 2; // expecting the 4-byte content checksum
const IN_SKIPPABLE = 3; // inside a skippable frame's user data

/**
 * Decompresses a `zstd-stream` connection. Feed it every WebSocket message in order; it answers
 * with the message's decompressed payload once the input ends on a block boundary, and with
 * `null` while a block is still cut short. Memory stays below `maxMessageSize + maxWindowSize`
 * (output and window) plus `maxCompressedSize` (buffered input). Content checksums are skipped,
 * not verified. After any error the context is unusable until {@link reset}.
 */
export class ZstdStreamDecompressor {
  /** Bound on one decompressed message, in bytes. */
  readonly maxMessageSize: number;
  /** Bound on the compressed bytes buffered while a unit is incomplete, in bytes. */
  readonly maxCompressedSize: number;
  /** Bound on a frame's window, in bytes. */
  readonly maxWindowSize: number;
  private readonly output: WindowedOutput;
  private readonly blocks: ZstdBlockDecoder;
  private readonly pending: BoundedBuffer;
  private state = AT_FRAME;
  private skipRemaining = 0;
  private contentSize = -1;
  private hasChecksum = false;
  private messageOpen = false;
  private failure: CompressionError | null = null;

  constructor(options?: ZstdStreamDecompressorOptions) {
    const limits = resolveLimits(options);
    this.maxMessageSize = limits.maxMessageSize;
    this.maxCompressedSize = limits.maxCompressedSize;
    this.maxWindowSize = checkBound('maxWindowSize', options?.maxWindowSize, DEFAULT_MAX_ZSTD_WINDOW_SIZE);
    this.output = new WindowedOutput(this.maxMessageSize, this.maxWindowSize, 'zstd-stream');
    this.blocks = new ZstdBlockDecoder(this.output);
    this.pending = new BoundedBuffer(
      this.maxCompressedSize,
      'COMPRESSED_TOO_LARGE',
      'the compressed zstd-stream data buffered for one message (maxCompressedSize)',
    );
  }

  /**
   * Takes the next WebSocket message's bytes. Returns the decompressed payload when the input
   * so far ends on a block boundary, else `null` (the incomplete block is buffered).
   *
   * The returned array is a view into a reused buffer: it stays valid only until the next
   * `push` or `reset`; copy it (or decode it) before then. Throws {@link CompressionError}.
   */
  push(bytes: Uint8Array): Uint8Array | null {
    if (this.failure) throw contextFailed(this.failure);
    try {
      if (!this.messageOpen) {
        if (bytes.length === 0) return null;
        this.output.beginMessage();
        this.messageOpen = true;
      }
      const pending = this.pending;
      let rest: number;
      if (pending.length === 0) {
        rest = this.walk(bytes, 0, bytes.length);
        if (rest < bytes.length) pending.append(bytes.subarray(rest));
      } else {
        pending.append(bytes);
        rest = this.walk(pending.bytes, 0, pending.length);
        pending.bytes.copyWithin(0, rest, pending.length);
        pending.length -= rest;
      }
      if (pending.length !== 0 || (this.state !== AT_FRAME && this.state !== AT_BLOCK)) return null;
      this.messageOpen = false;
      return this.output.message();
    } catch (error) {
      this.failure =
        error instanceof CompressionError
          ? error
          : new CompressionError('ZSTD_BAD_DATA', 'zstd-stream decoding failed', { cause: error });
      throw this.failure;
    }
  }

  /** Forgets the stream: the next `push` must start a new zstd stream (a new connection). */
  reset(): void {
    this.output.reset();
    this.pending.release();
    this.state = AT_FRAME;
    this.skipRemaining = 0;
    this.contentSize = -1;
    this.hasChecksum = false;
    this.messageOpen = false;
    this.failure = null;
  }

  /** Decodes every complete unit of `data[pos, end)`; returns where the incomplete rest starts. */
  private walk(data: Uint8Array, pos: number, end: number): number {
    const blocks = this.blocks;
    while (pos < end) {
      const available = end - pos;
      if (this.state === AT_BLOCK) {
        if (available < 3) return pos;
        const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
        const last = header & 1;
        const type = (header >>> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw zstdCorrupt('reserved block type');
        if (size > blocks.blockMaximum) throw zstdCorrupt('a block is larger than the frame allows');
        const contentSize = type === 1 ? 1 : size;
        if (available < 3 + contentSize) return pos;
        const start = pos + 3;
        if (type === 0) blocks.rawBlock(data, start, size);
        else if (type === 1) blocks.rleBlock(data[start]!, size);
        else blocks.compressedBlock(data, start, start + size);
        pos = start + contentSize;
        if (this.contentSize >= 0 && blocks.frameOutput > this.contentSize) {
          throw zstdCorrupt('a frame decodes to more than its declared content size');
        }
        if (last) {
          if (this.contentSize >= 0 && blocks.frameOutput !== this.contentSize) {
            throw zstdCorrupt('a frame decodes to less than its declared content size');
          }
          this.state = this.hasChecksum ? AT_CHECKSUM : AT_FRAME;
        }
      } else if (this.state === AT_FRAME) {
        if (available < 4) return pos;
        const magic = (data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16) | (data[pos + 3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          if (available < 5) return pos;
          const headerSize = frameHeaderSize(data[pos + 4]!);
          if (available < 4 + headerSize) return pos;
          const header = parseFrameHeader(data, pos + 4, this.maxWindowSize);
          this.contentSize = header.contentSize;
          this.hasChecksum = header.hasChecksum;
          this.output.window = header.windowSize;
          blocks.beginFrame(header.windowSize);
          this.state = AT_BLOCK;
          pos += 4 + headerSize;
        } else if (magic >>> 4 === SKIPPABLE_MAGIC_HIGH) {
          if (available < 8) return pos;
          this.skipRemaining =
            (data[pos + 4]! | (data[pos + 5]! << 8) | (data[pos + 6]! << 16) | (data[pos + 7]! << 24)) >>> 0;
          this.state = this.skipRemaining === 0 ? AT_FRAME : IN_SKIPPABLE;
          pos += 8;
        } else {
          throw zstdCorrupt('expected a zstd frame (magic number 28 b5 2f fd)');
        }
      } else if (this.state === AT_CHECKSUM) {
        if (available < 4) return pos;
        pos += 4;
        this.state = AT_FRAME;
      } else {
        const skip = Math.min(available, this.skipRemaining);
        this.skipRemaining -= skip;
        pos += skip;
        if (this.skipRemaining === 0) this.state = AT_FRAME;
      }
    }
    return pos;
  }
}

anchorShapes(new ZstdStreamDecompressor({ maxMessageSize: 1, maxWindowSize: 1024 }));
