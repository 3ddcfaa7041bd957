/**
 * A growable byte buffer with a hard size bound, reused across messages. Owns only its bytes;
 * callers decide what the bytes mean and when to clear them.
 */
import { CompressionLimitError, type CompressionLimitErrorCode } from './errors.js';

const MIN_CAPACITY = 4096;

/** Appends bytes up to `limit`; crossing the limit throws without allocating past it. */
export class BoundedBuffer {
  /** Backing store; `bytes.subarray(0, length)` is the content. Replaced when it grows. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Number of valid bytes. */
  length = 0;
  private readonly limit: number;
  private readonly code: CompressionLimitErrorCode;
  private readonly what: string;

  /** `what` names the content and its option in the error message a user sees. */
  constructor(limit: number, code: CompressionLimitErrorCode, what: string) {
    this.limit = limit;
    this.code = code;
    this.what = what;
  }

  /** Throws if `extra` more bytes would cross the bound. */
  checkRoom(extra: number): void {
    if (this.length + extra > this.limit) {
      throw new CompressionLimitError(this.code, this.limit, `${this.what} exceeds its bound of ${this.limit} bytes`);
    }
  }

  /** Appends a copy of `chunk`, growing geometrically but never past the bound. */
  append(chunk: Uint8Array): void {
    this.checkRoom(chunk.length);
    const needed = this.length + chunk.length;
    if (needed > this.bytes.length) {
      const capacity = Math.min(this.limit, Math.max(needed, this.bytes.length * 2, MIN_CAPACITY));
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length = needed;
  }

  /** Empties the buffer, keeping its storage for the next message. */
  clear(): void {
    this.length = 0;
  }

  /** Empties the buffer and releases its storage. */
  release(): void {
    this.bytes = new Uint8Array(0);
    this.length = 0;
  }
}
