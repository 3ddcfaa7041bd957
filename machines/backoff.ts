/**
 * Reconnect delays as pure functions of an attempt number and a random value in [0, 1).
 * Exponential backoff with full jitter (delay = random * min(cap, base * 2^attempt)). Never draws
 * randomness or counts attempts itself: the machine passes both from its context.
 */

/** The backoff policy; every field is in milliseconds. */
export interface BackoffPolicy {
  /** Ceiling of the first delay. */
  readonly baseMs: number;
  /** The ceiling never grows past this. */
  readonly capMs: number;
}

/** Defaults: the first retry within 1 s, never more than 2 minutes apart. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 120_000 };

/** The largest delay attempt `attempt` (0-based) may wait. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  // Clamp the exponent so 2 ** attempt never overflows to Infinity.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 40));
}

/** A full-jitter delay for attempt `attempt`, in whole milliseconds. */
export function backoffDelay(attempt: number, random: number, policy: BackoffPolicy): number {
  return Math.floor(random * backoffCeiling(attempt, policy));
}

/** After op 9 with `d: false` Discord asks for a random wait of 1 to 5 seconds before IDENTIFY. */
export function invalidSessionDelay(random: number): number {
  return 1000 + Math.floor(random * 4000);
}
