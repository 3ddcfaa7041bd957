/** The transport-independent application client, shared by the Node and WebSocket adapters. Browser-safe. */
export { type ClientPlatform, type ClientSendPayload, GatewayClient } from './gateway-client.js';
export { DEFAULT_DISPATCH_BUFFER, DispatchStream, type DispatchStreamOptions, type OverflowPolicy } from './dispatch-stream.js';
export { ClientClosedError, DispatchBufferOverflowError, ListenerError, TransportError, type TransportPhase } from './errors.js';
export type {
  CloseInfo,
  DispatchName,
  DispatchOf,
  GatewayClientCoreEvents,
  GatewayClientDispatchEvents,
  GatewayClientEvents,
  HeartbeatInfo,
  StateChange,
} from './events.js';
export { createIdentifyQueue, defaultIdentifyQueue, type IdentifyQueue, type IdentifyQueueOptions } from './identify-queue.js';
export { type Logger, silentLogger } from './logger.js';
export { DEFAULT_GATEWAY_URL, type GatewayClientOptions, type GatewayRecorder, LIBRARY_NAME } from './options.js';
export { TimerRunner } from './timer-runner.js';
export type { Transport, TransportConnector, TransportHandlers, TransportTarget } from './transport.js';
export { type EventMap, type Listener, TypedEmitter } from './typed-emitter.js';
// The errors a client's promises and events carry, so one import covers them.
export { DiscordGatewayError } from '../../codec/errors.js';
export { FatalCloseError, InvalidOptionError, InvalidStateError, PayloadTooLargeError, SendRejectedError } from '../sans-io/errors.js';
