/** Payload encodings (JSON and ETF) for the gateway: the public names of codec/encoding. */
export { type PayloadEncoding, type PayloadEncodingLimits, etfEncoding, jsonEncoding, payloadEncoding } from './encodings.js';
export {
  EtfDecodeError,
  type EtfDecodeErrorCode,
  EtfEncodeError,
  EtfOptionError,
  type EtfEncodeErrorCode,
  PayloadDecodeError,
  type PayloadDecodeErrorCode,
  PayloadEncodeError,
  type PayloadEncodeErrorCode,
} from './errors.js';
export {
  decodeEtf,
  ETF_DEFAULT_MAX_DEPTH,
  ETF_DEFAULT_MAX_INFLATED_SIZE,
  ETF_MAX_BIG_BYTES,
  type EtfDecodeOptions,
} from './etf-decoder.js';
export { ETF_MAX_ENCODE_DEPTH, encodeEtf } from './etf-encoder.js';
export { ETF_VERSION, EtfTag } from './etf-tags.js';
export { decodeJson, encodeJson } from './json.js';
export { asGatewayPayload, type DispatchEnvelope, type GatewayPayload } from './payload.js';
export { scanEtfDispatch } from './etf-scanner.js';
export { scanJsonDispatch } from './json-scanner.js';
