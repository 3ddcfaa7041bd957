import { describe, expect, it } from 'vitest';
import { FAKE_BOT_USER_ID, FakeGatewayError } from '../../adapters/fake-gateway/index.js';
import type { FakeGateway, FakeGatewayOptions } from '../../adapters/fake-gateway/index.js';
import { useFakeGateways } from './gateway-fixture.js';
import type { TestClient } from './test-client.js';

const fixture = useFakeGateways();

async function setup(options: FakeGatewayOptions = {}): Promise<{ gw: FakeGateway; client: TestClient }> {
  const gw = await fixture.start({ heartbeatInterval: 1000, identifyWindowMs: 0, ...options });
  return { gw, client: await fixture.connect(gw.urlWith()) };
}

describe('fake gateway handshake', () => {
  it('sends HELLO first, in Discord JSON shape', async () => {
    const { gw, client } = await setup({ heartbeatInterval: 1234 });
    const hello = await client.next();
    expect(hello).toEqual({ t: null, s: null, op: 10, d: { heartbeat_interval: 1234, _trace: expect.any(Array) } });
    expect(client.decodedBytes[0]!.toString()).toMatch(/^\{"t":null,"s":null,"op":10,"d":\{"heartbeat_interval":1234,/);
    expect(gw.current.query).toEqual({ v: '10', encoding: 'json', compress: null });
    expect(gw.current.path).toBe('/');
    expect(gw.current.usedResumeUrl).toBe(false);
  });

  it('answers IDENTIFY with READY as dispatch s=1', async () => {
    const { gw, client } = await setup({ readyGuilds: ['1200000000000000001'] });
    const ready = await client.ready(gw.token, { shard: [0, 1] });
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY' });
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: FAKE_BOT_USER_ID, bot: true },
      guilds: [{ id: '1200000000000000001', unavailable: true }],
      resume_gateway_url: gw.resumeUrl,
      shard: [0, 1],
      application: { id: FAKE_BOT_USER_ID, flags: 0 },
    });
    expect(ready.d.session_id).toMatch(/^[0-9a-f]{32}$/);
    const session = gw.sessions.get(ready.d.session_id)!;
    expect(session.seq).toBe(1);
    expect(session.status).toBe('connected');
    expect(session.history.map((h) => [h.s, h.t])).toEqual([[1, 'READY']]);
    expect(gw.current.sessionId).toBe(ready.d.session_id);
  });

  it('records what the client sent, with the token redacted', async () => {
    const { gw, client } = await setup();
    await client.ready(gw.token);
    const identify = gw.received.find((r) => r.op === 2)!;
    expect(identify.connectionId).toBe(1);
    expect(identify.payload.d).toMatchObject({ token: '[redacted]', intents: 513 });
    expect(identify.binary).toBe(false);
    expect(identify.size).toBeGreaterThan(50);
    expect(JSON.stringify(gw.received)).not.toContain(gw.token);
    expect(gw.current.received).toEqual(gw.received);
  });

  it('ACKs heartbeats, before IDENTIFY too, unless dropping ACKs', async () => {
    const { gw, client } = await setup();
    await client.nextOp(10);
    client.send({ op: 1, d: null });
    expect(await client.next()).toEqual({ t: null, s: null, op: 11, d: null });
    gw.dropAcks();
    client.send({ op: 1, d: null });
    await gw.waitUntil(() => gw.received.filter((r) => r.op === 1).length === 2);
    gw.dropAcks(false);
    client.send({ op: 1, d: 7 });
    expect((await client.next()).op).toBe(11);
    await new Promise((r) => setTimeout(r, 20));
    expect(client.pending).toEqual([]);
    expect(gw.received.filter((r) => r.op === 1).map((r) => r.payload.d)).toEqual([null, null, 7]);
  });

  it('sends op 1, op 7 and dispatches on request', async () => {
    const { gw, client } = await setup();
    await client.ready(gw.token);
    await gw.requestHeartbeat();
    expect(await client.next()).toMatchObject({ op: 1, d: 1 });
    expect(gw.dispatch('TYPING_START', { channel_id: '1' }).seq).toBe(2);
    expect(await client.next()).toEqual({ op: 0, s: 2, t: 'TYPING_START', d: { channel_id: '1' } });
    await gw.sendReconnect();
    expect(await client.next()).toEqual({ op: 7, d: null, s: null, t: null });
  });

  it('follows READY with GUILD_CREATE per guild when asked', async () => {
    const { gw, client } = await setup({ readyGuilds: ['1200000000000000001', '1200000000000000002'], guildCreates: true });
    await client.ready(gw.token);
    const creates = [await client.next(), await client.next()];
    expect(creates.map((p) => [p.s, p.t, p.d.id, p.d.unavailable])).toEqual([
      [2, 'GUILD_CREATE', '1200000000000000001', false],
      [3, 'GUILD_CREATE', '1200000000000000002', false],
    ]);
  });

  it('streams realistic MESSAGE_CREATE dispatches with consecutive sequence numbers', async () => {
    const { gw, client } = await setup();
    await client.ready(gw.token);
    const result = await gw.stream({ count: 200 });
    expect(result).toEqual({ sent: 200, firstSeq: 2, lastSeq: 201 });
    const got = await Promise.all(Array.from({ length: 200 }, () => client.next()));
    expect(got.map((p) => p.s)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(got[0]).toMatchObject({ t: 'MESSAGE_CREATE', d: { content: 'fake message 0', author: { username: 'fake-user' } } });
    expect(BigInt(got[1]!.d.id)).toBeGreaterThan(BigInt(got[0]!.d.id));
  });

  it('paces a stream at the requested rate', async () => {
    const { gw, client } = await setup();
    await client.ready(gw.token);
    const start = performance.now();
    await gw.stream({ count: 21, perSecond: 200, type: 'TYPING_START', data: (i) => ({ i }) });
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(90); // 20 gaps of 5 ms
    expect(elapsed).toBeLessThan(1000);
    const first = await client.nextOp(0);
    expect(first.d).toEqual({ i: 0 });
  });

  it('stops reading while paused, and reads what waited once resumed', async () => {
    const { gw, client } = await setup();
    await client.nextOp(10);
    gw.current.pauseReading();
    client.send({ op: 1, d: null });
    await new Promise((r) => setTimeout(r, 30));
    expect(gw.received).toEqual([]);
    expect(client.pending).toEqual([]);
    gw.current.resumeReading();
    expect((await client.next()).op).toBe(11);
    expect(gw.received.map((r) => r.op)).toEqual([1]);
  });

  it('refuses unencodable dispatch data without using up a sequence number', async () => {
    const { gw, client } = await setup();
    await client.ready(gw.token);
    expect(() => gw.dispatch('X', { n: 1n })).toThrow(TypeError);
    expect(gw.dispatch('X', { n: 1 }).seq).toBe(2);
    expect(await client.next()).toMatchObject({ s: 2, t: 'X' });
  });

  it('needs a session before a dispatch, and a connection before a control', async () => {
    const { gw, client } = await setup();
    await client.nextOp(10);
    expect(() => gw.dispatch('X', {})).toThrow(expect.objectContaining({ code: 'FAKE_GATEWAY_NO_SESSION' }));
    client.ws.terminate();
    await gw.waitUntil(() => gw.closes.length === 1);
    expect(() => gw.current).toThrow(FakeGatewayError);
    await expect(gw.waitFor('connection', { timeoutMs: 10 })).rejects.toMatchObject({ code: 'FAKE_GATEWAY_TIMEOUT' });
  });

  it('serves GET /gateway and /gateway/bot', async () => {
    const { gw } = await setup({ shardCount: 4, maxConcurrency: 2 });
    const bot = await (await fetch(`${gw.httpUrl}/gateway/bot`)).json();
    expect(bot).toEqual({
      url: gw.url,
      shards: 4,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 2 },
    });
    expect(await (await fetch(`${gw.httpUrl}/gateway`)).json()).toEqual({ url: gw.url });
    expect((await fetch(`${gw.httpUrl}/nope`)).status).toBe(404);
  });
});
