/**
 * The client's life in time, from its `state`, `heartbeat` and backoff events: how long each
 * state lasted (count, longest), each backoff's chosen and actual delay, the longest silence
 * while ready (no heartbeat ACK), and the longest outage (ready to ready again).
 */
import type { ClientEvent } from './soak-protocol.js';

/** Per-state figures. */
export interface StateFigures {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** One stay in `backoff`. */
export interface BackoffRecord {
  /** When it began (epoch ms). */
  readonly at: number;
  /** The delay the machine chose (from its log line), or null if none was logged. */
  readonly delayMs: number | null;
  /** Whether the next connection was meant to RESUME. */
  readonly resume: boolean | null;
  /** The machine's reconnect attempt counter after choosing it (1 for the first since a healthy session). */
  readonly attempt: number | null;
  /** How long it really lasted (null while it lasts). */
  observedMs: number | null;
}

/** Follows the client's states. */
export class StateTimeline {
  readonly states = new Map<string, StateFigures>();
  readonly backoffs: BackoffRecord[] = [];
  /** The state the client is in now, and since when. */
  current = 'idle';
  since = 0;
  /** Longest time in `connected.ready` without a heartbeat ACK (from entry or the last ACK). */
  maxReadySilenceMs = 0;
  /** Longest time from leaving `connected.ready` to entering it again. */
  maxOutageMs = 0;
  /** Entries into `connected.ready`. */
  readies = 0;
  #lastAck = 0;
  #leftReadyAt: number | null = null;
  #pendingBackoff: { delayMs: number; resume: boolean; attempt: number } | null = null;

  /** Takes one client event (others are ignored). */
  take(event: ClientEvent): void {
    switch (event[0]) {
      case 's':
        this.#change(event[1], event[3]);
        break;
      case 'h':
        if (this.current === 'connected.ready') this.#silence(event[1]);
        this.#lastAck = event[1];
        break;
      case 'b':
        this.#pendingBackoff = { delayMs: event[2], resume: event[3], attempt: event[4] };
        break;
    }
  }

  /** Time spent so far in the current state. */
  currentFor(now: number): number {
    return now - this.since;
  }

  #change(at: number, to: string): void {
    const from = this.current;
    if (this.since > 0) {
      const figures = this.states.get(from) ?? { count: 0, totalMs: 0, maxMs: 0 };
      const spent = at - this.since;
      figures.count++;
      figures.totalMs += spent;
      figures.maxMs = Math.max(figures.maxMs, spent);
      this.states.set(from, figures);
      if (from === 'backoff') {
        const last = this.backoffs.at(-1);
        if (last && last.observedMs === null) last.observedMs = spent;
      }
    }
    if (from === 'connected.ready') {
      this.#silence(at);
      this.#leftReadyAt = at;
    }
    if (to === 'connected.ready') {
      this.readies++;
      this.#lastAck = at;
      if (this.#leftReadyAt !== null) this.maxOutageMs = Math.max(this.maxOutageMs, at - this.#leftReadyAt);
      this.#leftReadyAt = null;
    }
    if (to === 'backoff') {
      const logged = this.#pendingBackoff;
      this.backoffs.push({ at, delayMs: logged?.delayMs ?? null, resume: logged?.resume ?? null, attempt: logged?.attempt ?? null, observedMs: null });
      this.#pendingBackoff = null;
    }
    this.current = to;
    this.since = at;
  }

  #silence(at: number): void {
    this.maxReadySilenceMs = Math.max(this.maxReadySilenceMs, at - Math.max(this.#lastAck, this.since));
  }
}
