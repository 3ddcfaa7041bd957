/**
 * The application client: a GatewayEngine driven over any {@link Transport}, with promises,
 * events and async iteration on top. Transport-independent and browser-safe (no `node:` imports).
 *
 * Rules: every protocol decision is the engine's. This file performs the engine's effects in the
 * order they come (transport, timers, identify slots) and reports what the transport and the timers
 * did; it never decides to reconnect, resume, retry or close. The token goes to the engine and is
 * not kept here; nothing this file logs, emits or throws carries it or a payload's `d`.
 */
import type { GatewayDispatchPayload, GatewayReadyDispatchData, GatewaySendPayload } from 'discord-api-types/v10';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import type { EngineEffect } from '../sans-io/effects.js';
import { SendRejectedError } from '../sans-io/errors.js';
import { GatewayEngine } from '../sans-io/gateway-engine.js';
import { DispatchStream, type DispatchStreamOptions } from './dispatch-stream.js';
import { ClientClosedError, ListenerError } from './errors.js';
import type { DispatchName, DispatchOf, GatewayClientEvents } from './events.js';
import { defaultIdentifyQueue } from './identify-queue.js';
import { IdentifyRequests } from './identify-requests.js';
import { type Logger, silentLogger } from './logger.js';
import { engineOptions, type GatewayClientOptions, type GatewayRecorder, LIBRARY_NAME } from './options.js';
import { TimerRunner } from './timer-runner.js';
import type { TransportConnector } from './transport.js';
import { TransportSlot } from './transport-slot.js';
import { TypedEmitter } from './typed-emitter.js';

/** What a platform adapter supplies besides the user's options. */
export interface ClientPlatform {
  /** Opens this platform's transports. */
  readonly connector: TransportConnector;
  /** IDENTIFY `properties` when the options give none (e.g. `os: process.platform` on Node). */
  readonly properties?: { readonly os: string; readonly browser: string; readonly device: string };
}

/** A payload the application may send: typed for the documented ones, open for the rest. */
export type ClientSendPayload = GatewaySendPayload | GatewayPayload;

/** One `dispatches()` iterator as the client feeds it. */
interface DispatchSink {
  push(payload: GatewayDispatchPayload): void;
  end(error?: unknown): void;
}

/** The client's states in which the machine has stopped for good or until `connect`. */
const STOPPED_STATES = new Set(['closed', 'failed']);

/**
 * A Discord gateway client over one transport platform. Create it with a platform's factory
 * (`createGatewayClient` from the Node adapter), `await connect()`, listen or iterate, `close()`.
 */
export class GatewayClient implements AsyncIterable<GatewayDispatchPayload> {
  readonly #engine: GatewayEngine;
  readonly #logger: Logger;
  readonly #recorder: GatewayRecorder | null;
  readonly #identify: IdentifyRequests | null;
  readonly #emitter: TypedEmitter<GatewayClientEvents>;
  readonly #timers: TimerRunner;
  readonly #transports: TransportSlot;
  readonly #streams = new Set<DispatchSink>();
  readonly #sends = new Map<number, { resolve: () => void; reject: (error: DiscordGatewayError) => void }>();
  #effects: EngineEffect[] = [];
  #pumping = false;
  #connecting: Promise<void> | null = null;
  #connectSettle: { resolve: () => void; reject: (error: DiscordGatewayError) => void } | null = null;
  #stopped: (() => void) | null = null;
  #closeRequested = false;
  #closing: Promise<void> | null = null;
  #finishing: Promise<void> | null = null;
  #failure: DiscordGatewayError | null = null;
  /** The snapshot taken just before the engine stopped (a stopped actor's snapshot would not restore as live). */
  #persisted: unknown = null;

  /** Prefer a platform factory such as the Node adapter's `createGatewayClient`. */
  constructor(options: GatewayClientOptions, platform: ClientPlatform) {
    this.#logger = options.logger ?? silentLogger;
    this.#recorder = options.recorder ?? null;
    const queue = options.identifyQueue === undefined ? defaultIdentifyQueue : options.identifyQueue;
    this.#identify = queue
      ? new IdentifyRequests(
          queue,
          () => this.#call(() => this.#engine.grantIdentify()),
          (error) => this.#report(error),
        )
      : null;
    this.#emitter = new TypedEmitter<GatewayClientEvents>((event, error) => this.#onListenerError(event, error));
    this.#timers = new TimerRunner((name) => this.#call(() => this.#engine.fireTimer(name)));
    const engineFraming = platform.connector.framing === 'engine';
    this.#transports = new TransportSlot(platform.connector, this.#logger, {
      opened: () => {
        this.#logger.debug('transport open');
        this.#call(() => (engineFraming ? this.#engine.transportConnected() : this.#engine.transportOpened()));
      },
      data: (data) => this.#call(() => (engineFraming ? this.#engine.receive(data) : this.#engine.receiveMessage(data))),
      ended: () => {
        this.#logger.debug('transport reached end of stream');
        this.#call(() => this.#engine.receive(null));
      },
      error: (error) => this.#report(error),
      closed: (reason, code) => this.#call(() => this.#engine.transportClosed(reason, engineFraming ? null : code)),
    });
    const properties = platform.properties ?? { os: 'unknown', browser: LIBRARY_NAME, device: LIBRARY_NAME };
    let built = engineOptions(options, platform.connector.framing, properties);
    if (this.#recorder) built = this.#recorder.wrap(built);
    this.#engine = new GatewayEngine(built);
    this.#pump();
  }

  // ---- state ---------------------------------------------------------------------------

  /** The machine state as a dotted path: `idle`, `connecting`, `connected.ready`, `backoff`, `closed`, `failed`, ... */
  get state(): string {
    return this.#engine.state;
  }

  /** The last heartbeat round trip in ms, or null before the first ACK. */
  get latency(): number | null {
    return this.#engine.snapshot.context.latencyMs;
  }

  /** The session id from READY, or null without a session. */
  get sessionId(): string | null {
    return this.#engine.snapshot.context.sessionId;
  }

  /** The last dispatch sequence number of the session, or null. */
  get sequence(): number | null {
    return this.#engine.snapshot.context.sequence;
  }

  /** A JSON-safe snapshot (no token); pass it as `snapshot` to a new client to RESUME this session. */
  persist(): unknown {
    return this.#persisted ?? this.#engine.persist();
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /**
   * Connects and resolves once the session is ready: at READY, or at RESUMED when a `snapshot` was
   * restored. Until then transport failures are retried with backoff (see the `error` event);
   * rejects with {@link FatalCloseError} on a fatal close code, or {@link ClientClosedError} if
   * `close()` comes first. Calling it again returns the same promise; after `close()` (or a fatal
   * close) it rejects: a client connects once, create a new one (with `snapshot`) to go on.
   */
  connect(): Promise<void> {
    if (this.#finishing || this.#closeRequested) return Promise.reject(this.#failure ?? new ClientClosedError());
    if (this.#connecting) return this.#connecting;
    this.#connecting = new Promise<void>((resolve, reject) => {
      this.#connectSettle = { resolve, reject };
    });
    // The failure is also an `error` event and a log line: a caller that does not await must not crash the process.
    this.#connecting.catch(() => {});
    this.#logger.info('connecting', { url: redactUrl(this.#engine.url) });
    this.#call(() => this.#engine.connect());
    return this.#connecting;
  }

  /**
   * Closes for good and resolves once the connection, its timers and the recorder are done. 1000
   * (the default) and 1001 end the session (the bot goes offline); another code (4000-4999) keeps it
   * resumable from `persist()`. Calling it again returns the same promise.
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closeRequested = true;
    this.#closing = (async () => {
      if (!this.#finishing && !STOPPED_STATES.has(this.#engine.state)) {
        const stopped = new Promise<void>((resolve) => {
          this.#stopped = resolve;
        });
        this.#logger.info('closing', { code });
        this.#call(() => this.#engine.close(code, reason));
        if (!STOPPED_STATES.has(this.#engine.state)) await stopped;
      }
      await this.#finish(null);
    })();
    return this.#closing;
  }

  /**
   * Sends a payload through the engine's rate limiter (120 per 60 s, room kept for heartbeats).
   * Resolves when it is written; rejects with {@link SendRejectedError} (not ready, queue full,
   * reserved opcode, disconnected) or {@link PayloadTooLargeError} (over 4096 bytes).
   */
  send(payload: ClientSendPayload): Promise<void> {
    if (this.#finishing || this.#closeRequested) return Promise.reject(new SendRejectedError('disconnected'));
    let id: number;
    try {
      id = this.#engine.send(payload as GatewayPayload);
    } catch (error) {
      this.#pump();
      return Promise.reject(asGatewayError(error));
    }
    // Register before performing the effects: the `sent` for this id may be among them.
    const promise = new Promise<void>((resolve, reject) => {
      this.#sends.set(id, { resolve, reject });
    });
    this.#pump();
    return promise;
  }

  // ---- events --------------------------------------------------------------------------

  /** Adds a listener: `dispatch`, `dispatch:MESSAGE_CREATE` (any dispatch name), `ready`, `resumed`, `state`, `heartbeat`, `close`, `error`. */
  on<K extends keyof GatewayClientEvents>(event: K, listener: (...args: GatewayClientEvents[K]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<K extends keyof GatewayClientEvents>(event: K, listener: (...args: GatewayClientEvents[K]) => void): this {
    this.#emitter.on(event, listener, true);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof GatewayClientEvents>(event: K, listener: (...args: GatewayClientEvents[K]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /**
   * An async iterator over new dispatches from now on (all of them, or only `events`), ending when
   * the client closes (throwing the error if it failed). A slow consumer meets the overflow policy of
   * {@link DispatchStreamOptions} (default: the iterator throws after 10,000 buffered dispatches).
   */
  dispatches<T extends DispatchName = DispatchName>(
    options: DispatchStreamOptions & { readonly events?: readonly T[] } = {},
  ): DispatchStream<DispatchName extends T ? GatewayDispatchPayload : DispatchOf<T>> {
    type Item = DispatchName extends T ? GatewayDispatchPayload : DispatchOf<T>;
    const filter = options.events ? new Set<string>(options.events) : null;
    const stream: DispatchStream<Item> = new DispatchStream<Item>(options, () => {
      this.#streams.delete(sink);
    });
    const sink: DispatchSink = {
      push: (payload) => {
        if (!filter || filter.has(payload.t)) stream.push(payload as Item);
      },
      end: (error) => stream.end(error),
    };
    if (this.#finishing) stream.end(this.#failure ?? undefined);
    else this.#streams.add(sink);
    return stream;
  }

  /** `for await (const dispatch of client)`: every dispatch, with the default buffer policy. */
  [Symbol.asyncIterator](): AsyncIterator<GatewayDispatchPayload> {
    return this.dispatches();
  }

  // ---- effects -------------------------------------------------------------------------

  /** Calls into the engine, then performs what it asked for. Engine errors never escape into a transport callback. */
  #call(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#report(asGatewayError(error));
    }
    this.#pump();
  }

  /** Performs the engine's effects strictly in order, even when a listener calls back into the client. */
  #pump(): void {
    const taken = this.#engine.takeEffects();
    if (taken.length > 0) {
      if (this.#effects.length === 0) this.#effects = taken;
      else for (const effect of taken) this.#effects.push(effect);
    }
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let index = 0; index < this.#effects.length; index++) {
        try {
          this.#perform(this.#effects[index]!);
        } catch (error) {
          // A platform that throws from write/end/destroy must not cost the effects after it.
          this.#report(asGatewayError(error));
        }
        const more = this.#engine.takeEffects();
        for (const effect of more) this.#effects.push(effect);
      }
    } finally {
      this.#effects = [];
      this.#pumping = false;
    }
  }

  #perform(effect: EngineEffect): void {
    switch (effect.type) {
      case 'transport.open':
        this.#transports.open({ url: effect.url, destination: effect.destination });
        break;
      case 'transport.write':
        this.#transports.write(effect.bytes, true);
        break;
      case 'transport.send':
        this.#transports.write(effect.data, effect.binary);
        break;
      case 'transport.close':
        this.#transports.close(effect.code, effect.reason);
        break;
      case 'transport.end':
        this.#transports.retire();
        break;
      case 'transport.destroy':
        this.#transports.destroy();
        break;
      case 'timer.set':
        this.#timers.set(effect.name, effect.ms);
        break;
      case 'timer.clear':
        this.#timers.clear(effect.name);
        break;
      case 'identify.request':
        this.#logger.debug('waiting for an IDENTIFY slot', { shardId: effect.shardId });
        this.#identify?.request(effect.shardId);
        break;
      case 'dispatch':
        this.#deliver(effect.payload as unknown as GatewayDispatchPayload);
        break;
      case 'state':
        this.#onState(effect.from, effect.to);
        break;
      case 'heartbeat':
        this.#logger.debug('heartbeat acknowledged', { latencyMs: effect.latencyMs });
        this.#emitter.emit('heartbeat', { latencyMs: effect.latencyMs });
        break;
      case 'sent': {
        const pending = this.#sends.get(effect.id);
        this.#sends.delete(effect.id);
        pending?.resolve();
        break;
      }
      case 'send.failed': {
        const pending = this.#sends.get(effect.id);
        this.#sends.delete(effect.id);
        this.#logger.debug('send failed', { code: effect.error.code });
        pending?.reject(effect.error);
        break;
      }
      case 'closed':
        this.#logger.info('connection closed', { code: effect.code, reason: effect.reason });
        this.#emitter.emit('close', { code: effect.code, reason: effect.reason });
        break;
      case 'rejected':
      case 'error':
        this.#report(effect.error);
        break;
      case 'failed':
        this.#failure = effect.error;
        this.#logger.error('session failed; not reconnecting', { code: effect.error.code });
        this.#emitter.emit('error', effect.error);
        break;
      case 'payload':
        break;
    }
  }

  #deliver(payload: GatewayDispatchPayload): void {
    const emitter = this.#emitter as unknown as { emit(event: string, ...args: unknown[]): boolean };
    if (payload.t === 'READY') {
      this.#logger.info('session ready', { sessionId: this.sessionId });
      emitter.emit('ready', payload.d as GatewayReadyDispatchData);
    } else if (payload.t === 'RESUMED') {
      this.#logger.info('session resumed', { sequence: this.sequence });
      emitter.emit('resumed');
    }
    emitter.emit('dispatch', payload);
    emitter.emit(`dispatch:${payload.t}`, payload);
    for (const stream of this.#streams) stream.push(payload);
  }

  #onState(from: string, to: string): void {
    this.#logger.info(`state ${from} -> ${to}`, { from, to });
    // The connection moved on (or dropped) before its slot came: give the place up.
    if (from === 'connected.waitingForIdentifySlot') this.#identify?.cancel();
    if (to === 'backoff') {
      const context = this.#engine.snapshot.context;
      this.#logger.info(`reconnecting in ${context.reconnectDelayMs} ms`, {
        attempt: context.reconnectAttempt,
        lastCloseCode: context.lastClose?.code ?? null,
        resume: context.sessionId !== null,
      });
    }
    this.#emitter.emit('state', { from, to });
    if (to === 'connected.ready') {
      const settle = this.#connectSettle;
      this.#connectSettle = null;
      settle?.resolve();
    }
    if (STOPPED_STATES.has(to)) {
      const stopped = this.#stopped;
      this.#stopped = null;
      stopped?.();
      // A fatal close (or a close the server completed while we were not closing) ends the client.
      if (to === 'failed' || !this.#closeRequested) void this.#finish(this.#failure);
    }
  }

  #report(error: DiscordGatewayError): void {
    this.#logger.warn(error.message, { code: error.code });
    this.#emitter.emit('error', error);
  }

  #onListenerError(event: string, error: unknown): void {
    if (event === 'error') {
      this.#logger.error('an error listener threw', { code: 'LISTENER_THREW' });
      return;
    }
    this.#report(new ListenerError(event, error));
  }

  // ---- the end -------------------------------------------------------------------------

  /** Releases everything once the machine has stopped (closed, or failed for good). */
  #finish(failure: DiscordGatewayError | null): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = (async () => {
      this.#timers.clearAll();
      this.#identify?.cancel();
      this.#transports.destroy();
      const settle = this.#connectSettle;
      this.#connectSettle = null;
      settle?.reject(failure ?? new ClientClosedError('The client was closed before the session became ready.'));
      for (const [id, pending] of this.#sends) {
        this.#sends.delete(id);
        pending.reject(new SendRejectedError('disconnected'));
      }
      for (const stream of [...this.#streams]) stream.end(failure ?? undefined);
      await this.#transports.settle();
      this.#persisted = this.#engine.persist();
      this.#engine.stop();
      this.#logger.info('client closed', { state: this.#engine.state });
      try {
        await this.#recorder?.close?.();
      } catch (error) {
        this.#report(new DiscordGatewayError('RECORDER_CLOSE_FAILED', 'The recorder failed to close; the recording may be incomplete.', { cause: error }));
      }
    })();
    return this.#finishing;
  }
}

/** Any thrown value as one of our typed errors (a foreign error is wrapped, never passed raw). */
function asGatewayError(error: unknown): DiscordGatewayError {
  if (error instanceof DiscordGatewayError) return error;
  return new DiscordGatewayError('INTERNAL', 'An unexpected error occurred in the gateway client.', { cause: error });
}

/** The URL as logged: origin and path only (the query holds nothing secret, but keeps logs short). */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[unparsable url]';
  }
}
