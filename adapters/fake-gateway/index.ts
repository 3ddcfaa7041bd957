/**
 * `<package>/testing`: an embedded fake Discord gateway (v10) for tests and demos, on
 * 127.0.0.1 over `ws` (and `node:https` for wss). It shares no code with the library's codec,
 * so a codec bug cannot hide by agreeing with itself.
 */

export { type ConnectionQuery, FakeGatewayConnection } from './connection.js';
export { FakeGatewayError, type FakeGatewayErrorCode } from './errors.js';
export { type EtfDecodeOptions, decodeEtf } from './etf-decoder.js';
export { encodeEtf } from './etf-encoder.js';
export { EtfAtom } from './etf-tags.js';
export { FakeGateway, type WaitOptions, startFakeGateway } from './gateway.js';
export { FAKE_BOT_USER_ID, FAKE_GATEWAY_TOKEN, type FakeGatewayOptions, type ResolvedOptions as ResolvedFakeGatewayOptions } from './options.js';
export type { GatewayEncoding, ServerPayload } from './payload-codec.js';
export { ALL_INTENTS, CloseCode, Intent, PRIVILEGED_INTENTS } from './protocol-tables.js';
export type { CloseRecord, FakeGatewayEvents, ReceivedPayload, SentPayload } from './records.js';
export { type DispatchRecord, FakeSession, type SessionStatus, type StreamOptions, type StreamResult } from './session.js';
export type { TransportCompression } from './transport-compressor.js';
export { ZstdRawFrameWriter } from './zstd-raw-writer.js';
