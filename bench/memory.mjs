// Memory of a gateway client (`npm run bench:memory`): ours (the Node client from adapters/node)
// against @discordjs/ws (with zlib-sync, and with node:zlib), each in a fresh process talking
// over loopback TCP to the fake gateway in another process, JSON + zlib-stream:
// - idle: 1,000 connections identified and ready, then left alone for 3 s: the memory each one
//   keeps (after a full GC, over the process's own baseline) and the peak while connecting;
// - busy: one connection taking 20,000 MESSAGE_CREATEs as fast as the server sends them: peak
//   RSS and heap over the baseline, with the time and CPU it took.
// Prints markdown and, in a full run, writes bench/MEMORY.md.
//   MEMORY_QUICK=1          100 idle connections and 2,000 dispatches; writes nothing
//   MEMORY_CONNECTIONS=n    idle connections (default 1000)
//   MEMORY_DISPATCHES=n     busy dispatches (default 20000)
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from './lib/bundle.mjs';
import { commit, machine } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);
const outDir = join(benchDir, 'node_modules', '.cache', 'bench-build', 'memory');
const quick = Boolean(process.env.MEMORY_QUICK) && process.env.MEMORY_QUICK !== '0';
const CONNECTIONS = Number(process.env.MEMORY_CONNECTIONS ?? (quick ? 100 : 1000));
const DISPATCHES = Number(process.env.MEMORY_DISPATCHES ?? (quick ? 2000 : 20000));
const log = (...args) => console.error(...args);

const CONTENDERS = [
  { id: 'ours', label: 'ours: createGatewayClient (Node, JSON + zlib-stream)' },
  { id: 'discordjs-zlib-sync', label: '@discordjs/ws WebSocketManager, zlib-sync' },
  { id: 'discordjs-node-zlib', label: '@discordjs/ws WebSocketManager, node:zlib' },
];

/** Bundles the Node client and the fake gateway from the TypeScript sources (packages stay external). */
async function bundle() {
  const urls = await bundleEntries({ ours: 'adapters/node/index.ts', 'fake-gateway': 'adapters/fake-gateway/index.ts' }, outDir, { platform: 'node', packages: 'external' });
  return { ours: urls.ours, fakeGateway: urls['fake-gateway'] };
}

function once(child, predicate) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (!predicate(message)) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}

/** One measurement: a fresh server process and a fresh client process. */
async function run(modules, contender, scenario) {
  const server = fork(join(benchDir, 'memory', 'server.mjs'), { env: { ...process.env, FAKE_GATEWAY_MODULE: modules.fakeGateway }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { url, token } = await once(server, (m) => m.url);
    const client = fork(join(benchDir, 'memory', 'client.mjs'), {
      cwd: benchDir,
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        CONTENDER: contender.id,
        SCENARIO: scenario,
        URL: url,
        TOKEN: token,
        OURS_MODULE: modules.ours,
        CONNECTIONS: String(CONNECTIONS),
        DISPATCHES: String(DISPATCHES),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    client.on('message', (m) => {
      if (m.wantStream) server.send({ stream: m.wantStream });
    });
    const { result } = await once(client, (m) => m.result);
    await new Promise((resolve) => client.once('exit', resolve));
    return result;
  } finally {
    server.kill();
  }
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const kb = (bytes) => fmt(bytes / 1024, 1);

function render(info, idle, busy) {
  const lines = [
    '# Memory',
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.machine.cpu}, ${info.machine.cores} cores, ${info.machine.memory}; ${info.machine.os}; Node ${info.machine.node}`,
    `- Command: \`${info.command}\``,
    info.commit ? `- Commit: ${info.commit}` : null,
    '- Each row is a fresh client process (run with --expose-gc) talking over loopback TCP to the fake gateway in its own process; JSON + zlib-stream for all.',
    '',
    `## ${CONNECTIONS} idle connections in one process`,
    '',
    'Identified and ready, then 3 s without traffic. "Kept" is the growth over the process\'s own baseline after a full GC, divided by the connections: what each connection holds. Heap and external memory (ArrayBuffers, native zlib state) together are what the client allocates; RSS adds what the allocator keeps.',
    '',
    '| contender | connect all (ms) | kept per connection: heap KB | external KB | heap + external KB | RSS KB | peak RSS MB | peak heap MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { contender, result: r } of idle) {
    if (!r) {
      lines.push(`| ${contender.label} | failed | | | | | | |`);
      continue;
    }
    const p = r.retainedPerConnection;
    lines.push(
      `| ${contender.label} | ${fmt(r.connectMs, 0)} | ${kb(p.heapUsed)} | ${kb(p.external)} | ${kb(p.heapPlusExternal)} | ${kb(p.rss)} | ${fmt(r.peakRssMb)} | ${fmt(r.peakHeapUsedMb)} |`,
    );
  }
  lines.push(
    '',
    `## One busy connection: ${DISPATCHES} MESSAGE_CREATEs as fast as the server sends them`,
    '',
    'Peaks sampled every 5 ms while the dispatches arrive, over the process\'s baseline (connected, after a full GC).',
    '',
    '| contender | wall ms | CPU ms | peak RSS over baseline MB | peak heap over baseline MB | peak RSS MB | heap after GC MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const { contender, result: r } of busy) {
    if (!r) {
      lines.push(`| ${contender.label} | failed | | | | | |`);
      continue;
    }
    lines.push(
      `| ${contender.label} | ${fmt(r.wallMs, 0)} | ${fmt(r.cpuMs, 0)} | ${fmt(r.peakAboveBaseline.rssMb)} | ${fmt(r.peakAboveBaseline.heapUsedMb)} | ${fmt(r.peakRssMb)} | ${fmt(r.afterGcMb.heapUsed)} |`,
    );
  }
  const ours = idle.find((x) => x.contender.id === 'ours')?.result;
  const peers = idle.filter((x) => x.contender.id !== 'ours' && x.result);
  if (ours && peers.length > 0) {
    // RSS is what the process really holds: zlib-sync allocates its zlib state with malloc, which
    // neither V8's heap nor its `external` counter sees, so heap + external flatters it.
    const bestRss = Math.min(...peers.map((x) => x.result.retainedPerConnection.rss));
    const mine = ours.retainedPerConnection;
    const heapExt = peers.map((x) => `${x.contender.label.replace('@discordjs/ws WebSocketManager, ', '@discordjs/ws with ')} ${kb(x.result.retainedPerConnection.heapPlusExternal)} KB`);
    lines.push(
      '',
      '## Target (issue #7)',
      '',
      `- ${mine.rss <= bestRss ? 'met' : '**not met**'}: idle connections hold no more memory each than @discordjs/ws. RSS kept per connection: ours ${kb(mine.rss)} KB, @discordjs/ws at best ${kb(bestRss)} KB.`,
      `- Heap + external per connection (V8's own counters; blind to zlib-sync's native zlib state): ours ${kb(mine.heapPlusExternal)} KB; ${heapExt.join(', ')}.`,
    );
  }
  return lines.filter((line) => line !== null).join('\n');
}

async function main() {
  const modules = await bundle();
  const idle = [];
  const busy = [];
  for (const contender of CONTENDERS) {
    for (const [scenario, list] of [
      ['idle', idle],
      ['busy', busy],
    ]) {
      log(`${scenario}: ${contender.label}`);
      let result = null;
      try {
        result = await run(modules, contender, scenario);
      } catch (error) {
        log(`  failed: ${error.message}`);
      }
      list.push({ contender, result });
    }
  }
  const info = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    command: quick ? 'MEMORY_QUICK=1 npm run bench:memory' : 'npm run bench:memory',
    commit: commit(rootDir),
    load: os.loadavg()[0],
  };
  const report = render(info, idle, busy);
  process.stdout.write(`${report}\n`);
  if (!quick) {
    const out = join(benchDir, 'MEMORY.md');
    writeFileSync(out, `${report}\n`);
    log(`wrote ${relative(process.cwd(), out)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
