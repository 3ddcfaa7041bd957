/**
 * `<package>/web`: the gateway client over the platform's WHATWG `WebSocket` (browsers, Deno, Bun,
 * Node 22+), with everything the package root offers (codecs, machine, sans-I/O connection, types).
 * No `node:` imports anywhere below this file.
 */
export * from './index.js';
export * from './adapters/web/index.js';
