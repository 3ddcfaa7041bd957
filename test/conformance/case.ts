/**
 * The shape of a conformance case (a row of the table) and the builders the tables use: server
 * frames, gateway messages of an exact byte length, and the client's expected answers.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { DiscordGatewayError } from '../../codec/errors.js';
import { WebSocketProtocolError } from '../../codec/websocket/index.js';
import { concat } from '../helpers/bytes.js';
import { bytesOf, closeBody, frame, OP } from '../helpers/ws-wire.js';
import type { ClientOptions } from './clients.js';
import type { Handshake, Step } from './raw-server.js';

/** The categories, in the spirit of the Autobahn test suite's, plus the handshake and the gateway layer on top. */
export const CATEGORIES = [
  'opening handshake',
  'framing',
  'pings and pongs',
  'reserved bits',
  'opcodes',
  'fragmentation',
  'UTF-8 handling',
  'close handling',
  'limits',
  'gateway payloads',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A frame the client must write back, compared after unmasking. */
export type Reply = { readonly op: 'pong'; readonly payload: Uint8Array } | { readonly op: 'close'; readonly code: number | null };

// biome-ignore lint/suspicious/noExplicitAny: error classes take different constructor arguments.
type ErrorClass = abstract new (...args: any[]) => DiscordGatewayError;

/** What the client must do. */
export interface Expected {
  /** Every frame the client writes after its upgrade request, in order. */
  readonly replies: readonly Reply[];
  /** The gateway payloads it delivers (default: none). */
  readonly payloads?: readonly GatewayPayload[];
  /** The error it reports: class, stable code, and the effect that carries it (default: none). */
  readonly error?: { readonly type: ErrorClass; readonly code: string; readonly effect?: 'error' | 'rejected' | 'failed' };
  /** The `closed` effect's code (the server's close code; null when the client failed the connection). Omitted: no `closed` effect. */
  readonly closed?: number | null;
  /** How the client lets go of TCP: `end` after a clean closing handshake, `destroy` after a failure. */
  readonly transport: 'end' | 'destroy';
  /** The machine state afterwards (default `backoff`: it would reconnect). */
  readonly state?: string;
  /** For cases with 'await-close' steps: the client's close frame came before the rest was sent. */
  readonly failFast?: boolean;
  /** `payload`: the WebSocket was sound and the gateway layer failed the connection (see {@link payloadFailure}). */
  readonly layer?: 'websocket' | 'payload';
}

/** One row of the conformance table. */
export interface ConformanceCase {
  /** Autobahn-style id, e.g. `5.12`. */
  readonly id: string;
  readonly category: Category;
  readonly description: string;
  readonly client?: ClientOptions;
  readonly handshake?: Handshake;
  /** What the server sends after the upgrade, byte for byte. */
  readonly server: readonly Step[];
  /** A known library bug makes this row fail today: it runs as `it.fails` titled with the bug's name. */
  readonly bug?: string;
  readonly expect: Expected;
}

/** A case row; the category comes from the table it is in. */
export type Row = Omit<ConformanceCase, 'category'>;

/** Tags rows with their category. */
export function table(category: Category, rows: readonly Row[]): ConformanceCase[] {
  return rows.map((row) => ({ ...row, category }));
}

// Server frames. `fin` defaults to true; `rsv` is RSV1-3 as bits 4/2/1.
type Options = { fin?: boolean; rsv?: number };
export const text = (payload: Uint8Array | string, o: Options = {}) => frame({ opcode: OP.text, payload, ...o });
export const binary = (payload: Uint8Array | string, o: Options = {}) => frame({ opcode: OP.binary, payload, ...o });
export const cont = (payload: Uint8Array | string, o: Options = {}) => frame({ opcode: OP.cont, payload, ...o });
export const ping = (payload: Uint8Array | string = '', o: Options = {}) => frame({ opcode: OP.ping, payload, ...o });
export const pong = (payload: Uint8Array | string = '', o: Options = {}) => frame({ opcode: OP.pong, payload, ...o });
export const close = (code?: number, reason: Uint8Array | string = '') => frame({ opcode: OP.close, payload: closeBody(code, reason) });
export const raw = (opcode: number, payload: Uint8Array | string = '', o: Options = {}) => frame({ opcode, payload, ...o });

/** Bytes glued together (one TCP write). */
export function glue(...parts: (Uint8Array | string | number[])[]): Uint8Array {
  return concat(parts.map((p) => (Array.isArray(p) ? Uint8Array.from(p) : bytesOf(p))));
}

/** `{"op":11,"d":""}` is 16 bytes: an ACK padded to exactly `length` bytes (at least 16). */
export function ackOf(length: number): { bytes: Uint8Array; payload: GatewayPayload } {
  const d = 'x'.repeat(length - 16);
  return { bytes: bytesOf(`{"op":11,"d":"${d}"}`), payload: { op: 11, d } };
}

/** An ACK whose `d` is `d`, as the UTF-8 text of a message and the payload it decodes to. */
export function ackWith(d: string): { bytes: Uint8Array; payload: GatewayPayload } {
  return { bytes: bytesOf(JSON.stringify({ op: 11, d })), payload: { op: 11, d } };
}

/** The bytes of an ACK with raw (possibly invalid) bytes inside its string. */
export function ackAround(inner: number[]): Uint8Array {
  return glue('{"op":11,"d":"', inner, '"}');
}

/** Splits bytes at the given offsets. */
export { splitAt } from '../helpers/chunks.js';

/** A message as fragments: the first with `opcode`, then continuations, the last final. */
export function fragments(first: (p: Uint8Array, o: Options) => Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  return glue(...parts.map((part, i) => (i === 0 ? first : cont)(part, { fin: i === parts.length - 1 })));
}

/** Expected replies. */
export const echo = (code: number | null): Reply => ({ op: 'close', code });
export const pongOf = (payload: Uint8Array | string = ''): Reply => ({ op: 'pong', payload: bytesOf(payload) });

/** The ending of a case the client survives: the server closes with 1000, the client echoes it. */
export const CLOSE_1000 = close(1000);
export const cleanEnd = { closed: 1000, transport: 'end' } as const;

/** The client fails the connection for a WebSocket rule: close `closeCode`, the error, TCP dropped. */
export function wsFailure(closeCode: 1002 | 1007 | 1009, code: string, before: Partial<Expected> = {}): Expected {
  return {
    ...before,
    replies: [...(before.replies ?? []), echo(closeCode)],
    error: { type: WebSocketProtocolError, code },
    closed: null,
    transport: 'destroy',
  };
}

/**
 * The WebSocket is sound but the message is no gateway payload (or does not decompress): the
 * connection closes itself with 1007 (1009 for size) and the error's code as the reason.
 */
export function payloadFailure(closeCode: 1007 | 1009, type: ErrorClass, code: string, before: Partial<Expected> = {}): Expected {
  return { ...before, replies: [...(before.replies ?? []), echo(closeCode)], error: { type, code }, transport: 'destroy', layer: 'payload' };
}
