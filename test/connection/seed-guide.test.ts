/**
 * The seed's README (discord-gateway 0.4), step by step, over real loopback TCP against the fake
 * gateway (a `ws` server). Each test follows one section of the guide.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../../adapters/fake-gateway/index.js';
import { CloseDiscordConnection, ConnectionRejected, DiscordConnection, type GatewayPayload } from '../../index.js';
import { BlockingSocket } from '../helpers/blocking-socket.js';

const PROPERTIES = { os: 'linux', browser: 'discord-gateway', device: 'discord-gateway' };
let gateway: FakeGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

/** The seed's `recv_event`: the next event, reading from the socket until one arrives. */
async function recvEvent(conn: DiscordConnection, sock: BlockingSocket): Promise<GatewayPayload> {
  for (;;) {
    for (const event of conn.events()) return event;
    for (const toSend of conn.receive(await sock.recv(65_536))) sock.send(toSend);
  }
}

/** "Bootstrapping and HELLOs": connect, upgrade, read until the HELLO. */
async function bootstrap(conn: DiscordConnection): Promise<{ sock: BlockingSocket; hello: GatewayPayload }> {
  const sock = await BlockingSocket.connect(conn.destination);
  sock.send(conn.connect());
  let hello: GatewayPayload | null = null;
  while (hello === null) {
    for (const toSend of conn.receive(await sock.recv(65_535))) sock.send(toSend);
    for (const event of conn.events()) {
      hello = event;
      break;
    }
  }
  return { sock, hello };
}

/** "Expected Disconnections": close, receive until CloseDiscordConnection, send its data, shut down. */
async function disconnect(conn: DiscordConnection, sock: BlockingSocket, code = 1000): Promise<CloseDiscordConnection> {
  sock.send(conn.close(code));
  let closed: CloseDiscordConnection | null = null;
  try {
    for (;;) for (const data of conn.receive(await sock.recv(65_535))) sock.send(data);
  } catch (error) {
    if (!(error instanceof CloseDiscordConnection)) throw error;
    closed = error;
    if (error.data !== null) sock.send(error.data);
  }
  sock.shutdownWrite();
  let received: Uint8Array | null = null;
  while (received === null || received.byteLength > 0) received = await sock.recv(65_535);
  sock.close();
  return closed;
}

describe('the seed guide over real TCP', () => {
  it('Quickstart: connect, HELLO, IDENTIFY, heartbeat and receive events', async () => {
    gateway = await startFakeGateway({ heartbeatInterval: 200 });
    const conn = new DiscordConnection(gateway.url, { encoding: 'json' });
    const sock = await BlockingSocket.connect(conn.destination);
    sock.send(conn.connect());
    const hello = await recvEvent(conn, sock);
    expect(hello.op).toBe(10);
    expect(conn.shouldResume).toBe(false);
    sock.send(conn.identify({ token: gateway.token, intents: 65535, properties: PROPERTIES }));
    // The heartbeater, as a timer instead of a thread.
    const heartbeater = setInterval(() => sock.send(conn.heartbeat()), conn.heartbeatInterval! * 1000);
    try {
      const ready = await recvEvent(conn, sock);
      expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
      gateway.dispatch('MESSAGE_CREATE', { id: '1', content: 'hello from the fake gateway' });
      let event = await recvEvent(conn, sock);
      while (event.op !== 0) event = await recvEvent(conn, sock);
      expect(event).toMatchObject({ t: 'MESSAGE_CREATE', s: 2, d: { content: 'hello from the fake gateway' } });
      // Heartbeats flowed and were acknowledged.
      await gateway.waitUntil(() => gateway!.received.some((r) => r.op === 1));
      let ack = await recvEvent(conn, sock);
      while (ack.op !== 11) ack = await recvEvent(conn, sock);
      expect(gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
    } finally {
      clearInterval(heartbeater);
    }
    await disconnect(conn, sock);
  });

  it('Connecting: destination is the host and port of the URI, and a bare host means wss on 443', () => {
    expect(new DiscordConnection('gateway.discord.gg', { encoding: 'json' }).destination).toEqual(['gateway.discord.gg', 443]);
    expect(new DiscordConnection('ws://127.0.0.1:8080/gw').destination).toEqual(['127.0.0.1', 8080]);
  });

  it('Bootstrapping: ConnectionRejected when the upgrade is refused', async () => {
    // A plain HTTP server that refuses every upgrade with 401 and a body.
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nunauthorized'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const conn = new DiscordConnection(`ws://127.0.0.1:${port}`);
    const sock = await BlockingSocket.connect(conn.destination);
    sock.send(conn.connect());
    let rejected: unknown = null;
    let hello = null;
    while (hello === null) {
      try {
        for (const toSend of conn.receive(await sock.recv(65_535))) sock.send(toSend);
      } catch (error) {
        rejected = error;
        break;
      }
      for (hello of conn.events()) break;
    }
    sock.close();
    server.close();
    expect(rejected).toBeInstanceOf(ConnectionRejected);
    expect((rejected as ConnectionRejected).status).toBe(401);
    expect(new TextDecoder().decode((rejected as ConnectionRejected).body)).toBe('unauthorized');
    expect(conn.state).toBe('backoff');
  });

  it('Heartbeating: the first beat after interval * random, each one carrying the last sequence', async () => {
    gateway = await startFakeGateway({ heartbeatInterval: 150 });
    const conn = new DiscordConnection(gateway.url);
    const { sock } = await bootstrap(conn);
    sock.send(conn.identify({ token: gateway.token, intents: 513, properties: PROPERTIES }));
    await recvEvent(conn, sock);
    gateway.dispatch('MESSAGE_CREATE', { content: 'x' });
    while ((await recvEvent(conn, sock)).op !== 0);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * conn.heartbeatInterval! * 1000));
    sock.send(conn.heartbeat());
    const beat = await gateway.waitUntil(() => gateway!.received.find((r) => r.op === 1));
    expect(beat.payload).toEqual({ op: 1, d: 2 });
    await disconnect(conn, sock);
  });

  it('Expected disconnections: close, CloseDiscordConnection, shutdown; a 1000 close ends the session', async () => {
    gateway = await startFakeGateway();
    const conn = new DiscordConnection(gateway.url);
    const { sock } = await bootstrap(conn);
    sock.send(conn.identify({ token: gateway.token, intents: 513, properties: PROPERTIES }));
    await recvEvent(conn, sock);
    const closed = await disconnect(conn, sock, 1000);
    expect(closed.closeCode).toBe(1000);
    expect(closed.data).toBeNull();
    expect(conn.shouldResume).toBe(false);
    const close = await gateway.waitUntil(() => gateway!.closes.find((c) => c.initiatedBy === 'client'));
    expect(close.code).toBe(1000);
  });

  it('Unexpected disconnections: the retry loop with reconnect(), then RESUME on the resume URL', async () => {
    gateway = await startFakeGateway({ heartbeatInterval: 10_000 });
    const conn = new DiscordConnection(gateway.url, { policies: { backoff: { baseMs: 10, capMs: 40 } } });
    let { sock } = await bootstrap(conn);
    sock.send(conn.identify({ token: gateway.token, intents: 513, properties: PROPERTIES }));
    await recvEvent(conn, sock);
    gateway.dispatch('MESSAGE_CREATE', { content: 'before' });
    while ((await recvEvent(conn, sock)).op !== 0);
    // The server asks for a reconnect (op 7): the connection starts the closing handshake itself.
    gateway.current.sendReconnect();
    let closed: CloseDiscordConnection | null = null;
    try {
      for (;;) for (const data of conn.receive(await sock.recv())) sock.send(data);
    } catch (error) {
      if (!(error instanceof CloseDiscordConnection)) throw error;
      closed = error;
    }
    expect(closed).toBeInstanceOf(CloseDiscordConnection);
    expect([...conn.events()].map((event) => event.op)).toContain(7);
    sock.close();
    const session = [...gateway.sessions.values()][0]!;
    const missed = session.dispatch('MESSAGE_CREATE', { content: 'while away' });
    const delays: number[] = [];
    // The seed's retry loop.
    for (;;) {
      const seconds = conn.reconnect();
      delays.push(seconds);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      try {
        ({ sock } = await bootstrap(conn));
      } catch (error) {
        if (error instanceof ConnectionRejected || (error as NodeJS.ErrnoException).code === 'ECONNREFUSED') continue;
        throw error;
      }
      break;
    }
    expect(delays[0]).toBeLessThan(0.04);
    expect(conn.shouldResume).toBe(true);
    sock.send(conn.resume(gateway.token));
    const replayed = await recvEvent(conn, sock);
    expect(replayed).toMatchObject({ t: 'MESSAGE_CREATE', s: missed.seq, d: { content: 'while away' } });
    expect(await recvEvent(conn, sock)).toMatchObject({ t: 'RESUMED' });
    expect(gateway.current.usedResumeUrl).toBe(true);
    expect(gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
    await disconnect(conn, sock);
  });

  it('The retry loop: reconnect() grows while connections fail, and should_reconnect stops a fatal close', async () => {
    gateway = await startFakeGateway({ token: 'the-real-token' });
    const conn = new DiscordConnection(gateway.url, { seed: 1, policies: { backoff: { baseMs: 1000, capMs: 60_000 } } });
    expect(conn.reconnect()).toBe(0);
    const ceilings: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Each attempt "fails" with EOF before HELLO (the seed's EOFError branch).
      conn.connect();
      expect(() => conn.receive(null)).toThrowError(/ended/);
      ceilings.push(conn.reconnect());
    }
    for (const [attempt, seconds] of ceilings.entries()) expect(seconds).toBeLessThan(2 ** attempt);
    expect(Math.max(...ceilings)).toBeGreaterThan(1);
    // A wrong token: the gateway closes with 4004 and the connection must not be retried.
    const { sock } = await bootstrap(conn);
    sock.send(conn.identify({ token: 'not-the-token', intents: 513, properties: PROPERTIES }));
    const error = await (async () => {
      try {
        for (;;) for (const data of conn.receive(await sock.recv())) sock.send(data);
      } catch (thrown) {
        return thrown as CloseDiscordConnection;
      }
    })();
    sock.close();
    expect(error).toBeInstanceOf(CloseDiscordConnection);
    expect(error!.closeCode).toBe(4004);
    expect(conn.shouldReconnect).toBe(false);
    expect(() => conn.reconnect()).toThrowError(/4004/);
  });

  it('Race conditions: the heartbeater skips sending while closing', async () => {
    gateway = await startFakeGateway();
    const conn = new DiscordConnection(gateway.url);
    const { sock } = await bootstrap(conn);
    sock.send(conn.identify({ token: gateway.token, intents: 513, properties: PROPERTIES }));
    await recvEvent(conn, sock);
    sock.send(conn.close(1000));
    expect(conn.closing).toBe(true);
    // The improved heartbeater: `if (!conn.closing) sock.send(conn.heartbeat())`.
    if (!conn.closing) sock.send(conn.heartbeat());
    await disconnect2(conn, sock);
    expect(gateway.received.filter((r) => r.op === 1)).toHaveLength(0);
  });
});

/** The rest of an expected disconnection, once the close frame is already out. */
async function disconnect2(conn: DiscordConnection, sock: BlockingSocket): Promise<void> {
  try {
    for (;;) for (const data of conn.receive(await sock.recv())) sock.send(data);
  } catch (error) {
    if (!(error instanceof CloseDiscordConnection)) throw error;
  }
  sock.close();
}

describe('the seed connection with every encoding and compression', () => {
  for (const encoding of ['json', 'etf'] as const) {
    for (const compress of [null, 'zlib-stream', 'zstd-stream'] as const) {
      it(`${encoding}${compress ? ` + ${compress}` : ''}: READY and dispatches arrive decoded`, async () => {
        gateway = await startFakeGateway({ splitCompressedMessages: compress === 'zlib-stream' });
        const conn = new DiscordConnection(gateway.url, { encoding, compress });
        const { sock } = await bootstrap(conn);
        sock.send(conn.identify({ token: gateway.token, intents: 513, properties: PROPERTIES }));
        expect(await recvEvent(conn, sock)).toMatchObject({ op: 0, t: 'READY', s: 1 });
        const snowflake = '1300000000000000001';
        gateway.dispatch('MESSAGE_CREATE', { id: snowflake, content: 'ünïcödé', channel_id: snowflake });
        let event = await recvEvent(conn, sock);
        while (event.op !== 0) event = await recvEvent(conn, sock);
        expect(event).toEqual({ op: 0, t: 'MESSAGE_CREATE', s: 2, d: { id: snowflake, content: 'ünïcödé', channel_id: snowflake } });
        expect(gateway.current.query.encoding).toBe(encoding);
        expect(gateway.current.query.compress || null).toBe(compress);
        await disconnect(conn, sock);
      });
    }
  }
});
