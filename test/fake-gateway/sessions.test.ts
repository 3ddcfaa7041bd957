import { describe, expect, it } from 'vitest';
import type { FakeGateway, FakeGatewayOptions } from '../../adapters/fake-gateway/index.js';
import { useFakeGateways } from './gateway-fixture.js';
import type { TestClient } from './test-client.js';

const fixture = useFakeGateways();

function start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  return fixture.start({ heartbeatInterval: 1000, identifyWindowMs: 0, ...options });
}

function connect(url: string): Promise<TestClient> {
  return fixture.connect(url);
}

/** A client with a READY session; returns it and the session id. */
async function readyClient(gw: FakeGateway, extra: Record<string, unknown> = {}): Promise<{ client: TestClient; sessionId: string }> {
  const client = await connect(gw.urlWith());
  const ready = await client.ready(gw.token, extra);
  return { client, sessionId: ready.d.session_id };
}

async function resume(gw: FakeGateway, sessionId: string, seq: number | null, token = gw.token): Promise<TestClient> {
  const client = await connect(gw.urlWith({ resume: true }));
  await client.nextOp(10);
  client.send({ op: 6, d: { token, session_id: sessionId, seq } });
  return client;
}

describe('fake gateway sessions and RESUME', () => {
  it('replays every dispatch after seq in order, then RESUMED with the next seq', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    for (const n of [2, 3, 4]) expect(gw.dispatch('TYPING_START', { n }).seq).toBe(n);
    await client.nextOp(0);
    await client.nextOp(0);
    await client.close(4000);
    const session = gw.sessions.get(sessionId)!;
    await gw.waitUntil(() => session.status === 'disconnected');
    // Events keep coming while the bot is away; the session buffers them.
    expect(session.dispatch('TYPING_START', { n: 5 }).seq).toBe(5);
    expect(session.dispatch('TYPING_START', { n: 6 }).seq).toBe(6);

    const next = await resume(gw, sessionId, 3);
    const replay = [await next.next(), await next.next(), await next.next(), await next.next()];
    expect(replay.map((p) => [p.s, p.t, p.d])).toEqual([
      [4, 'TYPING_START', { n: 4 }],
      [5, 'TYPING_START', { n: 5 }],
      [6, 'TYPING_START', { n: 6 }],
      [7, 'RESUMED', { _trace: expect.any(Array) }],
    ]);
    expect(session.status).toBe('connected');
    expect(session.connection).toBe(gw.current);
    expect(gw.current.usedResumeUrl).toBe(true);
    expect(gw.current.path).toBe('/resume');
    const resumes = gw.received.filter((r) => r.op === 6);
    expect(resumes).toHaveLength(1);
    expect(resumes[0]!.payload.d).toEqual({ token: '[redacted]', session_id: sessionId, seq: 3 });
    expect(gw.received.filter((r) => r.op === 2)).toHaveLength(1);
    expect(gw.closes[0]).toMatchObject({ connectionId: 1, initiatedBy: 'client', code: 4000 });
  });

  it('replays nothing but RESUMED when the client is up to date, and all with seq null', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    client.ws.terminate(); // TCP loss: no close frame
    await gw.waitUntil(() => gw.closes.length === 1);
    expect(gw.closes[0]).toMatchObject({ initiatedBy: 'client', code: 1006 });
    const upToDate = await resume(gw, sessionId, 1);
    expect(await upToDate.next()).toMatchObject({ s: 2, t: 'RESUMED' });
    upToDate.ws.terminate();
    await gw.waitUntil(() => gw.sessions.get(sessionId)!.status === 'disconnected');
    const fromScratch = await resume(gw, sessionId, null);
    expect((await Promise.all([fromScratch.next(), fromScratch.next(), fromScratch.next()])).map((p) => p.t)).toEqual([
      'READY',
      'RESUMED',
      'RESUMED',
    ]);
  });

  it('closes a RESUME whose seq is ahead of the session with 4007', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    await client.close(4000);
    const next = await resume(gw, sessionId, 2);
    expect((await next.closed).code).toBe(4007);
  });

  it.each([
    ['the client closed with 1000', async (c: TestClient) => void (await c.close(1000))],
    ['the client closed with 1001', async (c: TestClient) => void (await c.close(1001))],
  ])('answers RESUME with op 9 false when %s', async (_, end) => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    await end(client);
    await gw.waitUntil(() => gw.sessions.get(sessionId)!.status === 'ended');
    const next = await resume(gw, sessionId, 1);
    expect(await next.next()).toEqual({ t: null, s: null, op: 9, d: false });
    expect(gw.current.isOpen).toBe(true); // op 9, not a close: IDENTIFY may follow
  });

  it('answers RESUME with op 9 false for an unknown session, a wrong token, or after the timeout', async () => {
    const gw = await start({ sessionTimeoutMs: 40 });
    const { client, sessionId } = await readyClient(gw);
    await client.close(4000);
    expect(await (await resume(gw, 'f'.repeat(32), 1)).next()).toMatchObject({ op: 9, d: false });
    expect(await (await resume(gw, sessionId, 1, 'wrong')).next()).toMatchObject({ op: 9, d: false });
    await gw.waitUntil(() => gw.sessions.get(sessionId)!.status === 'ended', { timeoutMs: 1000 });
    expect(await (await resume(gw, sessionId, 1)).next()).toMatchObject({ op: 9, d: false });
  });

  it('keeps the session resumable after terminate() and non-ending server closes', async () => {
    const gw = await start();
    const { sessionId } = await readyClient(gw);
    expect(await gw.terminate()).toMatchObject({ initiatedBy: 'server', code: 1006 });
    const second = await resume(gw, sessionId, 1);
    expect(await second.next()).toMatchObject({ t: 'RESUMED', s: 2 });
    const closed = await gw.closeWith(4000);
    expect(closed).toMatchObject({ initiatedBy: 'server', code: 4000 });
    expect((await second.closed).code).toBe(4000);
    const third = await resume(gw, sessionId, 2);
    expect(await third.next()).toMatchObject({ t: 'RESUMED', s: 3 });
  });

  it.each([4007, 4009])('ends the session when the server closes with %i', async (code) => {
    const gw = await start();
    const { sessionId } = await readyClient(gw);
    await gw.closeWith(code);
    expect(gw.sessions.get(sessionId)!.status).toBe('ended');
    expect(await (await resume(gw, sessionId, 1)).next()).toMatchObject({ op: 9, d: false });
  });

  it('lets a RESUME take over a session whose old connection is still open', async () => {
    const gw = await start();
    const { client: old, sessionId } = await readyClient(gw);
    const next = await resume(gw, sessionId, 1);
    expect(await next.next()).toMatchObject({ t: 'RESUMED' });
    const oldConnection = gw.allConnections[0]!;
    expect(oldConnection.isOpen).toBe(true);
    expect(oldConnection.sessionId).toBeUndefined();
    // The old socket closing with 1000 must not end the session it no longer holds.
    await old.close(1000);
    await gw.waitUntil(() => oldConnection.closeInfo);
    expect(gw.sessions.get(sessionId)!.status).toBe('connected');
  });

  it('op 9 false ends the session and allows a new IDENTIFY on the same connection', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    await gw.invalidateSession(false);
    expect(await client.next()).toEqual({ t: null, s: null, op: 9, d: false });
    expect(gw.sessions.get(sessionId)!.status).toBe('ended');
    client.identify(gw.token);
    const ready = await client.nextOp(0);
    expect(ready.d.session_id).not.toBe(sessionId);
    expect(ready.s).toBe(1);
  });

  it('op 9 true keeps the session, and a RESUME on the same connection continues it', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    await gw.invalidateSession(true);
    expect(await client.next()).toMatchObject({ op: 9, d: true });
    expect(gw.sessions.get(sessionId)!.status).toBe('disconnected');
    client.send({ op: 6, d: { token: gw.token, session_id: sessionId, seq: 1 } });
    expect(await client.next()).toMatchObject({ t: 'RESUMED', s: 2 });
  });

  it('streams into a disconnected session and replays the missed part on RESUME', async () => {
    const gw = await start();
    const { client, sessionId } = await readyClient(gw);
    const session = gw.sessions.get(sessionId)!;
    const streaming = session.stream({ count: 30, perSecond: 1000 });
    const firstFew = [await client.next(), await client.next()];
    client.ws.terminate();
    const result = await streaming;
    expect(result).toEqual({ sent: 30, firstSeq: 2, lastSeq: 31 });
    expect(firstFew.map((p) => p.s)).toEqual([2, 3]);
    const next = await resume(gw, sessionId, 3);
    const replayed: number[] = [];
    for (;;) {
      const p = await next.next();
      replayed.push(p.s!);
      if (p.t === 'RESUMED') break;
    }
    expect(replayed).toEqual(Array.from({ length: 29 }, (_, i) => i + 4));
  });
});

describe('fake gateway IDENTIFY concurrency', () => {
  it('answers a second IDENTIFY in the same bucket within the window with op 9 false', async () => {
    const gw = await start({ maxConcurrency: 1, identifyWindowMs: 100 });
    const a = await readyClient(gw, { shard: [0, 2] });
    expect(a.sessionId).toMatch(/^[0-9a-f]{32}$/);
    const b = await connect(gw.urlWith());
    await b.nextOp(10);
    b.identify(gw.token, { shard: [1, 2] });
    expect(await b.next()).toEqual({ t: null, s: null, op: 9, d: false });
    await new Promise((r) => setTimeout(r, 110));
    b.identify(gw.token, { shard: [1, 2] });
    expect(await b.next()).toMatchObject({ t: 'READY', d: { shard: [1, 2] } });
  });

  it('lets shards in different buckets IDENTIFY at once', async () => {
    const gw = await start({ maxConcurrency: 2, identifyWindowMs: 5000 });
    const [a, b] = await Promise.all([readyClient(gw, { shard: [0, 4] }), readyClient(gw, { shard: [1, 4] })]);
    expect(a.sessionId).not.toBe(b.sessionId);
    const c = await connect(gw.urlWith());
    await c.nextOp(10);
    c.identify(gw.token, { shard: [2, 4] }); // bucket 0 again
    expect(await c.next()).toMatchObject({ op: 9, d: false });
  });

  it('does not count an IDENTIFY that failed its checks', async () => {
    const gw = await start({ identifyWindowMs: 5000 });
    const bad = await connect(gw.urlWith());
    await bad.nextOp(10);
    bad.identify('wrong');
    expect((await bad.closed).code).toBe(4004);
    await readyClient(gw);
  });
});
