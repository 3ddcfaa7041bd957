// Loads our codecs the way a user's bundler would see them: each codec's index bundled from the
// TypeScript sources (bundle.mjs). The bundles go to bench/node_modules/.cache/, which git and
// biome already ignore.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importBundled, rootDir } from './bundle.mjs';

const outDir = join(rootDir, 'bench', 'node_modules', '.cache', 'bench-build');

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
  const modules = await importBundled(ENTRIES, outDir, { sourcemap: true });
  await loadZstd(modules);
  return modules;
}

// The zstd decompressor may exist before codec/compression/index.ts exports it, or not at all
// yet: take it from the index, else bundle its own file; any failure leaves the slot empty.
async function loadZstd(modules) {
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
    ({ zstd: modules.zstd } = await importBundled({ zstd: ZSTD_SOURCE }, outDir, { logLevel: 'silent' }));
    if (typeof modules.zstd.ZstdStreamDecompressor !== 'function') throw new Error('no ZstdStreamDecompressor export');
    modules.zstdNote = `bundled from ${ZSTD_SOURCE}: codec/compression/index.ts does not export it yet`;
  } catch (error) {
    modules.zstd = undefined;
    modules.zstdMissing = `does not build yet: ${String(error?.message ?? error).split('\n')[0]}`;
  }
}
