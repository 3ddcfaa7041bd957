/**
 * The fake gateway server: an HTTP(S) server on 127.0.0.1 carrying `ws` WebSockets, the
 * sessions shared by its connections, the IDENTIFY concurrency buckets, and the recording.
 * Protocol checks live in `connection.ts`; this file owns lifetimes and lookups only.
 */

import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ConnectionHost, FakeGatewayConnection } from './connection.js';
import { FakeGatewayError } from './errors.js';
import { SnowflakeSource, guildCreateData, newSessionId, readyData } from './fake-data.js';
import { type FakeGatewayOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { GatewayEncoding } from './payload-codec.js';
import { IdentifyLimit } from './rate-limits.js';
import type { CloseRecord, FakeGatewayEvents, ReceivedPayload } from './records.js';
import { FakeSession, type SessionHost, type StreamOptions, type StreamResult } from './session.js';
import type { TransportCompression } from './transport-compressor.js';

/** Starts a fake Discord gateway (v10) and resolves once it listens. Call `close()` when done. */
export async function startFakeGateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const gateway = new FakeGateway(options);
  await gateway.listen();
  return gateway;
}

/** Options of {@link FakeGateway.waitFor} and {@link FakeGateway.waitUntil}. */
export interface WaitOptions {
  /** Give up after this many ms with a `FAKE_GATEWAY_TIMEOUT` error. Default 5000. */
  timeoutMs?: number;
}

/**
 * Largest WebSocket message `ws` accepts: well above the gateway's 4096 so that we answer 4002
 * ourselves; beyond it `ws` closes with 1009 (recorded as a client close).
 */
const WS_MAX_MESSAGE = 1024 * 1024;

/**
 * A running fake gateway. Create it with {@link startFakeGateway}. The scenario controls on the
 * gateway itself act on {@link FakeGateway.current}, the newest open connection.
 */
export class FakeGateway extends EventEmitter<FakeGatewayEvents> {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  /** Every payload every client sent, in order. */
  readonly received: ReceivedPayload[] = [];
  /** Every close, in order. */
  readonly closes: CloseRecord[] = [];
  /** Every session by `session_id`, ended ones included. */
  readonly sessions: ReadonlyMap<string, FakeSession> = new Map();
  /** Every connection ever made, in order, closed ones included. */
  readonly allConnections: FakeGatewayConnection[] = [];

  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE });
  private readonly identifyLimit: IdentifyLimit;
  private readonly startedAt = performance.now();
  private readonly waiters = new Set<() => void>();
  private readonly host: ConnectionHost & SessionHost;
  private base = '';

  /** Prefer {@link startFakeGateway}, which also calls {@link FakeGateway.listen}. */
  constructor(fakeGatewayOptions: FakeGatewayOptions = {}) {
    super();
    const options = resolveOptions(fakeGatewayOptions);
    this.options = options;
    this.identifyLimit = new IdentifyLimit(options.maxConcurrency, options.identifyWindowMs);
    this.host = this.createHost();
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onHttpRequest(req, res);
    this.server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createHttpServer(onRequest);
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    });
  }

  /** Starts listening (done by {@link startFakeGateway}). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const host = urlHost(this.options.host);
    this.base = `${this.options.tls ? 'wss' : 'ws'}://${host}:${port}`;
  }

  /** The gateway URL, like `wss://gateway.discord.gg`: append `/?v=10&encoding=json`. */
  get url(): string {
    return this.base;
  }

  /** The `resume_gateway_url` READY hands out: this server at the resume path. */
  get resumeUrl(): string {
    return `${this.base}${this.options.resumePath}`;
  }

  /** Base of the small HTTP API (`GET {httpUrl}/gateway/bot`). */
  get httpUrl(): string {
    return `${this.base.replace(/^ws/, 'http')}/api/v10`;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The valid token. */
  get token(): string {
    return this.options.token;
  }

  /**
   * `url` (or `resumeUrl` with `resume: true`) with the query a client would add; `v`
   * defaults to 10 and `encoding` to json.
   */
  urlWith(query: { v?: number | string; encoding?: GatewayEncoding; compress?: TransportCompression; resume?: boolean } = {}): string {
    const params = new URLSearchParams({ v: String(query.v ?? 10), encoding: query.encoding ?? 'json' });
    if (query.compress) params.set('compress', query.compress);
    return `${query.resume ? this.resumeUrl : this.base}/?${params}`;
  }

  /** The connections still open, oldest first. */
  get connections(): FakeGatewayConnection[] {
    return this.allConnections.filter((c) => c.closeInfo === undefined);
  }

  /** The newest connection, open or not. */
  get latest(): FakeGatewayConnection | undefined {
    return this.allConnections.at(-1);
  }

  /** The newest open connection; throws `FAKE_GATEWAY_NO_CONNECTION` if there is none. */
  get current(): FakeGatewayConnection {
    const open = [...this.allConnections].reverse().find((c) => c.isOpen);
    if (!open) throw new FakeGatewayError('FAKE_GATEWAY_NO_CONNECTION', 'No client is connected; wait for one with gateway.waitFor("connection").');
    return open;
  }

  /** Resolves with the arguments of the next `event` that passes `filter`. */
  waitFor<K extends keyof FakeGatewayEvents>(
    event: K,
    options: WaitOptions & { filter?: (...args: FakeGatewayEvents[K]) => boolean } = {},
  ): Promise<FakeGatewayEvents[K]> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const emitter = this as unknown as EventEmitter;
    return new Promise((resolve, reject) => {
      const listener = (...args: unknown[]) => {
        const typed = args as FakeGatewayEvents[K];
        if (options.filter && !options.filter(...typed)) return;
        clearTimeout(timer);
        emitter.off(event, listener);
        resolve(typed);
      };
      const timer = setTimeout(() => {
        emitter.off(event, listener);
        reject(new FakeGatewayError('FAKE_GATEWAY_TIMEOUT', `No '${event}' event within ${timeoutMs} ms.`));
      }, timeoutMs);
      emitter.on(event, listener);
    });
  }

  /**
   * Resolves with the first truthy value of `check`, tried now and after every gateway event.
   * Race-free where `waitFor` is not: `await gw.waitUntil(() => gw.received.find((r) => r.op === 2))`.
   */
  waitUntil<T>(check: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const attempt = () => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value) {
          done();
          resolve(value);
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(attempt);
        reject(new FakeGatewayError('FAKE_GATEWAY_TIMEOUT', `The awaited condition did not hold within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }

  // ---- scenario controls on the current connection ---------------------------------------

  /** `current.dispatch(t, d)`. */
  dispatch(t: string, d: unknown): { seq: number; sent: Promise<void> } {
    return this.current.dispatch(t, d);
  }

  /** `current.stream(options)`. */
  stream(options: StreamOptions): Promise<StreamResult> {
    return this.current.stream(options);
  }

  /** `current.dropAcks(on)`. */
  dropAcks(on = true): void {
    this.current.dropAcks(on);
  }

  /** `current.requestHeartbeat()`. */
  requestHeartbeat(): Promise<void> {
    return this.current.requestHeartbeat();
  }

  /** `current.sendReconnect()`. */
  sendReconnect(): Promise<void> {
    return this.current.sendReconnect();
  }

  /** `current.invalidateSession(resumable)`. */
  invalidateSession(resumable: boolean): Promise<void> {
    return this.current.invalidateSession(resumable);
  }

  /** `current.closeWith(code, reason)`. */
  closeWith(code: number, reason?: string): Promise<CloseRecord> {
    return this.current.closeWith(code, reason);
  }

  /** `current.terminate()`. */
  terminate(): Promise<CloseRecord> {
    return this.current.terminate();
  }

  /** Drops every connection, ends every session and stops listening. */
  async close(): Promise<void> {
    for (const session of this.sessions.values()) session.end();
    for (const connection of this.allConnections) void connection.terminate();
    await Promise.all(this.allConnections.map((c) => c.closed));
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Monotonic ms since the gateway started: the clock of every record's `at`. */
  now(): number {
    return performance.now() - this.startedAt;
  }

  /** What connections and sessions may ask of the gateway; kept off the public surface. */
  private createHost(): ConnectionHost & SessionHost {
    const { options } = this;
    const sessions = this.sessions as Map<string, FakeSession>;
    const snowflakes = new SnowflakeSource();
    const host: ConnectionHost & SessionHost = {
      options,
      sessionTimeoutMs: options.sessionTimeoutMs,
      snowflakes,
      messageContext: {
        guildId: options.readyGuilds[0] ?? '1100000000000000010',
        channelId: '1100000000000000011',
        authorId: '1100000000000000012',
      },
      now: () => this.now(),
      tryIdentify: (shardId) => options.identifyWindowMs <= 0 || this.identifyLimit.tryAcquire(shardId, this.now()),
      openSession: (connection, shard, intents) => {
        const session = new FakeSession(host, newSessionId(), shard, intents);
        sessions.set(session.id, session);
        session.attach(connection);
        return session;
      },
      findSession: (id) => sessions.get(id),
      endSession: (session) => {
        session.end();
        this.runWaiters();
      },
      readyData: (session) =>
        readyData({
          user: options.user,
          application: options.application,
          guilds: options.readyGuilds,
          sessionId: session.id,
          resumeGatewayUrl: this.resumeUrl,
          shard: session.shard,
        }),
      guildCreates: () => (options.guildCreates ? options.readyGuilds.map((id) => guildCreateData(id, snowflakes.next(), options.user)) : []),
      record: (connection, record) => {
        this.received.push(record);
        host.notify('payload', connection, record);
      },
      recordClose: (connection, record) => {
        this.closes.push(record);
        host.notify('close', connection, record);
      },
      notify: (event, ...args) => {
        (this as unknown as EventEmitter).emit(event, ...args);
        this.runWaiters();
      },
    };
    return host;
  }

  private runWaiters(): void {
    for (const attempt of [...this.waiters]) attempt();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const connection = new FakeGatewayConnection(this.host, ws, this.allConnections.length + 1, req.url ?? '/');
    this.allConnections.push(connection);
    this.host.notify('connection', connection);
    connection.start();
  }

  private onHttpRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://fake-gateway.invalid').pathname.replace(/\/+$/, '');
    const body =
      path === '/api/v10/gateway'
        ? { url: this.url }
        : path === '/api/v10/gateway/bot'
          ? {
              url: this.url,
              shards: this.options.shardCount,
              session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: this.options.maxConcurrency },
            }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { message: '404: Not Found', code: 0 }));
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
