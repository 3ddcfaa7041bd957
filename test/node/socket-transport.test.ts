/**
 * The Node socket transport on its own, against raw loopback TCP servers: the order of its
 * reports, backpressure with order kept, the close grace, destroy() silencing it, and typed errors.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordGatewayError, TransportHandlers } from '../../adapters/node/index.js';
import { nodeConnector, TransportError } from '../../adapters/node/index.js';
import { until } from './harness.js';

const servers: net.Server[] = [];
const accepted: net.Socket[] = [];
afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function recorder() {
  const log: string[] = [];
  const chunks: Buffer[] = [];
  const errors: DiscordGatewayError[] = [];
  const handlers: TransportHandlers = {
    opened: () => log.push('opened'),
    data: (data) => {
      log.push('data');
      chunks.push(Buffer.from(data));
    },
    ended: () => log.push('ended'),
    error: (error) => {
      log.push('error');
      errors.push(error);
    },
    closed: (reason) => log.push(`closed:${reason}`),
    drain: () => log.push('drain'),
  };
  return { log, chunks, errors, handlers };
}

const target = (port: number) => ({ url: `ws://127.0.0.1:${port}/`, destination: { host: '127.0.0.1', port, secure: false } });

describe('the Node socket transport', () => {
  it('reports opened, data, ended (a half-close keeps it writable), then closed once', async () => {
    let server!: net.Socket;
    const port = await serve((socket) => {
      server = socket;
      socket.end('hello');
    });
    const r = recorder();
    const transport = nodeConnector().open(target(port), r.handlers);
    await until(() => r.log.includes('ended'), 'EOF');
    expect(Buffer.concat(r.chunks).toString()).toBe('hello');
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));
    expect(transport.write(new TextEncoder().encode('still here'), true)).toBe(true);
    await until(() => Buffer.concat(received).toString() === 'still here', 'the write after EOF');
    transport.end();
    await until(() => r.log.some((l) => l.startsWith('closed')), 'closed');
    expect(r.log.filter((l) => l !== 'data')).toEqual(['opened', 'ended', 'closed:the connection closed']);
  });

  it('waits for drain when the peer stops reading, and keeps every byte in order', async () => {
    let server!: net.Socket;
    const port = await serve((socket) => {
      server = socket;
      socket.pause();
    });
    const r = recorder();
    const transport = nodeConnector().open(target(port), r.handlers);
    await until(() => r.log.includes('opened') && server !== undefined, 'open');
    const chunk = 64 * 1024;
    const count = 200;
    let refused = 0;
    for (let i = 0; i < count; i++) {
      const bytes = new Uint8Array(chunk).fill(i & 0xff);
      new DataView(bytes.buffer).setUint32(0, i);
      if (!transport.write(bytes, true)) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    const received: Buffer[] = [];
    server.on('data', (data: Buffer) => received.push(data));
    server.resume();
    await until(() => received.reduce((n, b) => n + b.length, 0) === chunk * count, 'every byte', 10_000);
    const all = Buffer.concat(received);
    for (let i = 0; i < count; i++) {
      expect(all.readUInt32BE(i * chunk)).toBe(i);
      expect(all[i * chunk + chunk - 1]).toBe(i & 0xff);
    }
    await until(() => r.log.includes('drain'), 'drain');
    transport.destroy();
  });

  it('end(): drops the socket after the grace when the peer never closes', async () => {
    const port = await serve(() => {});
    const r = recorder();
    const transport = nodeConnector({ endGraceMs: 50 }).open(target(port), r.handlers);
    await until(() => r.log.includes('opened'), 'open');
    const ended = performance.now();
    transport.end();
    await until(() => r.log.some((l) => l.startsWith('closed')), 'closed');
    expect(performance.now() - ended).toBeGreaterThanOrEqual(45);
    expect(transport.write(new Uint8Array(1), true)).toBe(false);
  });

  it('destroy(): reports nothing more', async () => {
    let server!: net.Socket;
    const port = await serve((socket) => {
      server = socket;
    });
    const r = recorder();
    const transport = nodeConnector().open(target(port), r.handlers);
    await until(() => r.log.includes('opened') && server !== undefined, 'open');
    transport.destroy();
    transport.destroy();
    server.end('late');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.log).toEqual(['opened']);
  });

  it('connection refused: a TransportError, then closed', async () => {
    const port = await serve(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const r = recorder();
    nodeConnector().open(target(port), r.handlers);
    await until(() => r.log.some((l) => l.startsWith('closed')), 'closed');
    expect(r.log).toEqual(['error', 'closed:connect failed: ECONNREFUSED']);
    expect(r.errors[0]).toBeInstanceOf(TransportError);
    expect(r.errors[0]).toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', phase: 'connect', systemCode: 'ECONNREFUSED', address: `127.0.0.1:${port}` });
  });

  it('a reset after opening: TRANSPORT_LOST', async () => {
    const port = await serve((socket) => {
      socket.write('x', () => setTimeout(() => socket.resetAndDestroy(), 20));
    });
    const r = recorder();
    nodeConnector().open(target(port), r.handlers);
    await until(() => r.log.some((l) => l.startsWith('closed')), 'closed');
    expect(r.log.filter((l) => l !== 'data')).toEqual(['opened', 'error', 'closed:open failed: ECONNRESET']);
    expect(r.errors[0]).toMatchObject({ code: 'TRANSPORT_LOST', phase: 'open', systemCode: 'ECONNRESET' });
  });
});
