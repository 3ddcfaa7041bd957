// WebSocketClient's `pullEvents` (one frame read per nextEvent()) and `deferTextValidation` (the
// caller checks text): the events and the bytes sent back must be those of the default client
// that reads everything at once and checks text itself, up to where the caller stops reading.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalProtocolError, WebSocketClient, type WebSocketClientEvent, type WebSocketClientOptions } from '../../codec/websocket/index.js';
import { randomChunks } from '../helpers/chunks.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { concat, hex, toHex } from '../helpers/bytes.js';
import { ascii } from './helpers.js';

const KEY = ascii('the sample nonce');
const MASK = hex('37fa213d');
const OK_RESPONSE = ascii(
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
);

function openClient(options: Partial<WebSocketClientOptions> = {}): WebSocketClient {
  const c = new WebSocketClient({
    url: 'wss://gateway.discord.gg/?v=10&encoding=json',
    random: (bytes) => {
      bytes.set(bytes.length === 16 ? KEY : MASK);
      return bytes;
    },
    ...options,
  });
  c.connect();
  c.receive(OK_RESPONSE);
  expect(c.nextEvent()).toMatchObject({ type: 'open' });
  return c;
}

/** Comparable form of an event (data as hex, the error by class and code). */
function shape(event: WebSocketClientEvent): unknown {
  if ('data' in event) return { ...event, data: toHex(event.data) };
  if (event.type === 'close' && event.error) return { ...event, error: [event.error.constructor.name, event.error.code] };
  return event;
}

function pullAll(c: WebSocketClient): unknown[] {
  const out: unknown[] = [];
  for (let event = c.nextEvent(); event !== null; event = c.nextEvent()) out.push(shape(event));
  return out;
}

const TEXT = hex('81 05 48656c6c6f'); // "Hello"
const BINARY = hex('82 03 010203');
const PING = hex('89 02 6869');
const BAD_TEXT = hex('81 02 c328');
const CLOSE = hex('88 02 03e8');

describe('WebSocketClient pullEvents', () => {
  it('reads one frame per nextEvent(), answering a ping only when it is read', () => {
    const c = openClient({ pullEvents: true });
    c.receive(concat([TEXT, BINARY, PING]));
    expect(c.takeOutgoing()).toEqual([]);
    expect(shape(c.nextEvent()!)).toEqual({ type: 'message', binary: false, data: '48656c6c6f' });
    expect(shape(c.nextEvent()!)).toEqual({ type: 'message', binary: true, data: '010203' });
    expect(c.takeOutgoing()).toEqual([]);
    expect(shape(c.nextEvent()!)).toEqual({ type: 'ping', data: '6869' });
    // A masked pong carrying the ping's data.
    expect(c.takeOutgoing().map(toHex)).toEqual(['8a8237fa213d5f93']);
    expect(c.nextEvent()).toBeNull();
  });

  it('gives the default client\'s events and replies for any split of the input', () => {
    const wire = concat([TEXT, PING, BINARY, hex('01 02 4865 00 01 6c 80 02 6c6f'), PING, hex('8a 00'), CLOSE, TEXT]);
    const eager = openClient();
    eager.receive(wire);
    const want = eager.events().map(shape);
    const wantOut = eager.takeOutgoing().map(toHex);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: wire.length }), (seed, maxPiece) => {
        const c = openClient({ pullEvents: true });
        const got: unknown[] = [];
        for (const chunk of randomChunks(wire, seededRandom(seed), maxPiece)) {
          c.receive(chunk);
          got.push(...pullAll(c));
        }
        expect(got).toEqual(want);
        expect(c.takeOutgoing().map(toHex)).toEqual(wantOut);
        expect(c.state).toBe('closed');
      }),
      { numRuns: 100 },
    );
  });

  it('ends with 1006 after the buffered frames when the stream ends', () => {
    const c = openClient({ pullEvents: true });
    c.receive(concat([TEXT, BINARY]));
    c.receive(null);
    expect(pullAll(c)).toEqual([
      { type: 'message', binary: false, data: '48656c6c6f' },
      { type: 'message', binary: true, data: '010203' },
      { type: 'close', code: 1006, reason: 'The stream ended without a close frame.', clean: false },
    ]);
    expect(c.state).toBe('closed');
  });

  it('fails a protocol error as the default client does', () => {
    const wire = concat([TEXT, hex('c1 00'), PING]);
    const eager = openClient();
    eager.receive(wire);
    const c = openClient({ pullEvents: true });
    c.receive(wire);
    expect(pullAll(c)).toEqual(eager.events().map(shape));
    expect(c.takeOutgoing().map(toHex)).toEqual(eager.takeOutgoing().map(toHex));
  });

  it('refuses events() (nextEvent() reads) and deferTextValidation without pullEvents', () => {
    const c = openClient({ pullEvents: true });
    expect(() => c.events()).toThrow(LocalProtocolError);
    expect(() => openClient({ deferTextValidation: true })).toThrow(expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }));
  });
});

describe('WebSocketClient deferTextValidation', () => {
  it('passes unchecked text on; failInvalidText() fails exactly as the checking client does', () => {
    const wire = concat([TEXT, BAD_TEXT, PING, CLOSE]);
    const eager = openClient();
    eager.receive(wire);
    const want = eager.events().map(shape);
    const wantOut = eager.takeOutgoing().map(toHex);
    expect(want.at(-1)).toMatchObject({ type: 'close', code: 1007, clean: false, error: ['WebSocketProtocolError', 'WS_INVALID_UTF8'] });

    const c = openClient({ pullEvents: true, deferTextValidation: true });
    c.receive(wire);
    expect(shape(c.nextEvent()!)).toEqual(want[0]);
    expect(shape(c.nextEvent()!)).toEqual({ type: 'message', binary: false, data: 'c328' });
    c.failInvalidText();
    expect(pullAll(c)).toEqual(want.slice(1));
    // The same close frame (1007 and the same reason); the ping after the bad text is never answered.
    expect(c.takeOutgoing().map(toHex)).toEqual(wantOut);
    expect(c.state).toBe('closed');
    c.receive(TEXT);
    expect(c.nextEvent()).toBeNull();
  });

  it('reads on normally when the caller accepts the text', () => {
    const c = openClient({ pullEvents: true, deferTextValidation: true });
    c.receive(concat([TEXT, PING]));
    expect(pullAll(c)).toEqual([
      { type: 'message', binary: false, data: '48656c6c6f' },
      { type: 'ping', data: '6869' },
    ]);
  });
});
