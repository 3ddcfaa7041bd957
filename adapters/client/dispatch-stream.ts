/**
 * An async iterator over dispatches with a bounded buffer. The gateway cannot be slowed down (its
 * heartbeat ACKs share the socket), so a consumer that falls behind meets the overflow policy.
 */
import { DispatchBufferOverflowError } from './errors.js';

/**
 * What happens when the buffer is full: `error` (default) ends the iterator with a
 * {@link DispatchBufferOverflowError} after the buffered dispatches; `drop-oldest` discards the
 * oldest buffered dispatch; `drop-newest` discards the one arriving. Drops are counted in `dropped`.
 */
export type OverflowPolicy = 'error' | 'drop-oldest' | 'drop-newest';

/** Options of a dispatch iterator. */
export interface DispatchStreamOptions {
  /** The most dispatches held for a slow consumer (default 10,000). */
  readonly bufferSize?: number;
  /** See {@link OverflowPolicy} (default `error`). */
  readonly overflow?: OverflowPolicy;
}

/** The default buffer size of a dispatch iterator. */
export const DEFAULT_DISPATCH_BUFFER = 10_000;

/** One consumer's queue; the client pushes, `for await` pulls. */
export class DispatchStream<T> implements AsyncIterableIterator<T> {
  readonly #size: number;
  readonly #overflow: OverflowPolicy;
  readonly #detach: () => void;
  #buffer: T[] = [];
  #head = 0;
  #waiters: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  #done = false;
  #failure: unknown = null;
  #dropped = 0;

  /** `detach` unsubscribes the stream from its source; it is called once, when the stream ends. */
  constructor(options: DispatchStreamOptions, detach: () => void) {
    this.#size = options.bufferSize ?? DEFAULT_DISPATCH_BUFFER;
    this.#overflow = options.overflow ?? 'error';
    this.#detach = detach;
  }

  /** How many dispatches this iterator discarded under a `drop-*` policy. */
  get dropped(): number {
    return this.#dropped;
  }

  /** How many dispatches wait in the buffer. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** Hands one dispatch to the consumer, or buffers it. */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.buffered >= this.#size) {
      if (this.#overflow === 'drop-newest') {
        this.#dropped++;
        return;
      }
      if (this.#overflow === 'drop-oldest') {
        this.#dropped++;
        this.#head++;
      } else {
        this.end(new DispatchBufferOverflowError(this.#size));
        return;
      }
    }
    this.#buffer.push(item);
  }

  /** Ends the stream: buffered dispatches are still delivered, then `done` (or `error` is thrown). */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (error !== undefined) this.#failure = error;
    this.#detach();
    // Waiters exist only when the buffer is empty: settle them now, the first with the failure.
    for (const waiter of this.#waiters.splice(0)) {
      if (this.#failure !== null) {
        const failure = this.#failure;
        this.#failure = null;
        waiter.reject(failure);
      } else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered > 0) {
      const value = this.#buffer[this.#head]!;
      this.#buffer[this.#head] = undefined as T;
      this.#head++;
      // Compact now and then so the array does not grow without bound.
      if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
        this.#buffer = this.#buffer.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      if (this.#failure !== null) {
        const failure = this.#failure;
        this.#failure = null;
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  /** `break` in `for await`: stop listening and drop the buffer. */
  return(): Promise<IteratorResult<T>> {
    this.#buffer = [];
    this.#head = 0;
    this.#failure = null;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
