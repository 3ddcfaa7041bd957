/**
 * Checks, as dispatches arrive, that the client received every dispatch of every session exactly
 * once and in order, intact: its stream must be the sessions' histories one after another (READY
 * starts the next session, RESUMED continues the current one). Keeps a cursor, not a copy.
 */
import type { DispatchRecord, FakeSession } from '../../adapters/fake-gateway/index.js';
import { digestOf } from './soak-protocol.js';

/** Stop listing mismatches after this many; the count goes on. */
const MAX_LISTED = 10;

/** The incremental exactly-once-in-order check. */
export class DeliveryCheck {
  readonly #sessions: readonly FakeSession[];
  readonly #ends: ReadonlyMap<FakeSession, number>;
  #session = -1;
  #next = 0;
  /** Dispatches received, READY and RESUMED included. */
  received = 0;
  /** Mismatches seen (first {@link MAX_LISTED} described in {@link problems}). */
  mismatches = 0;
  readonly problems: string[] = [];

  /** Dispatches sessions recorded after a fault ended them, which no client could receive. */
  undeliverable = 0;

  /**
   * `sessions` is the live list of sessions in the order they were created; `ends` the last
   * sequence number of each session a fault ended, when it struck.
   */
  constructor(sessions: readonly FakeSession[], ends: ReadonlyMap<FakeSession, number>) {
    this.#sessions = sessions;
    this.#ends = ends;
  }

  /** Index of the session the client is in (-1 before READY). */
  get sessionIndex(): number {
    return this.#session;
  }

  /** Dispatches of the current session delivered so far. */
  get deliveredInSession(): number {
    return this.#next;
  }

  /** Whether the client has everything the newest session has sent. */
  caughtUp(): boolean {
    const session = this.#sessions[this.#session];
    return session !== undefined && this.#session === this.#sessions.length - 1 && this.#next === session.history.length;
  }

  /** Takes one dispatch the client delivered. */
  take(s: number, t: string, digest: number): void {
    this.received++;
    if (t === 'READY') {
      const previous = this.#sessions[this.#session];
      if (previous) {
        // Everything up to the end must have come; what the gateway recorded after it cannot.
        const end = this.#ends.get(previous) ?? previous.history.length;
        if (this.#next < end) this.#problem(`session ${this.#session + 1} left after ${this.#next} of its ${end} dispatches`);
        this.undeliverable += previous.history.length - this.#next;
      }
      this.#session++;
      this.#next = 0;
    }
    const record: DispatchRecord | undefined = this.#sessions[this.#session]?.history[this.#next];
    if (!record) {
      this.#problem(`unexpected dispatch s=${s} ${t} (session ${this.#session + 1} has sent ${this.#next})`);
      return;
    }
    if (record.s !== s || record.t !== t) {
      this.#problem(`session ${this.#session + 1}: expected s=${record.s} ${record.t}, got s=${s} ${t}`);
      // Re-synchronise on the sequence number so one gap is reported once, not for every dispatch after it.
      if (t !== 'READY' && s >= 1) this.#next = s;
      return;
    }
    if (digestOf(JSON.stringify(record.d)) !== digest) this.#problem(`session ${this.#session + 1}: s=${s} ${t} arrived with different data`);
    this.#next++;
  }

  /** The final check: the client holds all of the newest session; returns the problems found. */
  finish(): string[] {
    const session = this.#sessions[this.#session];
    if (this.#session !== this.#sessions.length - 1) this.#problem(`the client is in session ${this.#session + 1} of ${this.#sessions.length}`);
    else if (session && this.#next !== session.history.length) {
      this.#problem(`the last session delivered ${this.#next} of its ${session.history.length} dispatches`);
    }
    return this.problems;
  }

  #problem(text: string): void {
    this.mismatches++;
    if (this.problems.length < MAX_LISTED) this.problems.push(text);
  }
}
