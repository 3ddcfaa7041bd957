/**
 * The IDENTIFY limiter: one grant per bucket (`shard_id % max_concurrency`) per window, first come
 * first served, aborts honoured; and against the fake gateway's own identify window, clients that
 * share a queue are never refused with op 9 while clients without one are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createIdentifyQueue, InvalidOptionError } from '../../adapters/client/index.js';
import { cleanup, expectNoToken, harness, startGateway, until } from '../node/harness.js';

afterEach(cleanup);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createIdentifyQueue', () => {
  it('grants one IDENTIFY per bucket per window, in order, buckets independent', async () => {
    const queue = createIdentifyQueue({ maxConcurrency: 2, windowMs: 120, marginMs: 0 });
    const start = performance.now();
    const grants: Array<[number, number]> = [];
    const signal = new AbortController().signal;
    const take = (shard: number) => queue.acquire(shard, signal).then(() => grants.push([shard, Math.round(performance.now() - start)]));
    await Promise.all([take(0), take(2), take(4), take(1), take(3)]);
    expect(grants.map(([shard]) => shard)).toEqual([0, 1, 2, 3, 4]);
    const at = new Map(grants);
    expect(at.get(0)).toBeLessThan(60);
    expect(at.get(1)).toBeLessThan(60);
    expect(at.get(2)).toBeGreaterThanOrEqual(115);
    expect(at.get(3)).toBeGreaterThanOrEqual(115);
    expect(at.get(4)).toBeGreaterThanOrEqual(235);
  });

  it('an aborted waiter gives its place up and its promise rejects with the reason', async () => {
    const queue = createIdentifyQueue({ windowMs: 100 });
    const first = new AbortController();
    await queue.acquire(0, first.signal);
    const leaving = new AbortController();
    const left = queue.acquire(0, leaving.signal);
    const staying = queue.acquire(0, new AbortController().signal);
    leaving.abort(new Error('gone'));
    await expect(left).rejects.toThrow('gone');
    const start = performance.now();
    await staying;
    expect(performance.now() - start).toBeLessThan(150);
    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(queue.acquire(0, aborted.signal)).rejects.toThrow('already');
  });

  it('adds a margin of 5% of the window by default', async () => {
    const queue = createIdentifyQueue({ windowMs: 200 });
    const signal = new AbortController().signal;
    await queue.acquire(0, signal);
    const start = performance.now();
    await queue.acquire(0, signal);
    expect(performance.now() - start).toBeGreaterThanOrEqual(209);
  });

  it('windowMs 0 grants at once; bad options are InvalidOptionError', async () => {
    const queue = createIdentifyQueue({ windowMs: 0 });
    for (let i = 0; i < 5; i++) await queue.acquire(0, new AbortController().signal);
    expect(() => createIdentifyQueue({ maxConcurrency: 0 })).toThrow(InvalidOptionError);
    expect(() => createIdentifyQueue({ windowMs: -1 })).toThrow(InvalidOptionError);
    expect(() => createIdentifyQueue({ marginMs: Number.NaN })).toThrow(InvalidOptionError);
  });
});

describe('clients sharing a queue', () => {
  it('identify one bucket at a time and are never refused; without a queue the gateway refuses with op 9', async () => {
    const windowMs = 300;
    const gateway = await startGateway({ identifyWindowMs: windowMs, maxConcurrency: 1, shardCount: 2 });
    const queue = createIdentifyQueue({ maxConcurrency: 1, windowMs, marginMs: 50 });
    const a = harness(gateway, { shard: [0, 2], identifyQueue: queue });
    const b = harness(gateway, { shard: [1, 2], identifyQueue: queue });
    await Promise.all([a.client.connect(), b.client.connect()]);
    const identifies = gateway.received.filter((r) => r.op === 2);
    expect(identifies).toHaveLength(2);
    expect(identifies[1]!.at - identifies[0]!.at).toBeGreaterThanOrEqual(windowMs - 5);
    expect(gateway.allConnections.flatMap((c) => c.sent).filter((p) => p.payload.op === 9)).toEqual([]);
    expectNoToken(a);
    expectNoToken(b);

    // Without the queue, a third client inside the window is refused (op 9) and retries after 1-5 s.
    await sleep(windowMs);
    const c = harness(gateway, { shard: [0, 2], identifyQueue: null });
    const d = harness(gateway, { shard: [1, 2], identifyQueue: null });
    void c.client.connect().catch(() => {});
    void d.client.connect().catch(() => {});
    await until(() => gateway.allConnections.flatMap((conn) => conn.sent).some((p) => p.payload.op === 9), 'an op 9');
  });

  it('a state change while waiting gives the slot up (no IDENTIFY on a dead connection)', async () => {
    const gateway = await startGateway({ heartbeatInterval: 5000 });
    const queue = createIdentifyQueue({ windowMs: 400 });
    await queue.acquire(0, new AbortController().signal);
    const h = harness(gateway, { identifyQueue: queue });
    void h.client.connect().catch(() => {});
    await until(() => h.client.state === 'connected.waitingForIdentifySlot', 'waiting for a slot');
    await gateway.terminate();
    await until(() => h.states.filter((s) => s === 'connected.waitingForIdentifySlot').length === 2, 'waiting again on a new connection');
    await until(() => h.client.state === 'connected.ready', 'ready', 2000);
    expect(gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
    expect(gateway.received.find((r) => r.op === 2)!.connectionId).toBe(2);
  });
});
