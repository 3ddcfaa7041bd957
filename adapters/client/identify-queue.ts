/**
 * The IDENTIFY limiter: Discord lets each bucket (`shard_id % max_concurrency`) IDENTIFY once per
 * 5 s, across every process that uses the token. This file owns the in-process limiter and the
 * interface a cross-process one implements; it knows nothing of connections or the machine.
 */
import { InvalidOptionError } from '../sans-io/errors.js';

/**
 * Grants IDENTIFY slots. Implement it over Redis, a lock service or an IPC channel to share the
 * limit across processes; the client only calls `acquire`.
 */
export interface IdentifyQueue {
  /**
   * Resolves when shard `shardId` may IDENTIFY now (the slot counts as used from that moment).
   * When `signal` aborts first, give the place up; the promise may then reject or never settle.
   */
  acquire(shardId: number, signal: AbortSignal): Promise<void>;
}

/** Options of {@link createIdentifyQueue}. */
export interface IdentifyQueueOptions {
  /** `session_start_limit.max_concurrency` from `GET /gateway/bot` (default 1). */
  readonly maxConcurrency?: number;
  /** Time between two IDENTIFYs of one bucket, in ms (default 5000, Discord's rule). */
  readonly windowMs?: number;
  /**
   * Added to every wait, in ms (default 5% of `windowMs`). The gateway times IDENTIFYs when they
   * arrive, not when they were granted: transit jitter could otherwise land two inside its window.
   */
  readonly marginMs?: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly signal: AbortSignal;
}

interface Bucket {
  /** When the next IDENTIFY may go, on the `performance.now()` clock. */
  nextAt: number;
  readonly waiters: Waiter[];
  timer: ReturnType<typeof setTimeout> | null;
}

/** An in-process {@link IdentifyQueue}: first come, first served per bucket, one grant per window. */
export function createIdentifyQueue(options: IdentifyQueueOptions = {}): IdentifyQueue {
  const maxConcurrency = options.maxConcurrency ?? 1;
  const windowMs = options.windowMs ?? 5000;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new InvalidOptionError(`identify queue: maxConcurrency must be a positive integer, not ${maxConcurrency}.`);
  }
  if (!Number.isFinite(windowMs) || windowMs < 0) throw new InvalidOptionError(`identify queue: windowMs must be 0 or more, not ${windowMs}.`);
  const marginMs = options.marginMs ?? Math.ceil(windowMs * 0.05);
  if (!Number.isFinite(marginMs) || marginMs < 0) throw new InvalidOptionError(`identify queue: marginMs must be 0 or more, not ${marginMs}.`);
  const spacing = windowMs === 0 ? 0 : windowMs + marginMs;
  const buckets = new Map<number, Bucket>();

  const pump = (bucket: Bucket): void => {
    bucket.timer = null;
    for (;;) {
      while (bucket.waiters.length > 0 && bucket.waiters[0]!.signal.aborted) bucket.waiters.shift();
      const next = bucket.waiters[0];
      if (!next) return;
      const now = performance.now();
      if (now < bucket.nextAt) {
        bucket.timer = setTimeout(() => pump(bucket), bucket.nextAt - now);
        // A waiting client holds an open socket; the queue itself never keeps a process alive.
        (bucket.timer as { unref?: () => void }).unref?.();
        return;
      }
      bucket.waiters.shift();
      bucket.nextAt = now + spacing;
      next.resolve();
    }
  };

  return {
    acquire(shardId, signal) {
      const key = shardId % maxConcurrency;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { nextAt: 0, waiters: [], timer: null };
        buckets.set(key, bucket);
      }
      const owner = bucket;
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        owner.waiters.push({ resolve, signal });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        if (owner.timer === null) pump(owner);
      });
    },
  };
}

/**
 * The queue clients use when given no `identifyQueue`: one per process, shared by every client in
 * it whatever its token, with `max_concurrency` 1 (always safe, slow for large bots: pass your own).
 */
export const defaultIdentifyQueue: IdentifyQueue = createIdentifyQueue();
