import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressionError, ZlibStreamInflater } from '../../codec/compression/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { BitWriter, copy, gatewayText, ZLIB_HEADER, zlibStreamSegments } from './helpers.js';

const encoder = new TextEncoder();

/** Compares bytes exactly, reporting the first difference instead of a huge diff. */
function expectBytes(actual: Uint8Array | null, expected: Uint8Array): void {
  expect(actual).not.toBeNull();
  const a = actual!;
  if (a.length === expected.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(expected)) return;
  let i = 0;
  while (i < a.length && i < expected.length && a[i] === expected[i]) i++;
  expect({ length: a.length, firstDifference: i }).toEqual({ length: expected.length, firstDifference: expected.length });
}

/** Messages that exercise the window: large, repeated across messages, incompressible, empty. */
function messageSet(seed: number): Uint8Array[] {
  const random = seededRandom(seed);
  const big = gatewayText(70_000, random);
  const medium = gatewayText(40_000, random);
  const noise = randomBytes(50_000, random);
  return [
    encoder.encode('{"op":10,"d":{"heartbeat_interval":41250}}'),
    medium, // > 32 KiB
    big, // > 64 KiB
    big.slice(big.length - 30_000), // matches reaching back into the previous message
    concat([medium.subarray(0, 1000), big.subarray(5000, 9000)]), // only older text
    noise, // stored blocks
    concat([noise.subarray(49_000), encoder.encode('{"op":11}')]), // references into stored data
    gatewayText(300_000, random), // larger than the initial output buffer
    ...Array.from({ length: 150 }, (_, i) => gatewayText(500 + ((i * 997) % 3000), random)), // sliding
    encoder.encode('{"op":11}'),
  ];
}

async function expectRoundTrip(messages: Uint8Array[], options: zlib.ZlibOptions): Promise<void> {
  const segments = await zlibStreamSegments(messages, options);
  const inflater = new ZlibStreamInflater();
  for (let i = 0; i < messages.length; i++) expectBytes(inflater.push(segments[i]!), messages[i]!);
}

describe('ZlibStreamInflater against node:zlib', () => {
  it('inflates a recorded HELLO and HEARTBEAT_ACK to the exact bytes', () => {
    const inflater = new ZlibStreamInflater();
    const hello = inflater.push(
      hex(`789caa56ca2f50b23234d0514a51b2aa56ca484d2c2a494a4d2c89cfcc2b492d2a4bcc51b23231343235a8ad05000000ffff`),
    );
    expect(new TextDecoder().decode(hello!)).toBe('{"op":10,"d":{"heartbeat_interval":41250}}');
    expect(new TextDecoder().decode(inflater.push(hex('aa86a834ac05000000ffff'))!)).toBe('{"op":11}');
    expect(new TextDecoder().decode(inflater.push(hex('aa265a0b000000ffff'))!)).toBe(
      '{"op":10,"d":{"heartbeat_interval":41250}}',
    );
  });

  it('inflates messages of every shape at the default level', async () => {
    await expectRoundTrip(messageSet(1), {});
  });

  for (let level = 0; level <= 9; level++) {
    for (const memLevel of [1, 8, 9]) {
      it(`inflates level ${level}, memLevel ${memLevel}, windowBits 15`, async () => {
        await expectRoundTrip(messageSet(level * 10 + memLevel), { level, memLevel, windowBits: 15 });
      });
    }
  }

  for (const windowBits of [9, 10, 12, 14]) {
    it(`inflates a compressor using windowBits ${windowBits}`, async () => {
      await expectRoundTrip(messageSet(100 + windowBits), { windowBits });
    });
  }

  const strategies = {
    Z_FILTERED: zlib.constants.Z_FILTERED,
    Z_HUFFMAN_ONLY: zlib.constants.Z_HUFFMAN_ONLY,
    Z_RLE: zlib.constants.Z_RLE,
    Z_FIXED: zlib.constants.Z_FIXED, // fixed Huffman blocks only
  };
  for (const [name, strategy] of Object.entries(strategies)) {
    it(`inflates strategy ${name}`, async () => {
      await expectRoundTrip(messageSet(200 + strategy), { strategy });
    });
  }

  it('inflates long runs (distance 1 matches) and long messages of one byte', async () => {
    const messages = [new Uint8Array(200_000).fill(0x61), new Uint8Array(100_000).fill(0x61), encoder.encode('ab'.repeat(50_000))];
    await expectRoundTrip(messages, { level: 9 });
    await expectRoundTrip(messages, { level: 1 });
  });

  it('returns an empty message for a segment holding only an empty stored block', async () => {
    const [hello] = await zlibStreamSegments([encoder.encode('hello')]);
    const inflater = new ZlibStreamInflater();
    inflater.push(hello!);
    // zlib writes nothing for a second flush in a row; an empty block is what a flush would be.
    expect(inflater.push(hex('00 00 00 ff ff'))).toEqual(new Uint8Array(0));
  });

  it('returns a view that the next push may overwrite, so callers copy or decode first', async () => {
    const messages = [encoder.encode('first message'), encoder.encode('second one')];
    const segments = await zlibStreamSegments(messages);
    const inflater = new ZlibStreamInflater();
    const first = inflater.push(segments[0]!)!;
    const kept = copy(first);
    inflater.push(segments[1]!);
    expect(kept).toEqual(messages[0]);
  });

  it('inflates two flushed messages that arrive in one push as their concatenation', async () => {
    const messages = [encoder.encode('{"op":11}'), encoder.encode('{"op":1,"d":5}')];
    const segments = await zlibStreamSegments(messages);
    const inflater = new ZlibStreamInflater();
    expectBytes(inflater.push(concat(segments)), concat(messages));
  });

  describe('legal DEFLATE that zlib itself never emits', () => {
    it('accepts a match that reaches back to the very first byte of the stream', () => {
      // Fixed block: literal 'a', then length 3 (symbol 257) at distance 1 when one byte exists.
      const bits = new BitWriter().bits(0, 1).bits(1, 2).code(0x30 + 0x61, 8).code(1, 7).code(0, 5).code(0, 7);
      const stream = concat([ZLIB_HEADER, bits.syncFlush().finish()]);
      const expected = encoder.encode('aaaa');
      expectBytes(new ZlibStreamInflater().push(stream), expected);
      expect(zlib.inflateSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH })).toEqual(Buffer.from(expected));
    });

    it('keeps the full 32 KiB window: every message is one match at distance 32768', () => {
      // zlib never reaches farther back than 32506 bytes; the format allows 32768.
      const random = seededRandom(77);
      const seed = randomBytes(40_000, random);
      const first = concat([ZLIB_HEADER, new BitWriter().bits(0, 3).align().raw([0x40, 0x9c, 0xbf, 0x63]).raw(seed).syncFlush().finish()]);
      // length 258 = symbol 285 (fixed code 11000101), distance 32768 = symbol 29 + 8191 extra.
      const farMatch = new BitWriter().bits(0, 1).bits(1, 2).code(0b11000101, 8).code(29, 5).bits(8191, 13).code(0, 7);
      const segment = farMatch.syncFlush().finish();
      const history = Array.from(seed);
      const inflater = new ZlibStreamInflater();
      expectBytes(inflater.push(first), seed);
      const segments = [first];
      for (let i = 0; i < 1500; i++) {
        const start = history.length - 32768;
        const expected = new Uint8Array(history.slice(start, start + 258));
        history.push(...expected);
        expectBytes(inflater.push(segment), expected);
        segments.push(segment);
      }
      const theirs = zlib.inflateSync(concat(segments), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(theirs.equals(Buffer.from(history))).toBe(true);
    });
  });

  describe('reset()', () => {
    it('starts a new stream, with its own zlib header, after reset', async () => {
      const a = [gatewayText(5000, seededRandom(7)), gatewayText(5000, seededRandom(8))];
      const b = [gatewayText(6000, seededRandom(9)), a[0]!];
      const segmentsA = await zlibStreamSegments(a);
      const segmentsB = await zlibStreamSegments(b, { level: 9 });
      const inflater = new ZlibStreamInflater();
      for (let i = 0; i < a.length; i++) expectBytes(inflater.push(segmentsA[i]!), a[i]!);
      inflater.reset();
      for (let i = 0; i < b.length; i++) expectBytes(inflater.push(segmentsB[i]!), b[i]!);
    });

    it('does not keep the old window: a segment that refers back into it fails after reset', async () => {
      const text = gatewayText(5000, seededRandom(11));
      const [first, second] = await zlibStreamSegments([text, text]);
      const inflater = new ZlibStreamInflater();
      inflater.push(first!);
      inflater.reset();
      // A fresh header followed by a segment that only makes sense with the old history.
      expect(() => inflater.push(concat([first!.subarray(0, 2), second!]))).toThrowError(
        expect.objectContaining({ code: 'ZLIB_BAD_DATA' }),
      );
    });

    it('drops input buffered before reset', async () => {
      const [segment] = await zlibStreamSegments([encoder.encode('hello')]);
      const inflater = new ZlibStreamInflater();
      expect(inflater.push(segment!.subarray(0, 5))).toBeNull();
      inflater.reset();
      expectBytes(inflater.push(segment!), encoder.encode('hello'));
    });

    it('rejects a second stream header without reset', async () => {
      const [segment] = await zlibStreamSegments([encoder.encode('hello')]);
      const inflater = new ZlibStreamInflater();
      inflater.push(segment!);
      let error: unknown;
      try {
        inflater.push(segment!);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CompressionError);
    });
  });
});
