/**
 * Replay speed, for the benchmark harness: replays a cassette until enough time has passed and
 * reports engine calls, gateway payloads and bytes per second. Rates are per CPU second where the
 * platform can tell (Node's `process.cpuUsage`, steady on a busy machine), else per wall second.
 */
import { readCassette } from './cassette-reader.js';
import type { Cassette } from './format.js';
import { replayCassette } from './replay.js';

/** What {@link benchmarkReplay} measured. */
export interface BenchmarkReplayResult {
  /** Whole replays run. */
  readonly iterations: number;
  /** Per replay: engine calls (recorded inputs), gateway payloads decoded, recorded outputs compared. */
  readonly steps: number;
  readonly payloads: number;
  readonly outputs: number;
  /** Cassette size in bytes. */
  readonly bytes: number;
  /** Mean time of one replay, in ms (CPU time when `clock` is `cpu`). */
  readonly msPerReplay: number;
  /** What the rates are measured in: CPU time (Node) or wall time (elsewhere). */
  readonly clock: 'cpu' | 'wall';
  /** Events (engine calls + payloads decoded + outputs compared) per second. */
  readonly eventsPerSecond: number;
  /** Engine calls per second, and gateway payloads (dispatches and the rest) per second. */
  readonly stepsPerSecond: number;
  readonly payloadsPerSecond: number;
  /** Recorded bytes replayed per second, in MB (10^6 bytes). */
  readonly megabytesPerSecond: number;
}

/**
 * Replays `source` (a warm-up first) for at least `minMs` milliseconds and `minIterations`
 * replays; throws if a replay does not match, so a speed is only ever reported for a correct run.
 */
export function benchmarkReplay(source: Uint8Array | Cassette, options: { minMs?: number; minIterations?: number } = {}): BenchmarkReplayResult {
  const cassette = source instanceof Uint8Array ? readCassette(source) : source;
  const first = replayCassette(cassette);
  const minMs = options.minMs ?? 500;
  const minIterations = options.minIterations ?? 3;
  let iterations = 0;
  const cpu = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage;
  const cpuMs = () => {
    const usage = cpu!();
    return (usage.user + usage.system) / 1000;
  };
  const started = performance.now();
  const cpuStarted = cpu ? cpuMs() : 0;
  let elapsed = 0;
  while (iterations < minIterations || elapsed < minMs) {
    replayCassette(cassette);
    iterations++;
    elapsed = performance.now() - started;
  }
  const perReplay = (cpu ? cpuMs() - cpuStarted : elapsed) / iterations;
  const perSecond = (n: number) => (n * 1000) / perReplay;
  return {
    iterations,
    steps: first.replayed,
    payloads: first.payloads,
    outputs: first.outputs,
    bytes: cassette.byteLength,
    msPerReplay: perReplay,
    clock: cpu ? 'cpu' : 'wall',
    eventsPerSecond: perSecond(first.replayed + first.payloads + first.outputs),
    stepsPerSecond: perSecond(first.replayed),
    payloadsPerSecond: perSecond(first.payloads),
    megabytesPerSecond: perSecond(cassette.byteLength) / 1e6,
  };
}
