/**
 * The two soak presets: `short` (in `npm test`, ~15 s) and `long` (`npm run soak`, a few minutes,
 * 100,000+ dispatches), with `SOAK_*` environment overrides. Heartbeats, backoff and timeouts are
 * small so faults resolve fast; the 1-5 s wait after op 9 d=false is Discord's rule and stays, so
 * the short run injects that fault only once.
 */
import type { SoakBounds } from './soak-checks.js';
import type { SoakOptions } from './run-soak.js';

/** A preset: the run's options (without the script) and the bounds it is judged by. */
export interface SoakPreset {
  readonly options: Omit<SoakOptions, 'clientScript' | 'progress'>;
  readonly bounds: SoakBounds;
}

const COMMON = {
  seed: 0x50a4,
  encoding: 'json',
  compress: 'zlib-stream',
  splitCompressedMessages: true,
  heartbeatIntervalMs: 500,
  backoff: { baseMs: 50, capMs: 250 },
  timeouts: { connectMs: 3000, helloMs: 3000, readyMs: 8000, closeMs: 1000 },
  identifyWindowMs: 250,
  gatewayIdentifyWindowMs: 150,
  chunking: { splitChance: 0.35, maxPieces: 5, headerCutChance: 0.5 },
  warmupShare: 0.2,
} as const;

/** `npm test`: ~6,000 dispatches and a dozen or more faults. */
export const SHORT_SOAK: SoakPreset = {
  options: {
    ...COMMON,
    dispatches: 6000,
    perSecond: 1000,
    faults: { gapMs: [200, 500], limits: { 'gw.op9.new-session': 1, 'tcp.stall.long': 2 } },
    largeEvery: 300,
    sampleEveryMs: 250,
  },
  bounds: { heapGrowthBytes: 16 * 2 ** 20, rssGrowthBytes: 64 * 2 ** 20, slackMs: 750, minFaults: 12, everyKind: false },
};

/** `npm run soak`: 120,000 dispatches, hundreds of faults of every kind. */
export const LONG_SOAK: SoakPreset = {
  options: {
    ...COMMON,
    dispatches: 120_000,
    perSecond: 1000,
    faults: { gapMs: [150, 700], limits: { 'gw.op9.new-session': 8 } },
    largeEvery: 500,
    sampleEveryMs: 2000,
  },
  bounds: { heapGrowthBytes: 4 * 2 ** 20, rssGrowthBytes: 24 * 2 ** 20, slackMs: 750, minFaults: 150, everyKind: true },
};

type Env = Record<string, string | undefined>;

/**
 * A preset with `SOAK_DISPATCHES`, `SOAK_RATE`, `SOAK_SEED`, `SOAK_ENCODING` (json|etf),
 * `SOAK_COMPRESS` (zlib-stream|zstd-stream|none), `SOAK_HEARTBEAT_MS` and `SOAK_GAP_MS` (`min,max`
 * pause between faults) applied.
 */
export function withEnv(preset: SoakPreset, env: Env): SoakPreset {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
    return value;
  };
  const encoding = env.SOAK_ENCODING ?? preset.options.encoding;
  if (encoding !== 'json' && encoding !== 'etf') throw new Error(`SOAK_ENCODING must be json or etf, not ${encoding}`);
  const compressRaw = env.SOAK_COMPRESS ?? preset.options.compress ?? 'none';
  if (!['zlib-stream', 'zstd-stream', 'none'].includes(compressRaw)) throw new Error(`SOAK_COMPRESS must be zlib-stream, zstd-stream or none, not ${compressRaw}`);
  const gap = env.SOAK_GAP_MS ? env.SOAK_GAP_MS.split(',').map(Number) : preset.options.faults.gapMs;
  if (gap.length !== 2 || !gap.every((n) => Number.isFinite(n) && n >= 0) || gap[0]! > gap[1]!) {
    throw new Error(`SOAK_GAP_MS must be min,max in ms, not ${env.SOAK_GAP_MS}`);
  }
  return {
    bounds: preset.bounds,
    options: {
      ...preset.options,
      dispatches: number('SOAK_DISPATCHES', preset.options.dispatches),
      perSecond: number('SOAK_RATE', preset.options.perSecond),
      seed: number('SOAK_SEED', preset.options.seed),
      heartbeatIntervalMs: number('SOAK_HEARTBEAT_MS', preset.options.heartbeatIntervalMs),
      encoding,
      compress: compressRaw === 'none' ? null : (compressRaw as 'zlib-stream' | 'zstd-stream'),
      faults: { ...preset.options.faults, gapMs: [gap[0]!, gap[1]!] },
    },
  };
}
