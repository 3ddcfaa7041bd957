/**
 * A sans-I/O WebSocket client connection (in the manner of wsproto): bytes in, events and bytes
 * out. Owns the connection state and the RFC 6455 duties (answer pings, echo closes, fail on
 * protocol errors); never touches a socket, a timer or a global source of randomness.
 */
import { closePayload, encodeFrame } from './frame-encoder.js';
import { FrameDecoder, invalidTextError } from './frame-decoder.js';
import { LocalProtocolError, WebSocketProtocolError } from './errors.js';
import { createHandshakeRequest, offeredProtocols } from './handshake-request.js';
import { HandshakeResponseParser } from './handshake-response.js';
import { Opcode } from './opcode.js';
import { UTF8_ACCEPT, validateUtf8 } from './utf8.js';

/**
 * Where the connection is. `idle`: before `connect()`. `connecting`: request sent, response
 * not yet read. `open`: messages flow. `closing`: we sent a close and wait for the server's.
 * `closed`: nothing more is sent or read.
 */
export type WebSocketClientState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * What the connection reports. `close` comes once: with the server's code when it sent a close
 * frame (`clean`), with the code we failed the connection with and the `error` when the server
 * broke the protocol, or with 1006 when the stream ended without a close frame.
 */
export type WebSocketClientEvent =
  | { type: 'open'; headers: Record<string, string> }
  | { type: 'message'; binary: boolean; data: Uint8Array }
  | { type: 'ping'; data: Uint8Array }
  | { type: 'pong'; data: Uint8Array }
  | { type: 'close'; code: number | null; reason: string; clean: boolean; error?: WebSocketProtocolError };

/** Options of {@link WebSocketClient}. */
export interface WebSocketClientOptions {
  /** `ws:`/`wss:` (or `http:`/`https:`) URL; the adapter opens the TCP/TLS connection itself. */
  url: string | URL;
  /** Fills and returns `bytes` with secure random values, like `crypto.getRandomValues`. */
  random: (bytes: Uint8Array) => Uint8Array;
  /** Extra request headers (User-Agent, ...). */
  headers?: Record<string, string>;
  /** The largest message accepted, in bytes (default 32 MiB). */
  maxMessageSize?: number;
  /** The longest handshake response head accepted, in bytes (default 16 KiB). */
  maxHeaderBytes?: number;
  /**
   * Read on demand: `receive()` only buffers, and each {@link WebSocketClient.nextEvent} call
   * reads one frame (answering a ping or echoing a close as it reads it). A caller that fails the
   * connection because of a message then never reads, or answers, any frame after it. The
   * `data` of a message is valid only until the next `nextEvent()` (frames spanning reads are
   * assembled in a reused buffer). Default false: `receive()` reads every frame at once and
   * `events()` hands them over.
   */
  pullEvents?: boolean;
  /**
   * With `pullEvents`: leave the UTF-8 check of unfragmented text messages to the caller (see
   * FrameDecoder's `deferTextValidation`), who checks each one before the next `nextEvent()` and
   * calls {@link WebSocketClient.failInvalidText} if it is not UTF-8: the connection then fails
   * exactly as if the client had found it (1007, the same close frame and `close` event).
   */
  deferTextValidation?: boolean;
}

const textEncoder = new TextEncoder();

/**
 * The client side of one WebSocket connection. Write `connect()`'s bytes, pass everything the
 * socket yields to `receive()` (null at end of stream), then read `events()` and write
 * `takeOutgoing()`. Protocol errors from the server do not throw: they end the connection with a
 * close event carrying the error, and queue the close frame to send. Handshake failures do throw
 * ({@link ConnectionRejected}, {@link HandshakeError}); so does any call illegal in the current
 * state ({@link LocalProtocolError}). Views in events follow {@link FrameDecoder}'s lifetime rule.
 */
export class WebSocketClient {
  private readonly options: WebSocketClientOptions;
  private currentState: WebSocketClientState = 'idle';
  private parser: HandshakeResponseParser | null = null;
  private readonly decoder: FrameDecoder;
  private pendingEvents: WebSocketClientEvent[] = [];
  private outgoing: Uint8Array[] = [];
  private readonly mask = new Uint8Array(4);
  private readonly pull: boolean;
  /** Pull mode: the stream ended; the 1006 close follows the frames still buffered. */
  private ended = false;

  constructor(options: WebSocketClientOptions) {
    this.options = options;
    this.pull = options.pullEvents === true;
    if (options.deferTextValidation && !this.pull) {
      throw new LocalProtocolError('WS_INVALID_ARGUMENT', 'deferTextValidation needs pullEvents: the caller checks each text message before reading on.');
    }
    this.decoder = new FrameDecoder({
      maxMessageSize: options.maxMessageSize,
      deferTextValidation: options.deferTextValidation,
      reuseBuffers: this.pull,
    });
  }

  /** The connection's state. */
  get state(): WebSocketClientState {
    return this.currentState;
  }

  /** Starts the handshake: returns the HTTP upgrade request to write. Legal once, when idle. */
  connect(): Uint8Array {
    this.expectState('connect', 'idle');
    const { headers, maxHeaderBytes } = this.options;
    const request = createHandshakeRequest({
      url: this.options.url,
      key: this.options.random(new Uint8Array(16)),
      headers,
    });
    this.parser = new HandshakeResponseParser(request.expectedAccept, {
      maxHeaderBytes,
      protocols: offeredProtocols(headers),
    });
    this.currentState = 'connecting';
    return request.bytes;
  }

  /**
   * Feeds bytes read from the socket; `null` means the stream ended. Events and replies are
   * queued at once (with `pullEvents`, as `nextEvent()` reads them). Bytes after the connection
   * closed are ignored.
   */
  receive(bytes: Uint8Array | null): void {
    switch (this.currentState) {
      case 'idle':
        throw new LocalProtocolError('WS_INVALID_STATE', 'receive() was called before connect().');
      case 'closed':
        return;
      case 'connecting': {
        let result: ReturnType<HandshakeResponseParser['push']>;
        try {
          // At end of stream the parser throws: the head, or a rejection's body, is incomplete.
          if (bytes === null) this.parser!.end();
          result = bytes === null ? null : this.parser!.push(bytes);
        } catch (error) {
          this.currentState = 'closed';
          this.parser = null;
          throw error;
        }
        if (result === null) return;
        this.parser = null;
        this.currentState = 'open';
        this.pendingEvents.push({ type: 'open', headers: result.headers });
        this.readFrames(result.rest);
        return;
      }
      default:
        if (bytes === null) {
          if (this.pull) {
            this.ended = true;
            return;
          }
          this.currentState = 'closed';
          this.pendingEvents.push(abnormalClosure());
          return;
        }
        this.readFrames(bytes);
    }
  }

  /** Takes the queued events, oldest first. With `pullEvents` use {@link nextEvent} instead. */
  events(): WebSocketClientEvent[] {
    if (this.pull) throw new LocalProtocolError('WS_INVALID_STATE', 'events() reads nothing with pullEvents: call nextEvent().');
    const events = this.pendingEvents;
    this.pendingEvents = [];
    return events;
  }

  /**
   * The next event, or null when everything received so far has been read. With `pullEvents`
   * this is where frames are read, one per call; otherwise it takes the queued events one by one.
   */
  nextEvent(): WebSocketClientEvent | null {
    if (this.pendingEvents.length > 0) return this.pendingEvents.shift()!;
    return this.pull ? this.readNext() : null;
  }

  /**
   * With `deferTextValidation`: the text message just read is not UTF-8. Fails the connection
   * exactly as if the client had found it: queues the close frame (1007) and the `close` event
   * carrying the `WS_INVALID_UTF8` error, and reads nothing more.
   */
  failInvalidText(): void {
    if (this.currentState !== 'open' && this.currentState !== 'closing') return;
    const error = invalidTextError();
    this.decoder.fail(error);
    this.pendingEvents.push(this.failConnection(error));
  }

  /** Takes the frames the connection queued by itself (pongs, close replies), in order. */
  takeOutgoing(): Uint8Array[] {
    const outgoing = this.outgoing;
    this.outgoing = [];
    return outgoing;
  }

  /**
   * Encodes a message: a string as text, bytes as binary unless `binary: false` (the bytes must
   * then be valid UTF-8). Legal only while open.
   */
  send(data: Uint8Array | string, options: { binary?: boolean } = {}): Uint8Array {
    this.expectState('send', 'open');
    const text = typeof data === 'string';
    const bytes = text ? textEncoder.encode(data) : data;
    const binary = options.binary ?? !text;
    if (!binary && !text && validateUtf8(bytes, UTF8_ACCEPT) !== UTF8_ACCEPT) {
      throw new LocalProtocolError('WS_INVALID_ARGUMENT', 'A text message must be valid UTF-8.');
    }
    return this.frame(binary ? Opcode.Binary : Opcode.Text, bytes);
  }

  /** Encodes a ping (at most 125 bytes of data). Legal only while open. */
  ping(data: Uint8Array = new Uint8Array(0)): Uint8Array {
    this.expectState('ping', 'open');
    return this.frame(Opcode.Ping, data);
  }

  /**
   * Encodes a close frame and moves to `closing`; the server's close then ends the connection.
   * Without a code the frame is empty. Legal only while open.
   */
  close(code?: number, reason = ''): Uint8Array {
    this.expectState('close', 'open');
    const frame = this.frame(Opcode.Close, closePayload(code, reason));
    this.currentState = 'closing';
    return frame;
  }

  private readFrames(bytes: Uint8Array): void {
    this.decoder.push(bytes);
    if (this.pull) return;
    for (let event = this.readOne(); event !== null; event = this.readOne()) this.pendingEvents.push(event);
  }

  // Pull mode: the next frame's event, then the 1006 close once the stream ended and all is read.
  private readNext(): WebSocketClientEvent | null {
    const event = this.readOne();
    if (event !== null || !this.ended || this.currentState === 'closed') return event;
    this.currentState = 'closed';
    return abnormalClosure();
  }

  // Reads one frame and performs the RFC 6455 duties it brings; null when more bytes are needed.
  private readOne(): WebSocketClientEvent | null {
    if (this.currentState !== 'open' && this.currentState !== 'closing') return null;
    let event: ReturnType<FrameDecoder['next']>;
    try {
      event = this.decoder.next();
    } catch (error) {
      if (!(error instanceof WebSocketProtocolError)) throw error;
      return this.failConnection(error);
    }
    if (event === null) return null;
    switch (event.type) {
      case 'message':
      case 'pong':
        return event;
      case 'ping':
        // RFC 6455 5.5.2: answer every ping until the server's close arrives.
        this.outgoing.push(this.frame(Opcode.Pong, event.data));
        return event;
      case 'close':
        if (this.currentState === 'open') {
          this.outgoing.push(this.frame(Opcode.Close, closePayload(event.code ?? undefined, '')));
        }
        this.currentState = 'closed';
        return { type: 'close', code: event.code, reason: event.reason, clean: true };
    }
  }

  // Fails the connection: tells the server why, unless our close frame already went out.
  private failConnection(error: WebSocketProtocolError): WebSocketClientEvent {
    if (this.currentState === 'open') {
      this.outgoing.push(this.frame(Opcode.Close, closePayload(error.closeCode, error.message)));
    }
    this.currentState = 'closed';
    return { type: 'close', code: error.closeCode, reason: error.message, clean: false, error };
  }

  private frame(opcode: Opcode, payload: Uint8Array): Uint8Array {
    return encodeFrame(opcode, payload, this.options.random(this.mask));
  }

  private expectState(action: string, expected: WebSocketClientState): void {
    if (this.currentState !== expected) {
      throw new LocalProtocolError(
        'WS_INVALID_STATE',
        `${action}() is only legal while the connection is ${expected}; it is ${this.currentState}.`,
      );
    }
  }
}

function abnormalClosure(): WebSocketClientEvent {
  return { type: 'close', code: 1006, reason: 'The stream ended without a close frame.', clean: false };
}
