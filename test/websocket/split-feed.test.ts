// Any split of the input gives the same result as feeding it whole.
import { describe, expect, it } from 'vitest';
import { WebSocketClient, type WebSocketClientEvent } from '../../codec/websocket/index.js';
import { randomChunks } from '../helpers/chunks.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { concat, hex } from '../helpers/bytes.js';
import { ascii, decodeChunks, digestEvents, pattern, serverFrame } from './helpers.js';
import { recordingSender } from './ws-internals.js';

// Text, a fragmented text with a ping inside and a code point cut between fragments, a 16-bit
// length binary, empty frames, a pong, and a close with a reason.
const STREAM = concat([
  hex('81 05 48656c6c6f'),
  hex('01 03 48e282 89 02 6869 00 02 ac6c 80 01 6f'),
  serverFrame(0x82, pattern(300, 5)),
  hex('81 00 02 00 80 00 8a 00'),
  hex('88 05 03e8 627965'),
]);

describe('FrameDecoder split-feed', () => {
  const whole = decodeChunks([STREAM]);

  it('the reference decode', () => {
    expect(whole.map((e) => e.type)).toEqual(['message', 'ping', 'message', 'message', 'message', 'message', 'pong', 'close']);
    expect(whole[2]).toEqual({ type: 'message', binary: false, data: ascii('H€lo') });
  });

  it('gives the same events at every split point', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(decodeChunks([STREAM.subarray(0, cut), STREAM.subarray(cut)]), `cut ${cut}`).toEqual(whole);
    }
  });

  it('gives the same events for every pair of split points of the first frames', () => {
    const head = STREAM.subarray(0, 40);
    const reference = decodeChunks([head]);
    expect(reference.length).toBeGreaterThan(2);
    for (let a = 0; a <= head.length; a++) {
      for (let b = a; b <= head.length; b++) {
        const chunks = [head.subarray(0, a), head.subarray(a, b), head.subarray(b)];
        expect(decodeChunks(chunks), `cuts ${a}, ${b}`).toEqual(reference);
      }
    }
  });

  it('gives the same events byte by byte', () => {
    expect(decodeChunks(Array.from(STREAM, (b) => Uint8Array.of(b)))).toEqual(whole);
  });
});

describe('WebSocketClient split-feed: handshake response and frames in one stream', () => {
  const KEY = ascii('the sample nonce');
  const response = ascii(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
  );
  const input = concat([response, hex('81 05 48656c6c6f 89 02 6869 01 01 41 80 01 42 88 02 0fa4')]);

  function run(chunks: Uint8Array[]): { events: WebSocketClientEvent[]; outgoing: Uint8Array[]; state: string } {
    let n = 0;
    const client = new WebSocketClient({
      url: 'ws://example.com/',
      random: (bytes) => {
        if (bytes.length !== 16) return bytes.fill(++n);
        bytes.set(KEY);
        return bytes;
      },
    });
    client.connect();
    const events: WebSocketClientEvent[] = [];
    const outgoing: Uint8Array[] = [];
    for (const chunk of chunks) {
      client.receive(chunk);
      for (const e of client.events()) events.push('data' in e ? { ...e, data: e.data.slice() } : e);
      outgoing.push(...client.takeOutgoing());
    }
    return { events, outgoing, state: client.state };
  }

  const whole = run([input]);

  it('the reference run opens, reads, pongs and echoes the close', () => {
    expect(whole.events.map((e) => e.type)).toEqual(['open', 'message', 'ping', 'message', 'close']);
    expect(whole.outgoing).toHaveLength(2);
    expect(whole.state).toBe('closed');
  });

  it('is the same at every split point', () => {
    for (let cut = 0; cut <= input.length; cut++) {
      expect(run([input.subarray(0, cut), input.subarray(cut)]), `cut ${cut}`).toEqual(whole);
    }
  });

  it('is the same byte by byte', () => {
    expect(run(Array.from(input, (b) => Uint8Array.of(b)))).toEqual(whole);
  });
});

describe('FrameDecoder split-feed: a ~1 MB stream from ws Sender in seeded random chunks', () => {
  // Messages of every length form, some fragmented by ws, with pings between.
  const { sender, written } = recordingSender();
  const next = seededRandom(2024);
  let total = 0;
  let count = 0;
  while (total < 1_000_000) {
    const roll = next();
    const size = roll < 0.6 ? Math.floor(next() * 126) : roll < 0.9 ? Math.floor(next() * 65536) : 65536 + Math.floor(next() * 100_000);
    const data = Buffer.from(pattern(size, count + 1));
    const binary = next() < 0.5;
    const payload = binary ? data : Buffer.from(data.toString('base64'));
    if (next() < 0.2) {
      const third = Math.floor(payload.length / 3);
      sender.send(payload.subarray(0, third), { binary, fin: false, mask: false, compress: false });
      sender.ping(`p${count}`, false);
      sender.send(payload.subarray(third, 2 * third), { binary, fin: false, mask: false, compress: false });
      sender.send(payload.subarray(2 * third), { binary, fin: true, mask: false, compress: false });
    } else {
      sender.send(payload, { binary, fin: true, mask: false, compress: false });
    }
    total += payload.length;
    count++;
  }
  sender.close(1000, 'done', false);
  const stream = written();
  const whole = digestEvents(decodeChunks([stream]));

  it('decodes every message once', () => {
    expect(stream.length).toBeGreaterThan(1_000_000);
    expect(whole.filter((e) => (e as { type: string }).type === 'message')).toHaveLength(count);
    expect(whole.at(-1)).toEqual({ type: 'close', code: 1000, reason: 'done' });
  });

  for (const [seed, maxPiece] of [
    [1, 7],
    [2, 100],
    [3, 1500],
    [4, 16384],
    [5, 65536],
    [6, 300_000],
  ] as const) {
    it(`gives the same events in chunks of 1..${maxPiece} bytes (seed ${seed})`, () => {
      expect(digestEvents(decodeChunks(randomChunks(stream, seededRandom(seed), maxPiece)))).toEqual(whole);
    });
  }
});
