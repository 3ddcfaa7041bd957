/**
 * The soak's client, in a child process of its own (bundled by `bundle-client.ts`, forked with
 * `--expose-gc`): the library's Node client, whose every TCP connection goes to the fault proxy,
 * reporting what it did to the runner over IPC and sampling its own memory on request. It keeps
 * nothing per dispatch, so its memory is the client's.
 */
import { GatewayClient, type Logger, type TransportConnector, createIdentifyQueue } from '../../adapters/client/index.js';
import { nodeConnector } from '../../adapters/node/socket-transport.js';
import {
  type ChildMessage,
  type ClientEvent,
  type MemorySample,
  type ParentMessage,
  type SoakClientConfig,
  digestOf,
  epochNow,
} from './soak-protocol.js';

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

let pending: ClientEvent[] = [];
let delivered = 0;

function flush(): void {
  if (pending.length === 0) return;
  send({ type: 'events', events: pending });
  pending = [];
}

function record(event: ClientEvent, urgent = false): void {
  pending.push(event);
  if (urgent || pending.length >= 1000) flush();
}

const gc = (globalThis as { gc?: () => void }).gc;

function sampleMemory(): MemorySample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    at: epochNow(),
    delivered,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    gc: gc !== undefined,
  };
}

/** Reads the chosen delay out of the client's "reconnecting in N ms" info line. */
function backoffLogger(): Logger {
  const noop = (): void => {};
  return {
    debug: noop,
    warn: noop,
    error: noop,
    info: (message, fields) => {
      const match = /^reconnecting in (\d+) ms$/.exec(message);
      if (match) record(['b', epochNow(), Number(match[1]), fields?.resume === true, Number(fields?.attempt)]);
    },
  };
}

/** The Node connector, with every connection sent to the proxy whatever host the URL names. */
function proxiedConnector(proxyPort: number): TransportConnector {
  const inner = nodeConnector();
  return {
    framing: inner.framing,
    open: (target, handlers) => inner.open({ url: target.url, destination: { ...target.destination, host: '127.0.0.1', port: proxyPort } }, handlers),
  };
}

function start(config: SoakClientConfig): GatewayClient {
  const client = new GatewayClient(
    {
      token: config.token,
      intents: 513,
      url: config.gatewayUrl,
      encoding: config.encoding,
      compress: config.compress,
      identifyQueue: createIdentifyQueue({ windowMs: config.identifyWindowMs }),
      policies: { backoff: config.backoff, timeouts: config.timeouts },
      logger: backoffLogger(),
      seed: config.seed,
    },
    { connector: proxiedConnector(config.proxyPort), properties: { os: process.platform, browser: 'soak', device: 'soak' } },
  );
  // The iterator must yield exactly what the events carried; `expected` holds what it still owes.
  const expected: Array<readonly [number, string]> = [];
  let head = 0;
  client.on('dispatch', (payload) => {
    delivered++;
    expected.push([payload.s, payload.t]);
    record(['d', payload.s, payload.t, digestOf(JSON.stringify(payload.d))]);
  });
  client.on('state', ({ from, to }) => record(['s', epochNow(), from, to], true));
  client.on('heartbeat', () => record(['h', epochNow()]));
  client.on('close', ({ code }) => record(['c', epochNow(), code]));
  client.on('error', (error) => record(['e', epochNow(), error.code]));
  const iteration = (async () => {
    let iterated = 0;
    let mismatches = 0;
    for await (const payload of client.dispatches({ bufferSize: 1_000_000 })) {
      const want = expected[head++];
      if (!want || want[0] !== payload.s || want[1] !== payload.t) mismatches++;
      iterated++;
      // Drop what was consumed now and then, so the queue stays as short as the iterator's lag.
      if (head > 4096) {
        expected.splice(0, head);
        head = 0;
      }
    }
    return { iterated, mismatches };
  })();
  const timer = setInterval(flush, config.flushMs);
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'sample') {
      flush();
      send({ type: 'memory', id: message.id, sample: sampleMemory() });
    } else if (message.type === 'close') {
      await client.close();
      const { iterated, mismatches } = await iteration;
      clearInterval(timer);
      flush();
      send({ type: 'closed', summary: { delivered, iterated, iteratorMismatches: mismatches, maxRss: process.resourceUsage().maxRSS * 1024 } });
      process.disconnect();
    }
  });
  return client;
}

process.once('message', (message: ParentMessage) => {
  if (message.type !== 'start') return;
  const client = start(message.config);
  client.connect().then(
    () => {
      flush();
      send({ type: 'connected' });
    },
    (error: Error) => send({ type: 'crashed', message: `connect() failed: ${error.message}` }),
  );
});
process.on('uncaughtException', (error) => {
  send({ type: 'crashed', message: error.stack ?? String(error) });
  process.exitCode = 1;
});
