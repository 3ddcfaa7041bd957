/**
 * The token is a secret: a whole session over real TCP, watched by an inspector, must not leak it
 * into any inspection event, snapshot, persisted snapshot, recorded input/command or error.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../../adapters/fake-gateway/index.js';
import { CloseDiscordConnection, DiscordConnection, type GatewayPayload } from '../../index.js';
import { BlockingSocket } from '../helpers/blocking-socket.js';

/** Token-shaped: base64 user id, timestamp and HMAC parts, as Discord issues them. */
const TOKEN = 'MTMwMDAwMDAwMDAwMDAwMDAwMQ.GhJk9a.Zx8vQ2mN4pL7sR1tY6uW3eA9bC5dF0gH2iJ4kL';
let gateway: FakeGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

async function next(conn: DiscordConnection, sock: BlockingSocket): Promise<GatewayPayload> {
  for (;;) {
    for (const event of conn.events()) return event;
    for (const data of conn.receive(await sock.recv())) sock.send(data);
  }
}

describe('the token', () => {
  it('never appears in inspection events, snapshots or errors of a whole session', async () => {
    gateway = await startFakeGateway({ token: TOKEN });
    const seen: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => seen.push(event) });
    const conn = new DiscordConnection(gateway.url, { inspect: inspector.inspect });
    const errors: unknown[] = [];
    const sock = await BlockingSocket.connect(conn.destination);
    sock.send(conn.connect());
    await next(conn, sock);
    const identify = conn.identify({ token: TOKEN, intents: 513, properties: { os: 'linux', browser: 'b', device: 'd' } });
    sock.send(identify);
    // The gateway accepted it: the (masked) bytes on the wire carried the token.
    expect(await next(conn, sock)).toMatchObject({ t: 'READY' });
    sock.send(conn.heartbeat());
    const persisted = JSON.stringify(conn.persist());
    try {
      conn.resume(TOKEN);
    } catch (error) {
      errors.push(error);
    }
    // A fatal close: the gateway says the token is bad.
    gateway.current.closeWith(4004, 'Authentication failed.');
    try {
      for (;;) for (const data of conn.receive(await sock.recv())) sock.send(data);
    } catch (error) {
      expect(error).toBeInstanceOf(CloseDiscordConnection);
      errors.push(error);
    }
    try {
      conn.reconnect();
    } catch (error) {
      errors.push(error);
    }
    sock.close();
    await vi.waitFor(() => expect(seen.some((event) => event.type === '@xstate.snapshot' && JSON.stringify(event).includes('failed'))).toBe(true));
    expect(errors).toHaveLength(3);
    const everything = JSON.stringify({ seen, persisted, errors: errors.map((e) => ({ ...(e as object), message: (e as Error).message, stack: (e as Error).stack })) });
    expect(everything.length).toBeGreaterThan(10_000);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.split('.')[2]);
  });
});
