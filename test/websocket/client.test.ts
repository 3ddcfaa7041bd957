import { describe, expect, it } from 'vitest';
import {
  ConnectionRejected,
  computeAccept,
  encodeBase64,
  HandshakeError,
  LocalProtocolError,
  WebSocketClient,
  WebSocketProtocolError,
} from '../../codec/websocket/index.js';
import { concat, hex, toHex } from '../helpers/bytes.js';
import { ascii } from './helpers.js';

const KEY = ascii('the sample nonce'); // RFC 6455 1.3: dGhlIHNhbXBsZSBub25jZQ==
const MASK = hex('37fa213d'); // RFC 6455 5.7
const OK_RESPONSE = ascii(
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
);
const h = (s: string) => s.replace(/\s+/g, '');
/** The 101 response for a key made of 16 bytes of `fill`. */
const responseFor = (fill: number) =>
  ascii(
    'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrade\r\n' +
      `Sec-WebSocket-Accept: ${computeAccept(encodeBase64(new Uint8Array(16).fill(fill)))}\r\n\r\n`,
  );

/** A client whose key is the RFC sample and whose every mask is the RFC mask. */
function client(): WebSocketClient {
  return new WebSocketClient({
    url: 'wss://gateway.discord.gg/?v=10&encoding=json',
    random: (bytes) => {
      bytes.set(bytes.length === 16 ? KEY : MASK);
      return bytes;
    },
  });
}

function openClient(): WebSocketClient {
  const c = client();
  c.connect();
  c.receive(OK_RESPONSE);
  c.events();
  return c;
}

describe('WebSocketClient: opening', () => {
  it('writes the request, reads the response and the frames that came with it', () => {
    const c = client();
    expect(c.state).toBe('idle');
    expect(new TextDecoder().decode(c.connect())).toBe(
      'GET /?v=10&encoding=json HTTP/1.1\r\nHost: gateway.discord.gg\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(c.state).toBe('connecting');
    c.receive(concat([OK_RESPONSE, hex('81 05 48656c6c6f 89 05 48656c6c6f')]));
    expect(c.state).toBe('open');
    expect(c.events()).toEqual([
      {
        type: 'open',
        headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
      },
      { type: 'message', binary: false, data: ascii('Hello') },
      { type: 'ping', data: ascii('Hello') },
    ]);
    // The pong is the RFC 5.7 masked pong, byte for byte.
    expect(c.takeOutgoing().map(toHex)).toEqual([h('8a85 37fa213d 7f9f4d5158')]);
    expect(c.takeOutgoing()).toEqual([]);
    expect(c.events()).toEqual([]);
  });

  it('throws ConnectionRejected on a refusal, and then ignores the socket', () => {
    const c = client();
    c.connect();
    const refusal = ascii('HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!');
    expect(() => c.receive(refusal)).toThrow(ConnectionRejected);
    expect(c.state).toBe('closed');
    c.receive(hex('81 01 41'));
    expect(c.events()).toEqual([]);
  });

  it('throws WS_HANDSHAKE_INCOMPLETE when the stream ends during the handshake', () => {
    const c = client();
    c.connect();
    c.receive(OK_RESPONSE.subarray(0, 20));
    expect(() => c.receive(null)).toThrow(HandshakeError);
    expect(c.state).toBe('closed');
  });
});

describe('WebSocketClient: sending', () => {
  it('masks every frame with the injected random bytes', () => {
    const c = openClient();
    expect(toHex(c.send('Hello'))).toBe(h('8185 37fa213d 7f9f4d5158'));
    expect(toHex(c.send(ascii('Hello')))).toBe(h('8285 37fa213d 7f9f4d5158'));
    expect(toHex(c.send(ascii('Hello'), { binary: false }))).toBe(h('8185 37fa213d 7f9f4d5158'));
    expect(toHex(c.ping(ascii('Hello')))).toBe(h('8985 37fa213d 7f9f4d5158'));
  });

  it('draws a fresh mask for every frame', () => {
    let n = 0;
    const c = new WebSocketClient({
      url: 'ws://127.0.0.1/',
      random: (bytes) => bytes.fill(++n),
    });
    c.connect();
    c.receive(responseFor(1));
    expect(c.state).toBe('open');
    expect(toHex(c.send('A'))).toBe('818102020202' + '43');
    expect(toHex(c.send('A'))).toBe('818103030303' + '42');
  });

  it('refuses invalid UTF-8 sent as text', () => {
    const c = openClient();
    expect(() => c.send(hex('c328'), { binary: false })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }),
    );
  });
});

describe('WebSocketClient: closing', () => {
  it('answers a server close by echoing its code, and is then closed', () => {
    const c = openClient();
    c.receive(concat([hex('88 17 0fa4'), ascii('Authentication failed'), hex('81 01 41')]));
    expect(c.state).toBe('closed');
    expect(c.events()).toEqual([{ type: 'close', code: 4004, reason: 'Authentication failed', clean: true }]);
    // 0fa4 ^ 37fa = 385e: the code only, no reason.
    expect(c.takeOutgoing().map(toHex)).toEqual([h('8882 37fa213d 385e')]);
    c.receive(hex('81 01 42'));
    expect(c.events()).toEqual([]);
  });

  it('answers an empty server close with an empty close', () => {
    const c = openClient();
    c.receive(hex('88 00'));
    expect(c.events()).toEqual([{ type: 'close', code: null, reason: '', clean: true }]);
    expect(c.takeOutgoing().map(toHex)).toEqual([h('8880 37fa213d')]);
  });

  it('completes a close we started when the server echoes it, still reading and answering pings', () => {
    const c = openClient();
    // 4000 = 0fa0; ^ 37fa = 385a
    expect(toHex(c.close(4000))).toBe(h('8882 37fa213d 385a'));
    expect(c.state).toBe('closing');
    c.receive(hex('81 01 41 89 00'));
    expect(c.events()).toEqual([
      { type: 'message', binary: false, data: ascii('A') },
      { type: 'ping', data: new Uint8Array(0) },
    ]);
    expect(c.takeOutgoing().map(toHex)).toEqual([h('8a80 37fa213d')]);
    c.receive(hex('88 02 0fa0'));
    expect(c.state).toBe('closed');
    expect(c.events()).toEqual([{ type: 'close', code: 4000, reason: '', clean: true }]);
    expect(c.takeOutgoing()).toEqual([]);
  });

  it('reports 1006 when the stream ends without a close frame', () => {
    const c = openClient();
    c.receive(null);
    expect(c.state).toBe('closed');
    expect(c.events()).toEqual([
      { type: 'close', code: 1006, reason: 'The stream ended without a close frame.', clean: false },
    ]);
    expect(c.takeOutgoing()).toEqual([]);
  });
});

describe('WebSocketClient: protocol errors', () => {
  const cases: [string, string, number][] = [
    ['a masked frame', '81 85 37fa213d 7f9f4d5158', 1002],
    ['invalid UTF-8', '81 02 c328', 1007],
  ];
  for (const [name, input, closeCode] of cases) {
    it(`fails the connection on ${name} with close code ${closeCode}`, () => {
      const c = openClient();
      c.receive(concat([hex('81 01 41'), hex(input), hex('81 01 42')]));
      expect(c.state).toBe('closed');
      const events = c.events();
      expect(events.map((e) => e.type)).toEqual(['message', 'close']);
      const close = events[1] as { code: number; clean: boolean; error: WebSocketProtocolError };
      expect(close.code).toBe(closeCode);
      expect(close.clean).toBe(false);
      expect(close.error).toBeInstanceOf(WebSocketProtocolError);
      expect(close.error.closeCode).toBe(closeCode);
      const [frame] = c.takeOutgoing();
      // A masked close frame whose code, unmasked, is the error's close code.
      expect(frame![0]).toBe(0x88);
      expect(((frame![6]! ^ 0x37) << 8) | (frame![7]! ^ 0xfa)).toBe(closeCode);
      c.receive(hex('81 01 43'));
      expect(c.events()).toEqual([]);
    });
  }

  it('fails with 1009 on a message over maxMessageSize, and sends no second close while closing', () => {
    const c = new WebSocketClient({
      url: 'ws://a/',
      random: (b) => b.fill(1),
      maxMessageSize: 4,
    });
    c.connect();
    c.receive(responseFor(1));
    c.close(1000);
    c.receive(hex('82 05'));
    expect(c.state).toBe('closed');
    const [, close] = c.events() as [unknown, { code: number; error: WebSocketProtocolError }];
    expect(close.code).toBe(1009);
    expect(close.error.code).toBe('WS_MESSAGE_TOO_BIG');
    expect(c.takeOutgoing()).toEqual([]);
  });
});

describe('WebSocketClient: illegal calls throw LocalProtocolError', () => {
  const table: [string, (c: WebSocketClient) => void, (c: WebSocketClient) => unknown][] = [
    ['send before connect', () => {}, (c) => c.send('x')],
    ['receive before connect', () => {}, (c) => c.receive(hex('00'))],
    ['close before connect', () => {}, (c) => c.close()],
    ['send while connecting', (c) => c.connect(), (c) => c.send('x')],
    ['ping while connecting', (c) => c.connect(), (c) => c.ping()],
    ['connect twice', (c) => c.connect(), (c) => c.connect()],
    [
      'send while closing',
      (c) => {
        c.connect();
        c.receive(OK_RESPONSE);
        c.close();
      },
      (c) => c.send('x'),
    ],
    [
      'close twice',
      (c) => {
        c.connect();
        c.receive(OK_RESPONSE);
        c.close();
      },
      (c) => c.close(),
    ],
    [
      'send after closed',
      (c) => {
        c.connect();
        c.receive(concat([OK_RESPONSE, hex('88 00')]));
      },
      (c) => c.send('x'),
    ],
  ];
  for (const [name, setup, act] of table) {
    it(name, () => {
      const c = client();
      setup(c);
      const state = c.state;
      expect(() => act(c)).toThrow(LocalProtocolError);
      expect(() => act(c)).toThrow(expect.objectContaining({ code: 'WS_INVALID_STATE' }));
      expect(c.state).toBe(state);
    });
  }

  it('an invalid close code leaves the connection open', () => {
    const c = openClient();
    expect(() => c.close(1005)).toThrow(expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }));
    expect(c.state).toBe('open');
  });
});
