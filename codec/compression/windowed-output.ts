/**
 * A decoder's output buffer, which is also its sliding window: the history the format may refer
 * back to sits right before the current message, so back-references read one contiguous array.
 * Owns growth, sliding and the size bound; knows nothing of bit streams or formats.
 */
import { CompressionLimitError } from './errors.js';

// The buffer starts empty and grows on demand from this size: an idle connection holds only
// what it has received (at most the window plus its largest message), not a fixed block.
const MIN_CAPACITY = 4 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * Output of one decompression context. `buf[0, pos)` is valid data: history, then the current
 * message from `start`. At most `window` bytes of history before `start` are kept, so the buffer
 * never holds more than `maxMessageSize + maxWindow` bytes.
 */
export class WindowedOutput {
  /** Backing store; replaced when it grows, so never cache it across {@link reserve}. */
  buf: Uint8Array;
  /** Write position. */
  pos = 0;
  /** Where the current message starts. */
  start = 0;
  /** How far back the current stream may refer (at most `maxWindow`). */
  window: number;
  /** Bound on one message. */
  readonly maxMessageSize: number;
  private readonly maxCapacity: number;
  private readonly format: string;

  /** `format` names the stream in the error a user sees (for example `zlib-stream`). */
  constructor(maxMessageSize: number, maxWindow: number, format: string) {
    this.maxMessageSize = maxMessageSize;
    this.window = maxWindow;
    this.maxCapacity = maxMessageSize + maxWindow;
    this.format = format;
    this.buf = EMPTY;
  }

  /** Starts a new message at the current position; earlier output becomes history. */
  beginMessage(): void {
    this.start = this.pos;
  }

  /** First position the decoder may not write to without calling {@link reserve}. */
  limit(): number {
    return Math.min(this.buf.length, this.start + this.maxMessageSize);
  }

  /**
   * Makes room for `n` more bytes of the current message, sliding out history older than the
   * window or growing the buffer (geometrically, up to the bound). Throws before allocating if
   * the message would exceed `maxMessageSize`.
   */
  reserve(n: number): void {
    if (this.pos + n - this.start > this.maxMessageSize) {
      throw new CompressionLimitError(
        'INFLATED_TOO_LARGE',
        this.maxMessageSize,
        `a ${this.format} message decompresses to more than maxMessageSize (${this.maxMessageSize} bytes); ` +
          'raise the bound if such messages are expected, otherwise the server sent a decompression bomb',
      );
    }
    if (this.pos + n <= this.buf.length) return;
    const keepFrom = Math.max(0, this.start - this.window);
    const required = this.pos - keepFrom + n;
    let capacity = this.buf.length;
    // Sliding a nearly full buffer would repeat on every reserve; grow instead.
    if (required * 2 > capacity) capacity = Math.min(this.maxCapacity, Math.max(capacity * 2, required, MIN_CAPACITY));
    if (capacity === this.buf.length) {
      this.buf.copyWithin(0, keepFrom, this.pos);
    } else {
      const grown = new Uint8Array(capacity);
      grown.set(this.buf.subarray(keepFrom, this.pos));
      this.buf = grown;
    }
    this.pos -= keepFrom;
    this.start -= keepFrom;
  }

  /** The current message: a view valid until the next write or {@link reset}. */
  message(): Uint8Array {
    return this.buf.subarray(this.start, this.pos);
  }

  /** Forgets all history and lets the buffer go (for a new connection). */
  reset(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.start = 0;
  }
}
