/**
 * A fake gateway session: its sequence numbers and every dispatch it sent, kept so a RESUME can
 * replay them. It outlives connections: dispatches made while no connection is attached are
 * stored and replayed on RESUME, as Discord buffers events during a disconnect.
 */

import type { FakeGatewayConnection } from './connection.js';
import { FakeGatewayError } from './errors.js';
import { type MessageContext, type SnowflakeSource, messageCreateData } from './fake-data.js';

/** One dispatch of a session, as sent (and as replayed). */
export interface DispatchRecord {
  /** Its sequence number. */
  s: number;
  /** The event name. */
  t: string;
  /** The event data. */
  d: unknown;
  /** Monotonic ms since the gateway started. */
  at: number;
}

/** `connected`: a connection is attached. `disconnected`: resumable, waiting. `ended`: gone. */
export type SessionStatus = 'connected' | 'disconnected' | 'ended';

/** Options of {@link FakeSession.stream}. */
export interface StreamOptions {
  /** How many dispatches to send. */
  count: number;
  /** Pace them at this rate; default: as fast as possible. */
  perSecond?: number;
  /** Event name. Default `MESSAGE_CREATE`. */
  type?: string;
  /** Builds `d` for the i-th dispatch (0-based). Default: a realistic MESSAGE_CREATE body. */
  data?: (index: number) => unknown;
}

/** What {@link FakeSession.stream} did. */
export interface StreamResult {
  /** Dispatches made (fewer than `count` only if the session ended). */
  sent: number;
  /** Sequence number of the first one, or null if none was made. */
  firstSeq: number | null;
  /** Sequence number of the last one, or null if none was made. */
  lastSeq: number | null;
}

/** What a session needs from its gateway. */
export interface SessionHost {
  now(): number;
  readonly sessionTimeoutMs: number;
  readonly snowflakes: SnowflakeSource;
  readonly messageContext: MessageContext;
  endSession(session: FakeSession): void;
}

/** A session created by a successful IDENTIFY. */
export class FakeSession {
  /** Every dispatch, in order; `history[i].s === i + 1`. */
  readonly history: DispatchRecord[] = [];
  private attached: FakeGatewayConnection | undefined;
  private ended = false;
  private timeout: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: SessionHost,
    /** The `session_id`. */
    readonly id: string,
    /** `[shard_id, num_shards]` from IDENTIFY, if it had one. */
    readonly shard: [number, number] | undefined,
    /** The intents from IDENTIFY. */
    readonly intents: number,
  ) {}

  /** The last sequence number handed out (0 before READY). */
  get seq(): number {
    return this.history.length;
  }

  /** See {@link SessionStatus}. */
  get status(): SessionStatus {
    return this.ended ? 'ended' : this.attached ? 'connected' : 'disconnected';
  }

  /** The connection this session is attached to, if any. */
  get connection(): FakeGatewayConnection | undefined {
    return this.attached;
  }

  /**
   * Sends a dispatch with the next sequence number and stores it for replay. Without an
   * attached connection it is only stored. Returns the sequence number; `sent` resolves when
   * it is written to the socket (or at once if nothing is attached).
   */
  dispatch(t: string, d: unknown): { seq: number; sent: Promise<void> } {
    if (this.ended) throw new FakeGatewayError('FAKE_GATEWAY_NO_SESSION', `Session ${this.id} has ended; a dispatch needs a live session.`);
    const record: DispatchRecord = { s: this.history.length + 1, t, d, at: this.host.now() };
    this.history.push(record);
    try {
      return { seq: record.s, sent: this.attached ? this.attached.sendDispatch(record) : Promise.resolve() };
    } catch (error) {
      this.history.pop(); // unencodable data (a bigint in JSON, a function...) must not poison replays
      throw error;
    }
  }

  /** Sends `count` dispatches, optionally paced; resolves when the last one is written. */
  async stream(options: StreamOptions): Promise<StreamResult> {
    const { count, perSecond } = options;
    const type = options.type ?? 'MESSAGE_CREATE';
    const data = options.data ?? ((i: number) => messageCreateData(this.host.snowflakes.next(), i, this.host.messageContext));
    const start = this.host.now();
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    let sent = 0;
    let last: Promise<void> = Promise.resolve();
    while (sent < count && !this.ended) {
      const due = perSecond ? Math.min(count, Math.floor(((this.host.now() - start) * perSecond) / 1000) + 1) : count;
      for (; sent < due && !this.ended; sent++) {
        const result = this.dispatch(type, data(sent));
        firstSeq ??= result.seq;
        lastSeq = result.seq;
        last = result.sent;
        // Yield now and then so the socket drains and the test can act mid-stream.
        if (!perSecond && sent % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
      }
      if (sent < count && perSecond) {
        const wait = start + (sent * 1000) / perSecond - this.host.now();
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
      }
    }
    await last;
    return { sent, firstSeq, lastSeq };
  }

  /** Attaches a connection (IDENTIFY, or RESUME taking over from any previous one). */
  attach(connection: FakeGatewayConnection): void {
    clearTimeout(this.timeout);
    this.timeout = undefined;
    const previous = this.attached;
    this.attached = connection;
    if (previous && previous !== connection) previous.releaseSession();
  }

  /** Detaches the connection; the session stays resumable for `sessionTimeoutMs`. */
  detach(): void {
    if (this.ended || !this.attached) return;
    this.attached = undefined;
    this.timeout = setTimeout(() => this.host.endSession(this), this.host.sessionTimeoutMs);
    this.timeout.unref();
  }

  /** Ends the session for good (called by the gateway). */
  end(): void {
    clearTimeout(this.timeout);
    this.ended = true;
    const connection = this.attached;
    this.attached = undefined;
    connection?.releaseSession();
  }
}
