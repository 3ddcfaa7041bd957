// Shared helpers for the WebSocket codec tests.
import { createHash } from 'node:crypto';
import { FrameDecoder, type WebSocketFrameEvent } from '../../codec/websocket/index.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';

/** Bytes from a hex string; spaces are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Lower-case hex of bytes, for readable failures. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Deterministic bytes for payloads. */
export function pattern(length: number, seed = 1): Uint8Array {
  return randomBytes(length, seededRandom(seed));
}

/** Everything the decoder yields for the pushes so far. */
export function drain(decoder: FrameDecoder): WebSocketFrameEvent[] {
  const events: WebSocketFrameEvent[] = [];
  for (let event = decoder.next(); event !== null; event = decoder.next()) events.push(event);
  return events;
}

/** Decodes `chunks` in order with a fresh decoder; copies `data` so results compare by value. */
export function decodeChunks(chunks: Uint8Array[], options?: { maxMessageSize?: number }): WebSocketFrameEvent[] {
  const decoder = new FrameDecoder(options);
  const events: WebSocketFrameEvent[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    events.push(...drain(decoder));
  }
  return events.map((e) => ('data' in e ? { ...e, data: e.data.slice() } : e));
}

/** A server frame (unmasked) built by hand, for malformed inputs the encoder refuses to make. */
export function serverFrame(first: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  if (n < 126) return concat(Uint8Array.of(first, n), payload);
  if (n < 0x10000) return concat(Uint8Array.of(first, 126, n >> 8, n & 0xff), payload);
  const head = new Uint8Array(10);
  head[0] = first;
  head[1] = 127;
  new DataView(head.buffer).setUint32(6, n);
  return concat(head, payload);
}

/** A `random` that hands out a fixed byte sequence, cycling, for exact-byte client tests. */
export function fixedRandom(bytes: Uint8Array): (target: Uint8Array) => Uint8Array {
  let i = 0;
  return (target) => {
    for (let j = 0; j < target.length; j++) target[j] = bytes[i++ % bytes.length]!;
    return target;
  };
}

/**
 * Bytes as `length:sha256`, so large payloads compare fast (vitest's deep equality walks
 * typed arrays element by element) while a mismatch still fails.
 */
export function digest(bytes: Uint8Array): string {
  return `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Events with every `data` replaced by its {@link digest}. */
export function digestEvents<T extends object>(events: T[]): unknown[] {
  return events.map((e) => ('data' in e ? { ...e, data: digest(e.data as Uint8Array) } : e));
}
