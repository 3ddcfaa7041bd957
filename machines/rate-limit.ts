/**
 * The outgoing rate limit as data and pure functions over a log of send times.
 * Discord allows 120 payloads per 60 s per connection, heartbeats included; part of the budget
 * is kept back so heartbeats, IDENTIFY and RESUME always fit.
 */

/** The policy: `limit` payloads per `windowMs`. */
export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Extra time a send stays counted after its window, because the gateway counts arrivals and a
   * payload sent just after the client's window closed may still land inside the server's.
   */
  readonly marginMs: number;
  /** The most user payloads that may wait for a slot before `send` is refused. */
  readonly maxQueue: number;
}

/** Discord's limit, with room for 1,000 queued payloads and a 1.2 s margin for transit jitter. */
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { limit: 120, windowMs: 60_000, marginMs: 1200, maxQueue: 1000 };

/** The margin for a window when none is given: 2% of it. */
export function defaultMarginMs(windowMs: number): number {
  return Math.round(windowMs * 0.02);
}

/**
 * Slots kept for the machine's own payloads: one heartbeat per interval (plus one), and one
 * IDENTIFY/RESUME; never more than half the budget, so a very short interval (tests) still leaves
 * the application room.
 */
export function reservedSlots(heartbeatIntervalMs: number | null, policy: RateLimitPolicy): number {
  const interval = heartbeatIntervalMs && heartbeatIntervalMs > 0 ? heartbeatIntervalMs : policy.windowMs;
  return Math.min(Math.ceil(policy.windowMs / interval) + 2, Math.floor(policy.limit / 2));
}

/** The send times still inside the window that ends at `now`. */
export function liveSends(log: readonly number[], now: number, policy: RateLimitPolicy): number[] {
  const since = now - policy.windowMs - policy.marginMs;
  let first = 0;
  while (first < log.length && log[first]! <= since) first++;
  return first === 0 ? (log as number[]) : log.slice(first);
}

/** How many user payloads may go out now. */
export function userSlotsLeft(log: readonly number[], heartbeatIntervalMs: number | null, policy: RateLimitPolicy): number {
  return Math.max(0, policy.limit - reservedSlots(heartbeatIntervalMs, policy) - log.length);
}

/** Milliseconds until the oldest logged send leaves the window (when a slot frees up). */
export function msUntilSlot(log: readonly number[], now: number, policy: RateLimitPolicy): number {
  if (log.length === 0) return 0;
  return Math.max(1, log[0]! + policy.windowMs + policy.marginMs - now);
}
