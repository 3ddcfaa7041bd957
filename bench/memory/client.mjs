// Child process of bench/memory.mjs: one client library holding CONNECTIONS connections to the
// fake gateway (idle), or one connection taking DISPATCHES dispatches as fast as the server sends
// them (busy). Measures its own process only and reports over IPC. Run with --expose-gc.
//   CONTENDER: ours | discordjs-zlib-sync | discordjs-node-zlib
//   SCENARIO:  idle | busy
const { CONTENDER, SCENARIO, URL: GATEWAY_URL, TOKEN, OURS_MODULE } = process.env;
const connections = Number(process.env.CONNECTIONS ?? 1);
const dispatches = Number(process.env.DISPATCHES ?? 0);
const INTENTS = 513;

const gc = () => {
  globalThis.gc();
  globalThis.gc();
};
const mb = (n) => n / 2 ** 20;
const usage = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
};

/** Samples memory every 5 ms (between event-loop turns) and keeps the peaks. */
function peakSampler() {
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = () => {
    const m = usage();
    for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], m[key]);
  };
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function loadContender() {
  if (CONTENDER === 'ours') {
    const ours = await import(OURS_MODULE);
    return {
      async connect(n, onDispatch) {
        const clients = [];
        for (let i = 0; i < n; i++) {
          const client = ours.createGatewayClient({
            token: TOKEN,
            intents: INTENTS,
            url: GATEWAY_URL,
            compress: 'zlib-stream',
            identifyQueue: null,
            shard: [i, n],
          });
          if (onDispatch) client.on('dispatch', onDispatch);
          clients.push(client);
        }
        await Promise.all(clients.map((client) => client.connect()));
        return () => Promise.all(clients.map((client) => client.close()));
      },
    };
  }
  const { WebSocketManager } = await import('@discordjs/ws');
  const compression = CONTENDER === 'discordjs-zlib-sync' ? 1 : 0; // CompressionMethod.ZlibSync / ZlibNative
  return {
    async connect(n, onDispatch) {
      const info = {
        url: GATEWAY_URL.replace(/\/$/, ''),
        shards: n,
        session_start_limit: { total: 1e6, remaining: 1e6, reset_after: 14_400_000, max_concurrency: n },
      };
      const manager = new WebSocketManager({
        token: TOKEN,
        intents: INTENTS,
        rest: { get: async () => info },
        shardCount: n,
        compression,
        readyTimeout: 120_000,
      });
      if (onDispatch) manager.on('dispatch', onDispatch);
      await manager.connect();
      return () => manager.destroy();
    },
  };
}

async function idle(contender) {
  gc();
  const before = usage();
  const sampler = peakSampler();
  const started = performance.now();
  const close = await contender.connect(connections);
  const connectMs = performance.now() - started;
  // Let heartbeats start and buffers settle, then count what stays.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const peak = sampler.stop();
  gc();
  const after = usage();
  await close();
  const per = (key) => (after[key] - before[key]) / connections;
  return {
    connections,
    connectMs,
    peakRssMb: mb(peak.rss),
    peakHeapUsedMb: mb(peak.heapUsed),
    retainedPerConnection: {
      rss: per('rss'),
      heapUsed: per('heapUsed'),
      external: per('external'),
      arrayBuffers: per('arrayBuffers'),
      heapPlusExternal: per('heapUsed') + per('external'),
    },
    afterMb: { rss: mb(after.rss), heapUsed: mb(after.heapUsed), external: mb(after.external) },
  };
}

async function busy(contender) {
  let received = 0;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const onDispatch = (payload) => {
    const t = payload?.t;
    if (t === 'MESSAGE_CREATE' && ++received === dispatches) done();
  };
  const close = await contender.connect(1, onDispatch);
  gc();
  const before = usage();
  const sampler = peakSampler();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  process.send({ wantStream: dispatches });
  await finished;
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const peak = sampler.stop();
  gc();
  const after = usage();
  await close();
  return {
    dispatches,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    baseline: { rssMb: mb(before.rss), heapUsedMb: mb(before.heapUsed) },
    peakRssMb: mb(peak.rss),
    peakHeapUsedMb: mb(peak.heapUsed),
    peakAboveBaseline: { rssMb: mb(peak.rss - before.rss), heapUsedMb: mb(peak.heapUsed - before.heapUsed) },
    afterGcMb: { rss: mb(after.rss), heapUsed: mb(after.heapUsed) },
  };
}

const contender = await loadContender();
const result = SCENARIO === 'idle' ? await idle(contender) : await busy(contender);
process.send({ result });
setTimeout(() => process.exit(0), 100);
