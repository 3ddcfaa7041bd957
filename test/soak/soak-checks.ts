/**
 * The soak's verdict: every rule a run must meet, as a list of broken ones (empty = pass), so
 * the vitest file and `npm run soak` judge a run the same way. Also the memory figures (start
 * after warm-up, end, growth, slope) the rules and the report use.
 */
import { FAULT_KINDS, SESSION_ENDING_FAULTS } from './fault-plan.js';
import type { MemorySample } from './soak-protocol.js';
import type { SoakResult } from './run-soak.js';

/** What a run must stay within beyond the protocol's own rules. */
export interface SoakBounds {
  /** Heap growth allowed from the end of warm-up to the end, in bytes. */
  readonly heapGrowthBytes: number;
  /** RSS growth allowed from the end of warm-up to the end, in bytes. */
  readonly rssGrowthBytes: number;
  /** Added to every timing bound: event-loop lag on a loaded 2-core machine. */
  readonly slackMs: number;
  /** At least this many faults must have been injected. */
  readonly minFaults: number;
  /** Every fault kind must have been injected at least once. */
  readonly everyKind: boolean;
}

/** Errors the client may report under these faults: each is a connection it lost or could not finish. */
export const EXPECTED_ERRORS: ReadonlySet<string> = new Set(['TRANSPORT_LOST', 'WS_HANDSHAKE_INCOMPLETE']);

/** The shortest and longest wait Discord asks for after op 9 d=false ("a random 1-5 seconds"). */
const INVALID_SESSION_MIN_MS = 1000;
const INVALID_SESSION_MAX_MS = 5000;

/** Memory from the end of warm-up to the end of the run. */
export interface MemoryFigures {
  /** Samples after warm-up. */
  readonly samples: number;
  /** Medians of the first three samples after warm-up, and of the last three. */
  readonly start: { readonly rss: number; readonly heapUsed: number };
  readonly end: { readonly rss: number; readonly heapUsed: number };
  readonly heapGrowth: number;
  readonly rssGrowth: number;
  /** Least-squares heap slope after warm-up, in bytes per 10,000 delivered dispatches. */
  readonly heapSlopePer10k: number;
  /** Largest sampled RSS, and the child's peak RSS over its whole life. */
  readonly peakRss: number;
  readonly maxRss: number;
  /** Whether the samples followed real forced GCs. */
  readonly gc: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Memory figures of a run (warm-up: samples before `warmupShare` of the dispatches). */
export function memoryFigures(result: SoakResult): MemoryFigures {
  const warmUntil = result.options.warmupShare * result.sessionDispatches;
  let warm: MemorySample[] = result.memory.filter((s) => s.delivered >= warmUntil);
  if (warm.length < 6) warm = result.memory.slice(-Math.max(6, Math.ceil(result.memory.length / 2)));
  const first = warm.slice(0, 3);
  const last = warm.slice(-3);
  const start = { rss: median(first.map((s) => s.rss)), heapUsed: median(first.map((s) => s.heapUsed)) };
  const end = { rss: median(last.map((s) => s.rss)), heapUsed: median(last.map((s) => s.heapUsed)) };
  const n = warm.length;
  const meanX = warm.reduce((sum, s) => sum + s.delivered, 0) / n;
  const meanY = warm.reduce((sum, s) => sum + s.heapUsed, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of warm) {
    sxy += (s.delivered - meanX) * (s.heapUsed - meanY);
    sxx += (s.delivered - meanX) ** 2;
  }
  return {
    samples: n,
    start,
    end,
    heapGrowth: end.heapUsed - start.heapUsed,
    rssGrowth: end.rss - start.rss,
    heapSlopePer10k: sxx > 0 ? (sxy / sxx) * 10_000 : 0,
    peakRss: Math.max(...result.memory.map((s) => s.rss)),
    maxRss: result.child.maxRss,
    gc: result.memory.every((s) => s.gc),
  };
}

/** The longest a state may last (its timeout), or null when another rule covers it. */
function stateLimitMs(state: string, result: SoakResult): number | null {
  const { timeouts, identifyWindowMs } = result.options;
  switch (state) {
    case 'connecting':
      return timeouts.connectMs;
    case 'connected.waitingForHello':
      return timeouts.helloMs;
    case 'connected.choosingAuthentication':
      return 0;
    case 'connected.waitingForIdentifySlot':
      return identifyWindowMs * 1.05;
    case 'connected.identifying':
    case 'connected.resuming':
      return timeouts.readyMs;
    case 'closing':
      return timeouts.closeMs;
    case 'backoff':
      return INVALID_SESSION_MAX_MS;
    default:
      return null;
  }
}

/** Every rule the run broke; empty when it passed. */
export function soakProblems(result: SoakResult, bounds: SoakBounds): string[] {
  const problems: string[] = [];
  const fail = (text: string) => problems.push(text);
  const { options } = result;

  // Exactly once, in order, intact.
  for (const problem of result.deliveryProblems) fail(`delivery: ${problem}`);
  if (!result.caughtUp) fail('the client did not catch up with the newest session at the end');
  if (result.delivered !== result.sessionDispatches - result.undeliverable) {
    fail(`delivered ${result.delivered} dispatches, the sessions sent ${result.sessionDispatches} (${result.undeliverable} after their end)`);
  }
  if (result.streamed !== options.dispatches) fail(`streamed ${result.streamed} of ${options.dispatches} dispatches`);
  if (result.child.iteratorMismatches !== 0 || result.child.iterated !== result.child.delivered) {
    fail(`dispatches() yielded ${result.child.iterated} of ${result.child.delivered} (${result.child.iteratorMismatches} out of order)`);
  }

  // IDENTIFY only when it must; RESUME otherwise.
  const mustIdentify = 1 + result.sessionEndingFaults;
  if (result.identifies !== mustIdentify) fail(`${result.identifies} IDENTIFYs, expected ${mustIdentify} (1 + ${result.sessionEndingFaults} session-ending faults)`);
  if (result.sessions !== result.identifies) fail(`${result.identifies} IDENTIFYs started ${result.sessions} sessions`);
  if (result.resumesOffResumeUrl > 0) fail(`${result.resumesOffResumeUrl} RESUMEs were sent on the plain gateway URL, not resume_gateway_url`);
  if (result.unrecovered > 0) fail(`${result.unrecovered} session-ending faults not followed by a new session within 30 s`);

  // Backoff within the policy; 1-5 s after op 9 d=false.
  const invalidSessionBackoffs = new Set<number>();
  for (const fault of result.faults.filter((f) => f.kind === 'gw.op9.new-session')) {
    const index = result.backoffs.findIndex((b) => b.at >= fault.at);
    const backoff = result.backoffs[index];
    if (!backoff) {
      fail(`no backoff followed op 9 d=false at ${fault.at.toFixed(0)}`);
      continue;
    }
    invalidSessionBackoffs.add(index);
    const delay = backoff.delayMs ?? -1;
    if (delay < INVALID_SESSION_MIN_MS || delay > INVALID_SESSION_MAX_MS) fail(`op 9 d=false was followed by a ${delay} ms wait (must be 1-5 s)`);
    if ((backoff.observedMs ?? 0) < INVALID_SESSION_MIN_MS - 2) fail(`the client reconnected ${backoff.observedMs?.toFixed(0)} ms after op 9 d=false`);
  }
  for (const [index, backoff] of result.backoffs.entries()) {
    if (backoff.delayMs === null) {
      fail(`a backoff at ${backoff.at.toFixed(0)} logged no delay`);
      continue;
    }
    // Full jitter under an exponential ceiling: attempt n (1-based) waits at most min(cap, base * 2^(n-1)).
    const { baseMs, capMs } = options.backoff;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, (backoff.attempt ?? 1) - 1));
    if (!invalidSessionBackoffs.has(index) && backoff.delayMs > ceiling) {
      fail(`backoff of ${backoff.delayMs} ms at attempt ${backoff.attempt} is over its ${ceiling} ms ceiling (cap ${capMs} ms)`);
    }
    if (backoff.observedMs !== null && backoff.observedMs > backoff.delayMs + bounds.slackMs) {
      fail(`a ${backoff.delayMs} ms backoff lasted ${backoff.observedMs.toFixed(0)} ms`);
    }
  }

  // No state stuck longer than its timeout.
  for (const [state, figures] of Object.entries(result.states)) {
    const known = ['idle', 'connected.ready', 'closed'].includes(state) || stateLimitMs(state, result) !== null;
    if (!known) fail(`unexpected state ${state}`);
    const limit = stateLimitMs(state, result);
    if (limit !== null && figures.maxMs > limit + bounds.slackMs) fail(`${state} lasted ${figures.maxMs.toFixed(0)} ms (limit ${limit} ms)`);
  }
  const silenceLimit = 2 * options.heartbeatIntervalMs;
  if (result.maxReadySilenceMs > silenceLimit + bounds.slackMs) {
    fail(`ready for ${result.maxReadySilenceMs.toFixed(0)} ms without a heartbeat ACK (zombie detection is due by ${silenceLimit} ms)`);
  }

  // Nothing unexpected went wrong.
  for (const [code, count] of Object.entries(result.errors)) if (!EXPECTED_ERRORS.has(code)) fail(`${count} unexpected ${code} error(s)`);

  // Enough faults, of every kind when asked.
  if (result.faults.length < bounds.minFaults) fail(`only ${result.faults.length} faults injected (want ${bounds.minFaults})`);
  if (bounds.everyKind) for (const kind of FAULT_KINDS) if (!result.faultCounts[kind]) fail(`no ${kind} fault was injected`);
  if (result.sessionEndingFaults !== result.faults.filter((f) => SESSION_ENDING_FAULTS.has(f.kind)).length) fail('session-ending fault count is inconsistent');

  // Flat memory after warm-up.
  const memory = memoryFigures(result);
  if (!memory.gc) fail('memory was sampled without forced GC (the client must run with --expose-gc)');
  if (memory.heapGrowth > bounds.heapGrowthBytes) fail(`heap grew ${mib(memory.heapGrowth)} after warm-up (bound ${mib(bounds.heapGrowthBytes)})`);
  if (memory.rssGrowth > bounds.rssGrowthBytes) fail(`RSS grew ${mib(memory.rssGrowth)} after warm-up (bound ${mib(bounds.rssGrowthBytes)})`);
  return problems;
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
