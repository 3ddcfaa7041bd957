/**
 * One client connection to the fake gateway: it reads the query, sends HELLO, checks every
 * payload the client sends the way Discord does, and offers the scenario controls a test
 * drives (dispatch, zombie, op 7, op 9, close codes, TCP drop). Session bookkeeping lives in
 * `session.ts`, wire encoding in `payload-codec.ts`, compression in `transport-compressor.ts`.
 */

import type { WebSocket } from 'ws';
import { FakeGatewayError } from './errors.js';
import { checkIdentify } from './identify-checks.js';
import type { ResolvedOptions } from './options.js';
import { normalizePath } from './options.js';
import { type GatewayEncoding, type ServerPayload, decodeClientMessage, encodePayload } from './payload-codec.js';
import {
  CLIENT_CLOSES_ENDING_SESSION,
  CLIENT_OPS,
  CLOSE_REASONS,
  CloseCode,
  SERVER_CLOSES_ENDING_SESSION,
  ServerOp,
} from './protocol-tables.js';
import { SlidingWindowLimit } from './rate-limits.js';
import { type CloseRecord, type FakeGatewayEvents, type ReceivedPayload, type SentPayload, redactToken } from './records.js';
import type { DispatchRecord, FakeSession, StreamOptions, StreamResult } from './session.js';
import { type TransportCompression, type TransportCompressor, createTransportCompressor } from './transport-compressor.js';

/** The query string a client connected with, as sent (null when absent). */
export interface ConnectionQuery {
  v: string | null;
  encoding: string | null;
  compress: string | null;
}

/** What a connection needs from its gateway. */
export interface ConnectionHost {
  readonly options: ResolvedOptions;
  now(): number;
  tryIdentify(shardId: number): boolean;
  openSession(connection: FakeGatewayConnection, shard: [number, number] | undefined, intents: number): FakeSession;
  findSession(id: string): FakeSession | undefined;
  readyData(session: FakeSession): unknown;
  guildCreates(): unknown[];
  endSession(session: FakeSession): void;
  record(connection: FakeGatewayConnection, record: ReceivedPayload): void;
  recordClose(connection: FakeGatewayConnection, record: CloseRecord): void;
  notify<K extends keyof FakeGatewayEvents>(event: K, ...args: FakeGatewayEvents[K]): void;
}

const ENCODINGS: ReadonlySet<string> = new Set(['json', 'etf']);
const COMPRESSIONS: ReadonlySet<string> = new Set(['zlib-stream', 'zstd-stream']);

/** A live (or finished) client connection; get them from `gateway.connections` or events. */
export class FakeGatewayConnection {
  /** Numbered from 1 in the order clients connected. */
  readonly id: number;
  /** The request path, without a trailing slash (`/`, or the resume path). */
  readonly path: string;
  /** The query parameters as the client sent them. */
  readonly query: ConnectionQuery;
  /** True when the client connected to `resume_gateway_url` (the resume path). */
  readonly usedResumeUrl: boolean;
  /** The encoding in use (`json` when the query asked for none). */
  readonly encoding: GatewayEncoding;
  /** The transport compression in use, if any. */
  readonly compression: TransportCompression | undefined;
  /** Every payload this client sent, decoded, in order. */
  readonly received: ReceivedPayload[] = [];
  /** Every payload sent to this client, in order, before compression. */
  readonly sent: SentPayload[] = [];
  /** Resolves when the connection has closed, with how it closed. */
  readonly closed: Promise<CloseRecord>;

  private session: FakeSession | undefined;
  private authenticated = false;
  private acking = true;
  private serverClose: { code: number; reason: string } | undefined;
  private closeRecord: CloseRecord | undefined;
  private readonly compressor: TransportCompressor | undefined;
  private readonly rate: SlidingWindowLimit;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sendQueue: Promise<unknown> = Promise.resolve();
  private resolveClosed!: (record: CloseRecord) => void;

  constructor(
    private readonly host: ConnectionHost,
    private readonly ws: WebSocket,
    id: number,
    requestUrl: string,
  ) {
    this.id = id;
    const url = new URL(requestUrl, 'http://fake-gateway.invalid');
    this.path = normalizePath(url.pathname);
    this.usedResumeUrl = this.path === host.options.resumePath;
    this.query = { v: url.searchParams.get('v'), encoding: url.searchParams.get('encoding'), compress: url.searchParams.get('compress') };
    this.encoding = this.query.encoding === 'etf' ? 'etf' : 'json';
    const compress = this.query.compress;
    this.compression = compress === 'zlib-stream' || compress === 'zstd-stream' ? compress : undefined;
    this.compressor = this.compression
      ? createTransportCompressor(this.compression, { split: host.options.splitCompressedMessages })
      : undefined;
    this.rate = new SlidingWindowLimit(host.options.rateLimit.limit, host.options.rateLimit.windowMs);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    ws.on('message', (data, isBinary) => this.onMessage(toBytes(data), isBinary));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', () => {}); // a 'close' always follows
  }

  /** The session attached to this connection, if any. */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** True until the connection is closing or closed. */
  get isOpen(): boolean {
    return this.serverClose === undefined && this.closeRecord === undefined && this.ws.readyState === this.ws.OPEN;
  }

  /** How the connection closed, once it has. */
  get closeInfo(): CloseRecord | undefined {
    return this.closeRecord;
  }

  /** Checks the query, then sends HELLO (called once by the gateway). */
  start(): void {
    if (this.query.v !== '10') {
      this.closeWith(CloseCode.INVALID_API_VERSION);
      return;
    }
    if (
      (this.query.encoding !== null && !ENCODINGS.has(this.query.encoding)) ||
      (this.query.compress !== null && !COMPRESSIONS.has(this.query.compress))
    ) {
      // Discord documents no code for a bad `encoding` or `compress`; a decode error is closest.
      this.closeWith(CloseCode.DECODE_ERROR, 'Invalid encoding or compress parameter.');
      return;
    }
    this.sendPayload({ op: ServerOp.HELLO, d: { heartbeat_interval: this.host.options.heartbeatInterval, _trace: ['["fake-gateway",{"micros":0}]'] } });
    this.armHeartbeatTimeout();
  }

  // ---- scenario controls -------------------------------------------------------------

  /** Sends a dispatch on this connection's session (stored for replay); see `FakeSession.dispatch`. */
  dispatch(t: string, d: unknown): { seq: number; sent: Promise<void> } {
    return this.requireSession().dispatch(t, d);
  }

  /** Streams dispatches on this connection's session; see `FakeSession.stream`. */
  stream(options: StreamOptions): Promise<StreamResult> {
    return this.requireSession().stream(options);
  }

  /** Zombie mode: while on, heartbeats get no ACK. */
  dropAcks(on = true): void {
    this.acking = !on;
  }

  /** Sends op 1: the client must heartbeat at once. */
  requestHeartbeat(): Promise<void> {
    return this.sendPayload({ op: ServerOp.HEARTBEAT, d: this.session?.seq ?? null });
  }

  /** Sends op 7 RECONNECT. The session stays resumable. */
  sendReconnect(): Promise<void> {
    return this.sendPayload({ op: ServerOp.RECONNECT });
  }

  /**
   * Sends op 9 INVALID_SESSION. With `resumable` false the session ends; either way the
   * connection is unauthenticated again, so IDENTIFY or RESUME may follow on it.
   */
  invalidateSession(resumable: boolean): Promise<void> {
    const session = this.session;
    this.authenticated = false;
    this.session = undefined;
    if (session && !resumable) this.host.endSession(session);
    else session?.detach();
    return this.sendPayload({ op: ServerOp.INVALID_SESSION, d: resumable });
  }

  /**
   * Sends a close frame after anything already queued. Codes 4007, 4009 and the fatal ones end
   * the session; others leave it resumable. 1005/1006 cannot be sent: use `terminate()`.
   */
  closeWith(code: number, reason = CLOSE_REASONS[code] ?? ''): Promise<CloseRecord> {
    if (this.serverClose || this.closeRecord) return this.closed;
    this.serverClose = { code, reason };
    this.clearHeartbeatTimeout();
    // A close that ends the session ends it now: nothing dispatched from here on can reach a client.
    const session = this.session;
    if (session && SERVER_CLOSES_ENDING_SESSION.has(code)) this.host.endSession(session);
    void this.sendQueue.then(() => {
      if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
    });
    return this.closed;
  }

  /** Drops the TCP connection with no close frame (recorded as 1006); the session stays resumable. */
  terminate(): Promise<CloseRecord> {
    if (!this.closeRecord) {
      this.serverClose ??= { code: 1006, reason: '' };
      this.ws.terminate();
    }
    return this.closed;
  }

  /** Stops reading from the client (TCP backpressure builds up on its side). */
  pauseReading(): void {
    this.ws.pause();
  }

  /** Reads from the client again after {@link pauseReading}. */
  resumeReading(): void {
    this.ws.resume();
  }

  /** Sends any payload as is (no sequence bookkeeping); for payloads the helpers do not cover. */
  sendPayload(payload: ServerPayload): Promise<void> {
    const data = encodePayload(payload, this.encoding);
    this.sent.push({ at: this.host.now(), payload, size: typeof data === 'string' ? Buffer.byteLength(data) : data.length });
    return this.write(data);
  }

  /**
   * Sends bytes or text as one WebSocket message at once, bypassing encoding, compression and
   * the compression queue; for feeding clients malformed input.
   */
  sendRaw(data: string | Uint8Array): Promise<void> {
    return this.sendMessage(data, typeof data !== 'string');
  }

  // ---- used by the session -------------------------------------------------------------

  /** Sends (or replays) one stored dispatch. */
  sendDispatch(record: DispatchRecord): Promise<void> {
    return this.sendPayload({ op: ServerOp.DISPATCH, s: record.s, t: record.t, d: record.d });
  }

  /** The session moved to another connection or ended: forget it. */
  releaseSession(): void {
    this.session = undefined;
  }

  // ---- client input --------------------------------------------------------------------

  private onMessage(bytes: Uint8Array, binary: boolean): void {
    if (!this.isOpen) return;
    if (!this.rate.hit(this.host.now())) return void this.closeWith(CloseCode.RATE_LIMITED);
    if (bytes.length > this.host.options.maxPayloadBytes) return void this.closeWith(CloseCode.DECODE_ERROR, 'Payload too large.');
    let payload: unknown;
    try {
      payload = decodeClientMessage(bytes, this.encoding);
    } catch {
      return void this.closeWith(CloseCode.DECODE_ERROR);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return void this.closeWith(CloseCode.DECODE_ERROR);
    const op = (payload as { op?: unknown }).op;
    if (typeof op !== 'number' || !CLIENT_OPS.has(op)) return void this.closeWith(CloseCode.UNKNOWN_OPCODE);
    const d = (payload as { d?: unknown }).d;
    const record: ReceivedPayload = {
      connectionId: this.id,
      at: this.host.now(),
      op,
      payload: redactToken(payload as ReceivedPayload['payload']),
      size: bytes.length,
      binary,
    };
    this.received.push(record);
    this.host.record(this, record);
    if (op === 1) this.onHeartbeat();
    else if (op === 2) this.onIdentify(d);
    else if (op === 6) this.onResume(d);
    else if (!this.authenticated) this.closeWith(CloseCode.NOT_AUTHENTICATED);
    // Other known ops (presence, voice state, member requests...) are only recorded.
  }

  private onHeartbeat(): void {
    this.armHeartbeatTimeout();
    if (this.acking) void this.sendPayload({ op: ServerOp.HEARTBEAT_ACK });
  }

  private onIdentify(d: unknown): void {
    this.host.notify('identify', this, redactToken({ d }).d);
    if (this.authenticated) return void this.closeWith(CloseCode.ALREADY_AUTHENTICATED);
    const result = checkIdentify(d, this.host.options);
    if (!result.ok) return void this.closeWith(result.code);
    if (!this.host.tryIdentify(result.shard?.[0] ?? 0)) return void this.sendPayload({ op: ServerOp.INVALID_SESSION, d: false });
    const session = this.host.openSession(this, result.shard, result.intents);
    this.session = session;
    this.authenticated = true;
    session.dispatch('READY', this.host.readyData(session));
    this.host.notify('ready', this, session);
    for (const guild of this.host.guildCreates()) session.dispatch('GUILD_CREATE', guild);
  }

  private onResume(d: unknown): void {
    this.host.notify('resume', this, redactToken({ d }).d);
    if (this.authenticated) return void this.closeWith(CloseCode.ALREADY_AUTHENTICATED);
    if (typeof d !== 'object' || d === null) return void this.closeWith(CloseCode.DECODE_ERROR);
    const { token, session_id: sessionId, seq: rawSeq } = d as { token?: unknown; session_id?: unknown; seq?: unknown };
    const session = typeof sessionId === 'string' ? this.host.findSession(sessionId) : undefined;
    if (!session || session.status === 'ended' || token !== this.host.options.token) {
      return void this.sendPayload({ op: ServerOp.INVALID_SESSION, d: false });
    }
    const seq = rawSeq ?? 0;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || seq > session.seq) {
      return void this.closeWith(CloseCode.INVALID_SEQ);
    }
    session.attach(this);
    this.session = session;
    this.authenticated = true;
    for (const record of session.history.slice(seq)) void this.sendDispatch(record);
    session.dispatch('RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] });
    this.host.notify('resumed', this, session);
  }

  private onClose(code: number, reason: string): void {
    this.clearHeartbeatTimeout();
    // Let a compression in flight finish (its send is then dropped) before freeing the context.
    void this.sendQueue.then(() => this.compressor?.close());
    const server = this.serverClose;
    const record: CloseRecord = {
      connectionId: this.id,
      at: this.host.now(),
      initiatedBy: server ? 'server' : 'client',
      code: server ? server.code : code,
      reason: server ? server.reason : reason,
    };
    this.closeRecord = record;
    const session = this.session;
    if (session && session.connection === this) {
      const ends = server ? SERVER_CLOSES_ENDING_SESSION : CLIENT_CLOSES_ENDING_SESSION;
      if (ends.has(record.code)) this.host.endSession(session);
      else session.detach();
    }
    this.host.recordClose(this, record);
    this.resolveClosed(record);
  }

  // ---- output --------------------------------------------------------------------------

  private write(data: string | Uint8Array): Promise<void> {
    const compressor = this.compressor;
    if (!compressor) return this.sendMessage(data, this.encoding === 'etf');
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    // Compression is asynchronous; the queue keeps messages in payload order.
    const issued = this.sendQueue.then(() => compressor.compress(bytes)).then((messages) => messages.map((m) => this.sendMessage(m, true)));
    this.sendQueue = issued.catch(() => undefined);
    return issued.then((sends) => Promise.all(sends)).then(() => undefined);
  }

  private sendMessage(data: string | Uint8Array, binary: boolean): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.ws.send(data, { binary }, () => resolve()));
  }

  private armHeartbeatTimeout(): void {
    const timeout = this.host.options.heartbeatTimeout;
    if (!timeout || !this.isOpen) return;
    this.clearHeartbeatTimeout();
    this.heartbeatTimer = setTimeout(() => void this.closeWith(timeout.closeCode, 'Heartbeat timed out.'), timeout.afterMs);
    this.heartbeatTimer.unref();
  }

  private clearHeartbeatTimeout(): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private requireSession(): FakeSession {
    if (!this.session) {
      throw new FakeGatewayError('FAKE_GATEWAY_NO_SESSION', `Connection ${this.id} has no session; wait for READY (gateway.waitFor('ready')) first.`);
    }
    return this.session;
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
