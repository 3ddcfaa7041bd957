/**
 * The soak's fault proxy on its own, against the `ws` package on both ends: frame-header tracking
 * for every split point, and a stream re-cut everywhere (inside headers too), delayed, stalled and
 * killed, with every byte arriving intact and in order until the kill.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { concat } from '../helpers/bytes.js';
import { frame, OP } from '../helpers/ws-wire.js';
import { FaultProxy } from './fault-proxy.js';
import { FrameBoundaryTracker, type HeaderRange } from './frame-boundaries.js';
import { Prng } from './prng.js';

/** A frame of `length` payload bytes (FIN set; masked when `mask` is given), and its header length (mask key included). */
function framed(opcode: number, length: number, mask?: Uint8Array): { bytes: Uint8Array; header: number } {
  const bytes = frame({ opcode, payload: Uint8Array.from({ length }, (_, i) => i & 0xff), mask });
  return { bytes, header: bytes.length - length };
}

/** An unmasked server frame. */
const serverFrame = (opcode: number, length: number) => framed(opcode, length);

/** A masked client text frame. */
const clientFrame = (length: number) => framed(OP.text, length, Uint8Array.of(1, 2, 3, 4));

/** The stream: an HTTP head, then frames; and the absolute ranges of their headers. */
function stream(head: string, frames: Array<{ bytes: Uint8Array; header: number }>): { bytes: Uint8Array; headers: HeaderRange[] } {
  const headBytes = new TextEncoder().encode(head);
  const headers: HeaderRange[] = [];
  let at = headBytes.length;
  for (const f of frames) {
    headers.push({ start: at, end: at + f.header });
    at += f.bytes.length;
  }
  return { bytes: concat([headBytes, ...frames.map((f) => f.bytes)]), headers };
}

/** Feeds `bytes` cut at `cuts`; returns the header bytes found, as absolute offsets. */
function headerBytes(bytes: Uint8Array, cuts: number[]): Set<number> {
  const tracker = new FrameBoundaryTracker();
  const found = new Set<number>();
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    for (const range of tracker.feed(bytes.subarray(from, to))) for (let i = range.start; i < range.end; i++) found.add(from + i);
    from = to;
  }
  return found;
}

function expected(headers: HeaderRange[]): Set<number> {
  const all = new Set<number>();
  for (const h of headers) for (let i = h.start; i < h.end; i++) all.add(i);
  return all;
}

describe('FrameBoundaryTracker', () => {
  const response = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n';

  it('finds every header of 7-bit, 16-bit, 64-bit and empty frames, at every split point', () => {
    const { bytes, headers } = stream(response, [serverFrame(1, 5), serverFrame(9, 0), serverFrame(2, 300), serverFrame(1, 125), serverFrame(2, 126)]);
    const want = expected(headers);
    for (let cut = 0; cut <= bytes.length; cut++) expect(headerBytes(bytes, [cut]), `cut at ${cut}`).toEqual(want);
  });

  it('finds masked client headers after a request head, and 64-bit lengths, in seeded random chunkings', () => {
    const request = 'GET /?v=10 HTTP/1.1\r\nHost: x\r\n\r\n';
    const { bytes, headers } = stream(request, [clientFrame(10), clientFrame(70_000), clientFrame(0), clientFrame(200)]);
    const big = stream(response, [serverFrame(2, 70_000), serverFrame(1, 3)]);
    const rng = new Prng(7);
    for (const sample of [{ bytes, headers }, big]) {
      const want = expected(sample.headers);
      for (let round = 0; round < 200; round++) {
        const cuts = [...new Set(Array.from({ length: rng.int(1, 12) }, () => rng.int(0, sample.bytes.length)))].sort((a, b) => a - b);
        expect(headerBytes(sample.bytes, cuts), `cuts ${cuts}`).toEqual(want);
      }
    }
  });
});

describe('FaultProxy', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A `ws` echo server, the proxy in front of it, and a `ws` client through the proxy. */
  async function setup(splitChance = 1) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const proxy = await FaultProxy.start((server.address() as AddressInfo).port, new Prng(42), { splitChance, maxPieces: 8, headerCutChance: 0.5 });
    cleanups.push(() => proxy.close());
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}`);
    client.on('error', () => {});
    cleanups.push(() => client.terminate());
    await once(client, 'open');
    return { proxy, client, server };
  }

  function echo(client: WebSocket, payload: Buffer): Promise<{ data: Buffer; ms: number }> {
    const started = performance.now();
    client.send(payload);
    return once(client, 'message').then(([data]) => ({ data: data as Buffer, ms: performance.now() - started }));
  }

  it('re-cuts both directions, inside frame headers too, and every byte arrives in order', async () => {
    const { proxy, client } = await setup();
    const sizes = [0, 1, 125, 126, 300, 65_535, 65_536, 100_000];
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    const sent = Array.from({ length: 120 }, (_, i) => Buffer.alloc(sizes[i % sizes.length]!, i));
    for (const payload of sent) client.send(payload);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (received.length === sent.length) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    // (Buffer.equals: a deep toEqual over megabytes takes seconds.)
    expect(received.findIndex((data, i) => !data.equals(sent[i]!))).toBe(-1);
    expect(proxy.stats.pieces).toBeGreaterThan(proxy.stats.chunks);
    expect(proxy.stats.headerCuts).toBeGreaterThan(10);
  });

  it('delays writes in both directions while a delay is on', async () => {
    const { proxy, client } = await setup(0);
    proxy.delayWrites(40, 40, 5000);
    const { data, ms } = await echo(client, Buffer.from('late'));
    expect(data.toString()).toBe('late');
    expect(ms).toBeGreaterThanOrEqual(78);
    expect(proxy.stats.delayedPieces).toBeGreaterThanOrEqual(2);
  });

  it('stalls one direction, then delivers what was held', async () => {
    const { proxy, client } = await setup(0);
    expect(proxy.stall('to-client', 300)).toBe(1);
    const { data, ms } = await echo(client, Buffer.from('held'));
    expect(data.toString()).toBe('held');
    expect(ms).toBeGreaterThanOrEqual(290);
  });

  it.each(['fin', 'rst'] as const)('kill (%s) drops the connection on both sides without a close frame', async (mode) => {
    const { proxy, client, server } = await setup();
    const serverSide = [...server.clients][0]!;
    const serverClosed = once(serverSide, 'close');
    const clientClosed = once(client, 'close');
    expect(proxy.kill(mode)).toBe(1);
    const [[clientCode], [serverCode]] = await Promise.all([clientClosed, serverClosed]);
    expect(clientCode).toBe(1006);
    expect(serverCode).toBe(1006);
    expect(proxy.liveConnections).toBe(0);
  });
});
