/**
 * A {@link Transport} over a WHATWG `WebSocket` (browsers, Deno, Bun, Node 22+): whole messages in
 * and out, the platform doing the handshake and the framing. Owns one socket and its drain poll;
 * never reads a gateway payload, never decides to reconnect, never keeps the token (it is in no URL).
 */
import { RECONNECT_CLOSE_CODE } from '../../machines/close-codes.js';
import { TransportError } from '../client/errors.js';
import type { Transport, TransportConnector, TransportHandlers, TransportTarget } from '../client/transport.js';
import { platformCloseCode, platformCloseReason, serverCloseCode } from './close-codes.js';
import { UnsupportedMessageError, WebSocketUnavailableError } from './errors.js';
import { messageBytes, outgoingMessage } from './message-data.js';

/**
 * A handler property whose event parameter is checked bivariantly, so the DOM's `WebSocket` (whose
 * handlers take a full `MessageEvent`) fits this small structural type.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of the WHATWG `WebSocket` the adapter uses; the global `WebSocket` fits, as does the `ws` package's. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` class: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link webSocketConnector}. */
export interface WebSocketTransportOptions {
  /** The `WebSocket` class to use (default: the global one). For platforms without one, or tests. */
  readonly webSocket?: WebSocketConstructor;
  /**
   * `write` returns false once `bufferedAmount` exceeds this many bytes (default 1 MiB). The data is
   * still sent: the platform buffers everything and offers no way to wait, so this only reports it.
   */
  readonly highWaterMark?: number;
  /** While above the high-water mark, how often `bufferedAmount` is checked to report `drain` (ms, default 50). */
  readonly drainPollMs?: number;
}

/** The default high-water mark of {@link WebSocketTransportOptions}: 1 MiB. */
export const DEFAULT_HIGH_WATER_MARK = 1 << 20;
/** The default drain poll interval of {@link WebSocketTransportOptions}, in ms. */
export const DEFAULT_DRAIN_POLL_MS = 50;

/**
 * Opens WHATWG WebSocket transports for the client (`framing: 'platform'`: the platform speaks
 * RFC 6455, the engine exchanges whole messages). Throws {@link WebSocketUnavailableError} when
 * there is no global `WebSocket` and none is passed.
 */
export function webSocketConnector(options: WebSocketTransportOptions = {}): TransportConnector {
  const webSocket = options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof webSocket !== 'function') throw new WebSocketUnavailableError();
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const drainPollMs = options.drainPollMs ?? DEFAULT_DRAIN_POLL_MS;
  return {
    framing: 'platform',
    open: (target, handlers) => new WebSocketTransport(target, handlers, webSocket, highWaterMark, drainPollMs),
  };
}

const ignore = (): void => {};

/** One WebSocket. Reports `opened`, `data`, `error` (once) and `closed` (once, last), then nothing after `destroy()`. */
class WebSocketTransport implements Transport {
  readonly #handlers: TransportHandlers;
  readonly #address: string;
  readonly #highWaterMark: number;
  readonly #drainPollMs: number;
  readonly #socket: WebSocketLike | null = null;
  #opened = false;
  #errored = false;
  #detached = false;
  /** A message could not be read: the rest are dropped while the socket closes (the session resumes). */
  #unreadable = false;
  #drainTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(target: TransportTarget, handlers: TransportHandlers, webSocket: WebSocketConstructor, highWaterMark: number, drainPollMs: number) {
    const { host, port } = target.destination;
    this.#handlers = handlers;
    this.#address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.#highWaterMark = highWaterMark;
    this.#drainPollMs = drainPollMs;
    let socket: WebSocketLike;
    try {
      socket = new webSocket(target.url);
    } catch (error) {
      // A URL or port the platform refuses (SyntaxError, SecurityError): report it the usual way.
      this.#detached = true;
      handlers.error(new TransportError('connect', this.#address, errorName(error), { cause: error }));
      handlers.closed('the platform refused to open the WebSocket');
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.#opened = true;
      handlers.opened();
    };
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onerror = () => {
      // Browsers say nothing about why (on purpose); the close event that follows has the code.
      this.#reportError(new TransportError(this.#opened ? 'open' : 'connect', this.#address, null));
    };
    socket.onclose = (event) => {
      this.#detach();
      const reason = event.reason || (this.#opened ? 'the WebSocket closed' : 'the WebSocket could not connect');
      handlers.closed(reason, serverCloseCode(event.code));
    };
  }

  /** Sends one message. The platform never refuses or drops it while open; false only reports a backlog. */
  write(data: Uint8Array, binary: boolean): boolean {
    const socket = this.#socket;
    if (!socket || this.#detached) return false;
    socket.send(outgoingMessage(data, binary));
    if (socket.bufferedAmount <= this.#highWaterMark) return true;
    this.#pollDrain();
    return false;
  }

  /** Engine framing only; never asked of a platform transport. Closes with 1000 if it is. */
  end(): void {
    this.close(1000, '');
  }

  /** Starts the close handshake with the nearest code the platform accepts (see `close-codes.ts`). */
  close(code: number, reason: string): void {
    if (!this.#socket || this.#detached) return;
    this.#socket.close(platformCloseCode(code), platformCloseReason(reason));
  }

  /** Stops reporting, then closes with 4900 (keeps the session; a WebSocket cannot be dropped without a close). */
  destroy(): void {
    const socket = this.#socket;
    if (!socket || this.#detached) return;
    this.#detach();
    try {
      socket.close(RECONNECT_CLOSE_CODE);
    } catch {
      // A destroyed transport reports nothing, and close() with a valid code only throws on odd platforms.
    }
  }

  #onMessage(data: unknown): void {
    if (this.#unreadable) return;
    const bytes = messageBytes(data);
    if (bytes) {
      this.#handlers.data(bytes);
      return;
    }
    // Skipping it would lose a dispatch; close instead (the session resumes on a new connection).
    this.#reportError(new UnsupportedMessageError(data === null ? 'null' : (data as object).constructor?.name ?? typeof data));
    this.#unreadable = true;
    this.close(1003, 'unsupported message type');
  }

  #reportError(error: TransportError | UnsupportedMessageError): void {
    if (this.#errored || this.#detached) return;
    this.#errored = true;
    this.#handlers.error(error);
  }

  /** While the platform holds more than the high-water mark, check it every `drainPollMs`. */
  #pollDrain(): void {
    if (this.#drainTimer !== null) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = null;
      if (this.#detached || !this.#socket) return;
      if (this.#socket.bufferedAmount <= this.#highWaterMark) this.#handlers.drain();
      else this.#pollDrain();
    }, this.#drainPollMs);
  }

  /** Stops every report: handlers become no-ops (never null: the `ws` package throws on an unheard `error`). */
  #detach(): void {
    this.#detached = true;
    if (this.#drainTimer !== null) clearTimeout(this.#drainTimer);
    this.#drainTimer = null;
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = ignore;
    socket.onmessage = ignore;
    socket.onerror = ignore;
    socket.onclose = ignore;
  }
}

/** The platform's name for a thrown error (`SyntaxError`, `SecurityError`), or null. */
function errorName(error: unknown): string | null {
  return error instanceof Error && error.name !== 'Error' ? error.name : null;
}
