/**
 * The machine's named timers. The machine never holds a timer: it emits `timer.set` / `timer.clear`
 * commands and the adapter answers with `timer.<name>` events, so the whole state stays in the snapshot.
 */

/** Every timer the machine may set. */
export const TIMER_NAMES = ['connect', 'hello', 'heartbeat', 'ready', 'close', 'reconnect', 'rateLimit'] as const;

/** The name of one timer. */
export type TimerName = (typeof TIMER_NAMES)[number];

/** Timeouts in milliseconds; the defaults are generous enough for a large bot on a slow link. */
export interface TimeoutPolicy {
  /** TCP, TLS and the WebSocket upgrade together. */
  readonly connectMs: number;
  /** From the upgrade to HELLO. */
  readonly helloMs: number;
  /** From IDENTIFY or RESUME to READY or RESUMED. */
  readonly readyMs: number;
  /** From our close frame to the server's. */
  readonly closeMs: number;
}

/** Default timeouts. */
export const DEFAULT_TIMEOUTS: TimeoutPolicy = { connectMs: 15_000, helloMs: 20_000, readyMs: 60_000, closeMs: 5_000 };
