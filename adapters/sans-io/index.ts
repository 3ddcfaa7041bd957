/** The sans-I/O connection: the seed's `DiscordConnection` and the effect-driven `GatewayEngine`. */
export { type ConnectionRecorder, DiscordConnection, type DiscordConnectionOptions, type IdentifyOptions } from './discord-connection.js';
export type * from './effects.js';
export {
  CloseDiscordConnection,
  FatalCloseError,
  InvalidOptionError,
  InvalidStateError,
  PayloadContainsTokenError,
  PayloadTooLargeError,
  SendRejectedError,
} from './errors.js';
export { type EngineInput, type EngineObserver, GatewayEngine, MAX_OUTGOING_PAYLOAD_BYTES, type GatewayEngineOptions } from './gateway-engine.js';
export {
  buildGatewayUrl,
  destinationOf,
  GATEWAY_VERSION,
  type Destination,
  type GatewayEncodingName,
  type TransportCompressionName,
} from './gateway-url.js';
export { stateName } from './state-name.js';
