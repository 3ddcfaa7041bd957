/**
 * The seed's API (Python `discord-gateway` 0.4) in TypeScript spelling: the application owns the
 * socket, the heartbeat loop and the retry loop; this object turns bytes into events and calls
 * into bytes. Built on {@link GatewayEngine}, so every protocol decision is the machine's.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { IdentifyData } from '../../machines/events.js';
import { nextConnectionUrl } from '../../machines/gateway-url.js';
import type { EngineEffect } from './effects.js';
import { CloseDiscordConnection, InvalidStateError } from './errors.js';
import { GatewayEngine, type GatewayEngineOptions } from './gateway-engine.js';
import { destinationOf, type GatewayEncodingName, type TransportCompressionName } from './gateway-url.js';

/** Options of {@link DiscordConnection}: the seed's `encoding` and `compress`, plus injectable sources. */
export interface DiscordConnectionOptions
  extends Pick<GatewayEngineOptions, 'random' | 'now' | 'seed' | 'policies' | 'limits' | 'headers' | 'inspect' | 'snapshot'> {
  /** `json` (default) or `etf`. */
  readonly encoding?: GatewayEncodingName;
  /** `zlib-stream`, `zstd-stream`, or null (default) for no transport compression. */
  readonly compress?: TransportCompressionName | null;
  /** Records the session (see `createRecorder`); the token passed to identify()/resume() is masked. */
  readonly recorder?: ConnectionRecorder;
}

/** What a recorder offers a connection: it wraps the engine options and learns the secrets to mask. */
export interface ConnectionRecorder {
  /** Called once with the engine's options; returns them wrapped so every call is recorded. */
  wrap(options: GatewayEngineOptions): GatewayEngineOptions;
  /** Called with each token given to identify()/resume(), so the recording masks it. */
  addSecret?(secret: string): void;
}

/** What `identify()` takes: the token plus IDENTIFY's other fields. */
export type IdentifyOptions = IdentifyData & { readonly token: string };

const EMPTY = new Uint8Array(0);

/**
 * A sans-I/O Discord gateway connection in the seed's style. Typical loop: write `connect()`,
 * pass socket reads to `receive()` and write what it returns, read `events()`, then `identify()`
 * or `resume()`; run `heartbeat()` every `heartbeatInterval` seconds; on
 * {@link CloseDiscordConnection}, write its `data`, close the socket and call `reconnect()`.
 */
export class DiscordConnection {
  readonly #engine: GatewayEngine;
  readonly #events: GatewayPayload[] = [];
  #lastOpenUrl: string | null = null;

  readonly #recorder: ConnectionRecorder | undefined;

  constructor(uri: string, options: DiscordConnectionOptions = {}) {
    const { recorder, ...rest } = options;
    const engineOptions: GatewayEngineOptions = { ...rest, url: uri, emitPayloads: true };
    this.#recorder = recorder;
    this.#engine = new GatewayEngine(recorder ? recorder.wrap(engineOptions) : engineOptions);
    this.#engine.takeEffects();
  }

  /** The `[host, port]` to open a TCP (TLS for wss) connection to: the resume URL when resuming. */
  get destination(): [host: string, port: number] {
    const { host, port } = destinationOf(this.url);
    return [host, port];
  }

  /** The URL the next `connect()` upgrades to (with `v`, `encoding`, `compress`): the resume URL when resuming. */
  get url(): string {
    if (this.#engine.state === 'connecting' && this.#lastOpenUrl) return this.#lastOpenUrl;
    return nextConnectionUrl(this.#engine.snapshot.context);
  }

  /** Whether the next connection should RESUME (a session exists) rather than IDENTIFY. */
  get shouldResume(): boolean {
    const { sessionId, sequence } = this.#engine.snapshot.context;
    return sessionId !== null && sequence !== null;
  }

  /** False once reconnecting is pointless: a fatal close code, or the application closed. */
  get shouldReconnect(): boolean {
    return this.#engine.state !== 'failed' && this.#engine.state !== 'closed';
  }

  /** True while our close frame is out and the server's has not come back: send nothing. */
  get closing(): boolean {
    return this.#engine.state === 'closing';
  }

  /** HELLO's heartbeat interval in seconds (null before HELLO), as the seed gives it. */
  get heartbeatInterval(): number | null {
    const ms = this.#engine.snapshot.context.heartbeatIntervalMs;
    return ms === null ? null : ms / 1000;
  }

  /** The last dispatch sequence number of the session. */
  get sequence(): number | null {
    return this.#engine.snapshot.context.sequence;
  }

  /** The session id from READY, while resumable. */
  get sessionId(): string | null {
    return this.#engine.snapshot.context.sessionId;
  }

  /** The machine state as a dotted path (`connected.ready`, `backoff`, ...). */
  get state(): string {
    return this.#engine.state;
  }

  /** A JSON-safe snapshot (no token): pass it as `snapshot` to a new connection to RESUME later. */
  persist(): unknown {
    return this.#engine.persist();
  }

  /** The HTTP upgrade request to write once the TCP/TLS connection to `destination` is up. */
  connect(): Uint8Array {
    if (!this.#engine.state.startsWith('connecting')) this.#engine.connect();
    this.#engine.transportConnected();
    return this.#take().writes[0] ?? EMPTY;
  }

  /**
   * Feeds bytes read from the socket (`null` or an empty array: the socket reached EOF) and returns
   * the bytes to write back. Throws `ConnectionRejected` if the upgrade is refused and
   * {@link CloseDiscordConnection} once the WebSocket is closed.
   */
  receive(data: Uint8Array | null): Uint8Array[] {
    this.#engine.receive(data === null || data.byteLength === 0 ? null : data);
    return this.#take().writes;
  }

  /** The payloads received so far and not yet read (HELLO, dispatches, ACKs, ...), oldest first. */
  *events(): IterableIterator<GatewayPayload> {
    while (this.#events.length > 0) yield this.#events.shift()!;
  }

  /** IDENTIFY: the bytes to write. Legal after HELLO when not resuming. */
  identify(options: IdentifyOptions): Uint8Array {
    const { token, ...data } = options;
    this.#recorder?.addSecret?.(token);
    this.#engine.identify(data, token);
    return this.#single();
  }

  /** RESUME the session: the bytes to write. Legal after HELLO when `shouldResume`. */
  resume(token: string): Uint8Array {
    this.#recorder?.addSecret?.(token);
    this.#engine.resume(token);
    return this.#single();
  }

  /**
   * A HEARTBEAT carrying the last sequence number. If the previous one was never acknowledged the
   * connection is a zombie: this returns a close frame instead and the closing handshake begins.
   */
  heartbeat(): Uint8Array {
    if (!this.#engine.state.startsWith('connected')) {
      throw new InvalidStateError(`heartbeat() needs an open connection after HELLO; the connection is ${this.#engine.state}.`, this.#engine.state);
    }
    this.#engine.heartbeat();
    return this.#single();
  }

  /** Sends any other payload (presence, voice state, member requests); throws if the rate limit is exhausted. */
  send(payload: GatewayPayload): Uint8Array {
    this.#engine.send(payload, { queue: false });
    return this.#single();
  }

  /** A close frame (default 1000, which ends the session; other codes keep it resumable). */
  close(code = 1000, reason = ''): Uint8Array {
    this.#engine.close(code, reason);
    return this.#single();
  }

  /**
   * Resets for a new connection and returns how many seconds to wait before opening it; the wait
   * grows exponentially (with jitter) while connections keep failing. Throws after a fatal close.
   */
  reconnect(): number {
    const state = this.#engine.state;
    if (state === 'failed') {
      const failure = this.#engine.snapshot.context.failure;
      throw new InvalidStateError(`The gateway closed with ${failure?.code} (${failure?.reason}); it must not be reconnected.`, state);
    }
    if (state === 'idle' || state === 'closed') {
      this.#engine.connect();
      this.#take();
      return 0;
    }
    if (state !== 'backoff') this.#engine.transportClosed('reconnect() was called');
    this.#take();
    if (this.#engine.state === 'failed') return this.reconnect();
    const delayMs = this.#engine.snapshot.context.reconnectDelayMs ?? 0;
    this.#engine.fireTimer('reconnect');
    this.#take();
    return delayMs / 1000;
  }

  /** Performs the engine's effects the seed way: collect writes, queue payloads, throw on close. */
  #take(): { writes: Uint8Array[] } {
    const writes: Uint8Array[] = [];
    let closed: Extract<EngineEffect, { type: 'closed' }> | null = null;
    let thrown: Error | null = null;
    for (const effect of this.#engine.takeEffects()) {
      switch (effect.type) {
        case 'transport.write':
          writes.push(effect.bytes);
          break;
        case 'transport.open':
          this.#lastOpenUrl = effect.url;
          break;
        case 'payload':
          this.#events.push(effect.payload);
          break;
        case 'closed':
          closed = effect;
          break;
        case 'rejected':
          thrown = effect.error;
          break;
        case 'send.failed':
        case 'failed':
          thrown ??= effect.error;
          break;
        default:
          break;
      }
    }
    if (closed) throw new CloseDiscordConnection(concat(writes), closed.code, closed.reason);
    if (thrown) throw thrown;
    return { writes };
  }

  #single(): Uint8Array {
    return concat(this.#take().writes) ?? EMPTY;
  }
}

function concat(chunks: Uint8Array[]): Uint8Array | null {
  if (chunks.length === 0) return null;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
