/**
 * `discord-gateway connect` against the fake gateway and against raw TCP servers that send exact
 * bytes: what it prints, the close frames it sends, its exit codes, and that the token never shows.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../adapters/node/cli/main.js';
import { startFakeGateway, type FakeGateway } from '../../adapters/fake-gateway/index.js';
import { type ClientFrame, parseClientFrames, readClose, upgradeResponse } from '../helpers/ws-wire.js';

const TOKEN = 'MTMwMDAwMDAwMDAwMDAwMDAwMQ.Gq1w2e.cliTokenSecretPart0123456789abcdefghijk';
let gateway: FakeGateway | null = null;
const servers: net.Server[] = [];
afterEach(async () => {
  await gateway?.close();
  gateway = null;
  for (const server of servers.splice(0)) server.close();
});

/** Runs the CLI in-process with captured streams; `stopWhen` aborts it (Ctrl-C) once true. */
function run(argv: string[], stopWhen?: (out: { stdout: string; stderr: string }) => boolean, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const controller = new AbortController();
  const poll = setInterval(() => {
    if (stopWhen?.(out)) controller.abort();
  }, 10);
  const exit = runCli(argv, {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env,
    signal: controller.signal,
  }).finally(() => clearInterval(poll));
  return { out, exit };
}

/** A raw TCP server that answers the upgrade correctly, then runs `after` with the socket. */
async function rawServer(after: (socket: net.Socket, request: string) => void, status = 101): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key: *(.+)\r\n/i.exec(head)![1]!.trim();
      if (status === 101) socket.write(upgradeResponse(key));
      else socket.write(`HTTP/1.1 ${status} Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      after(socket, head);
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, received };
}

/** The whole client frames in `bytes` after the HTTP request, unmasked (and checked as a client's must be). */
function clientFrames(bytes: Buffer): ClientFrame[] {
  return parseClientFrames(bytes.subarray(bytes.indexOf('\r\n\r\n') + 4)).frames;
}

describe('discord-gateway connect', () => {
  it('--json prints one {t,s,d} line per dispatch, states on stderr, and closes with 1000 on Ctrl-C', async () => {
    gateway = await startFakeGateway({ token: TOKEN, heartbeatInterval: 200 });
    const { out, exit } = run(['connect', '--url', gateway.url, '--intents', '513', '--json'], (o) => o.stdout.split('\n').length > 3, { DISCORD_TOKEN: TOKEN });
    await gateway.waitUntil(() => gateway!.sessions.size > 0);
    gateway.dispatch('MESSAGE_CREATE', { content: 'one' });
    gateway.dispatch('MESSAGE_CREATE', { content: 'two' });
    expect(await exit).toBe(0);
    const lines = out.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ t: 'READY', s: 1 });
    expect(lines.slice(1, 3)).toEqual([
      { t: 'MESSAGE_CREATE', s: 2, d: { content: 'one' } },
      { t: 'MESSAGE_CREATE', s: 3, d: { content: 'two' } },
    ]);
    expect(Object.keys(lines[1])).toEqual(['t', 's', 'd']);
    expect(out.stderr).toContain('state connected.identifying -> connected.ready');
    expect(out.stderr).toContain('interrupted: closing with 1000');
    const close = await gateway.waitUntil(() => gateway!.closes.find((c) => c.initiatedBy === 'client'));
    expect(close.code).toBe(1000);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  it('keeps the URL\'s host, port and path and adds v=10, encoding and compress', async () => {
    const server = await rawServer((socket) => socket.destroy());
    const { exit } = run(['connect', '--url', `ws://127.0.0.1:${server.port}/custom/path?x=1`, '--token', 'x', '--encoding', 'etf', '--compress', 'zlib-stream'], () => server.received.length > 0);
    await exit;
    const requestLine = server.received[0]!.toString('latin1').split('\r\n')[0];
    expect(requestLine).toBe('GET /custom/path?x=1&v=10&encoding=etf&compress=zlib-stream HTTP/1.1');
  });

  it('exits non-zero with the code and its meaning on a fatal close (4004)', async () => {
    gateway = await startFakeGateway({ token: 'the-right-token' });
    const { out, exit } = run(['connect', '--url', gateway.url, '--token', TOKEN]);
    expect(await exit).toBe(1);
    expect(out.stderr).toMatch(/4004.*token is invalid/);
    expect(gateway.allConnections.length).toBe(1);
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  for (const [name, frame, closeCode] of [
    ['a masked server frame', Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x7a, 0x20]), 1002],
    ['invalid UTF-8 in a text frame', Buffer.from([0x81, 0x02, 0xc3, 0x28]), 1007],
    ['a reserved opcode', Buffer.from([0x83, 0x00]), 1002],
  ] as const) {
    it(`answers ${name} with a close frame carrying ${closeCode} before dropping the connection`, async () => {
      let clientSocket: net.Socket | null = null;
      const server = await rawServer((socket) => {
        clientSocket = socket;
        socket.write(frame);
      });
      const { exit } = run(['connect', '--url', `ws://127.0.0.1:${server.port}`, '--token', 'x'], () => clientFrames(Buffer.concat(server.received)).length > 0);
      await exit;
      const frames = clientFrames(Buffer.concat(server.received));
      expect(frames[0]!.opcode).toBe(0x8);
      expect(readClose(frames[0]!.payload).code).toBe(closeCode);
      expect(clientSocket).not.toBeNull();
    });
  }

  it('sends nothing after a rejected upgrade and exits non-zero', async () => {
    const server = await rawServer(() => {}, 401);
    const { out, exit } = run(['connect', '--url', `ws://127.0.0.1:${server.port}`, '--token', TOKEN]);
    expect(await exit).toBe(1);
    expect(Buffer.concat(server.received).toString('latin1')).toMatch(/^GET [^\r]+ HTTP\/1\.1\r\n[\s\S]*\r\n\r\n$/);
    expect(out.stderr).toContain('WS_CONNECTION_REJECTED');
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });

  it('refuses to start without a token, with exit code 2', async () => {
    const { out, exit } = run(['connect', '--url', 'ws://127.0.0.1:1']);
    expect(await exit).toBe(2);
    expect(out.stderr).toContain('a token is needed');
  });
});
