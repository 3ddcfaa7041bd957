/**
 * `npm run soak`: the long soak (see `soak-settings.ts`, `SOAK_*` overrides), its figures on
 * stdout, progress on stderr; exit code 1 when a rule was broken. `scripts/soak.mjs` bundles and
 * starts it.
 */
import { bundleSoakClient } from './bundle-client.js';
import { runSoak } from './run-soak.js';
import { soakProblems } from './soak-checks.js';
import { formatSoakReport } from './soak-report.js';
import { LONG_SOAK, SHORT_SOAK, withEnv } from './soak-settings.js';

async function main(): Promise<number> {
  const preset = withEnv(process.env.SOAK_PRESET === 'short' ? SHORT_SOAK : LONG_SOAK, process.env);
  const prebuilt = process.env.SOAK_CLIENT_SCRIPT;
  const client = prebuilt ? { path: prebuilt, dispose: () => {} } : await bundleSoakClient();
  try {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(`soak: ${preset.options.dispatches} dispatches at ${preset.options.perSecond}/s, seed ${preset.options.seed}`);
    const result = await runSoak({ ...preset.options, clientScript: client.path, progress: log });
    process.stdout.write(`${formatSoakReport(result)}\n`);
    const problems = soakProblems(result, preset.bounds);
    if (problems.length === 0) {
      process.stdout.write('verdict: PASS\n');
      return 0;
    }
    process.stdout.write(`verdict: FAIL (reproduce with SOAK_SEED=${preset.options.seed})\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  } finally {
    client.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`soak failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
