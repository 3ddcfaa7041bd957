// Bundles the package with esbuild. ESM builds use code splitting, so every entry shares one copy
// of each module (an error thrown by `./node` is an instance of the class exported by `.`).
// CommonJS has no splitting: each CJS entry is self-contained, and `./node` re-exports the root,
// so a CommonJS application that imports from one entry sees one set of classes.
// Type declarations come from `tsc -p tsconfig.build.json`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

/** Entries for Node: name in dist -> source file. */
const nodeEntries = {
  index: 'index.ts',
  node: 'node.ts',
  web: 'web.ts',
  testing: 'testing.ts',
  recording: 'adapters/recording/index.ts',
  'recording-node': 'adapters/recording/node.ts',
  'recording-vitest': 'adapters/recording/vitest-matchers.ts',
};
/** The `discord-gateway` executable: one self-contained ESM file with a shebang. */
const cliEntry = { cli: 'adapters/node/cli/bin.ts' };
/** Entries that must run in a browser: no `node:` imports allowed. */
const browserEntries = {
  index: 'index.ts',
  recording: 'adapters/recording/index.ts',
  web: 'web.ts',
};

// `--outdir DIR` builds somewhere else (tests use it so they never race over dist/).
const outArg = process.argv.indexOf('--outdir');
const out = outArg > 0 ? process.argv[outArg + 1] : 'dist';
rmSync(out, { recursive: true, force: true });
const common = { bundle: true, sourcemap: true, target: 'es2022', packages: 'external', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: nodeEntries, outdir: out, format: 'esm', platform: 'node', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
  build({ ...common, entryPoints: nodeEntries, outdir: out, format: 'cjs', platform: 'node', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: cliEntry, outdir: out, format: 'esm', platform: 'node', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: browserEntries, outdir: `${out}/browser`, format: 'esm', platform: 'browser', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
]);
