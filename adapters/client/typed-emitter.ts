/**
 * A small typed event emitter that runs anywhere (no `node:events`). A listener that throws does
 * not stop the others or the caller: the error goes to `onListenerError`.
 */

/** Event names mapped to their listener argument tuples. */
export type EventMap = { [event: string]: unknown[] };

/** A listener for the event `K` of `Events`. */
export type Listener<Events extends EventMap, K extends keyof Events> = (...args: Events[K]) => void;

type AnyListener = (...args: never[]) => unknown;

interface Registration {
  readonly listener: AnyListener;
  readonly once: boolean;
}

/** Listeners by event name; `emit` calls them in the order they were added. */
export class TypedEmitter<Events extends EventMap> {
  readonly #registrations = new Map<keyof Events, Registration[]>();
  readonly #onListenerError: (event: string, error: unknown) => void;

  /** `onListenerError` hears about every listener that throws. */
  constructor(onListenerError: (event: string, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Adds `listener` for `event`; with `once`, it is removed before its first call. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>, once = false): void {
    const registration = { listener: listener as unknown as AnyListener, once };
    const list = this.#registrations.get(event);
    if (list) list.push(registration);
    else this.#registrations.set(event, [registration]);
  }

  /** Removes the latest registration of `listener` for `event` (added with `on` or `once`). */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void {
    const list = this.#registrations.get(event);
    if (!list) return;
    for (let index = list.length - 1; index >= 0; index--) {
      if (list[index]!.listener !== (listener as unknown)) continue;
      list.splice(index, 1);
      if (list.length === 0) this.#registrations.delete(event);
      return;
    }
  }

  /** Whether anyone listens to `event`. */
  has(event: keyof Events): boolean {
    return this.#registrations.has(event);
  }

  /** Calls every listener of `event` with `args`; returns whether there was one. */
  emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const list = this.#registrations.get(event);
    if (!list) return false;
    // Listeners may add or remove listeners while we iterate: walk a copy (none needed for one).
    for (const registration of list.length === 1 ? [list[0]!] : [...list]) {
      if (registration.once) this.#remove(event, registration);
      try {
        (registration.listener as unknown as (...a: Events[K]) => void)(...args);
      } catch (error) {
        this.#onListenerError(String(event), error);
      }
    }
    return true;
  }

  #remove(event: keyof Events, registration: Registration): void {
    const list = this.#registrations.get(event);
    const index = list?.indexOf(registration) ?? -1;
    if (!list || index === -1) return;
    list.splice(index, 1);
    if (list.length === 0) this.#registrations.delete(event);
  }
}
