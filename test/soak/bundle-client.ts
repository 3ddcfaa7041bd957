/**
 * Bundles `client-process.ts` with esbuild into one self-contained ESM file, so the soak can fork
 * it with plain `node --expose-gc` (no TypeScript loader) from vitest and from `npm run soak` alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bundled client script and how to delete it. */
export interface BundledClient {
  readonly path: string;
  dispose(): void;
}

/** Bundles the soak client into a fresh temporary directory. */
export async function bundleSoakClient(): Promise<BundledClient> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'soak-client-'));
  const path = join(dir, 'client-process.mjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'client-process.ts')],
    outfile: path,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
