// Runs only our engine path on one e2e workload for a while, for `node --cpu-prof`:
//   node --cpu-prof --cpu-prof-dir=bench/profiles bench/profile-engine.mjs steady json zlib-stream [seconds] [lazy]
// then `node bench/profile-summary.mjs bench/profiles/<file>.cpuprofile 30 bench-build`.
import { buildCorpus } from './corpus/index.mjs';
import { feedEngine, openEngine } from './lib/engine-session.mjs';
import { loadOurs } from './lib/ours.mjs';
import { loadPeers } from './lib/peers.mjs';

const [name = 'steady', encoding = 'json', compress = 'zlib-stream', seconds = '5', lazy] = process.argv.slice(2);
const ours = await loadOurs();
const corpus = await buildCorpus(ours, await loadPeers());
const w = corpus.find((x) => x.name === name);
const key = `${compress === 'zstd-stream' ? 'zstd' : compress === 'none' ? 'text' : 'zlib'}${encoding === 'etf' ? 'Etf' : 'Json'}`;
const reads = w.wire[key].reads;
const options = { encoding, compress: compress === 'none' ? null : compress, ...(lazy ? { wantedDispatches: ['MESSAGE_CREATE'] } : {}) };
let passes = 0;
let n = 0;
let busy = 0;
const stop = performance.now() + Number(seconds) * 1e3;
while (performance.now() < stop) {
  const engine = openEngine(ours.engine.GatewayEngine, options);
  const t0 = performance.now();
  feedEngine(engine, reads, () => n++);
  busy += performance.now() - t0;
  passes++;
}
console.log(`${name} ${encoding} ${compress}${lazy ? ' lazy' : ''}: ${passes} passes, ${(busy / passes).toFixed(2)} ms a pass, ${n / passes} dispatches a pass`);
