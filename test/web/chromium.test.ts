/**
 * The web adapter in a real browser: `web.ts` bundled by esbuild for the browser, loaded by
 * Debian's headless Chromium (driven by playwright-core), connected with Chromium's own
 * `WebSocket` to the fake gateway. The page reports what its client saw; the gateway's records
 * say what went over the wire. Chromium must be installed (`apt-get install -y chromium`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGateway, startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { freePort } from '../helpers/free-port.js';
import type { PageConfig, PageHarness, PageReport } from './page-entry.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** A token nothing else in the suite contains: if it shows up in the page's logs, it leaked. */
const TOKEN = 'MTI5OTk5OTk5OTk5OTk5OTk5OQ.WebTok.browser-leak-canary-3e8d1f0a9b7c';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>gateway client</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

let dir: string;
let server: Server;
let origin: string;
let browser: Browser;
let bundles: { web: string; page: string };
const gateways: FakeGateway[] = [];
const pages: Page[] = [];

const MISSING = `${CHROMIUM} is missing: this test needs Debian's Chromium. Install it with \`apt-get update && apt-get install -y chromium\`.`;

/** Every test fails (none is skipped) when Chromium is not installed. */
function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  dir = await mkdtemp(join(tmpdir(), 'web-adapter-'));
  // `web` is the package entry as shipped (checked for node: imports); `page` is what the page runs.
  await build({
    entryPoints: { web: 'web.ts', page: 'test/web/page-entry.ts' },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  bundles = { web: await readFile(join(dir, 'web.js'), 'utf8'), page: await readFile(join(dir, 'page.js'), 'utf8') };
  server = createServer((request, response) => {
    const body = request.url === '/' ? PAGE : request.url === '/page.js' ? bundles.page : null;
    if (body === null) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': request.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the test page; its uncaught errors and console errors are collected in `problems`. */
async function openPage(problems: string[]): Promise<Page> {
  requireChromium();
  const page = await browser.newPage();
  pages.push(page);
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'harness' in globalThis);
  return page;
}

/** `window.harness` of the page, called from Node (each function runs in the page: no closures). */
function pageHarness(page: Page) {
  type Scope = { harness: PageHarness };
  return {
    begin: (config: PageConfig) => page.evaluate((c) => (globalThis as unknown as Scope).harness.begin(c), config),
    start: (config: PageConfig) => page.evaluate((c) => (globalThis as unknown as Scope).harness.start(c), config),
    report: () => page.evaluate(() => (globalThis as unknown as Scope).harness.report()),
    sendPresence: () => page.evaluate(() => (globalThis as unknown as Scope).harness.sendPresence('idle')),
    close: (code: number) => page.evaluate((c) => (globalThis as unknown as Scope).harness.close(c), code),
  };
}

/** Polls the page until `check` holds on its report. */
async function untilPage(harness: ReturnType<typeof pageHarness>, check: (report: PageReport) => boolean, what: string, timeoutMs = 5000): Promise<PageReport> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const report = await harness.report();
    if (check(report)) return report;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; page state ${report.state}, ${report.dispatches.length} dispatches`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the web adapter in headless Chromium', () => {
  it('the browser bundle of web.ts has no node: import and no Buffer', () => {
    requireChromium();
    expect(bundles.web).not.toMatch(/["'`]node:/);
    expect(bundles.page).not.toMatch(/["'`]node:/);
    expect(bundles.web).not.toMatch(/\bBuffer\b/);
  });

  for (const [encoding, compress] of [
    ['json', null],
    ['json', 'zlib-stream'],
    ['etf', 'zstd-stream'],
  ] as const) {
    it(`${encoding}${compress ? `+${compress}` : ''}: READY, 200 dispatches, op 7 -> RESUME, presence, close 1000`, async () => {
      const gateway = await startFakeGateway({
        heartbeatInterval: 200,
        identifyWindowMs: 0,
        token: TOKEN,
        splitCompressedMessages: compress === 'zlib-stream',
      });
      gateways.push(gateway);
      const problems: string[] = [];
      const page = await openPage(problems);
      const harness = pageHarness(page);

      const ready = await harness.start({ url: gateway.url, token: TOKEN, encoding, compress });
      expect(ready.state).toBe('connected.ready');
      expect(ready.platform).toMatchObject({ hasBuffer: false, hasProcess: false, nativeWebSocket: true });
      expect(ready.platform.userAgent).toContain('Chrome');
      const session = [...gateway.sessions.values()][0]!;
      expect(ready.ready).toEqual([{ sessionId: session.id, resumeGatewayUrl: gateway.resumeUrl }]);

      // A burst of dispatches with an op 7 in the middle of it: the page must RESUME and miss nothing.
      const streaming = gateway.stream({ count: 200, perSecond: 2000 });
      await untilPage(harness, (r) => r.dispatches.length > 40, 'some dispatches');
      await gateway.sendReconnect();
      const streamed = await streaming;
      expect(streamed.sent).toBe(200);
      const caughtUp = await untilPage(harness, (r) => r.resumed === 1 && r.dispatches.at(-1)?.s === session.seq, 'the RESUME and every dispatch');
      await untilPage(harness, (r) => r.heartbeats.length > 0, 'an acknowledged heartbeat');

      await harness.sendPresence();
      await gateway.waitUntil(() => gateway.received.find((r) => r.op === 3));
      const final = await harness.close(1000);
      await gateway.waitUntil(() => gateway.closes.length === 2);

      // The page: every dispatch of the session once, in order (READY 1, ..., RESUMED, ...).
      expect(final.dispatches).toEqual(session.history.map(({ s, t }) => ({ s, t })));
      expect(final.dispatches.filter((d) => d.t === 'MESSAGE_CREATE')).toHaveLength(200);
      expect(final.state).toBe('closed');
      expect(final.errors).toEqual([]);
      expect(final.heartbeats.every((ms) => ms >= 0 && ms < 1000)).toBe(true);
      expect(final.closes.map((c) => c.code)).toEqual([4900, 1000]);
      expect(caughtUp.ready).toHaveLength(1);

      // The wire: IDENTIFY once, RESUME on the resume URL with the sequence the page had, closes 4900 then 1000.
      const identifies = gateway.received.filter((r) => r.op === 2);
      expect(identifies).toHaveLength(1);
      expect(identifies[0]!.payload.d).toMatchObject({ token: '[redacted]', intents: 513, properties: { os: 'linux', browser: 'sansio-discord-gateway' } });
      const resumes = gateway.received.filter((r) => r.op === 6);
      expect(resumes).toHaveLength(1);
      expect(resumes[0]!.payload.d).toEqual({ token: '[redacted]', session_id: session.id, seq: final.closes[0]!.sequence });
      expect(final.closes[0]!.sequence).toBeGreaterThan(40);
      expect(gateway.allConnections.map((c) => c.usedResumeUrl)).toEqual([false, true]);
      expect(gateway.closes.map(({ initiatedBy, code }) => ({ initiatedBy, code }))).toEqual([
        { initiatedBy: 'client', code: 4900 },
        { initiatedBy: 'client', code: 1000 },
      ]);
      const presence = gateway.received.find((r) => r.op === 3)!;
      expect(presence.payload.d).toEqual({ since: null, activities: [], status: 'idle', afk: false });
      // JSON goes out as text messages (the adapter decodes the engine's bytes), ETF as binary.
      expect(new Set(gateway.received.map((r) => r.binary))).toEqual(new Set([encoding === 'etf']));

      expect(final.logs.join('\n')).not.toContain(TOKEN);
      expect(final.logs.join('\n')).not.toContain(TOKEN.split('.')[2]);
      expect(problems).toEqual([]);
    });
  }

  it('a payload the engine cannot decode: the page closes with 4907 (1007 is refused by the platform) and resumes', async () => {
    const gateway = await startFakeGateway({ heartbeatInterval: 5000, identifyWindowMs: 0, token: TOKEN });
    gateways.push(gateway);
    const problems: string[] = [];
    const harness = pageHarness(await openPage(problems));
    await harness.start({ url: gateway.url, token: TOKEN, encoding: 'json', compress: null });
    await gateway.current.sendRaw('{"op": 0, "s": 2, "t": "MESSAGE_CREATE", "d": ');
    const report = await untilPage(harness, (r) => r.resumed === 1, 'the RESUME after the bad payload');
    expect(gateway.closes[0]).toMatchObject({ initiatedBy: 'client', code: 4907, reason: 'PAYLOAD_INVALID_JSON' });
    expect(report.errors.map((e) => e.code)).toEqual(['PAYLOAD_INVALID_JSON']);
    expect(gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
    expect(gateway.received.filter((r) => r.op === 6)).toHaveLength(1);
    await harness.close(1000);
    expect(problems).toEqual([]);
  });

  it('server close codes arrive through the platform: 4009 IDENTIFYs again, 4004 fails for good', async () => {
    const gateway = await startFakeGateway({ heartbeatInterval: 5000, identifyWindowMs: 0, token: TOKEN });
    gateways.push(gateway);
    const problems: string[] = [];
    const harness = pageHarness(await openPage(problems));
    await harness.start({ url: gateway.url, token: TOKEN, encoding: 'etf', compress: 'zlib-stream' });
    await gateway.closeWith(4009);
    await untilPage(harness, (r) => r.ready.length === 2, 'a second READY');
    await gateway.closeWith(4004);
    const report = await untilPage(harness, (r) => r.state === 'failed', 'the failed state');
    expect(report.closes.map(({ code, reason }) => ({ code, reason }))).toEqual([
      { code: 4009, reason: 'Session timed out.' },
      { code: 4004, reason: 'Authentication failed.' },
    ]);
    expect(report.errors.map((e) => e.code)).toEqual(['GATEWAY_FATAL_CLOSE']);
    expect(gateway.received.filter((r) => r.op === 2)).toHaveLength(2);
    expect(gateway.received.filter((r) => r.op === 6)).toHaveLength(0);
    expect(problems).toEqual([]);
  });

  it('connection refused: TRANSPORT_CONNECT_FAILED, backoff, retries', async () => {
    const port = await freePort();
    const harness = pageHarness(await openPage([]));
    await harness.begin({ url: `ws://127.0.0.1:${port}`, token: TOKEN, encoding: 'json', compress: null });
    const report = await untilPage(harness, (r) => r.errors.length >= 2, 'two failed attempts');
    expect(report.errors[0]).toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED' });
    expect(report.errors[0]!.message).toContain(`127.0.0.1:${port}`);
    expect(report.states.filter((s) => s === 'backoff').length).toBeGreaterThanOrEqual(2);
    expect(report.closes.every((c) => c.code === null)).toBe(true);
    await harness.close(1000);
  });
});
