/** The Node adapter: the shared gateway client over `node:net` and `node:tls`. */
export { createGatewayClient, type NodeGatewayClientOptions } from './create-gateway-client.js';
export { DEFAULT_END_GRACE_MS, nodeConnector, type NodeTransportOptions } from './socket-transport.js';
export * from '../client/index.js';
