/**
 * The sans-I/O gateway connection: the codecs and the machine wired together. Bytes and timer
 * firings go in; bytes to write, timers to arm, dispatches and state changes come out as effects.
 *
 * Rules: the engine makes no protocol decision itself (those are the machine's); it only turns
 * bytes into machine events and machine commands into bytes. It never touches a socket, a timer or
 * a clock other than the injected `now`. The token lives only here, in a private field, and is
 * added to IDENTIFY/RESUME at the moment they are encoded; it never reaches the machine, an
 * effect, an error or a log.
 *
 * This file owns the public calls (each stamped with the clock and shown to the observer) and the
 * machine's feed loop with its command handling; the socket in either framing is `EngineSocket`'s,
 * decoding and the dispatch fast path are `Inbound`'s, the outgoing checks are in `outbound.ts`.
 */
import { payloadEncoding, type PayloadEncoding } from '../../codec/encoding/encodings.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { GatewayCommand } from '../../machines/commands.js';
import type { GatewayInput } from '../../machines/context.js';
import type { GatewayEvent, IdentifyData } from '../../machines/events.js';
import { createActorRunner, createReducerRunner, type GatewaySnapshot, type MachineRunner } from '../../machines/runner.js';
import type { TimerName } from '../../machines/timers.js';
import type { EngineEffect } from './effects.js';
import { EngineSocket } from './engine-socket.js';
import type { EngineInput, GatewayEngineOptions } from './engine-types.js';
import { FatalCloseError, InvalidOptionError, InvalidStateError, type PayloadTooLargeError, SendRejectedError } from './errors.js';
import { buildGatewayUrl, type TransportCompressionName } from './gateway-url.js';
import { Inbound } from './inbound.js';
import { checkApplicationPayload, tooLarge, withToken } from './outbound.js';
import { Outbox } from './outbox.js';
import { stateName } from './state-name.js';

export type { EngineInput, EngineObserver, GatewayEngineOptions } from './engine-types.js';
export { MAX_OUTGOING_PAYLOAD_BYTES } from './outbound.js';

const defaultRandom = (bytes: Uint8Array): Uint8Array => globalThis.crypto.getRandomValues(bytes);
const defaultNow = (): number => globalThis.performance.now();

/**
 * One gateway connection, sans I/O. Call `connect()`, perform the effects from `takeEffects()`
 * after every call, and report back with `transportConnected()`, `receive()`, `transportClosed()`
 * and `fireTimer()`.
 */
export class GatewayEngine {
  /** The URL of the first connection (with `v`, `encoding`, `compress`). */
  readonly url: string;
  /** The payload encoding. */
  readonly encoding: PayloadEncoding;
  /** The transport compression, or null. */
  readonly compress: TransportCompressionName | null;
  /** The seed of the machine's jitter generator (recorders store it to replay the same delays). */
  readonly seed: number;
  readonly #runner: MachineRunner;
  readonly #now: () => number;
  readonly #options: GatewayEngineOptions;
  readonly #out = new Outbox();
  readonly #inbound: Inbound;
  readonly #socket: EngineSocket;
  #token: string | null;
  #queue: GatewayEvent[] = [];
  #draining = false;
  #state: string;
  #nextSendId = 1;

  constructor(options: GatewayEngineOptions) {
    this.#options = options;
    const random = options.random ?? defaultRandom;
    this.#now = options.now ?? defaultNow;
    this.#token = options.token ?? null;
    this.compress = options.compress ?? null;
    this.url = buildGatewayUrl(options.url, options.encoding ?? 'json', this.compress);
    this.encoding = payloadEncoding(options.encoding ?? 'json', { maxInflatedSize: options.limits?.maxInflatedSize });
    this.#inbound = new Inbound(options, this.encoding, this.compress, this.#out);
    this.#socket = new EngineSocket(options, random, this.#inbound, this.#out, (event) => this.#feed(event));
    this.seed = options.seed ?? new Uint32Array(random(new Uint8Array(4)).buffer)[0]!;
    if (options.identify && !options.token) {
      throw new InvalidOptionError('A connection that identifies by itself needs `token`.');
    }
    const input: GatewayInput = {
      url: this.url,
      identify: options.identify ?? null,
      seed: this.seed,
      policies: options.policies,
    };
    this.#runner =
      options.runner === 'reducer'
        ? createReducerRunner({ input, snapshot: options.snapshot })
        : createActorRunner({ input, snapshot: options.snapshot, inspect: options.inspect });
    this.#state = '';
    this.#out.at = this.#now();
    this.#handle(this.#runner.start());
    this.#state = stateName(this.#runner.snapshot);
    this.#inbound.follow(this.#runner.snapshot);
  }

  /** The machine state as a dotted path, e.g. `connected.ready`. */
  get state(): string {
    return this.#state;
  }

  /** The machine's current snapshot (context: session id, sequence, latency, ...). */
  get snapshot(): GatewaySnapshot {
    this.#flushSequence();
    return this.#runner.snapshot;
  }

  /** A JSON-safe snapshot (no token) from which a new engine RESUMEs this session. */
  persist(): unknown {
    this.#flushSequence();
    return this.#runner.persist();
  }

  /** Takes the effects produced so far, oldest first. */
  takeEffects(): EngineEffect[] {
    const effects = this.#out.effects;
    this.#out.effects = [];
    return effects;
  }

  /** Starts a connection (or a new one; after restoring a snapshot, the session is resumed). */
  connect(): void {
    this.#call({ type: 'connect' }, () => {
      this.#feed({ type: 'connect', now: this.#out.at });
    });
  }

  /** The transport from the last `transport.open` is connected: the upgrade request is written. */
  transportConnected(): void {
    this.#call({ type: 'transport.connected' }, () => {
      this.#socket.transportConnected();
    });
  }

  /** Bytes read from the transport; `null` when the transport reached end of stream. */
  receive(bytes: Uint8Array | null): void {
    this.#call({ type: 'receive', bytes }, () => {
      this.#socket.receive(bytes);
    });
  }

  /** The platform's WebSocket opened (`framing: 'platform'`): the upgrade is done. */
  transportOpened(): void {
    this.#call({ type: 'transport.opened' }, () => {
      this.#socket.transportOpened();
    });
  }

  /** One whole message from the platform's WebSocket (`framing: 'platform'`). */
  receiveMessage(data: Uint8Array): void {
    this.#call({ type: 'message', data }, () => {
      this.#socket.receiveMessage(data);
    });
  }

  /**
   * The transport failed or closed (connection refused, TLS error, reset, EOF). With
   * `framing: 'platform'`, pass the close code the server sent (null for 1005/1006: none).
   */
  transportClosed(reason = 'the transport closed', code: number | null = null): void {
    this.#call({ type: 'transport.closed', reason, code }, () => {
      this.#socket.transportClosed(reason, code);
    });
  }

  /** A timer armed by a `timer.set` effect has fired. */
  fireTimer(name: TimerName): void {
    this.#call({ type: 'timer', name }, () => {
      this.#feed({ type: `timer.${name}`, now: this.#out.at });
    });
  }

  /** This shard's IDENTIFY bucket is free (answers an `identify.request` effect). */
  grantIdentify(): void {
    this.#call({ type: 'identify.granted' }, () => {
      this.#feed({ type: 'identify.granted', now: this.#out.at });
    });
  }

  /**
   * Sends a payload through the rate limiter. Returns its id; a `sent` or `send.failed` effect
   * with that id follows. Throws {@link PayloadTooLargeError} at once for a payload over 4096 bytes.
   */
  send(payload: GatewayPayload, options: { queue?: boolean } = {}): number {
    return this.#call({ type: 'send', payload, queue: options.queue ?? true }, () => {
      checkApplicationPayload(this.encoding, payload, this.#token);
      const id = this.#nextSendId++;
      this.#feed({ type: 'user.send', id, payload, queue: options.queue ?? true, now: this.#out.at });
      return id;
    });
  }

  /** Closes the connection; 1000/1001 end the session, other codes keep it resumable. */
  close(code = 1000, reason = ''): void {
    this.#call({ type: 'close', code, reason }, () => {
      this.#feed({ type: 'user.close', code, reason, now: this.#out.at });
    });
  }

  /** IDENTIFY by hand (the seed's style); legal right after HELLO when no `identify` option was given. */
  identify(data: IdentifyData, token: string): void {
    this.#call({ type: 'identify', data }, () => {
      this.#expect('user.identify', 'identify() is only legal after HELLO, before READY, on a connection without the identify option');
      this.#token = token;
      this.#feed({ type: 'user.identify', data, now: this.#out.at });
    });
  }

  /** RESUME by hand (the seed's style); legal right after HELLO when a session exists. */
  resume(token: string): void {
    this.#call({ type: 'resume' }, () => {
      this.#expect('user.resume', 'resume() is only legal after HELLO on a connection with a session to resume (see shouldResume)');
      this.#token = token;
      this.#feed({ type: 'user.resume', now: this.#out.at });
    });
  }

  /** Sends a heartbeat now, or closes a zombie connection whose last heartbeat was never acknowledged. */
  heartbeat(): void {
    this.#call({ type: 'heartbeat' }, () => {
      this.#feed({ type: 'timer.heartbeat', now: this.#out.at });
    });
  }

  /** Stops the machine (no more effects). */
  stop(): void {
    this.#runner.stop();
  }

  /**
   * Runs one input: stamps it with the clock (every event it causes shares that time), reports it
   * to the observer, and reports what it threw, if anything, before rethrowing.
   */
  #call<T>(input: EngineInput, body: () => T): T {
    this.#out.at = this.#now();
    const observer = this.#options.observer;
    observer?.input?.(input, this.#out.at);
    try {
      return body();
    } catch (error) {
      observer?.thrown?.(error, this.#out.at);
      throw error;
    }
  }

  #expect(type: 'user.identify' | 'user.resume', message: string): void {
    if (!this.#runner.snapshot.can({ type, now: 0, ...(type === 'user.identify' ? { data: {} } : {}) } as GatewayEvent)) {
      throw new InvalidStateError(`${message}; the connection is ${this.#state}.`, this.#state);
    }
  }

  /** Tells the machine the sequence the fast path reached, before anything else happens. */
  #flushSequence(): void {
    const sequence = this.#inbound.takePendingSequence();
    if (sequence === null) return;
    this.#feed({ type: 'gateway.sequence', sequence, now: this.#out.at });
  }

  /** Sends one event to the machine, and any it causes, one at a time (never re-entrant). */
  #feed(event: GatewayEvent): void {
    // A machine that reached a final state (a fatal close) takes no more events; a send is refused.
    if (this.#runner.snapshot.status === 'done') {
      if (event.type === 'user.send') this.#out.effects.push({ type: 'send.failed', id: event.id, error: new SendRejectedError('not-ready') });
      return;
    }
    if (event.type !== 'gateway.sequence') this.#flushSequence();
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        this.#handle(this.#runner.send(next));
        const snapshot = this.#runner.snapshot;
        this.#inbound.follow(snapshot);
        const state = stateName(snapshot);
        if (state !== this.#state) {
          this.#out.effects.push({ type: 'state', from: this.#state, to: state });
          this.#state = state;
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #handle(commands: GatewayCommand[]): void {
    const observer = this.#options.observer;
    for (const command of commands) {
      observer?.command?.(command, this.#out.at);
      switch (command.type) {
        case 'socket.open':
          this.#socket.open(command.url);
          break;
        case 'socket.close':
          if (this.#socket.close(command.code, command.reason)) {
            this.#queue.push({ type: 'socket.closed', code: null, reason: 'closed before the upgrade finished', now: this.#out.at });
          }
          break;
        case 'socket.terminate':
          this.#socket.terminate();
          break;
        case 'send.payload':
          this.#sendPayload(command.payload, command.auth, command.id);
          break;
        case 'send.rejected':
          this.#out.effects.push({ type: 'send.failed', id: command.id, error: new SendRejectedError(command.reason) });
          break;
        case 'timer.set':
        case 'timer.clear':
          this.#out.effects.push(command);
          break;
        case 'identify.request':
          if (this.#options.identifyGate) this.#out.effects.push(command);
          else this.#queue.push({ type: 'identify.granted', now: this.#out.at });
          break;
        case 'gateway.dispatch':
          if (this.#inbound.wants(command.payload)) this.#out.effects.push({ type: 'dispatch', payload: command.payload });
          break;
        case 'heartbeat.acked':
          this.#out.effects.push({ type: 'heartbeat', latencyMs: command.latencyMs });
          break;
        case 'session.failed':
          this.#out.effects.push({ type: 'failed', error: new FatalCloseError(command.code, command.reason) });
          break;
      }
    }
  }

  /** A payload the machine sends; IDENTIFY and RESUME (`auth`) get the token as they are encoded. */
  #sendPayload(payload: GatewayPayload, auth: 'identify' | 'resume' | undefined, id: number | undefined): void {
    if (!this.#socket.canSend) {
      if (id !== undefined) this.#out.effects.push({ type: 'send.failed', id, error: new SendRejectedError('disconnected') });
      return;
    }
    const bytes = this.encoding.encode(auth ? withToken(payload, this.#token, this.#state) : payload);
    const error = tooLarge(bytes, payload.op);
    if (error) {
      this.#out.effects.push(id === undefined ? { type: 'error', error } : { type: 'send.failed', id, error });
      return;
    }
    this.#socket.send(bytes, this.encoding.binary);
    if (id !== undefined) this.#out.effects.push({ type: 'sent', id });
  }
}
