/**
 * What the fake gateway records and announces: the payloads clients sent, the payloads it
 * sent, the closes, and the events tests can wait for. Records are plain JSON-safe data with
 * tokens redacted; times are monotonic ms since the gateway started.
 */

import type { FakeGatewayConnection } from './connection.js';
import type { ServerPayload } from './payload-codec.js';
import type { FakeSession } from './session.js';

/** A payload a client sent, decoded. */
export interface ReceivedPayload {
  /** The connection it came on. */
  connectionId: number;
  /** Monotonic ms since the gateway started. */
  at: number;
  /** The `op`, for quick filtering. */
  op: number;
  /** The decoded payload; IDENTIFY and RESUME tokens read `[redacted]`. */
  payload: { op: number; d?: unknown; [key: string]: unknown };
  /** Size of the WebSocket message in bytes. */
  size: number;
  /** Whether it came in a binary message (else text). */
  binary: boolean;
}

/** A payload the server sent, before transport compression. */
export interface SentPayload {
  /** Monotonic ms since the gateway started. */
  at: number;
  /** The payload as given to the encoder. */
  payload: ServerPayload;
  /** Encoded size in bytes, before compression. */
  size: number;
}

/** How a connection ended. */
export interface CloseRecord {
  /** The connection that closed. */
  connectionId: number;
  /** Monotonic ms since the gateway started. */
  at: number;
  /**
   * Who started it. For the server, `code` is the one it sent (1006 for `terminate()`); for
   * the client, the one in its close frame (1005 if it gave none, 1006 if TCP just dropped).
   */
  initiatedBy: 'client' | 'server';
  /** The close code. */
  code: number;
  /** The close reason text. */
  reason: string;
}

/** The events of a fake gateway and their arguments (use with `on`, `once`, `waitFor`). */
export interface FakeGatewayEvents {
  /** A client connected (before HELLO). */
  connection: [connection: FakeGatewayConnection];
  /** A client sent IDENTIFY (before any check; token redacted). */
  identify: [connection: FakeGatewayConnection, data: unknown];
  /** IDENTIFY passed every check and READY was sent. */
  ready: [connection: FakeGatewayConnection, session: FakeSession];
  /** A client sent RESUME (before any check; token redacted). */
  resume: [connection: FakeGatewayConnection, data: unknown];
  /** RESUME succeeded: missed dispatches replayed, then RESUMED sent. */
  resumed: [connection: FakeGatewayConnection, session: FakeSession];
  /** Any payload a client sent, decoded. */
  payload: [connection: FakeGatewayConnection, record: ReceivedPayload];
  /** A connection closed. */
  close: [connection: FakeGatewayConnection, record: CloseRecord];
}

/** Returns the payload with `d.token` replaced by `[redacted]` (tokens never reach a record). */
export function redactToken<T>(payload: T): T {
  if (typeof payload !== 'object' || payload === null) return payload;
  const d = (payload as { d?: unknown }).d;
  if (typeof d !== 'object' || d === null || !('token' in d)) return payload;
  return { ...payload, d: { ...d, token: '[redacted]' } };
}
