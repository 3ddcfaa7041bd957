/**
 * The timeline as text and as SVG, and the CLI commands built on them (`replay FILE`,
 * `timeline FILE --svg OUT.svg`), on the committed fixtures.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { recordCommand, replayCommand, timelineCommand } from '../../adapters/recording/cli.js';
import { formatTimeline } from '../../adapters/recording/timeline-text.js';
import { buildTimeline } from '../../adapters/recording/timeline.js';
import { renderTimelineSvg } from '../../adapters/recording/timeline-svg.js';
import { timeScale } from '../../adapters/recording/timeline-scale.js';
import { FIXTURES_DIR, findSecret, fixture, fixtureFiles } from './helpers.js';

describe('timeline', () => {
  it('lists every step with its time, the state it led to, the input and the outputs', () => {
    const text = formatTimeline(fixture('zombie-resume'), { name: 'zombie-resume' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Gateway session "zombie-resume": sansio-discord-gateway 0.1.0, cassette format v1');
    expect(lines[2]).toMatch(/^ {2}19 steps over 0\.\d{3} s · 2 connection\(s\) · 5 dispatches · complete · replay matches the recording$/);
    expect(lines[4]).toMatch(/^ step {7}time {2}state +input \/ outputs$/);
    expect(text).toMatch(/\n {4}0 {5}\+0\.000 {2}→ idle +\(engine created\)\n/);
    expect(text).toMatch(/→ connected\.ready +receive \d+ bytes: READY s=1\n.*⤷ timer\.clear ready\n.*⤷ dispatch s=1 READY #[0-9a-f]{8}/);
    expect(text).toMatch(/→ closing +timer heartbeat\n(.*\n){4}.*⤷ socket\.close 4900 "heartbeat not acknowledged \(zombie connection\)"/);
    expect(text).toMatch(/→ backoff +receive \d+ bytes\n(.*\n){2}.*⤷ websocket closed 4900/);
    expect(text).toMatch(/→ connected\.resuming +receive \d+ bytes: HELLO\n(.*\n)*.*⤷ send\.payload RESUME \+token\(resume\) \{"op":6,"d":\{"session_id":"[0-9a-f]+","seq":3\}\}/);
    expect(text).not.toContain('random');
  });

  it('collects states, spans and the events to mark', () => {
    const timeline = buildTimeline(fixture('close-4004-fatal'));
    expect(timeline.spans.map((s) => s.state)).toEqual(['idle', 'connecting', 'connected.identifying', 'connected.ready', 'failed']);
    expect(timeline.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['connect', 'hello', 'identify', 'ready', 'dispatch', 'server-close', 'failed']));
    expect(timeline.events.find((e) => e.kind === 'server-close')!.label).toBe('closed 4004 Authentication failed.');
    expect(timeline.divergesAt).toBeNull();
  });

  it('shows where a replay with other options diverges', () => {
    const cassette = fixture('zombie-resume');
    const timeline = buildTimeline(cassette, { engine: { policies: { backoff: { capMs: 5 } } } });
    expect(timeline.divergesAt).toBe(10);
    expect(formatTimeline(timeline)).toContain('replay DIFFERS from step 10');
    expect(renderTimelineSvg(timeline)).toContain('replay differs from the recording at step 10');
  });

  it('draws every fixture as a well-formed SVG with a title, lanes, markers and a legend', () => {
    for (const name of fixtureFiles()) {
      const svg = renderTimelineSvg(fixture(name));
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(wellFormed(svg), name).toBe(true);
      expect(svg).toContain(`Gateway session: ${name.replace('.cassette', '')}`);
      for (const label of ['machine state', 'dispatches', 'heartbeats', 'legend', 'connection 1', 'time since the engine was created']) expect(svg).toContain(label);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
    const zombie = renderTimelineSvg(fixture('zombie-resume'));
    expect(zombie).toContain('connection 2 (resume URL)');
    expect(zombie).toContain('close 4900: heartbeat not acknowledged (zombie connection)');
    expect(zombie).toContain('— never acknowledged');
    // The 1-5 s wait after op 9 is drawn as a break, so the handshakes stay readable.
    expect(renderTimelineSvg(fixture('op9-not-resumable'))).toMatch(/>\d(\.\d+)? s cut</);
  });

  it('breaks the time axis only at long quiet stretches', () => {
    const plain = timeScale([0, 10, 20, 30], 40, 100, 400);
    expect(plain.breaks).toEqual([]);
    expect(plain.x(20)).toBe(300);
    const broken = timeScale([0, 1, 2, 4000, 4001], 4001, 0, 1000);
    expect(broken.breaks).toHaveLength(1);
    expect(broken.x(4000) - broken.x(2)).toBeLessThan(200);
    expect(broken.x(1)).toBeGreaterThan(100);
  });
});

describe('CLI commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'));

  it('replay FILE prints the timeline and exits 0 when the replay matches', async () => {
    const result = await replayCommand([join(FIXTURES_DIR, 'op7-reconnect.cassette')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Gateway session "op7-reconnect.cassette"');
    expect(result.stdout).toMatch(/receive \d+ bytes: RECONNECT/);
    expect(result.stderr).toMatch(/^op7-reconnect\.cassette: replay matches \(14 steps, \d+ outputs, \d+ payloads\)\.\n$/);
  });

  it('replay FILE exits 1 with the diff when the machine no longer does what was recorded', async () => {
    const cassette = fixture('normal');
    // Re-encode with a heartbeat expectation changed, through the public writer.
    const { CassetteWriter, toMicros } = await import('../../adapters/recording/cassette-writer.js');
    const writer = new CassetteWriter();
    const steps = cassette.steps.map((s) => ({
      ...s,
      outputs: s.outputs.map((o) => (o.kind === 'command' && o.command.type === 'send.payload' && o.command.payload.op === 1 ? { ...o, command: { ...o.command, payload: { op: 1, d: 42 } } } : o)),
    }));
    const chunks = [writer.preamble(), writer.header(cassette.header), writer.start(toMicros(cassette.start.at), cassette.start.outputs), ...steps.map((s) => writer.step(toMicros(s.at), s.input, s.outputs))];
    const file = join(dir, 'edited.cassette');
    writeFileSync(file, Buffer.concat(chunks));
    const result = await replayCommand([file, '--quiet']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Replay of edited.cassette differs from the recording at step');
    expect(result.stderr).toContain('- send.payload HEARTBEAT {"op":1,"d":42}');
  });

  it('replay exits 2 with the typed error for a bad file, a missing file or bad arguments', async () => {
    const file = join(dir, 'bad.cassette');
    writeFileSync(file, 'not a cassette');
    expect(await replayCommand([file])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('CASSETTE_BAD_MAGIC: This is not a gateway cassette') });
    expect(await replayCommand([join(dir, 'missing.cassette')])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('cannot read the file (ENOENT)') });
    expect(await replayCommand([])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('usage: discord-gateway replay FILE') });
    expect(await replayCommand(['a', '--what'])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('unknown option --what') });
  });

  it('record --out FILE records a live session with the token from the environment, and it replays', async () => {
    const gateway = await startFakeGateway({ heartbeatInterval: 100 });
    const out = join(dir, 'live.cassette');
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 400);
      const result = await recordCommand(['--out', out, '--url', gateway.url, '--token-env', 'BOT_TOKEN', '--seconds', '30'], { BOT_TOKEN: gateway.token }, controller.signal);
      expect(result).toMatchObject({ exitCode: 0, stderr: expect.stringMatching(/^recorded \d+ steps \(\d+ bytes\) to .*live\.cassette; the session ended closed\n$/) });
      expect(result.stderr).not.toContain(gateway.token);
    } finally {
      await gateway.close();
    }
    expect(findSecret(new Uint8Array(readFileSync(out)), gateway.token)).toEqual([]);
    expect((await replayCommand([out, '--quiet'])).exitCode).toBe(0);
    expect(await recordCommand(['--out', out], {})).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('no token: set the DISCORD_TOKEN environment variable') });
  });

  it('timeline FILE --svg OUT.svg writes the picture', async () => {
    const out = join(dir, 'zombie.svg');
    const result = await timelineCommand([join(FIXTURES_DIR, 'zombie-resume.cassette'), '--svg', out, '--width', '1000']);
    expect(result).toMatchObject({ exitCode: 0, stderr: expect.stringMatching(/^wrote .*zombie\.svg \(\d+ bytes, 19 steps\)\n$/) });
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('width="1000"');
    expect(wellFormed(svg)).toBe(true);
    expect((await timelineCommand([join(FIXTURES_DIR, 'etf.cassette')])).stdout).toContain('Gateway session "etf.cassette"');
    expect(await timelineCommand([join(FIXTURES_DIR, 'etf.cassette'), '--width', 'wide'])).toMatchObject({ exitCode: 2 });
  });
});

describe('platform neutrality', () => {
  it('the recording entry bundles for browsers without node: imports', async () => {
    const result = await build({
      entryPoints: [new URL('../../adapters/recording/index.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(code).toContain('discord-gateway-cassette');
  });
});

/** Tags balance and attributes are quoted: enough to catch a broken SVG without a DOM. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  const stripped = svg.replace(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g, '');
  return stack.length === 0 && !/[<>]/.test(stripped);
}
