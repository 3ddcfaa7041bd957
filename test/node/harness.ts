/**
 * Test harness for the Node client against the fake gateway: a gateway with small timings, a
 * client wired to record everything it emits and logs, and the checks every scenario shares
 * (dispatches exactly once and in order, IDENTIFY once per session, the token nowhere).
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { type FakeGateway, type FakeGatewayOptions, type FakeSession, startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { createGatewayClient, type GatewayClient, type Logger, type NodeGatewayClientOptions } from '../../adapters/node/index.js';
import { loadTestTls } from '../helpers/tls-fixture.js';

/** A token no other string in the suite contains: anything that shows it has leaked it. */
export const SECRET_TOKEN = 'MTI5OTk5OTk5OTk5OTk5OTk5OQ.Secret.leak-canary-7f3a9c1e5b2d8f4a6c0e';

/** One log call. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/** A logger that keeps every call, at every level. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A client with everything it did recorded. */
export interface Harness {
  readonly gateway: FakeGateway;
  readonly client: GatewayClient;
  /** `{s, t}` of every dispatch event, in order. */
  readonly dispatches: Array<{ s: number; t: string }>;
  /** Every event the client emitted, as `[name, ...args]`. */
  readonly events: unknown[][];
  readonly errors: Error[];
  readonly states: string[];
  readonly logs: LogLine[];
}

/** Gateway options every scenario starts from: fast heartbeats, no IDENTIFY window, our token. */
export function gatewayOptions(overrides: FakeGatewayOptions = {}): FakeGatewayOptions {
  return { heartbeatInterval: 250, identifyWindowMs: 0, token: SECRET_TOKEN, ...overrides };
}

const started: Array<{ gateway: FakeGateway; client?: GatewayClient }> = [];

/** Starts a fake gateway (closed by {@link cleanup}); `tls: true` serves wss:// with the test certificate. */
export async function startGateway(overrides: Omit<FakeGatewayOptions, 'tls'> & { tls?: boolean } = {}): Promise<FakeGateway> {
  const { tls, ...rest } = overrides;
  const fixture = loadTestTls();
  const gateway = await startFakeGateway(gatewayOptions({ ...rest, ...(tls ? { tls: { key: fixture.key, cert: fixture.cert } } : {}) }));
  started.push({ gateway });
  return gateway;
}

/** Creates a client for `gateway` with fast backoff and a recording of everything it emits. */
export function harness(gateway: FakeGateway, overrides: Partial<NodeGatewayClientOptions> = {}): Harness {
  const { logger, lines } = captureLogger();
  const secure = gateway.url.startsWith('wss:');
  const client = createGatewayClient({
    token: SECRET_TOKEN,
    intents: 513,
    url: gateway.url,
    identifyQueue: null,
    policies: { backoff: { baseMs: 20, capMs: 100 } },
    logger,
    ...(secure ? { tls: { ca: loadTestTls().ca } } : {}),
    ...overrides,
  });
  const h: Harness = { gateway, client, dispatches: [], events: [], errors: [], states: [], logs: lines };
  for (const name of ['dispatch', 'ready', 'resumed', 'state', 'heartbeat', 'close', 'error'] as const) {
    client.on(name, (...args: unknown[]) => {
      h.events.push([name, ...args]);
    });
  }
  client.on('dispatch', (payload) => h.dispatches.push({ s: payload.s, t: payload.t }));
  client.on('error', (error) => h.errors.push(error));
  client.on('state', ({ to }) => h.states.push(to));
  const entry = started.find((e) => e.gateway === gateway);
  if (entry && !entry.client) entry.client = client;
  else started.push({ gateway, client });
  return h;
}

/** Closes every client and gateway the test started. */
export async function cleanup(): Promise<void> {
  const all = started.splice(0);
  await Promise.all(all.map((e) => e.client?.close().catch(() => {})));
  await Promise.all([...new Set(all.map((e) => e.gateway))].map((g) => g.close()));
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function until(check: () => unknown, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sessions in the order they were created (Map insertion order). */
export function sessionsOf(gateway: FakeGateway): FakeSession[] {
  return [...gateway.sessions.values()];
}

/**
 * Every dispatch every session sent arrived exactly once and in order: the client's list is the
 * sessions' histories one after another (a RESUME continues the same history).
 */
export function expectEveryDispatchOnceInOrder(h: Harness): void {
  const expected = sessionsOf(h.gateway).flatMap((session) => session.history.map(({ s, t }) => ({ s, t })));
  expect(h.dispatches).toEqual(expected);
}

/** IDENTIFY went out once per session (plus `extra` refused ones) and never on a resume. */
export function expectOneIdentifyPerSession(h: Harness, extra = 0): void {
  expect(h.gateway.received.filter((r) => r.op === 2)).toHaveLength(h.gateway.sessions.size + extra);
}

/** Nothing the client emitted, logged or threw, nor its `util.inspect` output, contains the token. */
export function expectNoToken(h: Harness, thrown: unknown[] = []): void {
  const seen = [
    ...h.events.map((e) => inspect(e, { depth: 8, showHidden: true })),
    ...h.logs.map((l) => inspect(l, { depth: 8 })),
    ...[...h.errors, ...thrown].map((e) => `${inspect(e, { depth: 8, showHidden: true })} ${(e as Error)?.stack ?? ''}`),
    inspect(h.client, { depth: 8, showHidden: true }),
    JSON.stringify(h.client.persist()),
  ].join('\n');
  expect(seen).not.toContain(SECRET_TOKEN);
  expect(seen).not.toContain(SECRET_TOKEN.split('.')[2]);
}

/** Waits until the client has every dispatch its gateway session has sent (robust to resumes on the way). */
export async function untilCaughtUp(h: Harness, timeoutMs = 5000): Promise<void> {
  await until(
    () => {
      const session = sessionsOf(h.gateway).at(-1);
      return session !== undefined && h.dispatches.at(-1)?.s === session.seq;
    },
    'the client to catch up with the session',
    timeoutMs,
  );
}

/** Waits until the gateway has recorded `count` closes. */
export async function untilClosed(gateway: FakeGateway, count = 1): Promise<void> {
  await until(() => gateway.closes.length >= count, `${count} close(s) recorded by the gateway`);
}
