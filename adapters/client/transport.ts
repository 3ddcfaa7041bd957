/**
 * The seam between the shared client and a platform: a transport moves bytes (or whole WebSocket
 * messages) and reports what happened to it. It owns one connection and nothing else: no protocol
 * decision, no retry, no timer other than its own close grace.
 */
import type { DiscordGatewayError } from '../../codec/errors.js';
import type { Destination } from '../sans-io/gateway-url.js';

/** Where a transport connects: the full gateway URL and its host, port and TLS flag. */
export interface TransportTarget {
  readonly url: string;
  readonly destination: Destination;
}

/**
 * What a transport reports, in this order: `opened` once, then any number of `data` (and `drain`),
 * `ended` at most once, `error` at most once, and `closed` exactly once, last. After the client
 * calls `destroy()`, a transport reports nothing more.
 */
export interface TransportHandlers {
  /** Engine framing: the TCP (and TLS) connection is up. Platform framing: the WebSocket is open. */
  opened(): void;
  /** Engine framing: bytes as read, any split. Platform framing: one whole WebSocket message. */
  data(data: Uint8Array): void;
  /** Engine framing: the peer ended its side (EOF, a half-close included); the socket may stay writable. */
  ended(): void;
  /** The transport failed; a typed error the application may see (never a secret). `closed` follows. */
  error(error: DiscordGatewayError): void;
  /** The transport is gone. Platform framing: `code` is the server's close code, null for none (1005/1006). */
  closed(reason: string, code?: number | null): void;
  /** Everything written while `write` returned false has been handed to the platform. */
  drain(): void;
}

/** One open connection, as the client drives it. */
export interface Transport {
  /**
   * Engine framing: writes raw bytes. Platform framing: sends one message (`binary` picks the frame
   * type). Never drops and never reorders; returns false when the data waits behind backpressure
   * (the client may go on writing; `drain` tells when the backlog is gone).
   */
  write(data: Uint8Array, binary: boolean): boolean;
  /**
   * Engine framing only: the WebSocket closed cleanly; shut the write side down after pending
   * writes and drop the connection if the peer has not closed within a short grace. The client
   * stops listening to this transport except for its final `closed`.
   */
  end(): void;
  /** Platform framing only: start the WebSocket close handshake; `closed` reports its end. */
  close(code: number, reason: string): void;
  /** Drops the connection now and stops reporting anything about it. Safe to call twice. */
  destroy(): void;
}

/**
 * Opens transports for one platform. `framing: 'engine'` gives raw TCP/TLS bytes (the engine speaks
 * RFC 6455); `framing: 'platform'` gives whole messages from a platform WebSocket.
 */
export interface TransportConnector {
  readonly framing: 'engine' | 'platform';
  /** Starts connecting to `target`; every outcome, failures included, arrives through `handlers`. */
  open(target: TransportTarget, handlers: TransportHandlers): Transport;
}
