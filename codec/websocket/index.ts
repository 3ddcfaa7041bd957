/** The RFC 6455 client codec: handshake, frames and a sans-I/O connection. Pure and browser-safe. */
export { encodeBase64 } from './base64.js';
export { WebSocketClient } from './client.js';
export type { WebSocketClientEvent, WebSocketClientOptions, WebSocketClientState } from './client.js';
export { CLOSE_CODE_TABLE, isValidCloseCode } from './close-codes.js';
export type { CloseCodeRange } from './close-codes.js';
export {
  ConnectionRejected,
  HandshakeError,
  LocalProtocolError,
  WebSocketProtocolError,
} from './errors.js';
export type { HandshakeErrorCode, LocalProtocolErrorCode, WebSocketProtocolErrorCode } from './errors.js';
export { DEFAULT_MAX_MESSAGE_SIZE, FrameDecoder } from './frame-decoder.js';
export type { FrameDecoderOptions, WebSocketFrameEvent } from './frame-decoder.js';
export { closePayload, encodeCloseFrame, encodeFrame, MAX_CLOSE_REASON_BYTES } from './frame-encoder.js';
export { computeAccept, createHandshakeRequest, WEBSOCKET_GUID } from './handshake-request.js';
export type { HandshakeRequest, HandshakeRequestOptions } from './handshake-request.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  HandshakeResponseParser,
  parseHandshakeResponse,
} from './handshake-response.js';
export type { HandshakeResponseOptions, HandshakeResult } from './handshake-response.js';
export { isControlOpcode, MAX_CONTROL_PAYLOAD, Opcode } from './opcode.js';
export { sha1 } from './sha1.js';
export { UTF8_ACCEPT, UTF8_REJECT, validateUtf8 } from './utf8.js';
