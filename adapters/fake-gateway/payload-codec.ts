/**
 * Turns gateway payloads into WebSocket message data and back, for the two encodings Discord
 * offers. Owns the payload shape on the wire; knows nothing about compression or sockets.
 */

import { decodeEtf } from './etf-decoder.js';
import { encodeEtf } from './etf-encoder.js';
import { EtfAtom } from './etf-tags.js';

/** The `encoding` query parameter values Discord accepts. */
export type GatewayEncoding = 'json' | 'etf';

/** A gateway payload as sent by the server: `op` always, `d`, `s` and `t` null when unused. */
export interface ServerPayload {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

/**
 * Encodes a payload for the wire. JSON keeps Discord's key order (`t`, `s`, `op`, `d`) and
 * always carries all four keys; ETF uses atom keys `d`, `op`, `s`, `t` (Erlang's map order)
 * and an atom for the event name, as Discord does, with binary keys inside `d`.
 */
export function encodePayload(payload: ServerPayload, encoding: GatewayEncoding): string | Uint8Array {
  const t = payload.t ?? null;
  const s = payload.s ?? null;
  const d = payload.d ?? null;
  if (encoding === 'json') return JSON.stringify({ t, s, op: payload.op, d });
  return encodeEtf(
    new Map<EtfAtom, unknown>([
      [new EtfAtom('d'), d],
      [new EtfAtom('op'), payload.op],
      [new EtfAtom('s'), s],
      [new EtfAtom('t'), t === null ? null : new EtfAtom(t)],
    ]),
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one client message. JSON is accepted in text or binary messages; ETF map keys must
 * be binaries (Discord answers atom keys with 4002). Throws on anything undecodable.
 */
export function decodeClientMessage(data: Uint8Array, encoding: GatewayEncoding): unknown {
  if (encoding === 'json') return JSON.parse(strictUtf8.decode(data));
  return decodeEtf(data, { allowAtomKeys: false });
}
