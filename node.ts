/**
 * `<package>/node`: the gateway client over `node:net` / `node:tls` (`createGatewayClient`), with
 * everything from the package root, so one import covers a Node application.
 */
export * from './index.js';
export * from './adapters/node/index.js';
