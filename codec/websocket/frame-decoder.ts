/**
 * Decodes the server's side of a WebSocket stream into messages and control frames, for any
 * split of the input, within a message-size bound. Owns framing rules only: it never answers
 * pings or closes (the connection does) and never decodes text into strings.
 */
import { isValidCloseCode } from './close-codes.js';
import { LocalProtocolError, WebSocketProtocolError, type WebSocketProtocolErrorCode } from './errors.js';
import { MAX_CONTROL_PAYLOAD, Opcode } from './opcode.js';
import { UTF8_ACCEPT, UTF8_REJECT, validateUtf8 } from './utf8.js';

/**
 * Default bound of one message, all fragments together: 32 MiB. A large guild's uncompressed
 * GUILD_CREATE runs to a few MiB, so this leaves room while capping what a peer can make us hold.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 32 * 1024 * 1024;

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** The largest message accepted, in bytes; a bigger one fails with close code 1009. */
  maxMessageSize?: number;
  /**
   * Leave the UTF-8 check of a text message that arrives in one frame to the caller, whose
   * payload decoder checks it anyway (a fatal `TextDecoder` runs natively, far faster than a
   * check in JavaScript). The caller must then fail the connection with 1007 (see
   * {@link invalidTextError}) when the text is not UTF-8. Fragmented text is still checked
   * here, fragment by fragment, so it fails before the message ends; so are close reasons.
   */
  deferTextValidation?: boolean;
  /**
   * Assemble a frame that spans several pushes in a buffer the decoder reuses, instead of a new
   * one per frame: `data` of such a message is then valid only until the next `next()` call.
   * For a caller that decodes each message at once (the gateway engine); it saves an
   * allocation, and the page faults of fresh memory, per such message. The buffer is kept
   * between reads only while it is at most {@link REUSED_BUFFER_KEEP} bytes.
   */
  reuseBuffers?: boolean;
}

/** Largest reused assembly buffer kept once the input is drained (see `reuseBuffers`). */
export const REUSED_BUFFER_KEEP = 64 * 1024;

/**
 * What the decoder reads. `data` of a text message is validated UTF-8, still as bytes. `code` of
 * a close is null when the frame had no payload.
 */
export type WebSocketFrameEvent =
  | { type: 'message'; binary: boolean; data: Uint8Array }
  | { type: 'ping'; data: Uint8Array }
  | { type: 'pong'; data: Uint8Array }
  | { type: 'close'; code: number | null; reason: string };

// A server frame header is at most 10 bytes: masked frames fail at byte 2, before the mask.
const MAX_HEADER = 10;
const EMPTY = new Uint8Array(0);
// ignoreBOM keeps a leading U+FEFF in a close reason instead of silently dropping it.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Incremental decoder of server frames. Call `push(bytes)`, then `next()` until it returns null.
 *
 * Lifetime of `data`: a view either aliases a chunk you pushed (zero-copy, when the whole frame
 * sat in it) or a buffer allocated for that one message and never reused. So it stays valid as
 * long as you keep it, provided you do not modify a chunk after pushing it. The decoder itself
 * drops every reference to a chunk once it has read it.
 *
 * Every protocol violation throws {@link WebSocketProtocolError}; after that (or after a close
 * frame) the decoder is finished: `next()` throws the same error again (or returns null) and
 * pushed bytes are ignored.
 */
export class FrameDecoder {
  private readonly maxMessageSize: number;
  private readonly deferText: boolean;
  private readonly reuse: boolean;
  // With `reuseBuffers`: where frames spanning pushes are assembled.
  private spare: Uint8Array = EMPTY;
  private input: Uint8Array = EMPTY;
  private pos = 0;
  // A header split across pushes is gathered here.
  private readonly head = new Uint8Array(MAX_HEADER);
  private headFilled = 0;
  // The frame being read.
  private inFrame = false;
  private fin = false;
  private opcode = 0;
  private length = 0;
  private filled = 0;
  private frameBuffer: Uint8Array | null = null;
  // The fragmented message being assembled (messageOpcode 0: none).
  private messageOpcode = 0;
  private message: Uint8Array = EMPTY;
  private messageLength = 0;
  private utf8State = UTF8_ACCEPT;
  private error: WebSocketProtocolError | null = null;
  private finished = false;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new LocalProtocolError('WS_INVALID_ARGUMENT', `maxMessageSize must be a whole number of bytes, got ${max}.`);
    }
    this.maxMessageSize = max;
    this.deferText = options.deferTextValidation === true;
    this.reuse = options.reuseBuffers === true;
  }

  /**
   * Hands the decoder the next bytes from the socket, without copying them. Drain `next()`
   * first: pushing while bytes are still unread makes the decoder join the two chunks.
   */
  push(bytes: Uint8Array): void {
    if (this.finished || bytes.length === 0) return;
    const rest = this.input.length - this.pos;
    if (rest === 0) {
      this.input = bytes;
    } else {
      const joined = new Uint8Array(rest + bytes.length);
      joined.set(this.input.subarray(this.pos));
      joined.set(bytes, rest);
      this.input = joined;
    }
    this.pos = 0;
  }

  /** The next complete message or control frame, or null when more bytes are needed. */
  next(): WebSocketFrameEvent | null {
    if (this.error !== null) throw this.error;
    try {
      while (!this.finished) {
        if (!this.inFrame) {
          if (this.pos === this.input.length || !this.readHeader()) break;
          this.inFrame = true;
          this.filled = 0;
        }
        const payload = this.readPayload();
        if (payload === null) break;
        this.inFrame = false;
        const event = this.completeFrame(payload);
        if (event !== null) return event;
      }
      this.input = EMPTY;
      this.pos = 0;
      // A big assembly buffer (a startup burst of large messages) is not kept once idle.
      if (this.spare.length > REUSED_BUFFER_KEEP && !this.inFrame) this.spare = EMPTY;
      return null;
    } catch (error) {
      if (error instanceof WebSocketProtocolError) this.fail(error);
      throw error;
    }
  }

  // Reads a frame header at `pos`; false when the input ran out first (all of it is then held).
  private readHeader(): boolean {
    const input = this.input;
    const pos = this.pos;
    const avail = input.length - pos;
    if (this.headFilled === 0) {
      const size = this.parseHeader(input, pos, avail);
      if (size > 0) {
        this.pos = pos + size;
        return true;
      }
    }
    const copy = Math.min(avail, MAX_HEADER - this.headFilled);
    this.head.set(input.subarray(pos, pos + copy), this.headFilled);
    const total = this.headFilled + copy;
    const size = this.parseHeader(this.head, 0, total);
    if (size === 0) {
      this.headFilled = total;
      this.pos = input.length;
      return false;
    }
    this.pos = pos + size - this.headFilled;
    this.headFilled = 0;
    return true;
  }

  // Validates and records the header in buf[off..off+avail); returns its size, or 0 if cut short.
  // Records nothing until the header is complete, so a retry with more bytes is safe.
  private parseHeader(buf: Uint8Array, off: number, avail: number): number {
    if (avail < 2) return 0;
    const b0 = buf[off]!;
    const b1 = buf[off + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) {
      protocolError('WS_RESERVED_BITS', 'The server set reserved bits (RSV1-3) without a negotiated extension.');
    }
    const control = opcode >= 0x8;
    if (control) {
      if (opcode > Opcode.Pong) protocolError('WS_RESERVED_OPCODE', `The server used reserved opcode ${opcode}.`);
      if (!fin) protocolError('WS_FRAGMENTED_CONTROL', 'The server fragmented a control frame.');
    } else if (opcode > Opcode.Binary) {
      protocolError('WS_RESERVED_OPCODE', `The server used reserved opcode ${opcode}.`);
    } else if (opcode === Opcode.Continuation) {
      if (this.messageOpcode === 0) {
        protocolError('WS_UNEXPECTED_CONTINUATION', 'The server sent a continuation frame outside a fragmented message.');
      }
    } else if (this.messageOpcode !== 0) {
      protocolError('WS_EXPECTED_CONTINUATION', 'The server started a new message before finishing a fragmented one.');
    }
    if ((b1 & 0x80) !== 0) protocolError('WS_MASKED_FRAME', 'The server masked a frame; server frames are never masked.');
    let length = b1 & 0x7f;
    let size = 2;
    if (control) {
      if (length > MAX_CONTROL_PAYLOAD) {
        protocolError('WS_CONTROL_TOO_LONG', `The server sent a control frame longer than ${MAX_CONTROL_PAYLOAD} bytes.`);
      }
    } else if (length === 126) {
      if (avail < 4) return 0;
      length = (buf[off + 2]! << 8) | buf[off + 3]!;
      size = 4;
      if (length < 126) protocolError('WS_INVALID_LENGTH', 'The server encoded a frame length in more bytes than needed.');
    } else if (length === 127) {
      if (avail < 10) return 0;
      const high = ((buf[off + 2]! << 24) | (buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!) >>> 0;
      const low = ((buf[off + 6]! << 24) | (buf[off + 7]! << 16) | (buf[off + 8]! << 8) | buf[off + 9]!) >>> 0;
      if (high >= 0x80000000) protocolError('WS_INVALID_LENGTH', 'The server sent a 64-bit frame length with its top bit set.');
      length = high * 0x100000000 + low;
      size = 10;
      if (length < 0x10000) protocolError('WS_INVALID_LENGTH', 'The server encoded a frame length in more bytes than needed.');
    }
    if (!control && this.messageLength + length > this.maxMessageSize) {
      throw new WebSocketProtocolError(
        'WS_MESSAGE_TOO_BIG',
        1009,
        `The server sent a message larger than the ${this.maxMessageSize}-byte limit (maxMessageSize).`,
      );
    }
    this.fin = fin;
    this.opcode = opcode;
    this.length = length;
    if (!control && (!fin || opcode === Opcode.Continuation)) {
      if (opcode !== Opcode.Continuation) this.messageOpcode = opcode;
      this.reserve(this.messageLength + length);
    }
    return size;
  }

  // Grows the message buffer to hold `total` bytes, doubling so many small fragments stay linear.
  private reserve(total: number): void {
    if (total <= this.message.length) return;
    const capacity = Math.max(total, Math.min(this.message.length * 2, this.maxMessageSize));
    const grown = new Uint8Array(capacity);
    grown.set(this.message.subarray(0, this.messageLength));
    this.message = grown;
  }

  // The frame's payload once complete, else null with all input consumed into a buffer.
  private readPayload(): Uint8Array | null {
    const input = this.input;
    const pos = this.pos;
    const length = this.length;
    const take = Math.min(input.length - pos, length - this.filled);
    if (this.messageOpcode !== 0 && this.opcode < 0x8) {
      // A fragment goes straight to its place in the message: one copy, no per-frame buffer.
      const start = this.messageLength;
      this.message.set(input.subarray(pos, pos + take), start + this.filled);
      this.filled += take;
      this.pos = pos + take;
      return this.filled === length ? this.message.subarray(start, start + length) : null;
    }
    if (this.frameBuffer === null) {
      // An empty view would still pin the whole chunk; hand out a shared empty array instead.
      if (length === 0) return EMPTY;
      if (take === length) {
        this.pos = pos + length;
        return input.subarray(pos, pos + length);
      }
      this.frameBuffer = this.reuse ? this.spareOf(length) : new Uint8Array(length);
    }
    this.frameBuffer.set(input.subarray(pos, pos + take), this.filled);
    this.filled += take;
    this.pos = pos + take;
    if (this.filled < length) return null;
    const payload = this.frameBuffer;
    this.frameBuffer = null;
    return payload;
  }

  // The reused assembly buffer, grown (geometrically, within the message bound) to `length`.
  private spareOf(length: number): Uint8Array {
    if (this.spare.length < length) {
      this.spare = new Uint8Array(Math.max(length, Math.min(this.spare.length * 2, this.maxMessageSize)));
    }
    return this.spare.subarray(0, length);
  }

  // Turns a complete frame into an event, or null for a fragment that does not end its message.
  private completeFrame(payload: Uint8Array): WebSocketFrameEvent | null {
    const opcode = this.opcode;
    if (opcode >= 0x8) {
      if (opcode === Opcode.Ping) return { type: 'ping', data: payload };
      if (opcode === Opcode.Pong) return { type: 'pong', data: payload };
      return this.readClose(payload);
    }
    if (this.messageOpcode === 0) {
      if (opcode === Opcode.Text && !this.deferText && validateUtf8(payload, UTF8_ACCEPT) !== UTF8_ACCEPT) {
        throw invalidTextError();
      }
      return { type: 'message', binary: opcode === Opcode.Binary, data: payload };
    }
    const binary = this.messageOpcode === Opcode.Binary;
    if (!binary) {
      // Checked per fragment, carrying the state, so bad text fails before the message ends.
      this.utf8State = validateUtf8(payload, this.utf8State);
      if (this.utf8State === UTF8_REJECT || (this.fin && this.utf8State !== UTF8_ACCEPT)) {
        throw invalidTextError();
      }
    }
    this.messageLength += this.length;
    if (!this.fin) return null;
    const data = this.message.subarray(0, this.messageLength);
    this.messageOpcode = 0;
    this.message = EMPTY;
    this.messageLength = 0;
    this.utf8State = UTF8_ACCEPT;
    return { type: 'message', binary, data };
  }

  private readClose(payload: Uint8Array): WebSocketFrameEvent {
    let event: WebSocketFrameEvent;
    if (payload.length === 0) {
      event = { type: 'close', code: null, reason: '' };
    } else {
      if (payload.length === 1) {
        protocolError('WS_INVALID_CLOSE_PAYLOAD', 'The server sent a close frame with a 1-byte payload.');
      }
      const code = (payload[0]! << 8) | payload[1]!;
      if (!isValidCloseCode(code)) {
        protocolError('WS_INVALID_CLOSE_CODE', `The server sent close code ${code}, which may not appear on the wire.`);
      }
      const reason = payload.subarray(2);
      if (validateUtf8(reason, UTF8_ACCEPT) !== UTF8_ACCEPT) invalidUtf8('a close reason');
      event = { type: 'close', code, reason: utf8Decoder.decode(reason) };
    }
    // Nothing may follow a close frame; stop reading and let go of every buffer.
    this.finished = true;
    this.release();
    return event;
  }

  /**
   * Stops the decoder because its caller found the data it passed on invalid (a deferred text
   * check failed): from now on `next()` throws `error` and pushed bytes are ignored.
   */
  fail(error: WebSocketProtocolError): void {
    this.error = error;
    this.finished = true;
    this.release();
  }

  private release(): void {
    this.input = EMPTY;
    this.pos = 0;
    this.message = EMPTY;
    this.frameBuffer = null;
    this.spare = EMPTY;
  }
}

function protocolError(code: WebSocketProtocolErrorCode, message: string): never {
  throw new WebSocketProtocolError(code, 1002, message);
}

function invalidUtf8(where: string): never {
  throw new WebSocketProtocolError('WS_INVALID_UTF8', 1007, `The server sent invalid UTF-8 in ${where}.`);
}

/** The error (close code 1007) for a text message that is not UTF-8, whoever found it. */
export function invalidTextError(): WebSocketProtocolError {
  return new WebSocketProtocolError('WS_INVALID_UTF8', 1007, 'The server sent invalid UTF-8 in a text message.');
}
