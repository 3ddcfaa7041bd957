/**
 * The two gateway payload encodings behind one interface, chosen by the `encoding=` query
 * parameter. Owns bytes <-> envelope; never compression, framing, or what an opcode means.
 */
import { decodeEtf } from './etf-decoder.js';
import { EtfOptionError } from './errors.js';
import { encodeEtf } from './etf-encoder.js';
import { scanEtfDispatch } from './etf-scanner.js';
import { decodeJson, encodeJson } from './json.js';
import { scanJsonDispatch } from './json-scanner.js';
import { asGatewayPayload, type DispatchEnvelope, type GatewayPayload } from './payload.js';

/**
 * How gateway payloads travel as bytes. `binary` is the WebSocket opcode to send them with:
 * false (text) for JSON, true (binary) for ETF. `decode` checks the envelope and throws
 * PayloadDecodeError (or EtfDecodeError for malformed ETF); `encode` returns the message bytes.
 */
export interface PayloadEncoding {
  readonly name: 'json' | 'etf';
  readonly binary: boolean;
  decode(data: Uint8Array): GatewayPayload;
  encode(payload: GatewayPayload): Uint8Array;
  /**
   * The envelope of a dispatch whose `t` is not in `wanted`, read without decoding the rest
   * (lazy dispatch decoding); null when the payload must be decoded in full with `decode`: any
   * other opcode, a wanted dispatch, or input `decode` refuses (it then throws as always).
   * Whenever it answers, `decode` would have succeeded with the same `op`, `s` and `t`.
   */
  skippableDispatch(data: Uint8Array, wanted: ReadonlySet<string>): DispatchEnvelope | null;
}

const utf8 = new TextEncoder();

/** `encoding=json`: UTF-8 JSON text, sent as text frames. */
export const jsonEncoding: PayloadEncoding = Object.freeze({
  name: 'json',
  binary: false,
  decode(data: Uint8Array): GatewayPayload {
    return asGatewayPayload(decodeJson(data));
  },
  encode(payload: GatewayPayload): Uint8Array {
    return utf8.encode(encodeJson(payload));
  },
  skippableDispatch: scanJsonDispatch,
} as const);

/** `encoding=etf`: Erlang External Term Format, sent as binary frames. */
export const etfEncoding: PayloadEncoding = Object.freeze({
  name: 'etf',
  binary: true,
  decode(data: Uint8Array): GatewayPayload {
    return asGatewayPayload(decodeEtf(data));
  },
  encode(payload: GatewayPayload): Uint8Array {
    return encodeEtf(payload);
  },
  skippableDispatch: scanEtfDispatch,
} as const);

/** Bounds a connection puts on decoding (ETF's compressed terms; JSON has no inner compression). */
export interface PayloadEncodingLimits {
  /** The most bytes one ETF compressed term (tag 80) may inflate to. */
  readonly maxInflatedSize?: number;
}

/** The encoding for a gateway URL's `encoding=` value, with the connection's bounds. */
export function payloadEncoding(name: 'json' | 'etf', limits: PayloadEncodingLimits = {}): PayloadEncoding {
  if (name !== 'etf') return jsonEncoding;
  const { maxInflatedSize } = limits;
  if (maxInflatedSize === undefined) return etfEncoding;
  // Checked once here rather than on every message the connection decodes.
  if (!Number.isSafeInteger(maxInflatedSize) || maxInflatedSize < 1) {
    throw new EtfOptionError(`maxInflatedSize must be a positive integer, got ${maxInflatedSize}`);
  }
  return Object.freeze({
    ...etfEncoding,
    decode(data: Uint8Array): GatewayPayload {
      return asGatewayPayload(decodeEtf(data, { maxInflatedSize }));
    },
  });
}
