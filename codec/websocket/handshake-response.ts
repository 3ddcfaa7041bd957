/**
 * Reads the server's answer to the upgrade request, incrementally and within a size bound, and
 * decides whether it opens a WebSocket. Owns only the bytes of the response head; the bytes
 * after it (the first frames) are handed back untouched.
 */
import { ConnectionRejected, HandshakeError, LocalProtocolError } from './errors.js';
import { HTTP_TOKEN } from './handshake-request.js';

/** Default bound of the response head (status line and headers, with the blank line). */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
/** Default bound of the body kept on a {@link ConnectionRejected}. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024;

/** Options of {@link HandshakeResponseParser}. */
export interface HandshakeResponseOptions {
  /** The longest response head accepted, in bytes (default 16 KiB). */
  maxHeaderBytes?: number;
  /** How much of a rejection's body to keep, in bytes (default 4 KiB). */
  maxBodyBytes?: number;
  /** Subprotocols the request offered; the server may select one of these and no other. */
  protocols?: readonly string[];
}

/** A successful upgrade. */
export interface HandshakeResult {
  status: 101;
  /** Response headers, names in lower case, repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The bytes that followed the response head in the same push: the first frames. */
  rest: Uint8Array;
}

interface ResponseHead {
  status: number;
  reason: string;
  headers: Record<string, string>;
}

const STATUS_LINE = /^HTTP\/1\.[01] ([1-9][0-9]{2})(?: ([^\0]*))?$/;
const BAD_VALUE = /[\0\r\n]/;
const EMPTY = new Uint8Array(0);

/**
 * Incremental reader of the upgrade response. `push` returns null until the head is complete,
 * then the {@link HandshakeResult}, or throws {@link ConnectionRejected} / {@link HandshakeError}.
 * A rejection with a Content-Length waits (bounded) for its body, so any split of the input
 * gives the same error; without one, the body is whatever came with the head.
 */
export class HandshakeResponseParser {
  private readonly expectedAccept: string;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private readonly protocols: readonly string[];
  private chunks: Uint8Array[] = [];
  private headLength = 0;
  // How much of the CR LF CR LF that ends the head the bytes so far end with.
  private matched = 0;
  private rejected: { head: ResponseHead; body: Uint8Array; filled: number } | null = null;
  private done = false;

  constructor(expectedAccept: string, options: HandshakeResponseOptions = {}) {
    this.expectedAccept = expectedAccept;
    this.maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.protocols = options.protocols ?? [];
  }

  /** Feeds the next bytes from the socket. */
  push(bytes: Uint8Array): HandshakeResult | null {
    if (this.done) {
      throw new LocalProtocolError('WS_INVALID_STATE', 'The handshake response has already been read.');
    }
    if (this.rejected !== null) return this.collectBody(bytes);

    let m = this.matched;
    let end = -1;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === ((m & 1) === 0 ? 0x0d : 0x0a)) {
        if (++m === 4) {
          end = i + 1;
          break;
        }
      } else {
        m = b === 0x0d ? 1 : 0;
      }
    }
    this.matched = m;
    const take = end === -1 ? bytes.length : end;
    if (this.headLength + take > this.maxHeaderBytes) {
      this.done = true;
      throw new HandshakeError(
        'WS_HANDSHAKE_TOO_LARGE',
        `The server's handshake response head is longer than ${this.maxHeaderBytes} bytes.`,
      );
    }
    this.headLength += take;
    if (end === -1) {
      // Copied: the head is bounded, and the caller may reuse its buffer after this returns.
      if (take > 0) this.chunks.push(bytes.slice());
      return null;
    }
    this.chunks.push(bytes.subarray(0, end));
    const head = parseHead(concat(this.chunks, this.headLength));
    this.chunks = [];
    return this.decide(head, bytes.subarray(end));
  }

  /**
   * Tells the parser the stream ended. Throws {@link ConnectionRejected} with the body that
   * arrived if a rejection was waiting for its body, or a `WS_HANDSHAKE_INCOMPLETE`
   * {@link HandshakeError} if the head never completed.
   */
  end(): void {
    if (this.done) return;
    this.done = true;
    const rejected = this.rejected;
    if (rejected !== null) throw rejection(rejected.head, rejected.body.subarray(0, rejected.filled));
    throw new HandshakeError(
      'WS_HANDSHAKE_INCOMPLETE',
      `The stream ended after ${this.headLength} bytes, before the server finished its handshake response.`,
    );
  }

  private decide(head: ResponseHead, rest: Uint8Array): HandshakeResult | null {
    if (head.status !== 101) {
      const length = head.headers['content-length'];
      if (length === undefined || !/^[0-9]+$/.test(length)) {
        this.done = true;
        throw rejection(head, rest.slice(0, this.maxBodyBytes));
      }
      const want = Math.min(Number(length), this.maxBodyBytes);
      this.rejected = { head, body: new Uint8Array(want), filled: 0 };
      return this.collectBody(rest);
    }
    this.done = true;
    const problem = this.checkUpgrade(head.headers);
    if (problem !== null) {
      throw new ConnectionRejected(101, head.headers, EMPTY, `The server's 101 response ${problem}.`);
    }
    return { status: 101, headers: head.headers, rest };
  }

  private collectBody(bytes: Uint8Array): null {
    const rejected = this.rejected!;
    const take = Math.min(bytes.length, rejected.body.length - rejected.filled);
    rejected.body.set(bytes.subarray(0, take), rejected.filled);
    rejected.filled += take;
    if (rejected.filled < rejected.body.length) return null;
    this.done = true;
    throw rejection(rejected.head, rejected.body);
  }

  private checkUpgrade(headers: Record<string, string>): string | null {
    if (headers.upgrade?.toLowerCase() !== 'websocket') return 'lacks "Upgrade: websocket"';
    const connection = (headers.connection ?? '').split(',').map((t) => t.trim().toLowerCase());
    if (!connection.includes('upgrade')) return 'lacks "Connection: Upgrade"';
    if (headers['sec-websocket-accept'] !== this.expectedAccept) {
      return 'has a Sec-WebSocket-Accept that does not match the key sent (a proxy or a server that is not speaking WebSocket)';
    }
    const extensions = headers['sec-websocket-extensions'];
    if (extensions !== undefined && extensions !== '') {
      return `enables extensions the client never offered (${extensions})`;
    }
    const protocol = headers['sec-websocket-protocol'];
    if (protocol !== undefined && !this.protocols.includes(protocol)) {
      return `selects a subprotocol the client never offered (${protocol})`;
    }
    return null;
  }
}

/**
 * Reads a complete upgrade response from one buffer. Throws as the parser does, and throws a
 * `WS_HANDSHAKE_INCOMPLETE` {@link HandshakeError} if `bytes` ends before the head does.
 */
export function parseHandshakeResponse(
  bytes: Uint8Array,
  expectedAccept: string,
  options?: HandshakeResponseOptions,
): HandshakeResult {
  const parser = new HandshakeResponseParser(expectedAccept, options);
  const result = parser.push(bytes);
  if (result === null) parser.end();
  return result!;
}

function rejection(head: ResponseHead, body: Uint8Array): ConnectionRejected {
  const reason = head.reason === '' ? '' : ` ${head.reason}`;
  return new ConnectionRejected(
    head.status,
    head.headers,
    body,
    `The server refused the WebSocket upgrade with HTTP ${head.status}${reason}.`,
  );
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function parseHead(bytes: Uint8Array): ResponseHead {
  // HTTP heads are Latin-1 on the wire; every byte maps to one UTF-16 unit.
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  const lines = text.slice(0, -4).split('\r\n');
  const status = STATUS_LINE.exec(lines[0]!);
  if (status === null || BAD_VALUE.test(lines[0]!)) {
    throw new HandshakeError(
      'WS_HANDSHAKE_MALFORMED',
      'The server did not answer with an HTTP/1.1 status line; is this a WebSocket endpoint?',
    );
  }
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon <= 0 || !HTTP_TOKEN.test(name) || BAD_VALUE.test(value)) {
      throw new HandshakeError(
        'WS_HANDSHAKE_MALFORMED',
        `Line ${i + 1} of the server's handshake response is not a valid HTTP header.`,
      );
    }
    const key = name.toLowerCase();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
  }
  return { status: Number(status[1]), reason: status[2] ?? '', headers: Object.fromEntries(headers) };
}
