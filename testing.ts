/** `<package>/testing`: the embedded fake Discord gateway for tests and demos (Node only; needs `ws`). */
export * from './adapters/fake-gateway/index.js';
