/**
 * The short soak (`npm test`): thousands of dispatches through the fault proxy while faults of
 * many kinds strike; the same rules as `npm run soak` (soak-checks.ts), with a smaller run.
 * Set SOAK_SEED to replay a failing seed's fault plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledClient, bundleSoakClient } from './bundle-client.js';
import { runSoak } from './run-soak.js';
import { soakProblems } from './soak-checks.js';
import { formatSoakReport } from './soak-report.js';
import { SHORT_SOAK, type SoakPreset, withEnv } from './soak-settings.js';

let client: BundledClient;

beforeAll(async () => {
  client = await bundleSoakClient();
});

afterAll(() => client?.dispose());

async function soak(preset: SoakPreset) {
  const result = await runSoak({ ...preset.options, clientScript: client.path });
  const report = formatSoakReport(result);
  return { result, report, problems: soakProblems(result, preset.bounds) };
}

describe('short soak under injected faults', () => {
  it('json + zlib-stream: every dispatch once and in order, IDENTIFY only after session-ending faults, backoff and timeouts kept, memory flat', { timeout: 60_000 }, async () => {
    const { result, report, problems } = await soak(withEnv(SHORT_SOAK, { SOAK_SEED: process.env.SOAK_SEED }));
    expect(problems, report).toEqual([]);
    expect(result.delivered, report).toBe(result.sessionDispatches - result.undeliverable);
    expect(result.identifies, report).toBe(1 + result.sessionEndingFaults);
    expect(result.faults.length, report).toBeGreaterThanOrEqual(12);
    expect(result.resumed, report).toBeGreaterThan(0);
    expect(result.proxy.headerCuts, report).toBeGreaterThan(0);
  });

  it('etf + zstd-stream, no op 9 d=false: the same rules', { timeout: 60_000 }, async () => {
    const base = withEnv(SHORT_SOAK, { SOAK_SEED: process.env.SOAK_SEED, SOAK_ENCODING: 'etf', SOAK_COMPRESS: 'zstd-stream', SOAK_DISPATCHES: '3000' });
    const preset: SoakPreset = {
      options: { ...base.options, seed: base.options.seed + 1, faults: { ...base.options.faults, limits: { 'gw.op9.new-session': 0, 'tcp.stall.long': 1 } } },
      bounds: { ...base.bounds, minFaults: 6 },
    };
    const { result, report, problems } = await soak(preset);
    expect(problems, report).toEqual([]);
    expect(result.identifies, report).toBe(1 + result.sessionEndingFaults);
  });
});
