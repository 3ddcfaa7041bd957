/** The WHATWG WebSocket adapter: the shared gateway client over the platform's `WebSocket`. Browser-safe. */
export { createGatewayClient, platformOs, type WebGatewayClientOptions } from './create-gateway-client.js';
export { PLATFORM_CLOSE_CODES, platformCloseCode, platformCloseReason, serverCloseCode } from './close-codes.js';
export { UnsupportedMessageError, WebSocketUnavailableError } from './errors.js';
export { messageBytes, outgoingMessage } from './message-data.js';
export {
  DEFAULT_DRAIN_POLL_MS,
  DEFAULT_HIGH_WATER_MARK,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketTransportOptions,
  webSocketConnector,
} from './websocket-transport.js';
export * from '../client/index.js';
