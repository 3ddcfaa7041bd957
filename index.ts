/** The package root: everything that runs anywhere (no I/O, no `node:` imports). */
export { DiscordGatewayError } from './codec/errors.js';
export * from './machines/index.js';
