// Replay speed of recorded sessions (cassettes): every committed fixture, and a 10,000-dispatch
// session recorded here over loopback from the fake gateway (JSON, zlib-stream and none).
// Run alone: `node bench/replay.bench.mjs` (prints a markdown table). The harness can call
// `runReplayBench({ quick })`, which returns the rows. Rates are per CPU second (see
// adapters/recording/bench-replay.ts); a replay that does not match the recording throws.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importBundled, rootDir } from './lib/bundle.mjs';

const outDir = join(rootDir, 'bench', '.build');

/** Bundles the recording entry and the tests' live-session recorder from the TypeScript sources. */
function load() {
  const entries = { recording: 'adapters/recording/node.ts', 'record-session': 'test/helpers/record-session.ts' };
  return importBundled(entries, outDir, { splitting: true, platform: 'node', packages: 'external' });
}

/** Records `count` MESSAGE_CREATEs streamed by the fake gateway, returns the cassette bytes. */
async function recordStream({ recording, 'record-session': { recordSession } }, count, compress) {
  const sink = recording.memorySink();
  let dispatches = 0;
  await recordSession(
    {
      sink,
      label: `${count} dispatches, ${compress ?? 'uncompressed'}`,
      engine: { compress, identify: { intents: 513, properties: { os: 'linux', browser: 'bench', device: 'bench' } } },
      onEffect: (e) => void (e.type === 'dispatch' && dispatches++),
    },
    async ({ gateway, driver }) => {
      await gateway.stream({ count });
      await driver.until(() => dispatches === count + 1, 120_000);
    },
  );
  return sink.bytes();
}

/** Measures every cassette; returns one row each. */
export async function runReplayBench({ quick = false } = {}) {
  const modules = await load();
  const { benchmarkReplay, readCassette } = modules.recording;
  const minMs = quick ? 150 : 1500;
  const cassettes = [];
  const fixtures = join(rootDir, 'test/fixtures/sessions');
  for (const name of readdirSync(fixtures).filter((n) => n.endsWith('.cassette')).sort()) {
    cassettes.push({ name, bytes: new Uint8Array(readFileSync(join(fixtures, name))) });
  }
  const count = quick ? 2_000 : 10_000;
  for (const compress of ['zlib-stream', null]) {
    cassettes.push({ name: `${count} dispatches, json, ${compress ?? 'no compression'} (recorded now)`, bytes: await recordStream(modules, count, compress) });
  }
  const rows = [];
  for (const { name, bytes } of cassettes) {
    const result = benchmarkReplay(readCassette(bytes), { minMs });
    rows.push({ name, ...result, bytesPerPayload: bytes.byteLength / Math.max(1, result.payloads) });
    console.error(`replay: ${name}`);
  }
  return rows;
}

/** The rows as a markdown table. */
export function renderReplayTable(rows) {
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const lines = [
    '| cassette | bytes | engine calls | payloads | ms per replay (CPU) | payloads/s | engine calls/s | events/s | MB/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${n(r.bytes)} | ${n(r.steps)} | ${n(r.payloads)} | ${r.msPerReplay.toFixed(2)} | ${n(r.payloadsPerSecond)} | ${n(r.stepsPerSecond)} | ${n(r.eventsPerSecond)} | ${r.megabytesPerSecond.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = Boolean(process.env.BENCH_QUICK) && process.env.BENCH_QUICK !== '0';
  const rows = await runReplayBench({ quick });
  console.log('## Replay of recorded sessions\n');
  console.log(renderReplayTable(rows));
  console.log('\nEvents = engine calls + gateway payloads decoded + recorded outputs compared.');
}
