/**
 * The two limits the fake gateway enforces on clients: payloads per connection per window,
 * and IDENTIFYs per concurrency bucket. Pure bookkeeping on times the caller passes in.
 */

/** A sliding window: at most `limit` hits in any `windowMs`. */
export class SlidingWindowLimit {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records a hit at `now`; false when it is one too many. */
  hit(now: number): boolean {
    if (this.times.length < this.limit) {
      this.times.push(now);
      return true;
    }
    // The ring holds the last `limit` accepted hits; the oldest sits at `head`.
    if (this.limit === 0 || now - this.times[this.head]! < this.windowMs) return false;
    this.times[this.head] = now;
    this.head = (this.head + 1) % this.limit;
    return true;
  }
}

/**
 * Discord's IDENTIFY concurrency: shard `id` falls in bucket `id % maxConcurrency`, and each
 * bucket accepts one IDENTIFY per `windowMs`, across every connection of the gateway.
 */
export class IdentifyLimit {
  private readonly lastByBucket = new Map<number, number>();

  constructor(
    private readonly maxConcurrency: number,
    private readonly windowMs: number,
  ) {}

  /** Takes the bucket of `shardId` at `now`; false when it was taken less than a window ago. */
  tryAcquire(shardId: number, now: number): boolean {
    const bucket = shardId % this.maxConcurrency;
    const last = this.lastByBucket.get(bucket);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastByBucket.set(bucket, now);
    return true;
  }
}
