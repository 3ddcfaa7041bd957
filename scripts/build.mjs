// Bundles the package with esbuild: Node ESM and CJS for every entry, and a browser ESM bundle
// for the platform-neutral entries. Type declarations come from `tsc -p tsconfig.build.json`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

/** Entries for Node: name in dist -> source file. */
const nodeEntries = {
  index: 'index.ts',
  testing: 'testing.ts',
  recording: 'adapters/recording/index.ts',
  'recording-node': 'adapters/recording/node.ts',
  'recording-vitest': 'adapters/recording/vitest-matchers.ts',
};
/** Entries that must run in a browser: no `node:` imports allowed. */
const browserEntries = {
  index: 'index.ts',
  recording: 'adapters/recording/index.ts',
};

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, sourcemap: true, target: 'es2022', packages: 'external', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: nodeEntries, outdir: 'dist', format: 'esm', platform: 'node' }),
  build({ ...common, entryPoints: nodeEntries, outdir: 'dist', format: 'cjs', platform: 'node', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: browserEntries, outdir: 'dist/browser', format: 'esm', platform: 'browser' }),
]);
