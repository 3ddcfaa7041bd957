// Child process of bench/memory.mjs: the fake gateway (bundled from adapters/fake-gateway), alone
// in its own process so its memory never counts against a client. Talks to the parent over IPC:
// sends { url } once listening; on { stream: count } streams that many MESSAGE_CREATEs on the
// newest connection as fast as it can, then answers { streamed }.
const { startFakeGateway } = await import(process.env.FAKE_GATEWAY_MODULE);

const gateway = await startFakeGateway({
  identifyWindowMs: 0,
  maxConcurrency: 1000,
  heartbeatInterval: 41_250,
  rateLimit: { limit: 1_000_000, windowMs: 60_000 },
});
process.send({ url: gateway.url, token: gateway.token });
process.on('message', async (message) => {
  if (message.stream) {
    const result = await gateway.stream({ count: message.stream });
    process.send({ streamed: result.sent });
  }
  if (message.close) {
    await gateway.close();
    process.exit(0);
  }
});
