/**
 * Discord's `compress=zlib-stream` transport: one zlib stream per connection, flushed with
 * Z_SYNC_FLUSH after every gateway message. Owns buffering up to the flush marker and the zlib
 * header; the DEFLATE decoding itself lives in deflate-decoder.ts.
 */
import { BoundedBuffer } from './bounded-buffer.js';
import { DeflateDecoder } from './deflate-decoder.js';
import { WINDOW_SIZE } from './deflate-tables.js';
import { CompressionError, contextFailed } from './errors.js';
import { WindowedOutput } from './windowed-output.js';
import { resolveLimits, type StreamDecompressorOptions } from './limits.js';
import { anchorShapes } from './shape-anchor.js';

/** Options of {@link ZlibStreamInflater}. */
export type ZlibStreamInflaterOptions = StreamDecompressorOptions;

/**
 * Inflates a `zlib-stream` connection, one gateway message at a time. Feed it every WebSocket
 * message in order; it answers with the inflated message once the input ends with the sync-flush
 * marker `00 00 ff ff`, and with `null` while a message is still incomplete.
 *
 * Memory stays below `maxMessageSize + 32 KiB` (output and window) plus `maxCompressedSize`
 * (buffered input). After any error the context is unusable until {@link reset}.
 */
export class ZlibStreamInflater {
  /** Bound on one inflated message, in bytes. */
  readonly maxMessageSize: number;
  /** Bound on the compressed bytes buffered for one message, in bytes. */
  readonly maxCompressedSize: number;
  private readonly output: WindowedOutput;
  private readonly decoder: DeflateDecoder;
  private readonly pending: BoundedBuffer;
  private headerRead = false;
  private failure: CompressionError | null = null;

  constructor(options?: ZlibStreamInflaterOptions) {
    const limits = resolveLimits(options);
    this.maxMessageSize = limits.maxMessageSize;
    this.maxCompressedSize = limits.maxCompressedSize;
    this.output = new WindowedOutput(this.maxMessageSize, WINDOW_SIZE, 'zlib-stream');
    this.decoder = new DeflateDecoder(this.output);
    this.pending = new BoundedBuffer(
      this.maxCompressedSize,
      'COMPRESSED_TOO_LARGE',
      'the compressed zlib-stream data buffered for one message (maxCompressedSize)',
    );
  }

  /**
   * Takes the next WebSocket message's bytes. Returns the whole inflated gateway message when
   * the input so far ends with `00 00 ff ff`, else `null` (the bytes are buffered).
   *
   * The returned array is a view into a reused buffer: it stays valid only until the next
   * `push` or `reset`; copy it (or decode it) before then. Throws {@link CompressionError}.
   */
  push(bytes: Uint8Array): Uint8Array | null {
    if (this.failure) throw contextFailed(this.failure);
    try {
      const pending = this.pending;
      if (pending.length === 0 && endsWithSyncFlush(bytes, bytes.length)) {
        pending.checkRoom(bytes.length);
        return this.inflateSegment(bytes, bytes.length);
      }
      pending.append(bytes);
      if (!endsWithSyncFlush(pending.bytes, pending.length)) return null;
      const message = this.inflateSegment(pending.bytes, pending.length);
      pending.clear();
      return message;
    } catch (error) {
      this.failure =
        error instanceof CompressionError
          ? error
          : new CompressionError('ZLIB_BAD_DATA', 'zlib-stream decoding failed', { cause: error });
      throw this.failure;
    }
  }

  /** Forgets the stream: the next `push` must start a new zlib stream (a new connection). */
  reset(): void {
    this.output.reset();
    this.pending.release();
    this.headerRead = false;
    this.failure = null;
  }

  private inflateSegment(input: Uint8Array, end: number): Uint8Array {
    let start = 0;
    if (!this.headerRead) {
      checkZlibHeader(input, end);
      start = 2;
      this.headerRead = true;
    }
    this.output.beginMessage();
    this.decoder.decodeSegment(input, start, end);
    return this.output.message();
  }
}

/** True if `bytes[0, end)` ends with the Z_SYNC_FLUSH marker `00 00 ff ff`. */
export function endsWithSyncFlush(bytes: Uint8Array, end: number): boolean {
  return (
    end >= 4 &&
    bytes[end - 1] === 0xff &&
    bytes[end - 2] === 0xff &&
    bytes[end - 3] === 0x00 &&
    bytes[end - 4] === 0x00
  );
}

/** Checks the two-byte zlib header (RFC 1950) that opens the stream. */
function checkZlibHeader(input: Uint8Array, end: number): void {
  if (end < 2) throw badHeader('the stream is shorter than the two-byte zlib header');
  const cmf = input[0]!;
  const flg = input[1]!;
  if ((cmf & 0x0f) !== 8) throw badHeader(`compression method ${cmf & 0x0f} is not deflate (8)`);
  if (cmf >>> 4 > 7) throw badHeader(`window size field ${cmf >>> 4} is over the maximum of 7`);
  if (((cmf << 8) | flg) % 31 !== 0) throw badHeader('the header check bits are wrong');
  if (flg & 0x20) throw badHeader('the stream asks for a preset dictionary, which zlib-stream never uses');
}

function badHeader(reason: string): CompressionError {
  return new CompressionError('ZLIB_BAD_HEADER', `not a zlib-stream: ${reason}`);
}

anchorShapes(new ZlibStreamInflater({ maxMessageSize: 1 }));
