// FrameDecoder's performance options: `deferTextValidation` (the caller checks unfragmented text)
// and `reuseBuffers` (frames spanning pushes assembled in one reused buffer). Both must give the
// events the default decoder gives, for any split of the input; only what they promise differs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, type FrameDecoderOptions, WebSocketProtocolError } from '../../codec/websocket/index.js';
import { REUSED_BUFFER_KEEP } from '../../codec/websocket/frame-decoder.js';
import { randomChunks } from '../helpers/chunks.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { concat, hex } from '../helpers/bytes.js';
import { frame } from '../helpers/ws-wire.js';
import { ascii, drain, pattern } from './helpers.js';

/** An unmasked server frame. */
const serverFrame = (opcode: number, payload: Uint8Array, fin = true): Uint8Array => frame({ opcode, payload, fin });

/** Decodes the chunks, reading each `data` at once (as a caller of `reuseBuffers` must), as base64. */
function decode(chunks: Uint8Array[], options?: FrameDecoderOptions) {
  const decoder = new FrameDecoder(options);
  const out: unknown[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let event = decoder.next(); event !== null; event = decoder.next()) {
      out.push('data' in event ? { ...event, data: Buffer.from(event.data).toString('base64') } : event);
    }
  }
  return out;
}

const BAD_TEXT = hex('c328');

describe('FrameDecoder deferTextValidation', () => {
  it('passes an unfragmented text message on unchecked', () => {
    const decoder = new FrameDecoder({ deferTextValidation: true });
    decoder.push(serverFrame(1, BAD_TEXT));
    expect(drain(decoder)).toEqual([{ type: 'message', binary: false, data: BAD_TEXT }]);
  });

  it('still checks fragmented text, failing at the first bad fragment', () => {
    const decoder = new FrameDecoder({ deferTextValidation: true });
    decoder.push(serverFrame(1, hex('ff'), false));
    expect(() => decoder.next()).toThrow(expect.objectContaining({ code: 'WS_INVALID_UTF8', closeCode: 1007 }));
  });

  it('still checks close reasons', () => {
    const decoder = new FrameDecoder({ deferTextValidation: true });
    decoder.push(serverFrame(8, concat([hex('03e8'), BAD_TEXT])));
    expect(() => decoder.next()).toThrow(expect.objectContaining({ code: 'WS_INVALID_UTF8', closeCode: 1007 }));
  });

  it('fail() stops the decoder with the caller\'s error', () => {
    const decoder = new FrameDecoder({ deferTextValidation: true });
    decoder.push(concat([serverFrame(1, BAD_TEXT), serverFrame(2, hex('01'))]));
    expect(decoder.next()).toMatchObject({ type: 'message', binary: false });
    const error = new WebSocketProtocolError('WS_INVALID_UTF8', 1007, 'The server sent invalid UTF-8 in a text message.');
    decoder.fail(error);
    expect(() => decoder.next()).toThrow(error);
    decoder.push(serverFrame(2, hex('02')));
    expect(() => decoder.next()).toThrow(error);
  });
});

describe('FrameDecoder reuseBuffers', () => {
  it('assembles frames that span pushes in one reused buffer', () => {
    const decoder = new FrameDecoder({ reuseBuffers: true });
    const a = pattern(3000, 1);
    const b = pattern(2000, 2);
    const wire = concat([serverFrame(2, a), serverFrame(2, b)]);
    const first: Uint8Array[] = [];
    for (const chunk of [wire.subarray(0, 1000), wire.subarray(1000, 3500), wire.subarray(3500)]) {
      decoder.push(chunk);
      for (let event = decoder.next(); event !== null; event = decoder.next()) {
        if (event.type === 'message') first.push(event.data);
      }
    }
    expect(first).toHaveLength(2);
    // Both views share the reused buffer; the second overwrote the first.
    expect(first[0]!.buffer).toBe(first[1]!.buffer);
    expect(first[1]).toEqual(b);
  });

  it('hands out a frame that sits inside one push without copying it', () => {
    const decoder = new FrameDecoder({ reuseBuffers: true });
    const wire = serverFrame(2, pattern(100));
    decoder.push(wire);
    const event = decoder.next();
    expect(event).toMatchObject({ type: 'message', binary: true });
    expect((event as { data: Uint8Array }).data.buffer).toBe(wire.buffer);
  });

  it(`drops an assembly buffer over ${REUSED_BUFFER_KEEP} bytes once the input is drained`, () => {
    const decoder = new FrameDecoder({ reuseBuffers: true });
    const big = pattern(REUSED_BUFFER_KEEP + 10, 3);
    const wire = concat([serverFrame(2, big), serverFrame(2, pattern(5000, 4))]);
    const cut = serverFrame(2, big).length;
    decoder.push(wire.subarray(0, 100));
    expect(decoder.next()).toBeNull();
    decoder.push(wire.subarray(100, cut));
    const message = decoder.next() as { data: Uint8Array };
    const kept = message.data.buffer;
    expect(message.data).toEqual(big);
    expect(decoder.next()).toBeNull();
    // The next spanning frame gets a fresh buffer: the big one was let go.
    decoder.push(wire.subarray(cut, cut + 10));
    decoder.push(wire.subarray(cut + 10));
    const next = decoder.next() as { data: Uint8Array };
    expect(next.data.buffer).not.toBe(kept);
    expect(next.data.byteLength).toBe(5000);
  });
});

describe('both options give the default decoder\'s events for any split', () => {
  const text = ascii(JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', d: { content: 'héllo 😀'.repeat(40) } }));
  const wire = concat([
    serverFrame(2, pattern(20_000, 5)),
    serverFrame(1, text),
    serverFrame(9, hex('0102')),
    serverFrame(1, text.subarray(0, 10), false),
    serverFrame(0, text.subarray(10)),
    serverFrame(2, pattern(300, 6)),
    serverFrame(1, BAD_TEXT.subarray(0, 0)),
    serverFrame(8, concat([hex('03e8'), ascii('bye')])),
  ]);
  const expected = decode([wire]);

  it('every split point of a small stream', () => {
    const small = concat([serverFrame(1, text.subarray(0, 40)), serverFrame(9, hex('01')), serverFrame(2, pattern(200, 7))]);
    const want = decode([small]);
    for (let i = 0; i <= small.length; i++) {
      const chunks = [small.subarray(0, i), small.subarray(i)];
      expect(decode(chunks, { reuseBuffers: true, deferTextValidation: true })).toEqual(want);
    }
  });

  it('seeded random chunkings of a large stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 50, max: 20_000 }), (seed, maxPiece) => {
        const chunks = randomChunks(wire, seededRandom(seed), maxPiece);
        expect(decode(chunks, { reuseBuffers: true })).toEqual(expected);
        expect(decode(chunks, { reuseBuffers: true, deferTextValidation: true })).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
