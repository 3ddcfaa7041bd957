// The benchmark harness (`npm run bench`): our codecs against the peers Discord libraries use,
// on one generated, seeded corpus, side by side in one run. Prints markdown to stdout (progress
// goes to stderr) and, in a full run, writes bench/RESULTS.md.
//
// Environment:
//   BENCH_QUICK=1        smoke run (~30 s): fewer, shorter samples; writes no RESULTS.md
//   BENCH_ONLY=etf,json  only these cases (frames, zlib, zstd, json, etf, e2e, replay), e.g. to profile
//   BENCH_OUT=path       write the report there (default: bench/RESULTS.md in a full run)
// Exit code: 0 when every output was right (missed targets included), 1 when one of ours was
// wrong or the harness failed. A peer giving wrong output is reported and left out.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2eCase } from './cases/e2e.mjs';
import { etfCase } from './cases/etf.mjs';
import { framesCase } from './cases/frames.mjs';
import { jsonCase } from './cases/json.mjs';
import { zlibCase } from './cases/zlib.mjs';
import { zstdCase } from './cases/zstd.mjs';
import { renderReplayTable, runReplayBench } from './replay.bench.mjs';
import { buildCorpus, SOCKET_READ } from './corpus/index.mjs';
import { measure, verify } from './lib/measure.mjs';
import { loadOurs } from './lib/ours.mjs';
import { describePeers, loadPeers } from './lib/peers.mjs';
import { commit, machine, render } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);
const quick = Boolean(process.env.BENCH_QUICK) && process.env.BENCH_QUICK !== '0';
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const settings = quick ? { warmup: 2, samples: 5, minSampleMs: 5 } : { warmup: 5, samples: 31, minSampleMs: 40 };
const log = (...args) => console.error(...args);

const CASES = [framesCase, zlibCase, zstdCase, jsonCase, etfCase, e2eCase];

async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  if (typeof globalThis.gc !== 'function') log('note: run with node --expose-gc so each group starts after a full GC');
  const ours = await loadOurs();
  const peers = await loadPeers();
  for (const line of describePeers(peers)) log(`peer: ${line}`);
  const corpus = await buildCorpus(ours, peers);
  log(`corpus ready in ${((performance.now() - started) / 1e3).toFixed(1)} s`);

  let oursWrong = false;
  const measuredCases = [];
  for (const makeCase of CASES) {
    const benchCase = makeCase(ours, peers, corpus);
    if (benchCase === null || (only && !only.has(benchCase.id))) continue;
    const groups = [];
    for (const group of benchCase.groups) {
      const contenders = [];
      for (const c of group.contenders) {
        if (!c.run) {
          contenders.push(c);
          continue;
        }
        try {
          await verify(c, group.count, c.check ?? group.check);
          contenders.push(c);
        } catch (error) {
          log(`WRONG OUTPUT: ${benchCase.id} / ${group.workload}: ${error.message}`);
          if (c.role === 'ours' || c.role === 'lazy') oursWrong = true;
          contenders.push({ ...c, run: null, missing: `wrong output: ${error.message}` });
        }
      }
      log(`${benchCase.id}: ${group.workload}`);
      const rows = await measure(contenders, group.count, settings);
      groups.push({ ...group, rows });
    }
    measuredCases.push({ ...benchCase, groups });
  }

  // Replay of recorded sessions (issue #5): events per second through the pure reducer.
  let replaySection = '';
  if (!only || only.has('replay')) {
    log('replay: recorded sessions');
    replaySection = `\n## Replay of recorded sessions\n\nEvery committed cassette and a session of dispatches recorded now from the fake gateway, replayed through \`transition()\` (no socket, no clock); rates per CPU second.\n\n${renderReplayTable(await runReplayBench({ quick }))}\n`;
  }

  const kb = (n) => `${(n / 1e3).toFixed(0)} KB`;
  const info = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    command: quick ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    mode: `${quick ? 'quick' : 'full'}: ${settings.warmup} warm-up passes, ${settings.samples} samples of at least ${settings.minSampleMs} ms each, round-robin; ${((performance.now() - started) / 1e3).toFixed(0)} s in all`,
    // Other work on the machine inflates wall times (CPU times much less): say how busy it was.
    load: `1-minute load average ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (${os.availableParallelism?.() ?? os.cpus().length} cores)`,
    commit: commit(rootDir),
    peers: describePeers(peers),
    corpus: corpus.map(
      (w) =>
        `${w.name}: ${w.description}; ${w.count} messages; JSON ${kb(w.bytes.json)}, ETF ${kb(w.bytes.etf)}` +
        `${w.etfErlpack ? ` (erlpack.pack: ${kb(w.bytes.etfErlpack)})` : ''}; zlib-stream ${kb(w.bytes.zlibJson)} (JSON) / ${kb(w.bytes.zlibEtf)} (ETF)` +
        `${w.zstdJson ? `; zstd-stream ${kb(w.bytes.zstdJson)} (JSON)` : ''}; ${w.wire.zlibJson.reads.length} socket reads of ${SOCKET_READ / 1024} KiB (zlib JSON)`,
    ),
  };
  const report = render({ info, measuredCases, notes: corpus.flatMap((w) => w.notes) }) + replaySection;
  process.stdout.write(`${report}\n`);
  const out = process.env.BENCH_OUT ?? (quick || only ? null : join(benchDir, 'RESULTS.md'));
  if (out) {
    writeFileSync(out, `${report}\n`);
    log(`wrote ${relative(process.cwd(), out) || out}`);
  }
  log(`done in ${((performance.now() - started) / 1e3).toFixed(0)} s`);
  if (oursWrong) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
