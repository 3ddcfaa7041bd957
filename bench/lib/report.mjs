// Results -> markdown: the machine, the run, the corpus, the targets of issue #2 with their
// figures, and one table per case. Pure formatting; the numbers come from measure.mjs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU model, cores, memory, OS and Node version, read from the machine. */
export function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1].trim();
  } catch {}
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The short commit hash of the checkout and any uncommitted codec files, or null outside git. */
export function commit(cwd) {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'codec'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    return dirty.length > 0 ? `${hash}, plus uncommitted changes in ${dirty.join(', ')}` : hash;
  } catch {
    return null;
  }
}

const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function rate(n) {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}

function ms(n) {
  if (!Number.isFinite(n)) return '-';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** The reference row of a measured group, if it ran. */
function reference(group) {
  return group.rows.find((r) => r.role === 'reference' && r.stats);
}

/** One case as a markdown table. */
export function caseTable(measuredCase) {
  const lines = [
    `### ${measuredCase.title}`,
    '',
    ...(measuredCase.note ? [measuredCase.note, ''] : []),
    `Wall-clock ms per pass over the workload (median, IQR); CPU ms is the process's CPU time over all threads (median); MB/s counts ${measuredCase.basis}; "vs ref" is the reference's median over this row's (above 1: faster than the reference).`,
    '',
    '| workload | contender | median ms | IQR ms (p25–p75) | CPU ms | MB/s | msgs/s | vs ref |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const group of measuredCase.groups) {
    const ref = reference(group);
    for (const row of group.rows) {
      const label =
        row.role === 'ours' || row.role === 'lazy' ? `**${row.label}**` : row.role === 'reference' ? `${row.label} (ref)` : row.label;
      if (!row.stats) {
        lines.push(`| ${group.workload} | ${label} | ${row.missing ?? 'not available'} | | | | | |`);
        continue;
      }
      const { median, p25, p75, cpu } = row.stats;
      const mbps = group.bytes / 1e6 / (median / 1e3);
      const msgs = (row.count ?? group.count) / (median / 1e3);
      const vs = ref ? ref.stats.median / median : Number.NaN;
      lines.push(
        `| ${group.workload} | ${label} | ${ms(median)} | ${ms(p25)}–${ms(p75)} | ${ms(cpu.median)} | ${fmt(mbps, 0)} | ${rate(msgs)} | ${ref ? `${fmt(vs)}×` : '-'} |`,
      );
    }
  }
  return lines.join('\n');
}

const ours = (group) => group.rows.find((r) => r.role === 'ours' && r.stats);
const lazyRow = (group) => group.rows.find((r) => r.role === 'lazy' && r.stats);
const byLabel = (text) => (group) => group.rows.find((r) => r.stats && r.label.includes(text));
const speedUp = { figure: (o, r) => r / o, unit: '× the throughput' };
const slowDown = { figure: (o, r) => o / r, unit: '× the time' };

/**
 * The targets of issues #7 and #2, each judged on every matching workload of its case by median
 * wall times (the CPU-time figure is shown beside it). `mine(group)` and `theirs(group)` pick the
 * two rows; `figure(mine, theirs)` is theirs/mine (a speed-up) or mine/theirs (a slow-down), as
 * the target is phrased.
 */
const TARGETS = [
  {
    issue: 7, caseId: 'e2e', only: (g) => g.kind === 'json+zlib', text: 'JSON + zlib-stream, full decode: <= 1.5x the time of ws + zlib-sync + JSON.parse',
    mine: ours, theirs: reference, ...slowDown, ok: (x) => x <= 1.5,
  },
  {
    issue: 7, caseId: 'e2e', only: (g) => g.kind === 'json+zlib', text: 'JSON + zlib-stream, full decode: faster than ws + node:zlib streaming',
    mine: ours, theirs: byLabel('node:zlib streaming'), ...speedUp, ok: (x) => x > 1,
  },
  {
    issue: 7, caseId: 'e2e', only: (g) => g.kind === 'etf+zlib', text: 'ETF + zlib-stream: >= 1.25x the throughput of ws + zlib-sync + erlpack',
    mine: ours, theirs: reference, ...speedUp, ok: (x) => x >= 1.25,
  },
  {
    issue: 7, caseId: 'e2e', only: (g) => g.kind.endsWith('+zlib'), text: 'lazy decoding (only MESSAGE_CREATE wanted): >= 2x the throughput of the full decode',
    mine: lazyRow, theirs: ours, ...speedUp, ok: (x) => x >= 2,
  },
  { issue: 7, caseId: 'frames', text: 'frame decoding >= 2x ws Receiver throughput', mine: ours, theirs: reference, ...speedUp, ok: (x) => x >= 2 },
  { issue: 7, caseId: 'etf', text: 'ETF decode >= 1.5x erlpack.unpack', mine: ours, theirs: reference, ...speedUp, ok: (x) => x >= 1.5 },
  { issue: 2, caseId: 'zlib', text: 'zlib-stream inflate within 3x of zlib-sync', mine: ours, theirs: reference, ...slowDown, ok: (x) => x <= 3 },
  { issue: 2, caseId: 'json', text: 'JSON path <= 1.10x TextDecoder + JSON.parse', mine: ours, theirs: reference, ...slowDown, ok: (x) => x <= 1.1 },
];

/** Judges the targets; returns `{ lines, results }` with one result per target. */
export function targets(measuredCases) {
  const lines = [
    '| issue | target | workload | figure (wall) | by CPU time | status |',
    '| --- | --- | --- | ---: | ---: | --- |',
  ];
  const results = [];
  for (const target of TARGETS) {
    const measured = measuredCases.find((c) => c.id === target.caseId);
    if (!measured) continue;
    let all = true;
    let any = false;
    for (const group of measured.groups) {
      if (target.only && !target.only(group)) continue;
      const mine = target.mine(group);
      const theirs = target.theirs(group);
      if (!mine || !theirs) {
        lines.push(`| #${target.issue} | ${target.text} | ${group.workload} | - | - | not measured (${mine ? 'peer' : 'ours'} not available) |`);
        continue;
      }
      any = true;
      const x = target.figure(mine.stats.median, theirs.stats.median);
      const xCpu = target.figure(mine.stats.cpu.median, theirs.stats.cpu.median);
      const ok = target.ok(x);
      all &&= ok;
      lines.push(
        `| #${target.issue} | ${target.text} | ${group.workload} | ${fmt(x)}${target.unit} | ${fmt(xCpu)}${target.unit} | ${ok ? 'met' : '**not met**'} |`,
      );
    }
    results.push({ text: `#${target.issue}: ${target.text}`, status: !any ? 'not measured' : all ? 'met' : 'not met' });
  }
  return { lines, results };
}

/** The whole report, for stdout and RESULTS.md. */
export function render({ info, measuredCases, notes }) {
  const { lines: targetLines, results } = targets(measuredCases);
  const summary = results.map((r) => `- ${r.status === 'not met' ? '**not met**' : r.status}: ${r.text}`);
  return [
    '# Benchmark results',
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.machine.cpu}, ${info.machine.cores} cores, ${info.machine.memory}; ${info.machine.os}; Node ${info.machine.node}`,
    `- Command: \`${info.command}\` (${info.mode})`,
    `- Machine load: ${info.load}`,
    info.commit ? `- Commit: ${info.commit}` : null,
    `- Peers: ${info.peers.join('; ')}`,
    '- Memory (idle and busy connections against @discordjs/ws): [MEMORY.md](MEMORY.md), from `npm run bench:memory`; browser bundle size: `npm run size`',
    '',
    '## Corpus',
    '',
    ...info.corpus.map((line) => `- ${line}`),
    ...notes.map((line) => `- ${line}`),
    '',
    '## Targets (issues #7 and #2)',
    '',
    ...summary,
    '',
    ...targetLines,
    '',
    '## Results',
    '',
    ...measuredCases.flatMap((c) => [caseTable(c), '']),
  ]
    .filter((line) => line !== null)
    .join('\n');
}
