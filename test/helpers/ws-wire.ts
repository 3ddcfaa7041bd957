/**
 * The server's side of RFC 6455 for tests, written independently of the library: frames built bit
 * by bit (any flags, any length form, masked or not), the client's masked frames parsed and
 * unmasked strictly, and the upgrade response with a Sec-WebSocket-Accept from node:crypto.
 */
import { createHash } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const utf8 = new TextEncoder();

/** Opcode numbers, spelled out so tables read like RFC 6455 section 5.2. */
export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** How a frame is laid out; anything left out is what a correct server sends. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Uint8Array | string;
  /** FIN bit (default true). */
  readonly fin?: boolean;
  /** RSV1-3 as a 3-bit number: 4 = RSV1, 2 = RSV2, 1 = RSV3 (default 0). */
  readonly rsv?: number;
  /** Length encoding: the shortest (default), or forced to the 16- or 64-bit form. */
  readonly lengthForm?: 'minimal' | 16 | 64;
  /** Declared length when it must differ from the payload (a lie, or a header sent alone). */
  readonly declaredLength?: number;
  /** A masking key: servers must never mask, so this makes a protocol error. */
  readonly mask?: Uint8Array;
}

/** Text as UTF-8 bytes. */
export function bytesOf(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? utf8.encode(payload) : payload;
}

/** One server frame, byte for byte as `spec` says. */
export function frame(spec: FrameSpec): Uint8Array {
  const payload = bytesOf(spec.payload);
  const length = spec.declaredLength ?? payload.length;
  const form = spec.lengthForm ?? 'minimal';
  const extended = form === 64 || (form === 'minimal' && length > 0xffff) ? 8 : form === 16 || (form === 'minimal' && length > 125) ? 2 : 0;
  const maskBytes = spec.mask ? 4 : 0;
  const out = new Uint8Array(2 + extended + maskBytes + payload.length);
  out[0] = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  out[1] = (spec.mask ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  const view = new DataView(out.buffer);
  if (extended === 2) view.setUint16(2, length);
  if (extended === 8) view.setBigUint64(2, BigInt(length));
  const at = 2 + extended;
  if (spec.mask) out.set(spec.mask, at);
  for (let i = 0; i < payload.length; i++) out[at + maskBytes + i] = spec.mask ? payload[i]! ^ spec.mask[i & 3]! : payload[i]!;
  return out;
}

/** A close frame's payload: the code (big-endian) and the reason; `undefined` code: empty payload. */
export function closeBody(code?: number, reason: Uint8Array | string = ''): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = bytesOf(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/** A frame the client sent, unmasked. */
export interface ClientFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** The result of reading client bytes: whole frames, the unread rest, or the rule they broke. */
export interface ClientFrames {
  readonly frames: ClientFrame[];
  readonly rest: Uint8Array;
  readonly violation: string | null;
}

/**
 * Parses frames a client wrote, enforcing the client's duties: every frame masked, no RSV bits,
 * known opcodes, control frames final and at most 125 bytes, minimal lengths.
 */
export function parseClientFrames(bytes: Uint8Array): ClientFrames {
  const frames: ClientFrame[] = [];
  let at = 0;
  const fail = (violation: string): ClientFrames => ({ frames, rest: bytes.subarray(at), violation });
  while (bytes.length - at >= 2) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const rsv = (b0 >> 4) & 7;
    if ((b1 & 0x80) === 0) return fail('unmasked client frame');
    if (rsv !== 0) return fail(`RSV bits ${rsv} set`);
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) return fail(`reserved opcode ${opcode}`);
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (bytes.length - at < 4) break;
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      header = 4;
      if (length < 126) return fail('non-minimal 16-bit length');
    } else if (length === 127) {
      if (bytes.length - at < 10) break;
      const big = new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) return fail('64-bit length too large');
      length = Number(big);
      header = 10;
      if (length < 0x10000) return fail('non-minimal 64-bit length');
    }
    if (opcode >= 8 && (!fin || length > 125)) return fail('fragmented or oversized control frame');
    if (bytes.length - at < header + 4 + length) break;
    const mask = bytes.subarray(at + header, at + header + 4);
    const payload = new Uint8Array(length);
    const start = at + header + 4;
    for (let i = 0; i < length; i++) payload[i] = bytes[start + i]! ^ mask[i & 3]!;
    frames.push({ fin, rsv, opcode, payload });
    at = start + length;
  }
  return { frames, rest: bytes.subarray(at), violation: null };
}

/** A close frame's code (null for an empty payload) and reason. */
export function readClose(payload: Uint8Array): { code: number | null; reason: string } {
  if (payload.length < 2) return { code: null, reason: '' };
  return { code: (payload[0]! << 8) | payload[1]!, reason: new TextDecoder().decode(payload.subarray(2)) };
}

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2), with node:crypto. */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** The parsed upgrade request: request line and headers (names lower-cased). */
export interface UpgradeRequest {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: Record<string, string>;
}

/** Parses an HTTP request head (without the body); null if it is not one. */
export function parseUpgradeRequest(head: string): UpgradeRequest | null {
  const lines = head.replace(/\r\n\r\n$/, '').split('\r\n');
  const match = /^(\S+) (\S+) (HTTP\/1\.1)$/.exec(lines[0] ?? '');
  if (!match) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: match[1]!, target: match[2]!, version: match[3]!, headers };
}

/** Why a request is not a valid client upgrade (RFC 6455 section 4.1), or null when it is. */
export function upgradeProblem(request: UpgradeRequest): string | null {
  const h = request.headers;
  if (request.method !== 'GET') return `method ${request.method}`;
  if (!h.host) return 'no Host';
  if (h.upgrade?.toLowerCase() !== 'websocket') return 'no Upgrade: websocket';
  if (!(h.connection ?? '').toLowerCase().split(/\s*,\s*/).includes('upgrade')) return 'no Connection: Upgrade';
  if (h['sec-websocket-version'] !== '13') return 'Sec-WebSocket-Version is not 13';
  const key = h['sec-websocket-key'] ?? '';
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key) || Buffer.from(key, 'base64').length !== 16) return 'Sec-WebSocket-Key is not 16 base64 bytes';
  return null;
}

/** The 101 answer to a request with `key`; `extra` lines are added before the blank line. */
export function upgradeResponse(key: string, extra: readonly string[] = []): Uint8Array {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptFor(key)}`,
    ...extra,
  ];
  return utf8.encode(`${lines.join('\r\n')}\r\n\r\n`);
}

/** The Sec-WebSocket-Key of a request given as bytes (throws if there is none). */
export function requestKey(request: Uint8Array): string {
  const match = /\r\nSec-WebSocket-Key: ([^\r]+)\r\n/i.exec(new TextDecoder().decode(request));
  if (!match) throw new Error('the upgrade request carries no Sec-WebSocket-Key');
  return match[1]!;
}
