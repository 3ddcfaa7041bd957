/**
 * `createGatewayClient` of the web adapter, whole, over a scripted WebSocket: the URL it opens,
 * IDENTIFY going out as a text message (JSON) or a binary one (ETF, encoded and decoded by the
 * fake gateway's independent codec), READY, a send, and a clean 1000 close. Plus the platform
 * defaults (IDENTIFY `os` from `navigator`) and the error on a platform without WebSocket.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeEtf, encodeEtf } from '../../adapters/fake-gateway/index.js';
import { createGatewayClient, platformOs, WebSocketUnavailableError } from '../../adapters/web/index.js';
import { FakeWebSocket } from './fake-websocket.js';

const TOKEN = 'MTI5OTk5OTk5OTk5OTk5OTk5OQ.Unit.web-client-canary-0c4f';
const HELLO = { op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null };
const READY = {
  op: 0,
  s: 1,
  t: 'READY',
  d: {
    v: 10,
    session_id: 'web-session-1',
    resume_gateway_url: 'ws://127.0.0.1:1234/resume',
    user: { id: '1', username: 'bot', discriminator: '0', global_name: null, avatar: null, bot: true },
    guilds: [],
    application: { id: '1', flags: 0 },
  },
};

/** Lets the client run what it queued (promises, zero-delay work). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('navigator', { platform: 'Linux x86_64' });
});
afterEach(() => vi.unstubAllGlobals());

describe('createGatewayClient (web) over a scripted WebSocket', () => {
  it('json: opens the gateway URL, IDENTIFYs in a text message, is ready at READY, sends, closes with 1000', async () => {
    const client = createGatewayClient({ token: TOKEN, intents: 513, url: 'ws://127.0.0.1:1234', identifyQueue: null, webSocket: FakeWebSocket });
    const ready = client.connect();
    const socket = FakeWebSocket.last;
    expect(socket.url).toBe('ws://127.0.0.1:1234/?v=10&encoding=json');
    expect(socket.binaryType).toBe('arraybuffer');
    socket.fireOpen();
    socket.fireMessage(JSON.stringify(HELLO));
    await settle();
    expect(typeof socket.sent[0]).toBe('string');
    const identify = JSON.parse(socket.sent[0] as string);
    expect(identify).toMatchObject({ op: 2, d: { token: TOKEN, intents: 513, properties: { os: 'linux', browser: 'sansio-discord-gateway', device: 'sansio-discord-gateway' } } });
    socket.fireMessage(JSON.stringify(READY));
    await ready;
    expect(client.state).toBe('connected.ready');
    expect(client.sessionId).toBe('web-session-1');
    const sent = client.send({ op: 3, d: { since: null, activities: [], status: 'idle', afk: false } } as never);
    await sent;
    expect(JSON.parse(socket.sent[1] as string)).toEqual({ op: 3, d: { since: null, activities: [], status: 'idle', afk: false } });
    const closing = client.close();
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: '' }]);
    socket.fireClose(1000);
    await closing;
    expect(client.state).toBe('closed');
  });

  it('etf: IDENTIFY goes out as a binary message of ETF bytes; binary ArrayBuffers come in', async () => {
    const client = createGatewayClient({ token: TOKEN, intents: 1, url: 'ws://127.0.0.1:1234', encoding: 'etf', identifyQueue: null, webSocket: FakeWebSocket });
    const ready = client.connect();
    const socket = FakeWebSocket.last;
    expect(socket.url).toBe('ws://127.0.0.1:1234/?v=10&encoding=etf');
    socket.fireOpen();
    const hello = encodeEtf(HELLO);
    socket.fireMessage(hello.buffer.slice(hello.byteOffset, hello.byteOffset + hello.byteLength));
    await settle();
    expect(socket.sent[0]).toBeInstanceOf(Uint8Array);
    expect((socket.sent[0] as Uint8Array)[0]).toBe(131);
    expect(decodeEtf(socket.sent[0] as Uint8Array)).toMatchObject({ op: 2, d: { token: TOKEN, intents: 1 } });
    const readyBytes = encodeEtf(READY);
    socket.fireMessage(readyBytes.buffer.slice(readyBytes.byteOffset, readyBytes.byteOffset + readyBytes.byteLength));
    await ready;
    expect(client.sessionId).toBe('web-session-1');
    const closing = client.close(4000);
    expect(socket.closeCalls).toEqual([{ code: 4000, reason: '' }]);
    socket.fireClose(4000);
    await closing;
  });

  it('a server close code reaches the client as sent; a dropped connection as null', async () => {
    const client = createGatewayClient({ token: TOKEN, intents: 1, url: 'ws://127.0.0.1:1234', identifyQueue: null, webSocket: FakeWebSocket, policies: { backoff: { baseMs: 1, capMs: 1 } } });
    const closes: unknown[] = [];
    client.on('close', (info) => closes.push(info));
    client.on('error', () => {});
    void client.connect().catch(() => {});
    const first = FakeWebSocket.last;
    first.fireOpen();
    first.fireClose(1006);
    await vi.waitFor(() => expect(FakeWebSocket.made).toHaveLength(2));
    FakeWebSocket.last.fireOpen();
    FakeWebSocket.last.fireClose(4004, 'Authentication failed.');
    await vi.waitFor(() => expect(client.state).toBe('failed'));
    expect(closes).toEqual([
      { code: null, reason: 'the WebSocket closed' },
      { code: 4004, reason: 'Authentication failed.' },
    ]);
  });

  it('throws WebSocketUnavailableError at creation where there is no WebSocket (Node 20)', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => createGatewayClient({ token: TOKEN, intents: 1 })).toThrow(WebSocketUnavailableError);
  });
});

describe('platformOs', () => {
  it('from client hints first, then navigator.platform, else unknown', () => {
    expect(platformOs({ userAgentData: { platform: 'macOS' }, platform: 'MacIntel' })).toBe('macos');
    expect(platformOs({ platform: 'Win32' })).toBe('windows');
    expect(platformOs({ platform: 'MacIntel' })).toBe('macos');
    expect(platformOs({ platform: 'Linux x86_64' })).toBe('linux');
    expect(platformOs({ userAgentData: { platform: 'Android' } })).toBe('android');
    expect(platformOs({ platform: '' })).toBe('unknown');
    expect(platformOs({})).toBe('unknown');
    expect(platformOs()).toBe('linux'); // the global navigator (stubbed above)
    vi.stubGlobal('navigator', undefined);
    expect(platformOs()).toBe('unknown');
  });
});
