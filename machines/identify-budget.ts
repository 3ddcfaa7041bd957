/**
 * The IDENTIFY budget as data and pure functions over a log of IDENTIFY times. Discord resets a
 * token after 1000 IDENTIFYs in 24 hours (across every shard that uses it); this budget caps one
 * connection far below that, so no failure pattern can turn reconnects into an identify storm.
 * RESUMEs are not counted: they start no session.
 */

/** At most `max` IDENTIFYs per `windowMs` on one connection. */
export interface IdentifyBudgetPolicy {
  readonly max: number;
  readonly windowMs: number;
}

/** 100 a day per connection: ten shards together stay at Discord's 1000. */
export const DEFAULT_IDENTIFY_BUDGET: IdentifyBudgetPolicy = { max: 100, windowMs: 86_400_000 };

/** The IDENTIFY times still inside the window that ends at `now`, oldest first. */
export function liveIdentifies(log: readonly number[], now: number, policy: IdentifyBudgetPolicy): number[] {
  const since = now - policy.windowMs;
  let first = 0;
  while (first < log.length && log[first]! <= since) first++;
  return log.slice(first);
}

/** Milliseconds until another IDENTIFY fits in the budget (0 when one fits now). */
export function msUntilIdentifyAllowed(log: readonly number[], now: number, policy: IdentifyBudgetPolicy): number {
  const live = liveIdentifies(log, now, policy);
  if (live.length < policy.max) return 0;
  return Math.max(1, live[live.length - policy.max]! + policy.windowMs - now);
}
