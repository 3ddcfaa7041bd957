/**
 * How many runs each fuzz property makes, and with which seed. `npm test` makes a modest number
 * of runs with fixed seeds; `FUZZ_RUNS=n` (the `npm run fuzz` script) raises every property to
 * about `n` runs (scaled by the property's weight) and lifts the per-test timeout.
 *
 * Reproducing a failure: fast-check prints `seed` and `path`; rerun with
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz -t '<test name>'`.
 */
import type { Parameters } from 'fast-check';

function positiveInteger(name: string, text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** The long-run target from the environment, or null for the quick runs of `npm test`. */
export const FUZZ_RUNS = positiveInteger('FUZZ_RUNS', process.env.FUZZ_RUNS);
const FUZZ_SEED = process.env.FUZZ_SEED === undefined || process.env.FUZZ_SEED === '' ? null : Number(process.env.FUZZ_SEED) | 0;
const FUZZ_PATH = process.env.FUZZ_PATH || undefined;

/** Per-test timeout for vitest: the config's 20 s for quick runs, none for long runs. */
export const FUZZ_TIMEOUT = FUZZ_RUNS === null ? 20_000 : 0;

/**
 * fast-check parameters for one property: a fixed `seed` (so `npm test` is reproducible),
 * `quickRuns` in `npm test`, and `FUZZ_RUNS * weight` (never fewer than `quickRuns`) in a long run.
 * Give expensive properties (the whole connection) a weight below 1.
 */
export function fuzzParams<T>(seed: number, quickRuns: number, weight = 1): Parameters<T> {
  const numRuns = FUZZ_RUNS === null ? quickRuns : Math.max(quickRuns, Math.round(FUZZ_RUNS * weight));
  return { seed: FUZZ_SEED ?? seed, numRuns, path: FUZZ_PATH, endOnFailure: true };
}

/** The longest one fuzz run (one small input through one decoder) may take, in ms: a cheap hang detector. */
export const MAX_RUN_MS = 1000;
