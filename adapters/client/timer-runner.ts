/**
 * Runs the machine's named timers (`timer.set` / `timer.clear` effects) on the platform's
 * `setTimeout`. Owns the handles only; what a timer means is the machine's business.
 */
import type { TimerName } from '../../machines/timers.js';

type Handle = ReturnType<typeof setTimeout>;

/**
 * One handle per timer name. Timers are unref'd (an open socket is what keeps a process alive),
 * except `reconnect`: in backoff there is no socket, and a bot must not exit while it waits.
 */
export class TimerRunner {
  readonly #handles = new Map<TimerName, Handle>();
  readonly #fire: (name: TimerName) => void;

  /** `fire` is called when a timer runs out (never after `clear` or `clearAll`). */
  constructor(fire: (name: TimerName) => void) {
    this.#fire = fire;
  }

  /** Arms (or re-arms) `name` to fire after `ms`. */
  set(name: TimerName, ms: number): void {
    this.clear(name);
    const handle = setTimeout(() => {
      if (this.#handles.get(name) !== handle) return;
      this.#handles.delete(name);
      this.#fire(name);
    }, Math.max(0, ms));
    if (name !== 'reconnect') (handle as { unref?: () => void }).unref?.();
    this.#handles.set(name, handle);
  }

  /** Disarms `name` if armed. */
  clear(name: TimerName): void {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.#handles.delete(name);
  }

  /** Disarms every timer (the client closed for good). */
  clearAll(): void {
    for (const handle of this.#handles.values()) clearTimeout(handle);
    this.#handles.clear();
  }

  /** The names armed now (for tests and debugging). */
  get armed(): TimerName[] {
    return [...this.#handles.keys()];
  }
}
