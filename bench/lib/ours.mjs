// Loads our codecs the way a user's bundler would see them: esbuild bundles each codec's index
// (the TypeScript sources, so no stale dist/) with the library's own build settings
// (scripts/build.mjs): ES2022, ESM, no minification. The bundles go to bench/node_modules/.cache/,
// which git and biome already ignore (a bench/.build/ would be linted by `biome lint .`).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const rootDir = dirname(benchDir);
const outDir = join(benchDir, 'node_modules', '.cache', 'bench-build');

/** The zstd decompressor's own file, bundled alone while the compression index lacks it. */
const ZSTD_SOURCE = 'codec/compression/zstd-stream-decompressor.ts';

/** The codec entries we measure, by the name the harness uses. */
const ENTRIES = {
  websocket: 'codec/websocket/index.ts',
  compression: 'codec/compression/index.ts',
  encoding: 'codec/encoding/index.ts',
  // The real client path: GatewayEngine (codecs + the XState machine), as adapters drive it.
  engine: 'adapters/sans-io/index.ts',
};

/**
 * Bundles and imports our codecs; returns `{ websocket, compression, encoding, zstd }` modules
 * (`zstd` undefined, with `zstdMissing` saying why, when the zstd decompressor is not usable).
 */
export async function loadOurs() {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: rootDir,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(rootDir, path)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
  const modules = {};
  for (const name of Object.keys(ENTRIES)) {
    modules[name] = await import(pathToFileURL(join(outDir, `${name}.mjs`)).href);
  }
  await loadZstd(build, modules);
  return modules;
}

// The zstd decompressor may exist before codec/compression/index.ts exports it, or not at all
// yet: take it from the index, else bundle its own file; any failure leaves the slot empty.
async function loadZstd(build, modules) {
  if (typeof modules.compression.ZstdStreamDecompressor === 'function') {
    modules.zstd = { ZstdStreamDecompressor: modules.compression.ZstdStreamDecompressor };
    return;
  }
  const source = join(rootDir, ZSTD_SOURCE);
  if (!existsSync(source)) {
    modules.zstdMissing = `not written yet (${ZSTD_SOURCE})`;
    return;
  }
  try {
    await build({
      absWorkingDir: rootDir,
      entryPoints: { zstd: source },
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
    });
    modules.zstd = await import(pathToFileURL(join(outDir, 'zstd.mjs')).href);
    if (typeof modules.zstd.ZstdStreamDecompressor !== 'function') throw new Error('no ZstdStreamDecompressor export');
    modules.zstdNote = `bundled from ${ZSTD_SOURCE}: codec/compression/index.ts does not export it yet`;
  } catch (error) {
    modules.zstd = undefined;
    modules.zstdMissing = `does not build yet: ${String(error?.message ?? error).split('\n')[0]}`;
  }
}
