// `npm run soak`: bundles the soak runner (test/soak/cli.ts) with esbuild and runs it. The runner
// forks the client into its own process with --expose-gc, so the memory figures are the client's.
// Environment: SOAK_DISPATCHES, SOAK_RATE, SOAK_SEED, SOAK_ENCODING (json|etf),
// SOAK_COMPRESS (zlib-stream|zstd-stream|none), SOAK_HEARTBEAT_MS, SOAK_GAP_MS=min,max (between faults),
// SOAK_PRESET=short.
// Exit code: 0 pass, 1 a rule was broken (listed on stdout), 2 the run itself failed.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Under node_modules/ so the bundle's bare imports (esbuild, ws) resolve, and git and biome ignore it.
const outDir = join(root, 'node_modules', '.cache', 'soak');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'soak.mjs');
const clientFile = join(outDir, 'client-process.mjs');
const common = { bundle: true, format: 'esm', platform: 'node', target: 'es2022', sourcemap: 'inline', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'test', 'soak', 'cli.ts')], outfile, packages: 'external' }),
  // The client is self-contained: the library as a user's bundler would ship it.
  build({ ...common, entryPoints: [join(root, 'test', 'soak', 'client-process.ts')], outfile: clientFile }),
]);
const run = spawnSync(process.execPath, ['--enable-source-maps', outfile], {
  stdio: 'inherit',
  env: { ...process.env, SOAK_CLIENT_SCRIPT: clientFile },
});
process.exitCode = run.status ?? 2;
