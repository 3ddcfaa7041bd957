/**
 * The Node entry point: a {@link GatewayClient} over `node:net` / `node:tls`. Owns only the choice
 * of transport and the Node defaults (IDENTIFY `os` is `process.platform`).
 */
import { GatewayClient } from '../client/gateway-client.js';
import { type GatewayClientOptions, LIBRARY_NAME } from '../client/options.js';
import { type NodeTransportOptions, nodeConnector } from './socket-transport.js';

/** Options of {@link createGatewayClient}: the client's, plus how sockets are opened. */
export interface NodeGatewayClientOptions extends GatewayClientOptions, NodeTransportOptions {}

/**
 * Creates a gateway client over TCP (`ws://`) or TLS (`wss://`, the default URL).
 *
 * ```ts
 * const client = createGatewayClient({ token, intents: GatewayIntentBits.Guilds });
 * client.on('dispatch:MESSAGE_CREATE', (message) => console.log(message.d.content));
 * await client.connect();
 * ```
 */
export function createGatewayClient(options: NodeGatewayClientOptions): GatewayClient {
  const { tls, endGraceMs, ...clientOptions } = options;
  return new GatewayClient(clientOptions, {
    connector: nodeConnector({ tls, endGraceMs }),
    properties: { os: process.platform, browser: LIBRARY_NAME, device: LIBRARY_NAME },
  });
}
