/**
 * `<package>/web`: the gateway client over the platform's WHATWG `WebSocket` (browsers, Deno, Bun,
 * Node 22+), with everything the package root offers (codecs, machine, sans-I/O connection, types).
 * No `node:` imports anywhere below this file.
 */
export * from './index.js';
export * from './adapters/web/index.js';
// Both name a `CloseInfo`; here it is the client's (the `close` event's argument), as an app sees it.
export type { CloseInfo } from './adapters/web/index.js';
