/** The package root: everything that runs anywhere (no I/O, no `node:` imports). */
export { DiscordGatewayError } from './codec/errors.js';
export * from './codec/compression/index.js';
export * from './codec/encoding/index.js';
export * from './codec/websocket/index.js';
export * from './machines/index.js';
export * from './adapters/sans-io/index.js';
// Both codecs name their size bound DEFAULT_MAX_MESSAGE_SIZE; at the root they get distinct names.
export { DEFAULT_MAX_MESSAGE_SIZE as DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE } from './codec/websocket/index.js';
export { DEFAULT_MAX_MESSAGE_SIZE as DEFAULT_MAX_INFLATED_MESSAGE_SIZE } from './codec/compression/index.js';
export { DEFAULT_MAX_MESSAGE_SIZE } from './codec/websocket/index.js';
