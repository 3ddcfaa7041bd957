/**
 * The errors of the WebSocket codec. Each class says whose fault it is: the peer's
 * (WebSocketProtocolError, HandshakeError, ConnectionRejected) or the caller's (LocalProtocolError).
 */
import { DiscordGatewayError } from '../errors.js';

/** Stable codes of {@link WebSocketProtocolError}, one per rule of RFC 6455 the server broke. */
export type WebSocketProtocolErrorCode =
  | 'WS_MASKED_FRAME'
  | 'WS_RESERVED_BITS'
  | 'WS_RESERVED_OPCODE'
  | 'WS_FRAGMENTED_CONTROL'
  | 'WS_CONTROL_TOO_LONG'
  | 'WS_UNEXPECTED_CONTINUATION'
  | 'WS_EXPECTED_CONTINUATION'
  | 'WS_INVALID_LENGTH'
  | 'WS_INVALID_CLOSE_PAYLOAD'
  | 'WS_INVALID_CLOSE_CODE'
  | 'WS_INVALID_UTF8'
  | 'WS_MESSAGE_TOO_BIG';

/**
 * The server sent frames that break RFC 6455. `closeCode` is the status to fail the connection
 * with: 1002 (protocol error), 1007 (invalid UTF-8) or 1009 (message too big).
 */
export class WebSocketProtocolError extends DiscordGatewayError {
  declare readonly code: WebSocketProtocolErrorCode;
  /** The close code to send before dropping the connection. */
  readonly closeCode: 1002 | 1007 | 1009;

  constructor(code: WebSocketProtocolErrorCode, closeCode: 1002 | 1007 | 1009, message: string) {
    super(code, message);
    this.closeCode = closeCode;
  }
}

/** Stable codes of {@link LocalProtocolError}. */
export type LocalProtocolErrorCode =
  | 'WS_INVALID_URL'
  | 'WS_INVALID_HEADER'
  | 'WS_INVALID_ARGUMENT'
  | 'WS_INVALID_STATE';

/**
 * The caller asked for something the protocol forbids: a bad URL or header, a bad close code,
 * or an action that is illegal in the connection's current state. Nothing was sent.
 */
export class LocalProtocolError extends DiscordGatewayError {
  declare readonly code: LocalProtocolErrorCode;

  constructor(code: LocalProtocolErrorCode, message: string) {
    super(code, message);
  }
}

/** Stable codes of {@link HandshakeError} and its subclass {@link ConnectionRejected}. */
export type HandshakeErrorCode =
  | 'WS_HANDSHAKE_MALFORMED'
  | 'WS_HANDSHAKE_TOO_LARGE'
  | 'WS_HANDSHAKE_INCOMPLETE'
  | 'WS_CONNECTION_REJECTED';

/**
 * The server's answer to the upgrade request could not be read as HTTP: malformed, larger
 * than the bound, or cut short by the end of the stream.
 */
export class HandshakeError extends DiscordGatewayError {
  declare readonly code: HandshakeErrorCode;

  constructor(code: HandshakeErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * The server answered the upgrade request with a well-formed HTTP response that does not open a
 * WebSocket: a status other than 101, or a 101 with wrong Upgrade, Connection or
 * Sec-WebSocket-Accept headers.
 */
export class ConnectionRejected extends HandshakeError {
  /** The HTTP status the server answered with. */
  readonly status: number;
  /** The response headers, names in lower case, repeated headers joined with `, `. */
  readonly headers: Record<string, string>;
  /** The start of the response body, as far as it arrived (bounded; empty for a 101). */
  readonly body: Uint8Array;

  constructor(status: number, headers: Record<string, string>, body: Uint8Array, message: string) {
    super('WS_CONNECTION_REJECTED', message);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}
