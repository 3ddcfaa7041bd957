// Shared helpers for the WebSocket codec tests.
import { createHash } from 'node:crypto';
import { FrameDecoder, type WebSocketFrameEvent } from '../../codec/websocket/index.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { frame } from '../helpers/ws-wire.js';

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

/**
 * A server frame (unmasked) built by hand from its first byte (FIN, RSV bits and opcode as they
 * stand on the wire), for malformed inputs the encoder refuses to make.
 */
export function serverFrame(first: number, payload: Uint8Array): Uint8Array {
  return frame({ fin: (first & 0x80) !== 0, rsv: (first >> 4) & 7, opcode: first & 0x0f, payload });
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
