import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  encodeCloseFrame,
  encodeFrame,
  Opcode,
  type WebSocketFrameEvent,
} from '../../codec/websocket/index.js';
import { randomChunks } from '../helpers/chunks.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { concat } from '../helpers/bytes.js';
import { ascii, decodeChunks, digest, digestEvents, pattern } from './helpers.js';
import { Receiver, recordingSender, wsFrame } from './ws-internals.js';

type Heard =
  | { type: 'message'; binary: boolean; data: Uint8Array }
  | { type: 'ping' | 'pong'; data: Uint8Array }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; code: string };

/** Feeds our client frames to ws's server-side Receiver (which insists on masked frames). */
async function wsHears(chunks: Uint8Array[]): Promise<Heard[]> {
  const receiver = new Receiver({ isServer: true });
  const heard: Heard[] = [];
  receiver.on('message', (data, isBinary) => heard.push({ type: 'message', binary: isBinary, data: new Uint8Array(data) }));
  receiver.on('ping', (data) => heard.push({ type: 'ping', data: new Uint8Array(data) }));
  receiver.on('pong', (data) => heard.push({ type: 'pong', data: new Uint8Array(data) }));
  receiver.on('conclude', (code, reason) => heard.push({ type: 'close', code, reason: reason.toString() }));
  receiver.on('error', (error) => heard.push({ type: 'error', code: error.code }));
  for (const chunk of chunks) {
    await new Promise<void>((resolve) => receiver.write(Buffer.from(chunk), () => resolve()));
  }
  return heard;
}

const mask = (seed: number) => pattern(4, seed).map((b) => b | 1); // never all zero

describe('our frames, read by ws', () => {
  it('encodes byte for byte what ws Sender encodes with the same mask', () => {
    for (const length of [0, 1, 5, 125, 126, 127, 1000, 65535, 65536, 70000]) {
      for (const [opcode, fin] of [
        [Opcode.Text, true],
        [Opcode.Binary, true],
        [Opcode.Binary, false],
        [Opcode.Continuation, true],
      ] as const) {
        const payload = pattern(length, length + opcode);
        const m = mask(length);
        const ours = encodeFrame(opcode, payload, m, fin);
        const theirs = wsFrame(payload, {
          opcode,
          fin,
          mask: true,
          maskBuffer: Buffer.alloc(4),
          generateMask: (target) => target.set(m),
        });
        expect(digest(ours), `length ${length} opcode ${opcode}`).toBe(digest(theirs));
      }
    }
  });

  it('ws Receiver reads our messages, fragments, pings, pongs and close', async () => {
    const big = pattern(200_000, 9);
    const frames = [
      encodeFrame(Opcode.Text, ascii('{"op":1,"d":null}'), mask(1)),
      encodeFrame(Opcode.Binary, big, mask(2)),
      encodeFrame(Opcode.Text, ascii('frag'), mask(3), false),
      encodeFrame(Opcode.Ping, ascii('mid'), mask(4)),
      encodeFrame(Opcode.Continuation, ascii('mented €'), mask(5)),
      encodeFrame(Opcode.Pong, new Uint8Array(0), mask(6)),
      encodeFrame(Opcode.Binary, new Uint8Array(0), mask(7)),
      encodeCloseFrame(4000, 'resume please', mask(8)),
    ];
    const expected: Heard[] = [
      { type: 'message', binary: false, data: ascii('{"op":1,"d":null}') },
      { type: 'message', binary: true, data: big },
      { type: 'ping', data: ascii('mid') },
      { type: 'message', binary: false, data: ascii('fragmented €') },
      { type: 'pong', data: new Uint8Array(0) },
      { type: 'message', binary: true, data: new Uint8Array(0) },
      { type: 'close', code: 4000, reason: 'resume please' },
    ];
    expect(digestEvents(await wsHears([concat(frames)]))).toEqual(digestEvents(expected));
    expect(digestEvents(await wsHears(randomChunks(concat(frames), seededRandom(5), 3000)))).toEqual(digestEvents(expected));
  });

  it('ws Receiver reads our empty close and a truncated long reason', async () => {
    expect(await wsHears([encodeCloseFrame(undefined, '', mask(1))])).toEqual([{ type: 'close', code: 1005, reason: '' }]);
    const long = '€'.repeat(60);
    expect(await wsHears([encodeCloseFrame(1001, long, mask(2))])).toEqual([
      { type: 'close', code: 1001, reason: '€'.repeat(41) },
    ]);
  });
});

describe("ws Sender's frames, read by us", () => {
  it('decodes every kind of frame ws sends, in one chunk and in random chunks', () => {
    const { sender, written } = recordingSender();
    const big = Buffer.from(pattern(100_000, 4));
    sender.send('{"t":"READY","s":1}', { binary: false, fin: true, mask: false, compress: false });
    sender.send(big, { binary: true, fin: true, mask: false, compress: false });
    // ws's own fragmentation: first frame with the opcode, then continuations.
    sender.send('Hel', { binary: false, fin: false, mask: false, compress: false });
    sender.ping('are you there', false);
    sender.send('lo ', { binary: false, fin: false, mask: false, compress: false });
    sender.send('wörld', { binary: false, fin: true, mask: false, compress: false });
    sender.pong(Buffer.alloc(0), false);
    sender.send(Buffer.alloc(0), { binary: true, fin: true, mask: false, compress: false });
    sender.close(4004, 'Authentication failed.', false);
    const bytes = written();
    const expected: WebSocketFrameEvent[] = [
      { type: 'message', binary: false, data: ascii('{"t":"READY","s":1}') },
      { type: 'message', binary: true, data: new Uint8Array(big) },
      { type: 'ping', data: ascii('are you there') },
      { type: 'message', binary: false, data: ascii('Hello wörld') },
      { type: 'pong', data: new Uint8Array(0) },
      { type: 'message', binary: true, data: new Uint8Array(0) },
      { type: 'close', code: 4004, reason: 'Authentication failed.' },
    ];
    expect(digestEvents(decodeChunks([bytes]))).toEqual(digestEvents(expected));
    for (const seed of [1, 2, 3]) {
      expect(digestEvents(decodeChunks(randomChunks(bytes, seededRandom(seed), 4096)))).toEqual(digestEvents(expected));
    }
  });

  it('decodes ws frames of every length boundary', () => {
    for (const length of [0, 125, 126, 65535, 65536, 1 << 20]) {
      const payload = new Uint8Array(length);
      randomFillSync(payload);
      expect(digestEvents(decodeChunks([wsFrame(payload, { opcode: Opcode.Binary })]))).toEqual(
        digestEvents([{ type: 'message', binary: true, data: payload }]),
      );
    }
  });
});
