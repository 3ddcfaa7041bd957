/**
 * A scripted stand-in for the WHATWG `WebSocket`: it records what the adapter does to it and
 * fires the events a test asks for. `close()` and `send()` throw where the WHATWG spec says a
 * browser throws (a refused close code, a reason over 123 bytes, sending while connecting), so a
 * test passing here means a real browser would accept the same calls.
 */
import type { WebSocketLike } from '../../adapters/web/index.js';

type Handler = ((event: never) => void) | null;

/** Every socket made since the last {@link FakeWebSocket.reset}, oldest first. */
const made: FakeWebSocket[] = [];

export class FakeWebSocket implements WebSocketLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** When set, the constructor throws it (a URL or port the platform refuses). */
  static refuse: Error | null = null;

  static get made(): readonly FakeWebSocket[] {
    return made;
  }

  static get last(): FakeWebSocket {
    const socket = made.at(-1);
    if (!socket) throw new Error('no FakeWebSocket was made');
    return socket;
  }

  static reset(): void {
    made.length = 0;
    FakeWebSocket.refuse = null;
  }

  readonly url: string;
  binaryType = 'blob';
  readyState = FakeWebSocket.CONNECTING;
  bufferedAmount = 0;
  onopen: Handler = null;
  onmessage: Handler = null;
  onerror: Handler = null;
  onclose: Handler = null;
  /** What `send` was given, in order. */
  readonly sent: Array<string | Uint8Array> = [];
  /** The arguments of every `close` call. */
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];
  /** Bytes `send` adds to `bufferedAmount` (0: the platform drains at once). */
  bufferGrowth = 0;

  constructor(url: string) {
    if (FakeWebSocket.refuse) throw FakeWebSocket.refuse;
    this.url = url;
    made.push(this);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState === FakeWebSocket.CONNECTING) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    this.sent.push(data);
    this.bufferedAmount += this.bufferGrowth;
  }

  close(code?: number, reason?: string): void {
    // The WHATWG close() steps: refused codes and long reasons throw before anything happens.
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new DOMException(`The code must be either 1000, or between 3000 and 4999. ${code} is neither.`, 'InvalidAccessError');
    }
    if (reason !== undefined && new TextEncoder().encode(reason).byteLength > 123) {
      throw new DOMException('The close reason must not be greater than 123 UTF-8 bytes.', 'SyntaxError');
    }
    this.closeCalls.push({ code, reason });
    if (this.readyState === FakeWebSocket.CONNECTING || this.readyState === FakeWebSocket.OPEN) this.readyState = FakeWebSocket.CLOSING;
  }

  // ---- what the network does ------------------------------------------------------------

  fireOpen(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.#fire(this.onopen, { type: 'open' });
  }

  fireMessage(data: unknown): void {
    this.#fire(this.onmessage, { type: 'message', data });
  }

  fireError(): void {
    this.#fire(this.onerror, { type: 'error' });
  }

  fireClose(code: number, reason = ''): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.#fire(this.onclose, { type: 'close', code, reason, wasClean: code !== 1006 });
  }

  #fire(handler: Handler, event: object): void {
    (handler as ((event: object) => void) | null)?.(event);
  }
}
