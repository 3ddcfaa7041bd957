/**
 * What the parts of one engine share while a call runs: the effects produced and not yet taken,
 * and the clock reading that the call stamps on every event it causes.
 *
 * Rules: plain data, no behaviour. It never holds the token, a socket or the machine.
 */
import type { EngineEffect } from './effects.js';

/** One engine's pending effects and the time of its current call; the engine and its parts push here. */
export class Outbox {
  /** The effects produced since the last `takeEffects()`, oldest first (that call swaps in a new array). */
  effects: EngineEffect[] = [];
  /** The clock reading of the public call now running (every event it causes shares it). */
  at = 0;
}
