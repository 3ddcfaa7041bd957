// Summarizes a V8 CPU profile (from `node --cpu-prof`) as the functions with the most self time,
// with their source location, so a profile of one bench case can be read without DevTools.
// Usage: BENCH_ONLY=etf node --expose-gc --cpu-prof --cpu-prof-dir=bench/profiles bench/run.mjs
//        node bench/profile-summary.mjs bench/profiles/<file>.cpuprofile [top=25] [filter]
// `filter` keeps only functions whose URL contains it (e.g. `bench-build` for our bundles); the
// hottest source lines of those functions follow, from the profile's position ticks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [url filter]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);

// Self time per node: samples hitting it times the mean interval between samples.
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000; // ms

const byFunction = new Map();
let total = 0;
for (const node of profile.nodes) {
  const self = (hits.get(node.id) ?? 0) * interval;
  total += self;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  const entry = byFunction.get(key) ?? { key, url, self: 0 };
  entry.self += self;
  byFunction.set(key, entry);
}
const rows = [...byFunction.values()].filter((e) => !filter || (e.url ?? '').includes(filter)).sort((a, b) => b.self - a.self);
console.log(`total ${total.toFixed(0)} ms sampled${filter ? `; showing URLs containing "${filter}"` : ''}`);
for (const row of rows.slice(0, top)) {
  console.log(`${row.self.toFixed(1).padStart(9)} ms ${((100 * row.self) / total).toFixed(1).padStart(5)}%  ${row.key}`);
}

// Hottest lines (V8 records ticks per line for sampled frames), with their text when readable.
const lineTicks = new Map();
for (const node of profile.nodes) {
  const { url } = node.callFrame;
  if (!node.positionTicks || (filter && !(url ?? '').includes(filter))) continue;
  for (const { line, ticks } of node.positionTicks) {
    const key = `${url}:${line}`;
    lineTicks.set(key, (lineTicks.get(key) ?? 0) + ticks);
  }
}
const sources = new Map();
function sourceLine(url, line) {
  try {
    if (!sources.has(url)) sources.set(url, readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8').split('\n'));
    return sources.get(url)[line - 1]?.trim().slice(0, 110) ?? '';
  } catch {
    return '';
  }
}
console.log('\nhottest lines:');
for (const [key, ticks] of [...lineTicks].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const at = key.lastIndexOf(':');
  const url = key.slice(0, at);
  const line = Number(key.slice(at + 1));
  console.log(`${(ticks * interval).toFixed(1).padStart(9)} ms  ${url.split('/').slice(-1)[0]}:${line}  ${sourceLine(url, line)}`);
}
