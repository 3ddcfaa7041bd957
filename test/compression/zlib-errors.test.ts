import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CompressionLimitError,
  CompressionOptionError,
  DEFAULT_MAX_MESSAGE_SIZE,
  ZlibStreamInflater,
} from '../../codec/compression/index.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { SYNC_FLUSH_MARKER } from '../helpers/sync-flush.js';
import { concat, hex } from '../helpers/bytes.js';
import { BitWriter, gatewayText, thrownCompressionError, ZLIB_HEADER, zlibStreamSegments } from './helpers.js';

const encoder = new TextEncoder();

/** Size of the inflater's output buffer (history + message), read for the memory bound. */
function outputCapacity(inflater: ZlibStreamInflater): number {
  return (inflater as unknown as { output: { buf: Uint8Array } }).output.buf.length;
}

/** A one-segment stream: zlib header, the given deflate bits, then a sync flush. */
function stream(build: (w: BitWriter) => BitWriter): Uint8Array {
  return concat([ZLIB_HEADER, build(new BitWriter()).syncFlush().finish()]);
}

/**
 * Writes a dynamic block header whose code lengths are all 0 or 2, with a code-length code where
 * "0" means length 0 and "1" means length 2.
 */
function dynamicHeader(w: BitWriter, literalTwoBit: number[], distanceTwoBit: number[]): BitWriter {
  const nlit = Math.max(256, ...literalTwoBit) + 1;
  const ndist = Math.max(0, ...distanceTwoBit) + 1;
  w.bits(0, 1).bits(2, 2).bits(nlit - 257, 5).bits(ndist - 1, 5).bits(12, 4);
  // Code-length code lengths in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2: symbols 0 and 2 get 1.
  for (let i = 0; i < 16; i++) w.bits(i === 3 || i === 15 ? 1 : 0, 3);
  for (let s = 0; s < nlit; s++) w.code(literalTwoBit.includes(s) ? 1 : 0, 1);
  for (let s = 0; s < ndist; s++) w.code(distanceTwoBit.includes(s) ? 1 : 0, 1);
  return w;
}

describe('ZlibStreamInflater bounds', () => {
  it('stops a decompression bomb at maxMessageSize without allocating past it', async () => {
    const bomb = new Uint8Array(50 * 1024 * 1024); // 50 MiB of zeros, ~50 KB compressed
    const [segment] = await zlibStreamSegments([bomb], { level: 9 });
    expect(segment!.length).toBeLessThan(100_000);
    const maxMessageSize = 1024 * 1024;
    const inflater = new ZlibStreamInflater({ maxMessageSize });
    for (let round = 0; round < 3; round++) {
      const error = thrownCompressionError(() => inflater.push(segment!));
      expect(error).toBeInstanceOf(CompressionLimitError);
      expect(error.code).toBe('INFLATED_TOO_LARGE');
      expect((error as CompressionLimitError).limit).toBe(maxMessageSize);
      expect(error.closeCode).toBe(1009);
      expect(outputCapacity(inflater)).toBeLessThanOrEqual(maxMessageSize + 32768);
      inflater.reset();
    }
  });

  it('applies the 64 MiB default bound', async () => {
    expect(DEFAULT_MAX_MESSAGE_SIZE).toBe(64 * 1024 * 1024);
    const [segment] = await zlibStreamSegments([new Uint8Array(DEFAULT_MAX_MESSAGE_SIZE + 1)], { level: 9 });
    const inflater = new ZlibStreamInflater();
    expect(thrownCompressionError(() => inflater.push(segment!)).code).toBe('INFLATED_TOO_LARGE');
    expect(outputCapacity(inflater)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_SIZE + 32768);
  });

  for (const [name, make] of [
    ['text (matches)', (n: number) => gatewayText(n, seededRandom(n))],
    ['random bytes (stored blocks)', (n: number) => randomBytes(n, seededRandom(n))],
    ['one repeated byte (long matches)', (n: number) => new Uint8Array(n).fill(7)],
  ] as const) {
    for (const options of [{}, { strategy: zlib.constants.Z_FIXED }, { memLevel: 1 }, { level: 0 }]) {
      it(`accepts a message of exactly maxMessageSize and rejects one byte more: ${name} ${JSON.stringify(options)}`, async () => {
        const max = 5000;
        const fits = make(max);
        const over = make(max + 1);
        const segments = await zlibStreamSegments([fits, fits, over], options);
        const inflater = new ZlibStreamInflater({ maxMessageSize: max });
        expect(inflater.push(segments[0]!)?.slice()).toEqual(fits);
        // History of earlier messages does not count against the bound.
        expect(inflater.push(segments[1]!)?.slice()).toEqual(fits);
        expect(thrownCompressionError(() => inflater.push(segments[2]!)).code).toBe('INFLATED_TOO_LARGE');
      });
    }
  }

  it('bounds the compressed input buffered for one message', async () => {
    const [segment] = await zlibStreamSegments([gatewayText(20_000, seededRandom(3))]);
    const exact = new ZlibStreamInflater({ maxCompressedSize: segment!.length });
    expect(exact.push(segment!.subarray(0, 10))).toBeNull();
    expect(exact.push(segment!.subarray(10))).not.toBeNull();

    const tight = new ZlibStreamInflater({ maxCompressedSize: segment!.length - 1 });
    const whole = thrownCompressionError(() => tight.push(segment!));
    expect(whole).toBeInstanceOf(CompressionLimitError);
    expect(whole.code).toBe('COMPRESSED_TOO_LARGE');
    expect(whole.closeCode).toBe(1009);

    const split = new ZlibStreamInflater({ maxCompressedSize: 100 });
    expect(split.push(new Uint8Array(60).fill(1))).toBeNull();
    const error = thrownCompressionError(() => split.push(new Uint8Array(41).fill(1)));
    expect(error.code).toBe('COMPRESSED_TOO_LARGE');
    expect((error as CompressionLimitError).limit).toBe(100);
  });

  it('rejects invalid bounds as a caller error', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown;
      try {
        new ZlibStreamInflater({ maxMessageSize: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CompressionOptionError);
      expect((error as CompressionOptionError).code).toBe('COMPRESSION_INVALID_OPTION');
    }
    expect(() => new ZlibStreamInflater({ maxCompressedSize: 0 })).toThrowError(CompressionOptionError);
  });
});

describe('ZlibStreamInflater on bad data', () => {
  const headers: [string, Uint8Array][] = [
    ['a compression method other than deflate', hex('79 18')],
    ['a window size over 32 KiB', hex('88 1c')],
    ['wrong header check bits', hex('78 9d')],
    ['a preset dictionary', hex('78 bb')],
  ];
  for (const [what, header] of headers) {
    it(`rejects a zlib header with ${what}`, () => {
      expect(((header[0]! << 8) | header[1]!) % 31 === 0).toBe(what !== 'wrong header check bits');
      const error = thrownCompressionError(() => new ZlibStreamInflater().push(concat([header, hex('00'), SYNC_FLUSH_MARKER])));
      expect(error.code).toBe('ZLIB_BAD_HEADER');
      expect(error.closeCode).toBe(1007);
    });
  }

  const corrupt: [string, Uint8Array, string][] = [
    ['the reserved block type 3', stream((w) => w.bits(0, 1).bits(3, 2)), 'ZLIB_BAD_DATA'],
    [
      'a stored block whose length check fails',
      stream((w) => w.bits(0, 3).align().raw([5, 0, 0xfb, 0xff, 1, 2, 3, 4, 5])),
      'ZLIB_BAD_DATA',
    ],
    [
      'a fixed-code length symbol 286',
      stream((w) => w.bits(0, 1).bits(1, 2).code(0x61 + 0x30, 8).code(0b11000110, 8)),
      'ZLIB_BAD_DATA',
    ],
    [
      'a fixed-code distance symbol 30',
      // literal 'a', then length 3 (symbol 257, code 0000001) at distance symbol 30 (11110)
      stream((w) => w.bits(0, 1).bits(1, 2).code(0x61 + 0x30, 8).code(1, 7).code(0b11110, 5)),
      'ZLIB_BAD_DATA',
    ],
    [
      'a match reaching back before the start of the stream',
      // literal 'a', then length 3 at distance 2 (symbol 1, code 00001): only one byte exists
      stream((w) => w.bits(0, 1).bits(1, 2).code(0x61 + 0x30, 8).code(1, 7).code(1, 5).code(0, 7)),
      'ZLIB_BAD_DATA',
    ],
    [
      'an over-subscribed code-length code',
      stream((w) => {
        w.bits(0, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(15, 4);
        for (let i = 0; i < 19; i++) w.bits(1, 3);
        return w;
      }),
      'ZLIB_BAD_DATA',
    ],
    [
      'a literal/length code without an end-of-block symbol',
      stream((w) => {
        // Code-length code: symbols 0 and 8 get one-bit codes (0 -> "0", 8 -> "1").
        w.bits(0, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(1, 4);
        w.bits(0, 3).bits(0, 3).bits(0, 3).bits(1, 3).bits(1, 3); // order: 16 17 18 0 8
        for (let i = 0; i < 256; i++) w.code(1, 1); // literals 0..255: length 8
        w.code(0, 1); // symbol 256: length 0
        w.code(0, 1); // one distance code: length 0
        return w;
      }),
      'ZLIB_BAD_DATA',
    ],
    [
      'a code-length repeat with no previous length',
      stream((w) => {
        // Code-length code: symbols 16 and 0 get one-bit codes (0 -> "0", 16 -> "1").
        w.bits(0, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(0, 4);
        w.bits(1, 3).bits(0, 3).bits(0, 3).bits(1, 3); // order: 16 17 18 0
        return w.code(1, 1).bits(0, 2);
      }),
      'ZLIB_BAD_DATA',
    ],
    [
      'an incomplete literal/length code (two 2-bit codes), even if the data only uses those',
      // 'a' is code 00, end-of-block is code 01.
      stream((w) => dynamicHeader(w, [97, 256], []).code(0, 2).code(1, 2)),
      'ZLIB_BAD_DATA',
    ],
    [
      'an incomplete distance code with codes longer than one bit',
      stream((w) => dynamicHeader(w, [97, 98, 256, 257], [0, 1]).code(0, 2).code(2, 2)),
      'ZLIB_BAD_DATA',
    ],
    [
      'a stored block longer than the data that follows',
      stream((w) => w.bits(0, 3).align().raw([100, 0, 0x9b, 0xff, 1, 2, 3])),
      'ZLIB_TRUNCATED',
    ],
    [
      'a final block (the peer finished the stream)',
      concat([ZLIB_HEADER, new Uint8Array(zlib.deflateRawSync(encoder.encode('hello'))), SYNC_FLUSH_MARKER]),
      'ZLIB_STREAM_ENDED',
    ],
  ];
  for (const [what, bytes, code] of corrupt) {
    it(`rejects ${what} with ${code}`, () => {
      const error = thrownCompressionError(() => new ZlibStreamInflater().push(bytes));
      expect(error.code).toBe(code);
      expect(error.closeCode).toBe(1007);
      // node:zlib (the reference) refuses it too, or returns less than a whole message.
      let reference: Buffer | undefined;
      try {
        reference = zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        return;
      }
      expect(code).toMatch(/ZLIB_TRUNCATED|ZLIB_STREAM_ENDED/);
      expect(reference).toBeDefined();
    });
  }

  it('accepts the same crafted header when its codes are complete', () => {
    // Four 2-bit literal/length codes: 'a' 00, 'b' 01, end-of-block 10, length 3 11; no distances used.
    const bytes = stream((w) => dynamicHeader(w, [97, 98, 256, 257], []).code(0, 2).code(1, 2).code(2, 2));
    expect(new ZlibStreamInflater().push(bytes)?.slice()).toEqual(encoder.encode('ab'));
    expect(zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString()).toBe('ab');
  });

  it('rejects a message whose marker is stored data rather than a sync flush', () => {
    // A stored block holding the bytes 00 00 ff ff: the input ends with the marker mid-stream.
    const bytes = concat([ZLIB_HEADER, new BitWriter().bits(0, 3).align().raw([4, 0, 0xfb, 0xff, 0, 0, 0xff, 0xff]).finish()]);
    expect(thrownCompressionError(() => new ZlibStreamInflater().push(bytes)).code).toBe('ZLIB_TRUNCATED');
  });

  it('rejects segments cut short or with bytes removed, typed, never a crash', async () => {
    const message = gatewayText(30_000, seededRandom(5));
    const [segment] = await zlibStreamSegments([message]);
    const body = segment!.subarray(0, segment!.length - 4);
    for (const cut of [3, 10, 100, 1000, body.length - 1]) {
      const truncated = concat([body.subarray(0, cut), SYNC_FLUSH_MARKER]);
      const error = thrownCompressionError(() => new ZlibStreamInflater().push(truncated));
      expect(['ZLIB_TRUNCATED', 'ZLIB_BAD_DATA']).toContain(error.code);
    }
  });

  it('refuses to continue after an error until reset', async () => {
    const inflater = new ZlibStreamInflater();
    const first = thrownCompressionError(() => inflater.push(concat([hex('78 9d'), SYNC_FLUSH_MARKER])));
    const again = thrownCompressionError(() => inflater.push(concat([ZLIB_HEADER, hex('00'), SYNC_FLUSH_MARKER])));
    expect(again.code).toBe('COMPRESSION_CONTEXT_FAILED');
    expect(again.cause).toBe(first);
    inflater.reset();
    const [segment] = await zlibStreamSegments([encoder.encode('{"op":11}')]);
    expect(inflater.push(segment!)?.slice()).toEqual(encoder.encode('{"op":11}'));
  });
});
