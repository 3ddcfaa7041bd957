import { describe, expect, it } from 'vitest';
import { CloseCode, Intent } from '../../adapters/fake-gateway/index.js';
import type { FakeGateway, FakeGatewayOptions } from '../../adapters/fake-gateway/index.js';
import { useFakeGateways } from './gateway-fixture.js';
import type { TestClient } from './test-client.js';

const fixture = useFakeGateways();

function connect(gw: FakeGateway, url = gw.urlWith(), encoding: 'json' | 'etf' = 'json'): Promise<TestClient> {
  return fixture.connect(url, { encoding });
}

const identify = (token: string, d: Record<string, unknown> = {}) => ({
  op: 2,
  d: { token, intents: 513, properties: { os: 'linux', browser: 't', device: 't' }, ...d },
});

interface Case {
  name: string;
  code: number;
  options?: FakeGatewayOptions;
  url?: (gw: FakeGateway) => string;
  encoding?: 'etf';
  /** The server closes before HELLO (bad query). */
  beforeHello?: boolean;
  /** Drives the client after HELLO. */
  run?: (client: TestClient, gw: FakeGateway) => Promise<void> | void;
}

const cases: Case[] = [
  { name: 'v=9', code: 4012, beforeHello: true, url: (gw) => gw.urlWith({ v: 9 }) },
  { name: 'no v', code: 4012, beforeHello: true, url: (gw) => `${gw.url}/?encoding=json` },
  { name: 'unknown encoding', code: 4002, beforeHello: true, url: (gw) => `${gw.url}/?v=10&encoding=xml` },
  { name: 'unknown compress', code: 4002, beforeHello: true, url: (gw) => `${gw.url}/?v=10&encoding=json&compress=gzip` },
  { name: 'presence update before IDENTIFY', code: 4003, run: (c) => c.send({ op: 3, d: { status: 'online' } }) },
  { name: 'unknown opcode', code: 4001, run: (c) => c.send({ op: 99, d: null }) },
  { name: 'server-only opcode 11', code: 4001, run: (c) => c.send({ op: 11 }) },
  { name: 'op not a number', code: 4001, run: (c) => c.send({ op: '2', d: {} }) },
  { name: 'invalid JSON', code: 4002, run: (c) => c.ws.send('{"op":1,') },
  { name: 'a JSON array', code: 4002, run: (c) => c.ws.send('[1]') },
  { name: 'a payload of 4097 bytes', code: 4002, run: (c) => c.ws.send(JSON.stringify({ op: 1, d: null, x: 'a'.repeat(4097 - 24) })) },
  { name: 'a wrong token', code: 4004, run: (c) => c.send(identify('nope')) },
  { name: 'intents as a string', code: 4013, run: (c, gw) => c.send(identify(gw.token, { intents: '513' })) },
  { name: 'an undocumented intent bit', code: 4013, run: (c, gw) => c.send(identify(gw.token, { intents: 1 << 18 })) },
  { name: 'fractional intents', code: 4013, run: (c, gw) => c.send(identify(gw.token, { intents: 1.5 })) },
  {
    name: 'a privileged intent not allowed',
    code: 4014,
    options: { allowedIntents: Intent.GUILDS | Intent.GUILD_MESSAGES },
    run: (c, gw) => c.send(identify(gw.token, { intents: Intent.GUILDS | Intent.MESSAGE_CONTENT })),
  },
  { name: 'shard id equal to the count', code: 4010, run: (c, gw) => c.send(identify(gw.token, { shard: [1, 1] })) },
  { name: 'a one-item shard', code: 4010, run: (c, gw) => c.send(identify(gw.token, { shard: [0] })) },
  { name: 'a negative shard id', code: 4010, run: (c, gw) => c.send(identify(gw.token, { shard: [-1, 2] })) },
  { name: 'no shard where sharding is required', code: 4011, options: { minShardCount: 2 }, run: (c, gw) => c.send(identify(gw.token)) },
  {
    name: 'a second IDENTIFY',
    code: 4005,
    run: async (c, gw) => {
      c.send(identify(gw.token));
      await c.nextOp(0);
      c.send(identify(gw.token));
    },
  },
  {
    name: 'RESUME after IDENTIFY',
    code: 4005,
    run: async (c, gw) => {
      c.send(identify(gw.token));
      const ready = await c.nextOp(0);
      c.send({ op: 6, d: { token: gw.token, session_id: ready.d.session_id, seq: 1 } });
    },
  },
  {
    name: 'too many payloads in the window',
    code: 4008,
    options: { rateLimit: { limit: 5, windowMs: 60_000 } },
    run: (c) => {
      for (let i = 0; i < 6; i++) c.send({ op: 1, d: null });
    },
  },
  { name: 'ETF with atom keys', code: 4002, encoding: 'etf', url: (gw) => gw.urlWith({ encoding: 'etf' }), run: (c) => c.ws.send(Buffer.from('83740000000177026f706101', 'hex')) },
  { name: 'ETF that does not decode', code: 4002, encoding: 'etf', url: (gw) => gw.urlWith({ encoding: 'etf' }), run: (c) => c.ws.send(Buffer.from([131, 200])) },
  { name: 'JSON that is not UTF-8, in a binary message', code: 4002, run: (c) => c.ws.send(Buffer.from([0x7b, 0xff, 0x7d])) },
  {
    name: 'no heartbeat in time (optional enforcement)',
    code: 4000,
    options: { heartbeatInterval: 40, heartbeatTimeout: {} },
    run: () => {},
  },
];

describe('fake gateway close codes', () => {
  it.each(cases)('closes with $code on $name', async ({ code, options, url, encoding, beforeHello, run }) => {
    const gw = await fixture.start({ heartbeatInterval: 1000, identifyWindowMs: 0, ...options });
    const client = await connect(gw, url?.(gw) ?? gw.urlWith(), encoding);
    if (!beforeHello) await client.nextOp(10);
    await run?.(client, gw);
    const closed = await client.closed;
    expect(closed.code).toBe(code);
    if (beforeHello) expect(client.wire).toEqual([]);
    const record = await gw.waitUntil(() => gw.closes.find((r) => r.code === code));
    expect(record).toMatchObject({ initiatedBy: 'server', code });
    expect(record.reason.length).toBeGreaterThan(0);
  });

  it('accepts a payload of exactly 4096 bytes', async () => {
    const gw = await fixture.start({ heartbeatInterval: 1000 });
    const client = await connect(gw);
    await client.nextOp(10);
    const payload = JSON.stringify({ op: 1, d: null, x: 'a'.repeat(4096 - 24) });
    expect(Buffer.byteLength(payload)).toBe(4096);
    client.ws.send(payload);
    expect((await client.next()).op).toBe(11);
  });

  it('lets the rate-limit window slide', async () => {
    const gw = await fixture.start({ heartbeatInterval: 1000, rateLimit: { limit: 3, windowMs: 60 } });
    const client = await connect(gw);
    await client.nextOp(10);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) client.send({ op: 1, d: null });
      for (let i = 0; i < 3; i++) expect((await client.next()).op).toBe(11);
      await new Promise((r) => setTimeout(r, 70));
    }
    expect(gw.current.isOpen).toBe(true);
  });

  it('closes a client that stops heartbeating, but not one that keeps on', async () => {
    const gw = await fixture.start({ heartbeatInterval: 30, heartbeatTimeout: { closeCode: CloseCode.SESSION_TIMED_OUT } });
    const client = await connect(gw);
    await client.nextOp(10);
    for (let i = 0; i < 5; i++) {
      client.send({ op: 1, d: null });
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(gw.current.isOpen).toBe(true);
    expect((await client.closed).code).toBe(4009);
  });

  it('records the close code a client sends', async () => {
    const gw = await fixture.start({ heartbeatInterval: 1000 });
    const client = await connect(gw);
    await client.nextOp(10);
    const [[, record]] = await Promise.all([gw.waitFor('close'), client.close(4000, 'zombie')]);
    expect(record).toMatchObject({ connectionId: 1, initiatedBy: 'client', code: 4000, reason: 'zombie' });
  });
});
