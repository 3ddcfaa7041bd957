// The client against a real ws WebSocketServer over real TCP on 127.0.0.1.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  ConnectionRejected,
  WebSocketClient,
  type WebSocketClientEvent,
} from '../../codec/websocket/index.js';
import { ascii, digestEvents, pattern } from './helpers.js';

/** Moves bytes between a TCP socket and a WebSocketClient, and lets a test await events. */
class Peer {
  readonly client: WebSocketClient;
  readonly socket: Socket;
  private readonly queue: WebSocketClientEvent[] = [];
  private waiter: (() => void) | null = null;
  failure: unknown = null;
  ended = false;

  constructor(port: number, path: string) {
    this.client = new WebSocketClient({
      url: `ws://127.0.0.1:${port}${path}`,
      random: (bytes) => crypto.getRandomValues(bytes),
      headers: { 'User-Agent': 'sansio-discord-gateway-test' },
    });
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('connect', () => this.socket.write(this.client.connect()));
    this.socket.on('data', (chunk) => this.feed(chunk));
    this.socket.on('end', () => {
      this.ended = true;
      this.feed(null);
      this.socket.end();
    });
  }

  private feed(chunk: Uint8Array | null): void {
    try {
      this.client.receive(chunk);
    } catch (error) {
      this.failure = error;
    }
    for (const frame of this.client.takeOutgoing()) this.socket.write(frame);
    // Data views alias node's Buffer chunks (zero-copy); copy them to plain bytes to compare.
    for (const event of this.client.events()) {
      this.queue.push('data' in event ? { ...event, data: new Uint8Array(event.data) } : event);
    }
    this.waiter?.();
  }

  write(frame: Uint8Array): void {
    this.socket.write(frame);
  }

  /** The next event, waiting for it if needed. */
  async next(): Promise<WebSocketClientEvent> {
    while (this.queue.length === 0) {
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = null;
    }
    return this.queue.shift()!;
  }

  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let server: WebSocketServer | null = null;
const sockets: Socket[] = [];

async function startServer(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<{ port: number; connections: [WebSocket, IncomingMessage][] }> {
  const connections: [WebSocket, IncomingMessage][] = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  server.on('connection', (ws, req) => connections.push([ws, req]));
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, connections };
}

function peer(port: number, path = '/?v=10&encoding=json'): Peer {
  const p = new Peer(port, path);
  sockets.push(p.socket);
  return p;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server !== null) {
    for (const ws of server.clients) ws.terminate();
    await new Promise((resolve) => server!.close(resolve));
    server = null;
  }
});

const messageOf = (data: Uint8Array, binary = false) => ({ type: 'message', binary, data });

describe('WebSocketClient against a ws server over TCP', () => {
  it('upgrades, exchanges messages, answers pings, and closes from the client side', async () => {
    const { port, connections } = await startServer();
    const p = peer(port);
    expect((await p.next()).type).toBe('open');
    expect(p.client.state).toBe('open');
    const [ws, req] = connections[0]!;
    expect(req.url).toBe('/?v=10&encoding=json');
    expect(req.headers['user-agent']).toBe('sansio-discord-gateway-test');
    expect(req.headers.host).toBe(`127.0.0.1:${port}`);

    const serverMessages: { binary: boolean; data: Uint8Array }[] = [];
    const serverPongs: string[] = [];
    ws.on('message', (data, isBinary) => {
      serverMessages.push({ binary: isBinary, data: new Uint8Array(data as Buffer) });
      ws.send(data, { binary: isBinary });
    });
    ws.on('pong', (data) => serverPongs.push(data.toString()));
    const closed = once(ws, 'close');

    ws.send('{"op":10,"d":{"heartbeat_interval":41250}}');
    expect(await p.next()).toEqual(messageOf(ascii('{"op":10,"d":{"heartbeat_interval":41250}}')));

    ws.ping('are you alive');
    expect(await p.next()).toEqual({ type: 'ping', data: ascii('are you alive') });
    await p.until(() => serverPongs.length === 1);
    expect(serverPongs).toEqual(['are you alive']);

    ws.send('frag', { fin: false });
    ws.send('mented', { fin: true });
    expect(await p.next()).toEqual(messageOf(ascii('fragmented')));

    p.write(p.client.send('{"op":1,"d":null} €'));
    expect(await p.next()).toEqual(messageOf(ascii('{"op":1,"d":null} €')));
    const big = pattern(300_000, 11);
    p.write(p.client.send(big));
    expect(digestEvents([await p.next()])).toEqual(digestEvents([messageOf(big, true)]));
    expect(digestEvents(serverMessages)).toEqual(
      digestEvents([
        { binary: false, data: ascii('{"op":1,"d":null} €') },
        { binary: true, data: big },
      ]),
    );

    p.write(p.client.close(4000, 'resuming'));
    expect(p.client.state).toBe('closing');
    expect(await p.next()).toEqual({ type: 'close', code: 4000, reason: 'resuming', clean: true });
    expect(p.client.state).toBe('closed');
    const [code, reason] = await closed;
    expect([code, reason.toString()]).toEqual([4000, 'resuming']);
    await p.until(() => p.ended);
  });

  it('answers a close from the server by echoing its code', async () => {
    const { port, connections } = await startServer();
    const p = peer(port);
    expect((await p.next()).type).toBe('open');
    const [ws] = connections[0]!;
    const closed = once(ws, 'close');
    ws.close(4004, 'Authentication failed.');
    expect(await p.next()).toEqual({ type: 'close', code: 4004, reason: 'Authentication failed.', clean: true });
    expect(p.client.state).toBe('closed');
    const [code] = await closed;
    expect(code).toBe(4004); // ws reports the code of the close frame we echoed
    await p.until(() => p.ended);
  });

  it('fails the connection with 1002 when the server sends a reserved opcode', async () => {
    const { port, connections } = await startServer();
    const p = peer(port);
    expect((await p.next()).type).toBe('open');
    const [ws] = connections[0]!;
    const closed = once(ws, 'close');
    // Raw bytes on the server's socket: a frame with opcode 3.
    (ws as unknown as { _socket: Socket })._socket.write(Uint8Array.of(0x83, 0x00));
    const event = (await p.next()) as { type: string; code: number; clean: boolean; error: { code: string } };
    expect(event.type).toBe('close');
    expect(event.code).toBe(1002);
    expect(event.clean).toBe(false);
    expect(event.error.code).toBe('WS_RESERVED_OPCODE');
    const [code] = await closed;
    expect(code).toBe(1002);
  });

  it('throws ConnectionRejected with ws’s status and body when the upgrade is refused', async () => {
    const { port } = await startServer({ verifyClient: (_info, done) => done(false, 401, 'Unauthorized') });
    const p = peer(port);
    await expect(p.next()).rejects.toThrow(ConnectionRejected);
    const rejection = p.failure as ConnectionRejected;
    expect(rejection.status).toBe(401);
    expect(rejection.headers['content-type']).toBe('text/html');
    expect(new TextDecoder().decode(rejection.body)).toBe('Unauthorized');
    expect(p.client.state).toBe('closed');
  });

  it('reports 1006 when the server drops TCP without a close frame', async () => {
    const { port, connections } = await startServer();
    const p = peer(port);
    expect((await p.next()).type).toBe('open');
    (connections[0]![0] as unknown as { _socket: Socket })._socket.end();
    expect(await p.next()).toEqual({
      type: 'close',
      code: 1006,
      reason: 'The stream ended without a close frame.',
      clean: false,
    });
  });
});
