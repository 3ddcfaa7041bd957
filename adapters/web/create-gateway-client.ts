/**
 * The WHATWG WebSocket entry point: a {@link GatewayClient} over the platform's `WebSocket`
 * (browsers, Deno, Bun, Node 22+). Owns only the choice of transport and the platform defaults
 * (IDENTIFY `os` from `navigator`); no `node:` imports, no `Buffer`.
 */
import { GatewayClient } from '../client/gateway-client.js';
import { type GatewayClientOptions, LIBRARY_NAME } from '../client/options.js';
import { webSocketConnector, type WebSocketTransportOptions } from './websocket-transport.js';

/** Options of {@link createGatewayClient}: the client's, plus which `WebSocket` to use and its backpressure mark. */
export interface WebGatewayClientOptions extends GatewayClientOptions, WebSocketTransportOptions {}

/**
 * Creates a gateway client over the platform's `WebSocket`. Throws `WebSocketUnavailableError`
 * when there is none (Node 20) and `webSocket` is not given.
 *
 * ```ts
 * const client = createGatewayClient({ token, intents: GatewayIntentBits.Guilds });
 * client.on('dispatch:MESSAGE_CREATE', (message) => console.log(message.d.content));
 * await client.connect();
 * ```
 */
export function createGatewayClient(options: WebGatewayClientOptions): GatewayClient {
  const { webSocket, highWaterMark, drainPollMs, ...clientOptions } = options;
  return new GatewayClient(clientOptions, {
    connector: webSocketConnector({ webSocket, highWaterMark, drainPollMs }),
    properties: { os: platformOs(), browser: LIBRARY_NAME, device: LIBRARY_NAME },
  });
}

interface NavigatorLike {
  readonly platform?: unknown;
  readonly userAgentData?: { readonly platform?: unknown };
}

/**
 * IDENTIFY's `os` where no `process.platform` exists: the platform `navigator` reports ('linux',
 * 'windows', 'macos', ...; Chromium's client hints first, then `navigator.platform`'s first word), else 'unknown'.
 */
export function platformOs(navigator: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator): string {
  const named = navigator?.userAgentData?.platform ?? navigator?.platform;
  if (typeof named !== 'string' || named.trim() === '') return 'unknown';
  const word = named.trim().split(/\s+/)[0]!.toLowerCase();
  if (word.startsWith('win')) return 'windows';
  if (word.startsWith('mac')) return 'macos';
  return word;
}
