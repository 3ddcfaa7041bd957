/**
 * The sans-I/O gateway connection: the codecs and the machine wired together. Bytes and timer
 * firings go in; bytes to write, timers to arm, dispatches and state changes come out as effects.
 *
 * Rules: the engine makes no protocol decision itself (those are the machine's); it only turns
 * bytes into machine events and machine commands into bytes. It never touches a socket, a timer or
 * a clock other than the injected `now`. The token lives only here, in a private field, and is
 * added to IDENTIFY/RESUME at the moment they are encoded; it never reaches the machine, an
 * effect, an error or a log.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { CompressionError } from '../../codec/compression/errors.js';
import { payloadEncoding, type PayloadEncoding } from '../../codec/encoding/encodings.js';
import { PayloadDecodeError } from '../../codec/encoding/errors.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import { WebSocketClient } from '../../codec/websocket/client.js';
import type { GatewayCommand } from '../../machines/commands.js';
import type { GatewayInput } from '../../machines/context.js';
import type { GatewayEvent, IdentifyData } from '../../machines/events.js';
import { GatewayOpcode } from '../../machines/opcodes.js';
import { eventFromPayload } from '../../machines/payload-events.js';
import { isNewSequence } from '../../machines/sequence.js';
import { createActorRunner, createReducerRunner, type GatewaySnapshot, type MachineRunner } from '../../machines/runner.js';
import type { TimerName } from '../../machines/timers.js';
import { createDecompressor, type StreamDecompressor } from './decompressor.js';
import type { EngineEffect } from './effects.js';
import { FatalCloseError, InvalidOptionError, InvalidStateError, PayloadContainsTokenError, PayloadTooLargeError, SendRejectedError } from './errors.js';
import { buildGatewayUrl, destinationOf, type GatewayEncodingName, type TransportCompressionName } from './gateway-url.js';
import { stateName } from './state-name.js';

/** The gateway closes connections whose payloads exceed this many bytes. */
export const MAX_OUTGOING_PAYLOAD_BYTES = 4096;

/** Options of {@link GatewayEngine}. */
export interface GatewayEngineOptions {
  /** The gateway host or URL (`gateway.discord.gg`, `wss://gateway.discord.gg`, `ws://127.0.0.1:8080`). */
  readonly url: string;
  /** Payload encoding (default `json`). */
  readonly encoding?: GatewayEncodingName;
  /** Transport compression (default none). */
  readonly compress?: TransportCompressionName | null;
  /** The bot token, for a connection that identifies by itself. Kept private; never emitted. */
  readonly token?: string;
  /** IDENTIFY data without the token: when given, the connection identifies and resumes by itself. */
  readonly identify?: IdentifyData | null;
  /** Wait for `grantIdentify()` before each IDENTIFY (a shared `max_concurrency` limiter) instead of identifying at once. */
  readonly identifyGate?: boolean;
  /** Fills bytes with secure random values (default `crypto.getRandomValues`). Used for keys and masks. */
  readonly random?: (bytes: Uint8Array) => Uint8Array;
  /** A monotonic clock in milliseconds (default `performance.now()`). */
  readonly now?: () => number;
  /** Seed of the machine's jitter generator (default: 32 bits from `random`). */
  readonly seed?: number;
  /** Policy overrides (backoff, rate limit, timeouts). */
  readonly policies?: GatewayInput['policies'];
  /** Bounds on one WebSocket message, one inflated message and the zstd window, in bytes. */
  readonly limits?: {
    readonly maxMessageSize?: number;
    readonly maxInflatedSize?: number;
    /** The largest zstd window accepted (default 8 MiB); memory per zstd connection is about this plus `maxInflatedSize`. */
    readonly maxWindowSize?: number;
  };
  /** Extra HTTP headers for the upgrade request (e.g. User-Agent). */
  readonly headers?: Record<string, string>;
  /** An XState inspector (`createBrowserInspector().inspect`, `createInspector(...).inspect`, or a function). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** A persisted machine snapshot to continue from (resumes the session on the next connection). */
  readonly snapshot?: unknown;
  /** Run the machine as an actor (default) or as a pure reducer over `transition()`. */
  readonly runner?: 'actor' | 'reducer';
  /** Also emit a `payload` effect for every payload the server sends (the seed's `events()`). */
  readonly emitPayloads?: boolean;
  /**
   * The dispatch types (`t`) the application wants; by default all. Other dispatches are
   * delivered to nobody, and while the session is ready they are not decoded at all: only their
   * `op`, `s` and `t` are read (sequence tracking, heartbeats and RESUME stay exact). READY and
   * RESUMED are always decoded and delivered, as are non-dispatch payloads. With `emitPayloads`
   * or an `observer` (a recorder) every payload is still decoded, so recordings hold them all.
   */
  readonly wantedDispatches?: readonly string[];
  /** Sees every input (never the token) and every machine command: what a recorder needs. */
  readonly observer?: EngineObserver;
  /**
   * Who speaks RFC 6455: `engine` (default) frames bytes itself over a raw TCP/TLS transport;
   * `platform` leaves the handshake and framing to a WHATWG `WebSocket` and exchanges whole messages.
   */
  readonly framing?: 'engine' | 'platform';
}

/** One call into the engine, as a recorder stores it (the token is never part of it). */
export type EngineInput =
  | { readonly type: 'connect' }
  | { readonly type: 'transport.connected' }
  | { readonly type: 'receive'; readonly bytes: Uint8Array | null }
  | { readonly type: 'transport.closed'; readonly reason: string; readonly code?: number | null }
  | { readonly type: 'transport.opened' }
  | { readonly type: 'message'; readonly data: Uint8Array }
  | { readonly type: 'timer'; readonly name: TimerName }
  | { readonly type: 'identify.granted' }
  | { readonly type: 'send'; readonly payload: GatewayPayload; readonly queue: boolean }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'identify'; readonly data: IdentifyData }
  | { readonly type: 'resume' }
  | { readonly type: 'heartbeat' };

/** Hooks that watch an engine: each input with its time, and each machine command it caused. */
export interface EngineObserver {
  /** Called at the start of every public call, with the clock reading the whole call uses. */
  input?(input: EngineInput, at: number): void;
  /**
   * Called for every output, with the time of the input that caused it: each command the machine
   * emits, and each dispatch the ready state's fast path delivers (as a `gateway.dispatch` command).
   */
  command?(command: GatewayCommand, at: number): void;
  /** Called when a public call throws (e.g. `PayloadTooLargeError`), before the error propagates. */
  thrown?(error: unknown, at: number): void;
}

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
  readonly #random: (bytes: Uint8Array) => Uint8Array;
  readonly #now: () => number;
  readonly #options: GatewayEngineOptions;
  readonly #decompressor: StreamDecompressor | null;
  #token: string | null;
  #socket: WebSocketClient | null = null;
  /** With `framing: 'platform'`: where the platform's WebSocket is, or null when there is none. */
  #platform: 'connecting' | 'open' | 'closing' | null = null;
  #effects: EngineEffect[] = [];
  #queue: GatewayEvent[] = [];
  #draining = false;
  #state: string;
  #nextSendId = 1;
  #at = 0;
  /** The machine's state allows the dispatch fast path (tag `streaming`). */
  #streaming = false;
  /** The last sequence delivered (the machine's, plus what the fast path added). */
  #sequence: number | null = null;
  /** A sequence the fast path reached that the machine has not heard yet. */
  #pendingSequence: number | null = null;
  /**
   * Uncompressed JSON: every text message is decoded by a fatal TextDecoder (native, and far
   * faster than the frame decoder's check in JavaScript), so the socket leaves UTF-8 to it.
   */
  readonly #deferText: boolean;
  /** `wantedDispatches` plus READY and RESUMED, or null when every dispatch is wanted. */
  readonly #wanted: ReadonlySet<string> | null;
  /** Unwanted dispatches may go undecoded (lazy dispatch decoding). */
  readonly #lazy: boolean;

  constructor(options: GatewayEngineOptions) {
    this.#options = options;
    this.#random = options.random ?? defaultRandom;
    this.#now = options.now ?? defaultNow;
    this.#token = options.token ?? null;
    this.compress = options.compress ?? null;
    this.url = buildGatewayUrl(options.url, options.encoding ?? 'json', this.compress);
    this.encoding = payloadEncoding(options.encoding ?? 'json', { maxInflatedSize: options.limits?.maxInflatedSize });
    this.#decompressor = createDecompressor(this.compress, options.limits?.maxInflatedSize, options.limits?.maxWindowSize);
    this.#wanted = wantedSet(options.wantedDispatches);
    this.#lazy = this.#wanted !== null && !options.emitPayloads && !options.observer;
    // A skipped dispatch's text is never decoded, so then the socket must check text itself.
    this.#deferText = this.encoding.name === 'json' && this.compress === null && !this.#lazy;
    this.seed = options.seed ?? new Uint32Array(this.#random(new Uint8Array(4)).buffer)[0]!;
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
    this.#at = this.#now();
    this.#handle(this.#runner.start());
    this.#state = stateName(this.#runner.snapshot);
    this.#streaming = this.#runner.snapshot.hasTag('streaming');
    this.#sequence = this.#runner.snapshot.context.sequence;
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
    const effects = this.#effects;
    this.#effects = [];
    return effects;
  }

  /** Starts a connection (or a new one; after restoring a snapshot, the session is resumed). */
  connect(): void {
    this.#call({ type: 'connect' }, () => {
      this.#feed({ type: 'connect', now: this.#at });
    });
  }

  /** The transport from the last `transport.open` is connected: the upgrade request is written. */
  transportConnected(): void {
    this.#call({ type: 'transport.connected' }, () => {
      const socket = this.#socket;
      if (socket?.state !== 'idle') return;
      this.#write(socket.connect());
    });
  }

  /** Bytes read from the transport; `null` when the transport reached end of stream. */
  receive(bytes: Uint8Array | null): void {
    this.#call({ type: 'receive', bytes }, () => {
      this.#receive(bytes);
    });
  }

  #receive(bytes: Uint8Array | null): void {
    const socket = this.#socket;
    if (!socket || socket.state === 'idle' || socket.state === 'closed') return;
    const wasConnecting = socket.state === 'connecting';
    try {
      socket.receive(bytes);
    } catch (error) {
      // The upgrade was refused or unreadable: nothing was opened, nothing is sent back.
      this.#socket = null;
      this.#effects.push({ type: 'rejected', error: asGatewayError(error) }, { type: 'transport.destroy' });
      this.#feed({ type: 'socket.closed', code: null, reason: `upgrade failed: ${asGatewayError(error).code}`, now: this.#at });
      return;
    }
    // One frame at a time: a message that fails the connection is the last frame read or answered.
    for (let event = socket.nextEvent(); event !== null; event = socket.nextEvent()) {
      switch (event.type) {
        case 'open':
          this.#feed({ type: 'socket.opened', now: this.#at });
          break;
        case 'message':
          this.#onMessage(event.data, event.binary ? null : socket);
          break;
        case 'close':
          this.#onClose(socket, event.code, event.reason, event.clean, event.error);
          break;
        default:
          break;
      }
      if (this.#socket !== socket) return;
    }
    if (this.#socket === socket) for (const frame of socket.takeOutgoing()) this.#write(frame);
    if (wasConnecting && bytes === null && this.#socket === socket) this.#transportClosed('end of stream during the upgrade');
  }

  /** The platform's WebSocket opened (`framing: 'platform'`): the upgrade is done. */
  transportOpened(): void {
    this.#call({ type: 'transport.opened' }, () => {
      if (this.#platform !== 'connecting') return;
      this.#platform = 'open';
      this.#feed({ type: 'socket.opened', now: this.#at });
    });
  }

  /** One whole message from the platform's WebSocket (`framing: 'platform'`). */
  receiveMessage(data: Uint8Array): void {
    this.#call({ type: 'message', data }, () => {
      if (this.#platform === 'open' || this.#platform === 'closing') this.#onMessage(data);
    });
  }

  /**
   * The transport failed or closed (connection refused, TLS error, reset, EOF). With
   * `framing: 'platform'`, pass the close code the server sent (null for 1005/1006: none).
   */
  transportClosed(reason = 'the transport closed', code: number | null = null): void {
    this.#call({ type: 'transport.closed', reason, code }, () => {
      this.#transportClosed(reason, code);
    });
  }

  #transportClosed(reason: string, code: number | null = null): void {
    if (this.#platform !== null) {
      this.#platform = null;
      this.#effects.push({ type: 'closed', code, reason, reply: null });
      this.#feed({ type: 'socket.closed', code, reason, now: this.#at });
      return;
    }
    const socket = this.#socket;
    if (socket && (socket.state === 'open' || socket.state === 'closing')) {
      this.#receive(null);
      return;
    }
    // A transport that ends during the upgrade is dropped, so no half-open socket lingers.
    if (socket) this.#effects.push({ type: 'transport.destroy' });
    this.#socket = null;
    this.#feed({ type: 'socket.closed', code: null, reason, now: this.#at });
  }

  /** A timer armed by a `timer.set` effect has fired. */
  fireTimer(name: TimerName): void {
    this.#call({ type: 'timer', name }, () => {
      this.#feed({ type: `timer.${name}`, now: this.#at });
    });
  }

  /** This shard's IDENTIFY bucket is free (answers an `identify.request` effect). */
  grantIdentify(): void {
    this.#call({ type: 'identify.granted' }, () => {
      this.#feed({ type: 'identify.granted', now: this.#at });
    });
  }

  /**
   * Sends a payload through the rate limiter. Returns its id; a `sent` or `send.failed` effect
   * with that id follows. Throws {@link PayloadTooLargeError} at once for a payload over 4096 bytes.
   */
  send(payload: GatewayPayload, options: { queue?: boolean } = {}): number {
    return this.#call({ type: 'send', payload, queue: options.queue ?? true }, () => {
      const bytes = this.encoding.encode(payload);
      if (bytes.byteLength > MAX_OUTGOING_PAYLOAD_BYTES) throw new PayloadTooLargeError(bytes.byteLength, MAX_OUTGOING_PAYLOAD_BYTES, payload.op);
      // The token goes out in IDENTIFY and RESUME only; anywhere else it would reach logs and inspectors.
      if (this.#token !== null && containsBytes(bytes, textEncoder.encode(this.#token))) throw new PayloadContainsTokenError(payload.op);
      const id = this.#nextSendId++;
      this.#feed({ type: 'user.send', id, payload, queue: options.queue ?? true, now: this.#at });
      return id;
    });
  }

  /** Closes the connection; 1000/1001 end the session, other codes keep it resumable. */
  close(code = 1000, reason = ''): void {
    this.#call({ type: 'close', code, reason }, () => {
      this.#feed({ type: 'user.close', code, reason, now: this.#at });
    });
  }

  /** IDENTIFY by hand (the seed's style); legal right after HELLO when no `identify` option was given. */
  identify(data: IdentifyData, token: string): void {
    this.#call({ type: 'identify', data }, () => {
      this.#expect('user.identify', 'identify() is only legal after HELLO, before READY, on a connection without the identify option');
      this.#token = token;
      this.#feed({ type: 'user.identify', data, now: this.#at });
    });
  }

  /** RESUME by hand (the seed's style); legal right after HELLO when a session exists. */
  resume(token: string): void {
    this.#call({ type: 'resume' }, () => {
      this.#expect('user.resume', 'resume() is only legal after HELLO on a connection with a session to resume (see shouldResume)');
      this.#token = token;
      this.#feed({ type: 'user.resume', now: this.#at });
    });
  }

  /** Sends a heartbeat now, or closes a zombie connection whose last heartbeat was never acknowledged. */
  heartbeat(): void {
    this.#call({ type: 'heartbeat' }, () => {
      this.#feed({ type: 'timer.heartbeat', now: this.#at });
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
    this.#at = this.#now();
    const observer = this.#options.observer;
    observer?.input?.(input, this.#at);
    try {
      return body();
    } catch (error) {
      observer?.thrown?.(error, this.#at);
      throw error;
    }
  }

  #expect(type: 'user.identify' | 'user.resume', message: string): void {
    if (!this.#runner.snapshot.can({ type, now: 0, ...(type === 'user.identify' ? { data: {} } : {}) } as GatewayEvent)) {
      throw new InvalidStateError(`${message}; the connection is ${this.#state}.`, this.#state);
    }
  }

  /** One whole message; `textFrom` is the socket a text message came from (null: binary, or platform framing). */
  #onMessage(data: Uint8Array, textFrom: WebSocketClient | null = null): void {
    let payload: GatewayPayload;
    try {
      const message = this.#decompressor ? this.#decompressor.push(data) : data;
      if (message === null) return;
      if (this.#lazy && this.#streaming) {
        const envelope = this.encoding.skippableDispatch(message, this.#wanted!);
        if (envelope !== null) {
          this.#advanceSequence(envelope.s);
          return;
        }
      }
      payload = this.encoding.decode(message);
    } catch (error) {
      // Text the socket left unchecked (deferTextValidation) fails as the socket would have failed it.
      if (textFrom && this.#deferText && error instanceof PayloadDecodeError && error.code === 'PAYLOAD_INVALID_UTF8') {
        textFrom.failInvalidText();
        return;
      }
      this.#failConnection(asGatewayError(error));
      return;
    }
    if (this.#options.emitPayloads) this.#effects.push({ type: 'payload', payload });
    if (payload.op === GatewayOpcode.Dispatch && this.#streaming) {
      this.#deliverFast(payload);
      return;
    }
    const event = eventFromPayload(payload, this.#at);
    if (event) this.#feed(event);
  }

  /**
   * The ready state's fast path (its `streaming` tag allows it): a dispatch is checked with the
   * machine's own sequence rule and delivered without a machine step; the machine hears the
   * highest sequence before its next event (a heartbeat, a close, ...) or when the snapshot is
   * read. A busy connection then costs per dispatch little more than decoding it.
   */
  #deliverFast(payload: GatewayPayload): void {
    if (!this.#advanceSequence(payload.s)) return;
    this.#options.observer?.command?.({ type: 'gateway.dispatch', payload }, this.#at);
    if (this.#wants(payload)) this.#effects.push({ type: 'dispatch', payload });
  }

  /** The fast path's sequence rule: false for a stale dispatch; else records `s` (if any) as the last. */
  #advanceSequence(s: number | null | undefined): boolean {
    if (!isNewSequence(this.#sequence, s)) return false;
    if (typeof s === 'number') {
      this.#sequence = s;
      this.#pendingSequence = s;
    }
    return true;
  }

  /** Whether the application wants this dispatch (`wantedDispatches`). */
  #wants(payload: GatewayPayload): boolean {
    return this.#wanted === null || this.#wanted.has(payload.t as string);
  }

  /** Tells the machine the sequence the fast path reached, before anything else happens. */
  #flushSequence(): void {
    if (this.#pendingSequence === null) return;
    const sequence = this.#pendingSequence;
    this.#pendingSequence = null;
    this.#feed({ type: 'gateway.sequence', sequence, now: this.#at });
  }

  /** Bad data from the server: tell it why (1007/1009), drop the transport, let the machine reconnect. */
  #failConnection(error: DiscordGatewayError): void {
    const closeCode = error instanceof CompressionError ? error.closeCode : error.code === 'ETF_INFLATE_TOO_LARGE' ? 1009 : 1007;
    let reply: Uint8Array | null = null;
    if (this.#socket?.state === 'open') {
      reply = this.#socket.close(closeCode, error.code);
      this.#write(reply);
    }
    if (this.#platform === 'open') this.#effects.push({ type: 'transport.close', code: closeCode, reason: error.code });
    this.#socket = null;
    this.#platform = null;
    // Every end of a WebSocket yields exactly one `closed` effect (the seed's CloseDiscordConnection).
    this.#effects.push({ type: 'error', error }, { type: 'closed', code: null, reason: error.message, reply }, { type: 'transport.destroy' });
    this.#feed({ type: 'socket.closed', code: null, reason: error.message, now: this.#at });
  }

  #onClose(socket: WebSocketClient, code: number | null, reason: string, clean: boolean, error?: DiscordGatewayError): void {
    const replies = socket.takeOutgoing();
    for (const frame of replies) this.#write(frame);
    this.#socket = null;
    if (error) this.#effects.push({ type: 'error', error });
    this.#effects.push(
      { type: 'closed', code: clean ? code : null, reason, reply: replies[0] ?? null },
      { type: clean ? 'transport.end' : 'transport.destroy' },
    );
    this.#feed({ type: 'socket.closed', code: clean ? code : null, reason, now: this.#at });
  }

  /** Sends one event to the machine, and any it causes, one at a time (never re-entrant). */
  #feed(event: GatewayEvent): void {
    // A machine that reached a final state (a fatal close) takes no more events; a send is refused.
    if (this.#runner.snapshot.status === 'done') {
      if (event.type === 'user.send') this.#effects.push({ type: 'send.failed', id: event.id, error: new SendRejectedError('not-ready') });
      return;
    }
    if (this.#pendingSequence !== null && event.type !== 'gateway.sequence') this.#flushSequence();
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        this.#handle(this.#runner.send(next));
        const snapshot = this.#runner.snapshot;
        this.#streaming = snapshot.hasTag('streaming');
        this.#sequence = snapshot.context.sequence;
        const state = stateName(snapshot);
        if (state !== this.#state) {
          this.#effects.push({ type: 'state', from: this.#state, to: state });
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
      observer?.command?.(command, this.#at);
      switch (command.type) {
        case 'socket.open':
          this.#openSocket(command.url);
          break;
        case 'socket.close':
          this.#closeSocket(command.code, command.reason);
          break;
        case 'socket.terminate':
          if (this.#socket || this.#platform) this.#effects.push({ type: 'transport.destroy' });
          this.#socket = null;
          this.#platform = null;
          break;
        case 'send.payload':
          this.#sendPayload(command.payload, command.auth, command.id);
          break;
        case 'send.rejected':
          this.#effects.push({ type: 'send.failed', id: command.id, error: new SendRejectedError(command.reason) });
          break;
        case 'timer.set':
        case 'timer.clear':
          this.#effects.push(command);
          break;
        case 'identify.request':
          if (this.#options.identifyGate) this.#effects.push(command);
          else this.#queue.push({ type: 'identify.granted', now: this.#at });
          break;
        case 'gateway.dispatch':
          if (this.#wants(command.payload)) this.#effects.push({ type: 'dispatch', payload: command.payload });
          break;
        case 'heartbeat.acked':
          this.#effects.push({ type: 'heartbeat', latencyMs: command.latencyMs });
          break;
        case 'session.failed':
          this.#effects.push({ type: 'failed', error: new FatalCloseError(command.code, command.reason) });
          break;
      }
    }
  }

  #openSocket(url: string): void {
    if (this.#socket || this.#platform) this.#effects.push({ type: 'transport.destroy' });
    this.#decompressor?.reset();
    if (this.#options.framing === 'platform') {
      this.#platform = 'connecting';
      this.#effects.push({ type: 'transport.open', url, destination: destinationOf(url) });
      return;
    }
    this.#socket = new WebSocketClient({
      url,
      random: this.#random,
      headers: this.#options.headers,
      maxMessageSize: this.#options.limits?.maxMessageSize,
      pullEvents: true,
      deferTextValidation: this.#deferText,
    });
    this.#effects.push({ type: 'transport.open', url, destination: destinationOf(url) });
  }

  #closeSocket(code: number, reason: string): void {
    if (this.#platform === 'open') {
      this.#platform = 'closing';
      this.#effects.push({ type: 'transport.close', code, reason });
      return;
    }
    if (this.#platform === 'connecting') {
      this.#platform = null;
      this.#effects.push({ type: 'transport.destroy' });
      this.#queue.push({ type: 'socket.closed', code: null, reason: 'closed before the upgrade finished', now: this.#at });
      return;
    }
    const socket = this.#socket;
    if (socket?.state === 'open') {
      this.#write(socket.close(code, reason));
      return;
    }
    // No WebSocket to close politely (still connecting, or already gone): drop the transport.
    if (socket) this.#effects.push({ type: 'transport.destroy' });
    this.#socket = null;
    this.#queue.push({ type: 'socket.closed', code: null, reason: 'closed before the upgrade finished', now: this.#at });
  }

  #sendPayload(payload: GatewayPayload, auth: 'identify' | 'resume' | undefined, id: number | undefined): void {
    const socket = this.#socket;
    if (socket?.state !== 'open' && this.#platform !== 'open') {
      if (id !== undefined) this.#effects.push({ type: 'send.failed', id, error: new SendRejectedError('disconnected') });
      return;
    }
    const bytes = this.encoding.encode(auth ? this.#withToken(payload) : payload);
    if (bytes.byteLength > MAX_OUTGOING_PAYLOAD_BYTES) {
      const error = new PayloadTooLargeError(bytes.byteLength, MAX_OUTGOING_PAYLOAD_BYTES, payload.op);
      this.#effects.push(id === undefined ? { type: 'error', error } : { type: 'send.failed', id, error });
      return;
    }
    if (socket) this.#write(socket.send(bytes, { binary: this.encoding.binary }));
    else this.#effects.push({ type: 'transport.send', data: bytes, binary: this.encoding.binary });
    if (id !== undefined) this.#effects.push({ type: 'sent', id });
  }

  #withToken(payload: GatewayPayload): GatewayPayload {
    if (this.#token === null) {
      throw new InvalidStateError('No token: pass `token` to the connection, or call identify()/resume() with one.', this.#state);
    }
    const op = payload.op === GatewayOpcode.Identify ? GatewayOpcode.Identify : GatewayOpcode.Resume;
    return { op, d: { token: this.#token, ...(payload.d as object) } };
  }

  #write(bytes: Uint8Array): void {
    this.#effects.push({ type: 'transport.write', bytes });
  }
}

/** The set of wanted dispatch types (READY and RESUMED always among them), or null for all. */
function wantedSet(wanted: readonly string[] | undefined): ReadonlySet<string> | null {
  if (wanted === undefined) return null;
  if (!Array.isArray(wanted) || wanted.some((t) => typeof t !== 'string')) {
    throw new InvalidOptionError('`wantedDispatches` must be an array of dispatch names such as "MESSAGE_CREATE".');
  }
  return new Set<string>([...wanted, 'READY', 'RESUMED']);
}

const textEncoder = new TextEncoder();

/** Whether `needle` occurs in `haystack` (payloads are at most 4096 bytes: a plain scan is enough). */
function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return false;
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first!); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Any thrown value as one of our typed errors (a foreign error is wrapped, never passed raw). */
function asGatewayError(error: unknown): DiscordGatewayError {
  if (error instanceof DiscordGatewayError) return error;
  return new DiscordGatewayError('INTERNAL', 'An unexpected error occurred while reading from the gateway.', { cause: error });
}
