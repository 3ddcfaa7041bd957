/**
 * The published shape: `npm run build` produces Node ESM and CJS, a browser bundle with no
 * `node:` imports, and type declarations for every entry in the exports map.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiscordGatewayError } from '../index.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

describe('package', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  it('has a file behind every path of the exports map', () => {
    const paths: string[] = [];
    for (const target of Object.values(pkg.exports) as (string | Record<string, string>)[]) {
      paths.push(...(typeof target === 'string' ? [target] : Object.values(target)));
    }
    for (const path of paths) expect(existsSync(new URL(path, root)), path).toBe(true);
  });

  it('loads as ESM and as CommonJS with the same names', async () => {
    const esm = await import(new URL('dist/index.js', root).href);
    const cjs = createRequire(import.meta.url)(new URL('dist/index.cjs', root).pathname);
    const nodeEsm = await import(new URL('dist/node.js', root).href);
    // One copy of each class across ESM entries: the node entry's errors are the root's.
    expect(nodeEsm.FatalCloseError).toBe(esm.FatalCloseError);
    expect(nodeEsm.DiscordGatewayError).toBe(esm.DiscordGatewayError);
    expect(typeof nodeEsm.createGatewayClient).toBe('function');
    for (const name of ['DiscordConnection', 'gatewayMachine', 'decodeEtf', 'encodeEtf', 'ZlibStreamInflater', 'FrameDecoder', 'encodeFrame', 'createHandshakeRequest', 'parseHandshakeResponse', 'ConnectionRejected', 'WebSocketProtocolError', 'EtfDecodeError']) {
      expect(typeof esm[name], name).not.toBe('undefined');
      expect(typeof cjs[name], name).not.toBe('undefined');
    }
  });

  it('ships browser bundles with no node: imports', () => {
    const browserPaths = Object.values(pkg.exports).flatMap((target) => (typeof target === 'object' && target !== null && 'browser' in target ? [(target as { browser: string }).browser] : []));
    expect(browserPaths.length).toBeGreaterThanOrEqual(2);
    for (const path of browserPaths) {
      const bundle = readFileSync(new URL(path, root), 'utf8');
      expect(bundle, path).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']node:/);
    }
  });

  it('exports the error base class with a stable code', () => {
    const error = new DiscordGatewayError('EXAMPLE', 'an example');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('EXAMPLE');
    expect(error.name).toBe('DiscordGatewayError');
  });
});
