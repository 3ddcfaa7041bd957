/**
 * The shared client over `framing: 'platform'` (whole messages from a WHATWG-style WebSocket, here
 * the `ws` package's), against the fake gateway: the path a browser adapter takes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../adapters/client/index.js';
import { loadTestTls } from '../helpers/tls-fixture.js';
import {
  captureLogger,
  cleanup,
  expectEveryDispatchOnceInOrder,
  expectNoToken,
  expectOneIdentifyPerSession,
  type Harness,
  SECRET_TOKEN,
  startGateway,
  until,
  untilCaughtUp,
} from '../node/harness.js';
import type { FakeGateway } from '../../adapters/fake-gateway/index.js';
import { wsPlatformConnector } from './ws-platform-connector.js';

const clients: GatewayClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await cleanup();
});

function platformHarness(gateway: FakeGateway, options: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): Harness {
  const { logger, lines } = captureLogger();
  const client = new GatewayClient(
    { token: SECRET_TOKEN, intents: 513, url: gateway.url, identifyQueue: null, policies: { backoff: { baseMs: 20, capMs: 100 } }, logger, ...options },
    { connector: wsPlatformConnector({ ca: loadTestTls().ca }) },
  );
  clients.push(client);
  const h: Harness = { gateway, client, dispatches: [], events: [], errors: [], states: [], logs: lines };
  for (const name of ['dispatch', 'ready', 'resumed', 'state', 'heartbeat', 'close', 'error'] as const) {
    client.on(name, (...args: unknown[]) => h.events.push([name, ...args]));
  }
  client.on('dispatch', (payload) => h.dispatches.push({ s: payload.s, t: payload.t }));
  client.on('error', (error) => h.errors.push(error));
  client.on('state', ({ to }) => h.states.push(to));
  return h;
}

describe('the client over a platform WebSocket', () => {
  for (const [tls, encoding, compress] of [
    [false, 'json', null],
    [true, 'etf', 'zlib-stream'],
  ] as const) {
    it(`${tls ? 'wss' : 'ws'} ${encoding}${compress ? `+${compress}` : ''}: READY, dispatches, op 7 RESUME, close`, async () => {
      const gateway = await startGateway({ tls, heartbeatInterval: 5000, splitCompressedMessages: compress !== null });
      const h = platformHarness(gateway, { encoding, compress });
      await h.client.connect();
      expect(h.client.state).toBe('connected.ready');
      const streaming = gateway.stream({ count: 100, perSecond: 1000 });
      await until(() => h.dispatches.length > 20, 'some dispatches');
      await gateway.sendReconnect();
      await streaming;
      await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
      await untilCaughtUp(h);
      expect(gateway.allConnections.map((c) => c.usedResumeUrl)).toEqual([false, true]);
      expect(gateway.closes[0]).toMatchObject({ initiatedBy: 'client', code: 4900 });
      await h.client.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
      await until(() => gateway.received.some((r) => r.op === 3), 'the presence update');
      await h.client.close();
      expect(h.client.state).toBe('closed');
      await until(() => gateway.closes.length === 2, 'the close');
      expect(gateway.closes[1]).toMatchObject({ initiatedBy: 'client', code: 1000 });
      expectEveryDispatchOnceInOrder(h);
      expectOneIdentifyPerSession(h);
      expectNoToken(h);
    });
  }

  it('a server close code arrives through the platform: 4009 IDENTIFYs, 4004 fails', async () => {
    const gateway = await startGateway();
    const h = platformHarness(gateway);
    await h.client.connect();
    await gateway.closeWith(4009);
    await until(() => h.events.filter(([name]) => name === 'ready').length === 2, 'a second READY');
    expect(h.events.find(([name]) => name === 'close')).toEqual(['close', { code: 4009, reason: 'Session timed out.' }]);
    await gateway.closeWith(4004);
    await until(() => h.client.state === 'failed', 'failed');
    expect(h.errors.at(-1)).toMatchObject({ code: 'GATEWAY_FATAL_CLOSE', closeCode: 4004 });
    expectOneIdentifyPerSession(h);
  });

  it('connection refused: a typed error, backoff, retries', async () => {
    const gateway = await startGateway();
    const h = platformHarness(gateway, { url: 'ws://127.0.0.1:1' });
    void h.client.connect().catch(() => {});
    await until(() => h.errors.length >= 2, 'two failures');
    expect(h.errors[0]).toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED' });
    expect(h.states.filter((s) => s === 'backoff').length).toBeGreaterThanOrEqual(2);
  });
});
