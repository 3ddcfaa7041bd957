/**
 * Builds the client's HTTP upgrade request (RFC 6455 section 4.1) and the Sec-WebSocket-Accept
 * value the server must answer with. Owns no state and no randomness: the key is injected.
 */
import { encodeBase64 } from './base64.js';
import { LocalProtocolError } from './errors.js';
import { sha1 } from './sha1.js';

/** The GUID RFC 6455 appends to the key before hashing it into Sec-WebSocket-Accept. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Input of {@link createHandshakeRequest}. */
export interface HandshakeRequestOptions {
  /** `ws:`/`wss:` (or `http:`/`https:`) URL to connect to; any fragment is ignored. */
  url: string | URL;
  /** 16 fresh random bytes (e.g. from `crypto.getRandomValues`), sent base64-encoded. */
  key: Uint8Array;
  /** Extra request headers such as User-Agent; the handshake's own headers may not be set here. */
  headers?: Record<string, string>;
}

/** The upgrade request to write to the socket and what to check the response against. */
export interface HandshakeRequest {
  /** The whole request, ready to write. */
  bytes: Uint8Array;
  /** The Sec-WebSocket-Key sent (base64). */
  key: string;
  /** The Sec-WebSocket-Accept the server must answer with. */
  expectedAccept: string;
}

const SCHEMES = new Set(['ws:', 'wss:', 'http:', 'https:']);
// Headers the handshake writes itself, plus extensions: none are supported, so none may be offered.
const RESERVED_HEADERS = new Set([
  'host',
  'upgrade',
  'connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
]);
/** An HTTP token (RFC 9110 5.6.2): what a header name may be made of. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/** The Sec-WebSocket-Accept value a server derives from the base64 `key` the client sent. */
export function computeAccept(key: string): string {
  return encodeBase64(sha1(new TextEncoder().encode(key + WEBSOCKET_GUID)));
}

/** Builds the upgrade request for `url` with the injected 16-byte `key`. */
export function createHandshakeRequest(options: HandshakeRequestOptions): HandshakeRequest {
  const url = parseUrl(options.url);
  if (options.key.length !== 16) {
    throw new LocalProtocolError(
      'WS_INVALID_ARGUMENT',
      `The Sec-WebSocket-Key must be made from 16 random bytes, got ${options.key.length}.`,
    );
  }
  const key = encodeBase64(options.key);
  // URL.host already leaves out the port when it is the scheme's default (80 for ws, 443 for wss).
  let text =
    `GET ${url.pathname}${url.search} HTTP/1.1\r\n` +
    `Host: ${url.host}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n';
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    text += `${checkHeaderName(name)}: ${checkHeaderValue(name, value)}\r\n`;
  }
  text += '\r\n';
  return { bytes: new TextEncoder().encode(text), key, expectedAccept: computeAccept(key) };
}

/**
 * The subprotocols offered through a Sec-WebSocket-Protocol entry of `headers` (any case), so the
 * response check can refuse one the client never asked for.
 */
export function offeredProtocols(headers: Record<string, string> | undefined): string[] {
  const protocols: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'sec-websocket-protocol') continue;
    for (const item of value.split(',')) {
      const protocol = item.trim();
      if (protocol !== '') protocols.push(protocol);
    }
  }
  return protocols;
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new LocalProtocolError('WS_INVALID_URL', 'The WebSocket URL could not be parsed as an absolute URL.');
  }
  if (!SCHEMES.has(url.protocol)) {
    throw new LocalProtocolError(
      'WS_INVALID_URL',
      `A WebSocket URL must start with ws:, wss:, http: or https:, not ${url.protocol}`,
    );
  }
  return url;
}

function checkHeaderName(name: string): string {
  if (!HTTP_TOKEN.test(name)) {
    throw new LocalProtocolError('WS_INVALID_HEADER', `"${name}" is not a valid HTTP header name.`);
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw new LocalProtocolError(
      'WS_INVALID_HEADER',
      `The ${name} header is written by the handshake itself and cannot be set.`,
    );
  }
  return name;
}

function checkHeaderValue(name: string, value: string): string {
  // Values are not echoed: a header may carry a credential.
  if (!FIELD_VALUE.test(value)) {
    throw new LocalProtocolError(
      'WS_INVALID_HEADER',
      `The value of the ${name} header must be printable ASCII (no line breaks).`,
    );
  }
  return value.trim();
}
