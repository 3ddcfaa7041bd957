/**
 * The main job: `npm start` builds and runs `discord-gateway demo` as a real process. It must
 * finish by itself well under a minute, exit 0, and say that no dispatch was lost.
 */
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

const root = new URL('../../', import.meta.url);
/** Built here rather than in dist/, which the package test rebuilds at the same time. */
const OUT = 'node_modules/.cache/cli-test';
const CLI = `${OUT}/cli.js`;

describe('npm start (the demo)', () => {
  it('runs the demo against the fake gateway: RECONNECT and zombie RESUMEs, nothing lost, exit 0', async () => {
    execFileSync('node', ['scripts/build.mjs', '--outdir', OUT], { cwd: root });
    const child = spawn('node', [CLI, 'demo', '--dispatches', '3000'], { cwd: root, env: { ...process.env, DISCORD_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(stdout).toContain('forcing op 7 RECONNECT');
    expect(stdout).toContain('forcing a zombie connection');
    expect(stdout.match(/RESUMED: missed dispatches were replayed/g)).toHaveLength(2);
    expect(stdout).toMatch(/sessions +1 IDENTIFY, 2 RESUME, 2 reconnects/);
    expect(stdout).toContain('every dispatch once, in order: yes');
  }, 90_000);

  it('Ctrl-C (SIGINT) on connect closes with 1000 and exits 0', async () => {
    const { startFakeGateway } = await import('../../adapters/fake-gateway/index.js');
    const gateway = await startFakeGateway();
    try {
      const child = spawn('node', [CLI, 'connect', '--url', gateway.url, '--json'], { cwd: root, env: { ...process.env, DISCORD_TOKEN: gateway.token } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      // The child's stdout is not a gateway event, so poll for it.
      // stdout and stderr are separate pipes: wait for each.
      await vi.waitFor(() => expect(stdout).toContain('"t":"READY"'), { timeout: 15_000, interval: 20 });
      await vi.waitFor(() => expect(stderr).toContain('connected.ready'), { timeout: 5_000, interval: 20 });
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const close = await gateway.waitUntil(() => gateway.closes.find((c) => c.initiatedBy === 'client'));
      expect(close.code).toBe(1000);
    } finally {
      await gateway.close();
    }
  }, 30_000);
});
