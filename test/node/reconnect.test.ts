/**
 * Every way the gateway ends or questions a connection, over real loopback TCP: zombie, op 1,
 * op 7, op 9 (both ways), resumable, new-session and fatal close codes, a TCP drop. Each asserts
 * that every dispatch the server sent arrived exactly once and in order, IDENTIFY went out once per
 * session, and the token appears nowhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FatalCloseError } from '../../adapters/node/index.js';
import { nextRandom, seedRandom } from '../../index.js';
import {
  cleanup,
  expectEveryDispatchOnceInOrder,
  expectNoToken,
  expectOneIdentifyPerSession,
  type Harness,
  harness,
  SECRET_TOKEN,
  sessionsOf,
  startGateway,
  until,
  untilCaughtUp,
} from './harness.js';

afterEach(cleanup);

/** Dispatches paced across the disruption, so some are made while the client is away. */
function paced(h: Harness, count = 60) {
  return h.gateway.stream({ count, perSecond: 600 });
}

function resumes(h: Harness) {
  return h.gateway.received.filter((r) => r.op === 6);
}

/** Some dispatches were made while no connection was attached: the RESUME replay had work to do. */
function expectReplayedWhileAway(h: Harness): void {
  const closedAt = h.gateway.closes[0]!.at;
  const resumedAt = resumes(h)[0]!.at;
  const away = sessionsOf(h.gateway)[0]!.history.filter((d) => d.at > closedAt && d.at < resumedAt);
  expect(away.length).toBeGreaterThan(0);
}

function expectHealthy(h: Harness, sessions: number): void {
  expect(h.gateway.sessions.size).toBe(sessions);
  expectEveryDispatchOnceInOrder(h);
  expectOneIdentifyPerSession(h);
  expectNoToken(h);
}

describe('reconnects', () => {
  it('zombie connection (no ACK): closes with a resumable code, RESUMEs on the resume URL, loses nothing', async () => {
    const gateway = await startGateway({ heartbeatInterval: 100 });
    const h = harness(gateway);
    await h.client.connect();
    const streaming = paced(h, 300);
    await until(() => h.dispatches.length > 10, 'some dispatches');
    gateway.dropAcks();
    await until(() => resumes(h).length === 1, 'a RESUME');
    await streaming;
    await untilCaughtUp(h);
    const zombieClose = gateway.closes.find((c) => c.connectionId === 1)!;
    expect(zombieClose).toMatchObject({ initiatedBy: 'client', code: 4900 });
    expect(gateway.latest!.usedResumeUrl).toBe(true);
    expect(resumes(h)[0]!.payload.d).toMatchObject({ token: '[redacted]', session_id: h.client.sessionId });
    expect(h.dispatches.at(-1)).toBeDefined();
    expect(h.states).toContain('backoff');
    expectReplayedWhileAway(h);
    expectHealthy(h, 1);
  });

  it('answers an op 1 heartbeat request at once with the last sequence', async () => {
    const gateway = await startGateway({ heartbeatInterval: 60_000 });
    const h = harness(gateway);
    await h.client.connect();
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'x' });
    await untilCaughtUp(h);
    const before = gateway.received.filter((r) => r.op === 1).length;
    const asked = performance.now();
    await gateway.requestHeartbeat();
    await until(() => gateway.received.filter((r) => r.op === 1).length > before, 'the heartbeat');
    expect(performance.now() - asked).toBeLessThan(1000);
    expect(gateway.received.filter((r) => r.op === 1).at(-1)!.payload).toEqual({ op: 1, d: 2 });
    expectHealthy(h, 1);
  });

  it('op 7 RECONNECT: RESUMEs on resume_gateway_url', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const streaming = paced(h);
    await until(() => h.dispatches.length > 10, 'some dispatches');
    await gateway.sendReconnect();
    await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
    await streaming;
    await untilCaughtUp(h);
    expect(gateway.allConnections.map((c) => c.usedResumeUrl)).toEqual([false, true]);
    expect(gateway.closes[0]).toMatchObject({ initiatedBy: 'client', code: 4900 });
    expect(resumes(h)).toHaveLength(1);
    expectReplayedWhileAway(h);
    expectHealthy(h, 1);
  });

  it('op 9 d=true: RESUMEs', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    await gateway.stream({ count: 10 });
    await gateway.invalidateSession(true);
    await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
    gateway.dispatch('MESSAGE_CREATE', { id: 'after', channel_id: '2', content: 'after' });
    await untilCaughtUp(h);
    expect(resumes(h)).toHaveLength(1);
    expect(gateway.latest!.usedResumeUrl).toBe(true);
    expectHealthy(h, 1);
  });

  it('op 9 d=false: waits 1-5 s, then IDENTIFYs a new session on the gateway URL', async () => {
    // A seed whose reconnect draw (the second) is small keeps this near the 1 s floor.
    const seed = Array.from({ length: 5000 }, (_, i) => i).find((s) => nextRandom(nextRandom(seedRandom(s)).state).value < 0.02)!;
    const gateway = await startGateway();
    const h = harness(gateway, { seed });
    await h.client.connect();
    await gateway.stream({ count: 5 });
    await untilCaughtUp(h);
    const invalidatedAt = gateway.now();
    await gateway.invalidateSession(false);
    await until(() => gateway.received.filter((r) => r.op === 2).length === 2, 'the second IDENTIFY', 7000);
    const waited = gateway.received.filter((r) => r.op === 2)[1]!.at - invalidatedAt;
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(5500);
    await until(() => h.events.filter(([name]) => name === 'ready').length === 2, 'the second READY');
    expect(gateway.latest!.usedResumeUrl).toBe(false);
    expect(resumes(h)).toHaveLength(0);
    expectHealthy(h, 2);
  });

  it('close 4000 from the server: RESUMEs', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const streaming = paced(h);
    await until(() => h.dispatches.length > 10, 'some dispatches');
    await gateway.closeWith(4000);
    await streaming;
    await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
    await untilCaughtUp(h);
    expect(h.events.find(([name]) => name === 'close')).toEqual(['close', { code: 4000, reason: 'Unknown error.' }]);
    expect(resumes(h)).toHaveLength(1);
    expectReplayedWhileAway(h);
    expectHealthy(h, 1);
  });

  it('close 4009 from the server: IDENTIFYs a new session', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    await gateway.stream({ count: 10 });
    await untilCaughtUp(h);
    await gateway.closeWith(4009);
    await until(() => h.events.filter(([name]) => name === 'ready').length === 2, 'a second READY');
    gateway.dispatch('MESSAGE_CREATE', { id: 'new', channel_id: '2', content: 'new session' });
    await untilCaughtUp(h);
    expect(resumes(h)).toHaveLength(0);
    expect(gateway.latest!.usedResumeUrl).toBe(false);
    expect(sessionsOf(gateway).map((s) => s.status)).toEqual(['ended', 'connected']);
    expectHealthy(h, 2);
  });

  it('close 4004 from the server: stops with FatalCloseError and never reconnects', async () => {
    const gateway = await startGateway({ token: 'a-different-valid-token' });
    const h = harness(gateway);
    const streamEnd = (async () => {
      for await (const _ of h.client) {
        // nothing arrives
      }
    })();
    const connecting = h.client.connect();
    await expect(connecting).rejects.toBeInstanceOf(FatalCloseError);
    await expect(connecting).rejects.toMatchObject({ code: 'GATEWAY_FATAL_CLOSE', closeCode: 4004 });
    await expect(streamEnd).rejects.toBeInstanceOf(FatalCloseError);
    expect(h.client.state).toBe('failed');
    expect(h.errors.at(-1)).toBeInstanceOf(FatalCloseError);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gateway.allConnections).toHaveLength(1);
    expect(h.states).not.toContain('backoff');
    await h.client.close();
    await expect(h.client.connect()).rejects.toBeInstanceOf(FatalCloseError);
    let thrown: unknown;
    await connecting.catch((error: unknown) => {
      thrown = error;
    });
    expect(String((thrown as Error).message)).not.toContain(SECRET_TOKEN);
    expectNoToken(h, [thrown]);
  });

  it('terminate() (TCP drop, no close frame): RESUMEs', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const streaming = paced(h);
    await until(() => h.dispatches.length > 10, 'some dispatches');
    await gateway.terminate();
    await streaming;
    await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
    await untilCaughtUp(h);
    expect(h.events.find(([name]) => name === 'close')).toEqual(['close', { code: null, reason: expect.any(String) }]);
    expect(resumes(h)).toHaveLength(1);
    expectReplayedWhileAway(h);
    expectHealthy(h, 1);
  });
});
