/**
 * A soak run's figures as plain text (what `npm run soak` prints and a failing test shows):
 * dispatches, faults by kind, resumes, identifies, reconnects, longest time per state, memory.
 */
import { FAULT_KINDS } from './fault-plan.js';
import { memoryFigures, mib } from './soak-checks.js';
import type { SoakResult } from './run-soak.js';

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The run as text lines. */
export function formatSoakReport(result: SoakResult): string {
  const o = result.options;
  const memory = memoryFigures(result);
  const last = result.memory.at(-1)!;
  const lines: string[] = [];
  const add = (line = '') => lines.push(line);
  add(`soak: seed ${o.seed}, ${o.encoding}${o.compress ? ` + ${o.compress}` : ''}, heartbeat ${o.heartbeatIntervalMs} ms, backoff ${o.backoff.baseMs}-${o.backoff.capMs} ms`);
  add(`wall time: ${(result.wallMs / 1000).toFixed(1)} s`);
  add(
    `dispatches: ${result.streamed} MESSAGE_CREATE streamed (${result.large} of ~100 KB); ${result.delivered} delivered ` +
      `(READY and RESUMED included) of ${result.sessionDispatches} recorded by ${result.sessions} sessions` +
      (result.undeliverable > 0 ? ` (${result.undeliverable} recorded after a fault had ended their session)` : ''),
  );
  add(`connections: ${result.connections}; reconnects (backoffs): ${result.backoffs.length}`);
  add(`identifies: ${result.identifies} (1 + ${result.sessionEndingFaults} session-ending faults); resumes: ${result.resumed} completed of ${result.resumeAttempts} sent (${result.resumesOffResumeUrl} off the resume URL)`);
  const skipped = Object.entries(result.skipped);
  add(`faults: ${result.faults.length} injected${skipped.length > 0 ? `, ${skipped.reduce((n, [, c]) => n + c, 0)} draws skipped (nothing to act on)` : ''}`);
  for (const kind of FAULT_KINDS) add(`  ${kind.padEnd(20)} ${String(result.faultCounts[kind] ?? 0).padStart(5)}`);
  const normal = result.backoffs.filter((b) => b.delayMs !== null && b.delayMs <= o.backoff.capMs);
  const long = result.backoffs.filter((b) => b.delayMs !== null && b.delayMs > o.backoff.capMs);
  add(
    `backoff delays: ${normal.length} within the cap (max ${Math.max(0, ...normal.map((b) => b.delayMs ?? 0))} ms); ` +
      `after op 9 d=false: ${long.map((b) => `${b.delayMs} ms`).join(', ') || 'none'}`,
  );
  add('longest time per state:');
  for (const [state, figures] of Object.entries(result.states).sort(([a], [b]) => a.localeCompare(b))) {
    add(`  ${state.padEnd(34)} max ${ms(figures.maxMs).padStart(9)}  (${figures.count} times, mean ${ms(figures.totalMs / figures.count)})`);
  }
  add(`longest ready without a heartbeat ACK: ${ms(result.maxReadySilenceMs)}; longest outage (ready to ready): ${ms(result.maxOutageMs)}`);
  add(
    `client memory after warm-up (${memory.samples} samples after forced GC): heap ${mib(memory.start.heapUsed)} -> ${mib(memory.end.heapUsed)} ` +
      `(${signed(memory.heapGrowth)}, slope ${(memory.heapSlopePer10k / 1024).toFixed(1)} KiB per 10k dispatches); ` +
      `RSS ${mib(memory.start.rss)} -> ${mib(memory.end.rss)} (${signed(memory.rssGrowth)}); peak RSS ${mib(memory.peakRss)} sampled, ${mib(memory.maxRss)} lifetime; ` +
      `at the end heapTotal ${mib(last.heapTotal)}, external ${mib(last.external)} (array buffers ${mib(last.arrayBuffers)})`,
  );
  add(`client errors: ${Object.entries(result.errors).map(([code, n]) => `${code} ${n}`).join(', ') || 'none'}`);
  add(`closes seen by the client: ${Object.entries(result.closes).map(([code, n]) => `${code === 'null' ? 'no frame' : code} ${n}`).join(', ') || 'none'}`);
  const p = result.proxy;
  add(
    `proxy: ${p.accepted} connections, ${p.killedConnections} killed, ${(p.bytes / 2 ** 20).toFixed(1)} MiB in ${p.chunks} chunks; ` +
      `${p.cutChunks} chunks re-cut into ${p.pieces} pieces, ${p.headerCuts} cuts inside a frame header, ${p.delayedPieces} pieces delayed`,
  );
  return lines.join('\n');
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mib(Math.abs(bytes))}`;
}
