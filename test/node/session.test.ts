/**
 * The Node client in a healthy session, over loopback TCP and TLS, in every encoding and
 * compression: READY, dispatches in order (events, typed events, async iteration), heartbeats,
 * sends through the limiter and their typed refusals, close, and resuming from a persisted snapshot.
 */
import { type GatewayDispatchPayload, PresenceUpdateStatus } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ClientClosedError,
  DispatchBufferOverflowError,
  PayloadTooLargeError,
  SendRejectedError,
} from '../../adapters/node/index.js';
import { GatewayEngine, PayloadTooLargeError as RootPayloadTooLargeError } from '../../index.js';
import {
  cleanup,
  expectEveryDispatchOnceInOrder,
  expectNoToken,
  expectOneIdentifyPerSession,
  harness,
  sessionsOf,
  startGateway,
  until,
  untilCaughtUp,
  untilClosed,
} from './harness.js';

afterEach(cleanup);

const PRESENCE = { op: 3, d: { since: null, activities: [], status: 'online', afk: false } } as const;

/** zstd-stream runs once the engine has a zstd decompressor (it refuses the option until then). */
const ENGINE_HAS_ZSTD = (() => {
  try {
    new GatewayEngine({ url: 'ws://127.0.0.1', compress: 'zstd-stream' });
    return true;
  } catch {
    return false;
  }
})();

const WIRES = [
  { encoding: 'json', compress: null },
  { encoding: 'etf', compress: null },
  { encoding: 'json', compress: 'zlib-stream' },
  { encoding: 'etf', compress: 'zstd-stream' },
  { encoding: 'etf', compress: 'zlib-stream', splitCompressedMessages: true },
] as const;

describe('a normal session', () => {
  for (const tls of [false, true]) {
    for (const wire of WIRES) {
      const name = `${tls ? 'wss' : 'ws'} ${wire.encoding}${wire.compress ? `+${wire.compress}` : ''}${'splitCompressedMessages' in wire ? ' (split)' : ''}`;
      it.skipIf(wire.compress === 'zstd-stream' && !ENGINE_HAS_ZSTD)(`${name}: READY, 300 dispatches in order, heartbeats, close 1000 ends the session`, async () => {
        const gateway = await startGateway({ tls, heartbeatInterval: 100, splitCompressedMessages: 'splitCompressedMessages' in wire });
        const h = harness(gateway, { encoding: wire.encoding, compress: wire.compress });
        const ready: unknown[] = [];
        h.client.on('ready', (data) => ready.push(data.session_id));
        await h.client.connect();
        expect(h.client.state).toBe('connected.ready');
        expect(ready).toEqual([h.client.sessionId]);
        expect(gateway.latest!.encoding).toBe(wire.encoding);
        expect(gateway.latest!.compression).toBe(wire.compress ?? undefined);

        await gateway.stream({ count: 300 });
        await untilCaughtUp(h);
        expect(h.client.sequence).toBe(sessionsOf(gateway)[0]!.seq);
        await until(() => h.events.some(([name]) => name === 'heartbeat'), 'a heartbeat ACK');
        expect(h.client.latency).toBeGreaterThanOrEqual(0);

        await h.client.close();
        expect(h.client.state).toBe('closed');
        await until(() => gateway.closes.some((c) => c.initiatedBy === 'client' && c.code === 1000), 'the close');
        expect(gateway.closes.at(-1)).toMatchObject({ initiatedBy: 'client', code: 1000 });
        expect(sessionsOf(gateway)[0]!.status).toBe('ended');
        expectEveryDispatchOnceInOrder(h);
        expectOneIdentifyPerSession(h);
        expectNoToken(h);
      });
    }
  }

  it('identifies with the options given, Node defaults filled in', async () => {
    const gateway = await startGateway();
    const h = harness(gateway, { intents: 1 | 512, shard: [0, 1], largeThreshold: 100, presence: { since: null, activities: [], status: PresenceUpdateStatus.Idle, afk: false } });
    await h.client.connect();
    const identify = gateway.received.find((r) => r.op === 2)!.payload.d;
    expect(identify).toEqual({
      token: '[redacted]',
      intents: 513,
      properties: { os: process.platform, browser: 'sansio-discord-gateway', device: 'sansio-discord-gateway' },
      shard: [0, 1],
      large_threshold: 100,
      presence: { since: null, activities: [], status: 'idle', afk: false },
    });
  });

  it('emits dispatch:<NAME> events typed by discord-api-types, once() only once', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    const contents: string[] = [];
    let onceCalls = 0;
    h.client.on('dispatch:MESSAGE_CREATE', (message) => contents.push(message.d.content));
    h.client.once('dispatch:MESSAGE_CREATE', () => onceCalls++);
    await h.client.connect();
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'first' });
    gateway.dispatch('TYPING_START', { channel_id: '2', user_id: '3', timestamp: 1 });
    gateway.dispatch('MESSAGE_CREATE', { id: '4', channel_id: '2', content: 'second' });
    await until(() => contents.length === 2, 'two messages');
    expect(contents).toEqual(['first', 'second']);
    expect(onceCalls).toBe(1);
  });

  it('iterates dispatches with for await, filters by name, and stops listening on break', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const all: number[] = [];
    const messages: string[] = [];
    const iterateAll = (async () => {
      for await (const dispatch of h.client) {
        all.push(dispatch.s);
        if (all.length === 20) break;
      }
    })();
    const onlyMessages = (async () => {
      for await (const message of h.client.dispatches({ events: ['MESSAGE_CREATE'] })) {
        messages.push(message.d.content);
        if (messages.length === 10) break;
      }
    })();
    for (let i = 0; i < 10; i++) {
      gateway.dispatch('TYPING_START', { channel_id: '2', user_id: '3', timestamp: i });
      gateway.dispatch('MESSAGE_CREATE', { id: String(i), channel_id: '2', content: `m${i}` });
    }
    await Promise.all([iterateAll, onlyMessages]);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(messages).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('ends an iterator that falls too far behind with DispatchBufferOverflowError, after what it buffered', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const stream = h.client.dispatches({ bufferSize: 10 });
    const dropping = h.client.dispatches({ bufferSize: 10, overflow: 'drop-oldest' });
    await gateway.stream({ count: 25 });
    await until(() => h.dispatches.length === 26, 'the stream');
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const dispatch of stream) got.push(dispatch.s);
      })(),
    ).rejects.toBeInstanceOf(DispatchBufferOverflowError);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(dropping.dropped).toBe(15);
    expect((await dropping.next()).value?.s).toBe(17);
  });

  it('ends iterators when the client closes', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    await h.client.connect();
    const seen: GatewayDispatchPayload[] = [];
    const loop = (async () => {
      for await (const dispatch of h.client) seen.push(dispatch);
    })();
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'x' });
    await until(() => seen.length === 1, 'one dispatch');
    await h.client.close();
    await loop;
    const late = h.client.dispatches();
    expect(await late.next()).toEqual({ value: undefined, done: true });
  });
});

describe('send', () => {
  // The limiter keeps one slot per heartbeat interval in the window: with long intervals, user payloads fit.
  it('resolves once written, in order, and the gateway receives each payload', async () => {
    const gateway = await startGateway({ heartbeatInterval: 5000 });
    const h = harness(gateway);
    await h.client.connect();
    const statuses = ['online', 'idle', 'dnd', 'invisible'] as const;
    await Promise.all(statuses.map((status) => h.client.send({ op: 3, d: { since: null, activities: [], status, afk: false } })));
    await until(() => gateway.received.filter((r) => r.op === 3).length === 4, 'four presence updates');
    expect(gateway.received.filter((r) => r.op === 3).map((r) => (r.payload.d as { status: string }).status)).toEqual([...statuses]);
  });

  it('rejects with typed errors: not ready, too large, reserved opcode, closed', async () => {
    const gateway = await startGateway({ heartbeatInterval: 5000 });
    const h = harness(gateway);
    const early = h.client.send(PRESENCE);
    await expect(early).rejects.toBeInstanceOf(SendRejectedError);
    await expect(early).rejects.toMatchObject({ code: 'SEND_NOT_READY', reason: 'not-ready' });
    await h.client.connect();

    const big = { op: 3, d: { since: null, activities: [{ name: 'x'.repeat(5000), type: 0 }], status: 'online', afk: false } } as const;
    const tooLarge = h.client.send(big);
    await expect(tooLarge).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(tooLarge).rejects.toBeInstanceOf(RootPayloadTooLargeError);
    await expect(tooLarge).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 4096 });

    await expect(h.client.send({ op: 2, d: {} })).rejects.toMatchObject({ code: 'SEND_OPCODE_RESERVED' });
    await expect(h.client.send({ op: 1, d: null })).rejects.toMatchObject({ code: 'SEND_OPCODE_RESERVED' });
    await h.client.send(PRESENCE);

    await h.client.close();
    await expect(h.client.send(PRESENCE)).rejects.toMatchObject({ code: 'SEND_DISCONNECTED' });
    await expect(h.client.connect()).rejects.toBeInstanceOf(ClientClosedError);
    const fresh = harness(gateway);
    await fresh.client.close();
    await expect(fresh.client.connect()).rejects.toBeInstanceOf(ClientClosedError);
    // Nothing over 4096 bytes and no reserved opcode ever reached the gateway.
    expect(gateway.received.filter((r) => r.op === 3)).toHaveLength(1);
    expect(gateway.closes.filter((c) => c.code === 4002)).toEqual([]);
    expectNoToken(h);
  });
});

describe('close and resume later', () => {
  it('close(4000) keeps the session; a new client restored from persist() RESUMEs it and gets what it missed', async () => {
    const gateway = await startGateway();
    const first = harness(gateway);
    await first.client.connect();
    await gateway.stream({ count: 5 });
    await until(() => first.dispatches.length === 6, 'six dispatches');
    await first.client.close(4000, 'restarting');
    await untilClosed(gateway);
    expect(gateway.closes.at(-1)).toMatchObject({ initiatedBy: 'client', code: 4000 });
    const session = sessionsOf(gateway)[0]!;
    expect(session.status).toBe('disconnected');
    const snapshot = JSON.parse(JSON.stringify(first.client.persist()));
    session.dispatch('MESSAGE_CREATE', { id: 'missed', channel_id: '2', content: 'while away' });

    const second = harness(gateway, { snapshot });
    await second.client.connect();
    expect(gateway.latest!.usedResumeUrl).toBe(true);
    expect(gateway.received.filter((r) => r.op === 6)).toHaveLength(1);
    expect(second.dispatches).toEqual([
      { s: 7, t: 'MESSAGE_CREATE' },
      { s: 8, t: 'RESUMED' },
    ]);
    expect(second.client.sessionId).toBe(session.id);
    expectOneIdentifyPerSession(second);
    expectNoToken(first);
    expectNoToken(second);
  });

  it('connect() rejects with ClientClosedError when close() comes before READY', async () => {
    const gateway = await startGateway();
    const h = harness(gateway, { url: 'ws://127.0.0.1:1' });
    const connecting = h.client.connect();
    await until(() => h.errors.length > 0, 'a connection failure');
    await h.client.close();
    await expect(connecting).rejects.toBeInstanceOf(ClientClosedError);
    expect(h.client.state).toBe('closed');
  });
});
