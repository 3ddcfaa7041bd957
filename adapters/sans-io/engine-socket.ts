/**
 * The engine's WebSocket, in either framing: `engine` (default) speaks RFC 6455 itself through a
 * `WebSocketClient` over raw transport bytes; `platform` leaves the handshake and framing to a
 * WHATWG `WebSocket` and sees whole messages.
 *
 * Rules: owns which socket exists, the `transport.*`, `closed` and `rejected` effects, and the order
 * in which socket events reach the machine (`socket.opened`, each message, `socket.closed`). It makes
 * no protocol decision, leaves decoding to `Inbound`, and never sees the token: payloads reach it encoded.
 */
import { CompressionError } from '../../codec/compression/errors.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import { WebSocketClient } from '../../codec/websocket/client.js';
import type { GatewayEvent } from '../../machines/events.js';
import type { GatewayEngineOptions } from './engine-types.js';
import { destinationOf } from './gateway-url.js';
import type { Inbound } from './inbound.js';
import type { Outbox } from './outbox.js';

/** One engine's WebSocket (at most one at a time), engine-framed or platform-framed. */
export class EngineSocket {
  readonly #options: GatewayEngineOptions;
  readonly #random: (bytes: Uint8Array) => Uint8Array;
  readonly #inbound: Inbound;
  readonly #out: Outbox;
  /** Sends one event to the machine (the engine's feed loop). */
  readonly #feed: (event: GatewayEvent) => void;
  #socket: WebSocketClient | null = null;
  /** With `framing: 'platform'`: where the platform's WebSocket is, or null when there is none. */
  #platform: 'connecting' | 'open' | 'closing' | null = null;

  /** `feed` is the engine's machine input; messages go to `inbound`, effects to `out`. */
  constructor(
    options: GatewayEngineOptions,
    random: (bytes: Uint8Array) => Uint8Array,
    inbound: Inbound,
    out: Outbox,
    feed: (event: GatewayEvent) => void,
  ) {
    this.#options = options;
    this.#random = random;
    this.#inbound = inbound;
    this.#out = out;
    this.#feed = feed;
  }

  /** Whether a payload can be written now: the socket, in either framing, is open. */
  get canSend(): boolean {
    return this.#socket?.state === 'open' || this.#platform === 'open';
  }

  /** Opens a socket to `url` (dropping any previous one): a `transport.open` effect. */
  open(url: string): void {
    if (this.#socket || this.#platform) this.#out.effects.push({ type: 'transport.destroy' });
    this.#inbound.reset();
    if (this.#options.framing === 'platform') {
      this.#platform = 'connecting';
      this.#out.effects.push({ type: 'transport.open', url, destination: destinationOf(url) });
      return;
    }
    this.#socket = new WebSocketClient({
      url,
      random: this.#random,
      headers: this.#options.headers,
      maxMessageSize: this.#options.limits?.maxMessageSize,
      pullEvents: true,
      deferTextValidation: this.#inbound.deferText,
    });
    this.#out.effects.push({ type: 'transport.open', url, destination: destinationOf(url) });
  }

  /**
   * Closes politely when the socket is open; otherwise drops it. True when it is gone at once
   * (nothing was open to close), so the machine must hear `socket.closed` next.
   */
  close(code: number, reason: string): boolean {
    if (this.#platform === 'open') {
      this.#platform = 'closing';
      this.#out.effects.push({ type: 'transport.close', code, reason });
      return false;
    }
    if (this.#platform === 'connecting') {
      this.#platform = null;
      this.#out.effects.push({ type: 'transport.destroy' });
      return true;
    }
    const socket = this.#socket;
    if (socket?.state === 'open') {
      this.#write(socket.close(code, reason));
      return false;
    }
    // No WebSocket to close politely (still connecting, or already gone): drop the transport.
    if (socket) this.#out.effects.push({ type: 'transport.destroy' });
    this.#socket = null;
    return true;
  }

  /** Drops the socket without a close handshake. */
  terminate(): void {
    if (this.#socket || this.#platform) this.#out.effects.push({ type: 'transport.destroy' });
    this.#socket = null;
    this.#platform = null;
  }

  /** Writes one encoded payload (only when `canSend`): a frame, or with platform framing a `transport.send`. */
  send(bytes: Uint8Array, binary: boolean): void {
    const socket = this.#socket;
    if (socket) this.#write(socket.send(bytes, { binary }));
    else this.#out.effects.push({ type: 'transport.send', data: bytes, binary });
  }

  /** The transport from the last `transport.open` is connected: the upgrade request is written. */
  transportConnected(): void {
    const socket = this.#socket;
    if (socket?.state !== 'idle') return;
    this.#write(socket.connect());
  }

  /** Bytes read from the transport (engine framing); `null` when the transport reached end of stream. */
  receive(bytes: Uint8Array | null): void {
    const socket = this.#socket;
    if (!socket || socket.state === 'idle' || socket.state === 'closed') return;
    const wasConnecting = socket.state === 'connecting';
    try {
      socket.receive(bytes);
    } catch (error) {
      // The upgrade was refused or unreadable: nothing was opened, nothing is sent back.
      this.#socket = null;
      this.#out.effects.push({ type: 'rejected', error: asGatewayError(error) }, { type: 'transport.destroy' });
      this.#feed({ type: 'socket.closed', code: null, reason: `upgrade failed: ${asGatewayError(error).code}`, now: this.#out.at });
      return;
    }
    // One frame at a time: a message that fails the connection is the last frame read or answered.
    for (let event = socket.nextEvent(); event !== null; event = socket.nextEvent()) {
      switch (event.type) {
        case 'open':
          this.#feed({ type: 'socket.opened', now: this.#out.at });
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
    if (wasConnecting && bytes === null && this.#socket === socket) this.transportClosed('end of stream during the upgrade');
  }

  /** The platform's WebSocket opened (`framing: 'platform'`): the upgrade is done. */
  transportOpened(): void {
    if (this.#platform !== 'connecting') return;
    this.#platform = 'open';
    this.#feed({ type: 'socket.opened', now: this.#out.at });
  }

  /** One whole message from the platform's WebSocket (`framing: 'platform'`). */
  receiveMessage(data: Uint8Array): void {
    if (this.#platform === 'open' || this.#platform === 'closing') this.#onMessage(data, null);
  }

  /** The transport failed or closed; with platform framing, `code` is the close code the server sent. */
  transportClosed(reason: string, code: number | null = null): void {
    if (this.#platform !== null) {
      this.#platform = null;
      this.#out.effects.push({ type: 'closed', code, reason, reply: null });
      this.#feed({ type: 'socket.closed', code, reason, now: this.#out.at });
      return;
    }
    const socket = this.#socket;
    if (socket && (socket.state === 'open' || socket.state === 'closing')) {
      this.receive(null);
      return;
    }
    // A transport that ends during the upgrade is dropped, so no half-open socket lingers.
    if (socket) this.#out.effects.push({ type: 'transport.destroy' });
    this.#socket = null;
    this.#feed({ type: 'socket.closed', code: null, reason, now: this.#out.at });
  }

  /** One whole message; `textFrom` is the socket a text message came from (null: binary, or platform framing). */
  #onMessage(data: Uint8Array, textFrom: WebSocketClient | null): void {
    let payload: GatewayPayload | null;
    try {
      payload = this.#inbound.decode(data);
    } catch (error) {
      // Text the socket left unchecked (deferTextValidation) fails as the socket would have failed it.
      if (textFrom && this.#inbound.isUncheckedText(error)) {
        textFrom.failInvalidText();
        return;
      }
      this.#failConnection(asGatewayError(error));
      return;
    }
    if (payload === null) return;
    const event = this.#inbound.deliver(payload);
    if (event) this.#feed(event);
  }

  /** Bad data from the server: tell it why (1007/1009), drop the transport, let the machine reconnect. */
  #failConnection(error: DiscordGatewayError): void {
    const closeCode = error instanceof CompressionError ? error.closeCode : error.code === 'ETF_INFLATE_TOO_LARGE' ? 1009 : 1007;
    let reply: Uint8Array | null = null;
    if (this.#socket?.state === 'open') {
      reply = this.#socket.close(closeCode, error.code);
      this.#write(reply);
    }
    if (this.#platform === 'open') this.#out.effects.push({ type: 'transport.close', code: closeCode, reason: error.code });
    this.#socket = null;
    this.#platform = null;
    // Every end of a WebSocket yields exactly one `closed` effect (the seed's CloseDiscordConnection).
    this.#out.effects.push({ type: 'error', error }, { type: 'closed', code: null, reason: error.message, reply }, { type: 'transport.destroy' });
    this.#feed({ type: 'socket.closed', code: null, reason: error.message, now: this.#out.at });
  }

  /** The WebSocket ended (a close handshake, or a codec error): write its replies, report `closed`, tell the machine. */
  #onClose(socket: WebSocketClient, code: number | null, reason: string, clean: boolean, error?: DiscordGatewayError): void {
    const replies = socket.takeOutgoing();
    for (const frame of replies) this.#write(frame);
    this.#socket = null;
    if (error) this.#out.effects.push({ type: 'error', error });
    this.#out.effects.push(
      { type: 'closed', code: clean ? code : null, reason, reply: replies[0] ?? null },
      { type: clean ? 'transport.end' : 'transport.destroy' },
    );
    this.#feed({ type: 'socket.closed', code: clean ? code : null, reason, now: this.#out.at });
  }

  #write(bytes: Uint8Array): void {
    this.#out.effects.push({ type: 'transport.write', bytes });
  }
}

/** Any thrown value as one of our typed errors (a foreign error is wrapped, never passed raw). */
function asGatewayError(error: unknown): DiscordGatewayError {
  if (error instanceof DiscordGatewayError) return error;
  return new DiscordGatewayError('INTERNAL', 'An unexpected error occurred while reading from the gateway.', { cause: error });
}
