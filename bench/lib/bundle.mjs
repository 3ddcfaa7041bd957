// Bundles TypeScript sources with esbuild for the benchmarks, with the library's own build
// settings (scripts/build.mjs: ES2022, ESM, no minification), so what is measured is what a
// user's bundler would see and never a stale dist/. Owns only the build; callers pick the folder.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root; entry paths are relative to it. */
export const rootDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/**
 * Bundles `entries` ({ name: path from the repository root }) into `outDir` as `<name>.mjs`;
 * `options` are esbuild's, laid over the shared ones. Returns each bundle's file URL by name.
 */
export async function bundleEntries(entries, outDir, options = {}) {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: rootDir,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(rootDir, path)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'warning',
    ...options,
  });
  return Object.fromEntries(Object.keys(entries).map((name) => [name, pathToFileURL(join(outDir, `${name}.mjs`)).href]));
}

/** {@link bundleEntries}, then imports every bundle; returns the modules by name. */
export async function importBundled(entries, outDir, options = {}) {
  const modules = {};
  for (const [name, url] of Object.entries(await bundleEntries(entries, outDir, options))) modules[name] = await import(url);
  return modules;
}
