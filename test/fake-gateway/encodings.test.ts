import { describe, expect, it } from 'vitest';
import { encodeEtf } from '../../adapters/fake-gateway/index.js';
import type { FakeGateway, FakeGatewayOptions } from '../../adapters/fake-gateway/index.js';
import { endsWithSyncFlush } from '../helpers/sync-flush.js';
import { loadTestTls } from '../helpers/tls-fixture.js';
import { useFakeGateways } from './gateway-fixture.js';
import { TestClient, type TestClientOptions } from './test-client.js';

const fixture = useFakeGateways();

async function setup(client: TestClientOptions, options: FakeGatewayOptions = {}): Promise<{ gw: FakeGateway; c: TestClient }> {
  const gw = await fixture.start({ heartbeatInterval: 1000, identifyWindowMs: 0, ...options });
  return { gw, c: await fixture.connect(gw.urlWith({ encoding: client.encoding, compress: client.compress }), client) };
}

/** What the server meant to send, encoded as JSON text (the `sent` record is pre-compression). */
const sentJson = (gw: FakeGateway) => gw.current.sent.map((s) => JSON.stringify({ t: s.payload.t ?? null, s: s.payload.s ?? null, op: s.payload.op, d: s.payload.d ?? null }));

describe('fake gateway transport compression', () => {
  it('zlib-stream: one binary message per payload, inflating with node:zlib to the same JSON', async () => {
    const { gw, c } = await setup({ compress: 'zlib-stream' });
    await c.ready(gw.token);
    await gw.stream({ count: 20 });
    await gw.requestHeartbeat();
    await c.nextOp(1);
    expect(c.wire.every(endsWithSyncFlush)).toBe(true);
    expect(c.wire).toHaveLength(gw.current.sent.length);
    expect(c.decodedBytes.map((b) => b.toString())).toEqual(sentJson(gw));
    expect(gw.current.compression).toBe('zlib-stream');
  });

  it('zlib-stream split over 2-3 messages still inflates to the same JSON', async () => {
    const { gw, c } = await setup({ compress: 'zlib-stream' }, { splitCompressedMessages: true });
    await c.ready(gw.token);
    await gw.stream({ count: 10 });
    await gw.requestHeartbeat();
    await c.nextOp(1);
    const payloads = gw.current.sent.length;
    expect(c.wire.length).toBeGreaterThanOrEqual(payloads * 2);
    expect(c.wire.length).toBeLessThanOrEqual(payloads * 3);
    expect(c.wire.filter(endsWithSyncFlush)).toHaveLength(payloads);
    expect(c.decodedBytes.map((b) => b.toString())).toEqual(sentJson(gw));
  });

  it('closes cleanly while a compressed stream is in flight', async () => {
    const { gw, c } = await setup({ compress: 'zlib-stream' });
    await c.ready(gw.token);
    const streaming = gw.stream({ count: 2000 });
    await c.nextOp(0);
    await gw.close();
    const result = await streaming;
    expect(result.sent).toBeLessThanOrEqual(2000);
    expect((await c.closed).code).toBe(1006);
  });

  it('zstd-stream: one message per payload, decoded by fzstd streaming to the same JSON', async () => {
    const { gw, c } = await setup({ compress: 'zstd-stream' });
    await c.ready(gw.token);
    await gw.stream({ count: 20 });
    await gw.requestHeartbeat();
    await c.nextOp(1);
    expect(c.wire[0]!.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    expect(c.wire).toHaveLength(gw.current.sent.length);
    expect(c.decodedBytes.map((b) => b.toString())).toEqual(sentJson(gw));
  });
});

describe('fake gateway ETF encoding', () => {
  it('accepts an ETF IDENTIFY and sends READY as ETF, snowflakes as 64-bit integers', async () => {
    const { gw, c } = await setup({ encoding: 'etf' }, { readyGuilds: ['1200000000000000001'] });
    const ready = await c.ready(gw.token, { shard: [0, 1] });
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY' });
    expect(ready.d).toMatchObject({ v: 10, shard: [0, 1], guilds: [{ id: '1200000000000000001', unavailable: true }] });
    const identify = gw.received.find((r) => r.op === 2)!;
    expect(identify.binary).toBe(true);
    expect(identify.payload.d).toMatchObject({ token: '[redacted]', intents: 513, shard: [0, 1] });
    // The wire bytes: atom keys at the top, `t` an atom, the guild id a SMALL_BIG_EXT, shard a STRING_EXT.
    const wire = c.decodedBytes[1]!;
    expect(wire.includes(Buffer.from([119, 1, 116, 119, 5, ...Buffer.from('READY')]))).toBe(true);
    expect(wire.includes(Buffer.from([110, 8, 0]))).toBe(true);
    expect(wire.includes(Buffer.from([107, 0, 2, 0, 1]))).toBe(true);
    expect(gw.current.encoding).toBe('etf');
  });

  it('ETF with zlib-stream and with zstd-stream decodes to the same payloads as plain ETF', async () => {
    for (const compress of ['zlib-stream', 'zstd-stream'] as const) {
      const { gw, c } = await setup({ encoding: 'etf', compress });
      await c.ready(gw.token);
      gw.dispatch('MESSAGE_CREATE', { id: '1300000000000000001', content: 'hé', n: -5, f: 1.25, empty: [], nothing: null });
      expect(await c.next()).toEqual({
        op: 0,
        s: 2,
        t: 'MESSAGE_CREATE',
        d: { id: '1300000000000000001', content: 'hé', n: -5, f: 1.25, empty: [], nothing: null },
      });
      await gw.close();
    }
  });

  it('answers an ETF heartbeat with an ETF ACK', async () => {
    const { gw, c } = await setup({ encoding: 'etf' });
    await c.nextOp(10);
    c.ws.send(encodeEtf({ op: 1, d: null }));
    expect(await c.next()).toEqual({ op: 11, d: null, s: null, t: null });
    expect(gw.received[0]).toMatchObject({ op: 1, payload: { op: 1, d: null } });
  });
});

describe('fake gateway over TLS', () => {
  it('serves wss:// with the committed test certificate', async () => {
    const tls = loadTestTls();
    const gw = await fixture.start({ tls, heartbeatInterval: 1000 });
    expect(gw.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(gw.resumeUrl).toBe(`${gw.url}/resume`);
    const c = await fixture.connect(gw.urlWith(), { ca: tls.ca });
    const ready = await c.ready(gw.token);
    expect(ready.d.resume_gateway_url).toBe(gw.resumeUrl);
    const bot = await fetch(`${gw.httpUrl}/gateway/bot`).catch((e: Error) => e);
    expect(bot).toBeInstanceOf(Error); // fetch does not trust the self-signed certificate
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const gw = await fixture.start({ tls: loadTestTls() });
    await expect(TestClient.connect(gw.urlWith())).rejects.toThrow(/self[- ]signed/);
  });
});
