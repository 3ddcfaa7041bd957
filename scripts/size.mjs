// `npm run size`: how many bytes the browser pays for this library. Each browser entry is bundled
// the way an application's bundler would ship it (esbuild, platform browser, ES2022, minified,
// every dependency included), then gzipped (level 9) and brotli-compressed; once more with xstate
// left out (the machine's runtime), and the largest packages of each bundle are listed.
// Prints markdown; `--json` prints the figures as JSON instead.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const rootDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** What a browser application imports: the package root, and `./web` (the client over WebSocket). */
const ENTRIES = [
  { name: '`.` (root: codecs, machine, sans-I/O connection)', file: 'index.ts' },
  { name: '`./web` (root + the gateway client over WebSocket)', file: 'web.ts' },
];

async function bundle(file, external) {
  const result = await build({
    absWorkingDir: rootDir,
    entryPoints: [join(rootDir, file)],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    metafile: true,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  // Bytes each package (or our own code) contributes to the minified output.
  const byPackage = new Map();
  for (const [input, info] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const owner = match ? match[1] : 'sansio-discord-gateway (ours)';
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + info.bytesInOutput);
  }
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    byPackage: [...byPackage.entries()].sort((a, b) => b[1] - a[1]),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const rows = [];
for (const entry of ENTRIES) {
  const all = await bundle(entry.file, []);
  const withoutXstate = await bundle(entry.file, ['xstate']);
  rows.push({ entry, all, withoutXstate });
}

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(rows.map(({ entry, all, withoutXstate }) => ({ entry: entry.file, all, withoutXstate })), null, 2)}\n`);
} else {
  const lines = [
    '# Browser bundle size',
    '',
    'esbuild, platform browser, ES2022, minified, every dependency bundled; the whole entry (an application that imports less ships less).',
    '',
    '| entry | bundle | minified | gzip -9 | brotli -11 |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const { entry, all, withoutXstate } of rows) {
    lines.push(`| ${entry.name} | with xstate | ${kb(all.minified)} | ${kb(all.gzip)} | ${kb(all.brotli)} |`);
    lines.push(`| ${entry.name} | without xstate | ${kb(withoutXstate.minified)} | ${kb(withoutXstate.gzip)} | ${kb(withoutXstate.brotli)} |`);
  }
  lines.push('', 'Minified bytes by package (with xstate):', '');
  for (const { entry, all } of rows) {
    lines.push(`- ${entry.name}: ${all.byPackage.map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
