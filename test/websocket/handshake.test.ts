import { describe, expect, it } from 'vitest';
import {
  ConnectionRejected,
  computeAccept,
  createHandshakeRequest,
  HandshakeError,
  HandshakeResponseParser,
  LocalProtocolError,
  parseHandshakeResponse,
} from '../../codec/websocket/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { ascii } from './helpers.js';

// RFC 6455 section 1.3: the key is the base64 of these 16 bytes ("the sample nonce").
const SAMPLE_KEY = ascii('the sample nonce');
const SAMPLE_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

const OK_RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  `Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\n` +
  '\r\n';

describe('createHandshakeRequest', () => {
  it('writes the exact request for a Discord URL', () => {
    const request = createHandshakeRequest({
      url: 'wss://gateway.discord.gg/?v=10&encoding=json',
      key: SAMPLE_KEY,
      headers: { 'User-Agent': 'DiscordBot (https://example.com, 0.1)' },
    });
    expect(request.key).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(request.expectedAccept).toBe(SAMPLE_ACCEPT);
    expect(latin1(request.bytes)).toBe(
      'GET /?v=10&encoding=json HTTP/1.1\r\n' +
        'Host: gateway.discord.gg\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n' +
        'User-Agent: DiscordBot (https://example.com, 0.1)\r\n' +
        '\r\n',
    );
  });

  const hosts: [string, string, string][] = [
    ['ws://example.com', 'example.com', '/'],
    ['ws://example.com:80/chat', 'example.com', '/chat'],
    ['ws://example.com:443/', 'example.com:443', '/'],
    ['wss://example.com:443/a/b?x=1', 'example.com', '/a/b?x=1'],
    ['wss://example.com:80/', 'example.com:80', '/'],
    ['wss://example.com:8443/#frag', 'example.com:8443', '/'],
    ['http://127.0.0.1:8080/ws?a=b', '127.0.0.1:8080', '/ws?a=b'],
    ['https://EXAMPLE.com/', 'example.com', '/'],
    ['ws://[::1]:9000/', '[::1]:9000', '/'],
  ];
  for (const [url, host, target] of hosts) {
    it(`${url} -> Host ${host}, target ${target}`, () => {
      const text = latin1(createHandshakeRequest({ url: new URL(url), key: SAMPLE_KEY }).bytes);
      expect(text.startsWith(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n`)).toBe(true);
    });
  }

  it('rejects other schemes and unparsable URLs with WS_INVALID_URL', () => {
    for (const url of ['ftp://example.com/', 'file:///tmp/x', 'not a url', 'gateway.discord.gg']) {
      const attempt = () => createHandshakeRequest({ url, key: SAMPLE_KEY });
      expect(attempt).toThrow(LocalProtocolError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'WS_INVALID_URL' }));
    }
  });

  it('rejects a key that is not 16 bytes', () => {
    expect(() => createHandshakeRequest({ url: 'ws://a/', key: new Uint8Array(15) })).toThrow(
      expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }),
    );
  });

  it('rejects header injection, bad names and the handshake headers themselves', () => {
    const bad: Record<string, string>[] = [
      { 'X-A': 'ok\r\nX-Injected: 1' },
      { 'Bad Name': 'x' },
      { '': 'x' },
      { host: 'evil' },
      { 'Sec-WebSocket-Key': 'x' },
      { 'Sec-WebSocket-Extensions': 'permessage-deflate' },
      { 'X-Latin': 'caf\u00e9' },
    ];
    for (const headers of bad) {
      const attempt = () => createHandshakeRequest({ url: 'ws://a/', key: SAMPLE_KEY, headers });
      expect(attempt).toThrow(LocalProtocolError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'WS_INVALID_HEADER' }));
    }
  });
});

describe('HandshakeResponseParser', () => {
  it('accepts the RFC response and returns lower-case headers and no rest', () => {
    const result = parseHandshakeResponse(ascii(OK_RESPONSE), SAMPLE_ACCEPT);
    expect(result).toEqual({
      status: 101,
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': SAMPLE_ACCEPT },
      rest: new Uint8Array(0),
    });
  });

  it('returns the frames that came in the same chunk, at every split point and byte by byte', () => {
    const frames = hex('81 05 48656c6c6f 89 00');
    const input = concat([ascii(OK_RESPONSE), frames]);
    for (let cut = 0; cut <= input.length; cut++) {
      const parser = new HandshakeResponseParser(SAMPLE_ACCEPT);
      let result = parser.push(input.subarray(0, cut));
      if (cut < OK_RESPONSE.length) {
        expect(result).toBeNull();
        result = parser.push(input.subarray(cut));
        expect(result!.rest).toEqual(frames);
      } else {
        expect(result!.rest).toEqual(input.subarray(OK_RESPONSE.length, cut));
      }
    }
    const parser = new HandshakeResponseParser(SAMPLE_ACCEPT);
    const bytes = ascii(OK_RESPONSE);
    for (let i = 0; i < bytes.length - 1; i++) expect(parser.push(bytes.subarray(i, i + 1))).toBeNull();
    expect(parser.push(bytes.subarray(bytes.length - 1))!.status).toBe(101);
  });

  it('accepts case and token-list variations and joins repeated headers', () => {
    const response =
      'HTTP/1.1 101 \r\nupgrade:   WebSocket  \r\nCONNECTION: keep-alive, upgrade\r\n' +
      `sec-websocket-accept: ${SAMPLE_ACCEPT}\r\nX-Seen: 1\r\nx-seen: 2\r\n\r\n`;
    const result = parseHandshakeResponse(ascii(response), SAMPLE_ACCEPT);
    expect(result.headers).toEqual({
      upgrade: 'WebSocket',
      connection: 'keep-alive, upgrade',
      'sec-websocket-accept': SAMPLE_ACCEPT,
      'x-seen': '1, 2',
    });
  });

  const rejected101: [string, string][] = [
    ['no Upgrade', `HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\n\r\n`],
    ['Upgrade: h2c', `HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\n\r\n`],
    ['no Connection', `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\n\r\n`],
    ['Connection: upgrader', `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrader\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\n\r\n`],
    ['no accept', 'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
    ['wrong accept', 'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOA=\r\n\r\n'],
    ['an extension', `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n`],
    ['an unoffered subprotocol', `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\n\r\n`],
  ];
  for (const [name, response] of rejected101) {
    it(`rejects a 101 with ${name}`, () => {
      const attempt = () => parseHandshakeResponse(ascii(response + '\x81\x00'), SAMPLE_ACCEPT);
      expect(attempt).toThrow(ConnectionRejected);
      try {
        attempt();
      } catch (error) {
        const rejection = error as ConnectionRejected;
        expect(rejection.code).toBe('WS_CONNECTION_REJECTED');
        expect(rejection.status).toBe(101);
        expect(rejection.body).toEqual(new Uint8Array(0));
        expect(rejection.message).toMatch(/^The server's 101 response /);
      }
    });
  }

  it('accepts a subprotocol that was offered', () => {
    const response = `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${SAMPLE_ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\n\r\n`;
    const result = parseHandshakeResponse(ascii(response), SAMPLE_ACCEPT, { protocols: ['superchat', 'chat'] });
    expect(result.headers['sec-websocket-protocol']).toBe('chat');
  });

  it('waits for a Content-Length body, at every split, and carries it on the rejection', () => {
    const body = '{"message": "401: Unauthorized", "code": 0}';
    const input = ascii(
      `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    for (let cut = 0; cut < input.length; cut++) {
      const parser = new HandshakeResponseParser(SAMPLE_ACCEPT);
      expect(parser.push(input.subarray(0, cut))).toBeNull();
      let thrown: unknown;
      try {
        parser.push(input.subarray(cut));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConnectionRejected);
      const rejection = thrown as ConnectionRejected;
      expect(rejection.status).toBe(401);
      expect(rejection.headers['content-type']).toBe('application/json');
      expect(latin1(rejection.body)).toBe(body);
      expect(rejection.message).toBe('The server refused the WebSocket upgrade with HTTP 401 Unauthorized.');
    }
  });

  it('bounds the body kept, and without Content-Length keeps what came with the head', () => {
    const big = 'x'.repeat(10_000);
    const withLength = ascii(`HTTP/1.1 500 Oops\r\nContent-Length: ${big.length}\r\n\r\n${big}`);
    expect(() => parseHandshakeResponse(withLength, SAMPLE_ACCEPT, { maxBodyBytes: 100 })).toThrow(
      expect.objectContaining({ status: 500, body: ascii('x'.repeat(100)) }),
    );
    const noLength = ascii(`HTTP/1.1 404 Not Found\r\n\r\n${big}`);
    expect(() => parseHandshakeResponse(noLength, SAMPLE_ACCEPT)).toThrow(
      expect.objectContaining({ status: 404, body: ascii('x'.repeat(4096)) }),
    );
  });

  it('end() reports a body cut short, or a head cut short', () => {
    const parser = new HandshakeResponseParser(SAMPLE_ACCEPT);
    expect(parser.push(ascii('HTTP/1.1 503 Busy\r\nContent-Length: 10\r\n\r\nabc'))).toBeNull();
    expect(() => parser.end()).toThrow(expect.objectContaining({ status: 503, body: ascii('abc') }));

    const partial = new HandshakeResponseParser(SAMPLE_ACCEPT);
    expect(partial.push(ascii('HTTP/1.1 101 Switching'))).toBeNull();
    expect(() => partial.end()).toThrow(HandshakeError);
    expect(() => parseHandshakeResponse(ascii('HTTP/1.1 101 Switching\r\n'), SAMPLE_ACCEPT)).toThrow(
      expect.objectContaining({ code: 'WS_HANDSHAKE_INCOMPLETE' }),
    );
  });

  it('rejects a head longer than the bound, whether it arrives at once or byte by byte', () => {
    const long = ascii(`HTTP/1.1 101 OK\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    const attempt = () => parseHandshakeResponse(long, SAMPLE_ACCEPT);
    expect(attempt).toThrow(HandshakeError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'WS_HANDSHAKE_TOO_LARGE' }));

    const parser = new HandshakeResponseParser(SAMPLE_ACCEPT, { maxHeaderBytes: 100 });
    let thrownAt = -1;
    for (let i = 0; i < long.length; i++) {
      try {
        parser.push(long.subarray(i, i + 1));
      } catch (error) {
        expect((error as HandshakeError).code).toBe('WS_HANDSHAKE_TOO_LARGE');
        thrownAt = i;
        break;
      }
    }
    expect(thrownAt).toBe(100);
  });

  it('accepts a head of exactly maxHeaderBytes', () => {
    const bytes = ascii(OK_RESPONSE);
    expect(parseHandshakeResponse(bytes, SAMPLE_ACCEPT, { maxHeaderBytes: bytes.length }).status).toBe(101);
    expect(() => parseHandshakeResponse(bytes, SAMPLE_ACCEPT, { maxHeaderBytes: bytes.length - 1 })).toThrow(
      expect.objectContaining({ code: 'WS_HANDSHAKE_TOO_LARGE' }),
    );
  });

  const malformed = [
    'SSH-2.0-OpenSSH_9.6\r\n\r\n',
    'HTTP/2 101\r\n\r\n',
    'HTTP/1.1 1011 Nope\r\n\r\n',
    'HTTP/1.1 101 OK\r\nNo colon here\r\n\r\n',
    'HTTP/1.1 101 OK\r\n folded: header\r\n\r\n',
    'HTTP/1.1 101 OK\r\nBad Name: x\r\n\r\n',
    'HTTP/1.1 101 OK\r\nX: a\nInjected: b\r\n\r\n',
    '\r\n\r\n',
  ];
  for (const response of malformed) {
    it(`rejects malformed ${JSON.stringify(response.slice(0, 24))} with WS_HANDSHAKE_MALFORMED`, () => {
      const attempt = () => parseHandshakeResponse(ascii(response), SAMPLE_ACCEPT);
      expect(attempt).toThrow(HandshakeError);
      expect(attempt).not.toThrow(ConnectionRejected);
      expect(attempt).toThrow(expect.objectContaining({ code: 'WS_HANDSHAKE_MALFORMED' }));
    });
  }

  it('refuses to be fed after it finished', () => {
    const parser = new HandshakeResponseParser(SAMPLE_ACCEPT);
    parser.push(ascii(OK_RESPONSE));
    expect(() => parser.push(ascii('x'))).toThrow(expect.objectContaining({ code: 'WS_INVALID_STATE' }));
  });

  it('checks the accept derived from the request key end to end', () => {
    const request = createHandshakeRequest({ url: 'ws://a/', key: new Uint8Array(16).fill(7) });
    const accept = computeAccept(request.key);
    const response = `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
    expect(parseHandshakeResponse(ascii(response), request.expectedAccept).status).toBe(101);
  });
});
