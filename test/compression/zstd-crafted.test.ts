import { decompress as fzstdDecompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import {
  CompressionError,
  CompressionLimitError,
  DEFAULT_MAX_ZSTD_WINDOW_SIZE,
  ZstdStreamDecompressor,
} from '../../codec/compression/index.js';
import { concat } from '../helpers/bytes.js';
import { le, thrownCompressionError, zstdBlock, zstdFixtures, zstdFrameHeader } from './helpers.js';

const text = (s: string) => new TextEncoder().encode(s);

function capacity(decompressor: ZstdStreamDecompressor): number {
  return (decompressor as unknown as { output: { buf: Uint8Array } }).output.buf.length;
}

/** A literals section header for raw (0) or RLE (1) literals with the 1-byte size format. */
const smallLiteralsHeader = (type: 0 | 1, size: number) => [type | (size << 3)];

/** A compressed literals section header, 1 stream, 10-bit sizes. */
function huffmanLiteralsHeader(regenerated: number, compressed: number): number[] {
  const v = 2 | (regenerated << 4) | (compressed << 14);
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255];
}

/**
 * Literals "abba" with a direct-representation Huffman tree: 98 weights (symbols 0..97), all 0
 * except 'a' (97) = 1; 'b' (98) gets the implied last weight 1. Codes: 'a' = 0, 'b' = 1.
 */
function abbaLiterals(streamByte = 0x16): number[] {
  const weights = new Array<number>(49).fill(0);
  weights[48] = 0x01; // weights[96] = 0 (high nibble), weights[97] = 1 (low nibble)
  const tree = [127 + 98, ...weights];
  return [...huffmanLiteralsHeader(4, tree.length + 1), ...tree, streamByte];
}

/** Sequences section: one sequence with every code in RLE mode, then the bit stream. */
function rleSequences(llCode: number, ofCode: number, mlCode: number, stream: number[], count = 1): number[] {
  const countBytes = count < 128 ? [count] : count < 0x7f00 ? [128 + (count >>> 8), count & 255] : [255, ...le(count - 0x7f00, 2)];
  return [...countBytes, 0x54, llCode, ofCode, mlCode, ...stream];
}

/** One whole frame (1 KiB window unless said otherwise) holding `blocks`. */
function frame(blocks: Uint8Array[], windowDescriptor = 0x00): Uint8Array {
  return concat([zstdFrameHeader({ windowDescriptor }), ...blocks]);
}

describe('ZstdStreamDecompressor on hand-made frames (checked against fzstd)', () => {
  const valid: [string, Uint8Array, string][] = [
    ['a raw block', frame([zstdBlock(0, text('hello'), { last: true })]), 'hello'],
    ['an RLE block', frame([zstdBlock(1, [0x2a], { last: true, size: 7 })]), '*******'],
    [
      'RLE literals and no sequences',
      frame([zstdBlock(2, [...smallLiteralsHeader(1, 10), 0x7a, 0x00], { last: true })]),
      'zzzzzzzzzz',
    ],
    [
      'Huffman literals with directly stored weights',
      frame([zstdBlock(2, [...abbaLiterals(), 0x00], { last: true })]),
      'abba',
    ],
    [
      'a sequence with RLE-mode codes: 3 literals, then 6 bytes from 3 back',
      // LL code 3, OF code 2 (+2 extra bits "10" = offset value 6 = offset 3), ML code 3 (length 6)
      frame([zstdBlock(2, [...smallLiteralsHeader(0, 3), ...text('abc'), ...rleSequences(3, 2, 3, [0x06])], { last: true })]),
      'abcabcabc',
    ],
    [
      'a second block reusing the first block\'s Huffman tree (treeless literals)',
      frame([
        zstdBlock(2, [...abbaLiterals(), 0x00]),
        // type 3, 1 stream, 4 literals, 1 stream byte "0b1_1001": b, a, a, b
        zstdBlock(2, [3 | (4 << 4), 0x40, 0x00, 0x19, 0x00], { last: true }),
      ]),
      'abbabaab',
    ],
    [
      'a checksum after the last block, and a skippable frame before the next frame',
      concat([
        zstdFrameHeader({ windowDescriptor: 0, checksum: true }),
        zstdBlock(0, text('one'), { last: true }),
        new Uint8Array([1, 2, 3, 4]),
        new Uint8Array([0x5f, 0x2a, 0x4d, 0x18, ...le(3, 4), 9, 9, 9]),
        zstdFrameHeader({ singleSegment: true, contentSize: { value: 3, bytes: 1 } }),
        zstdBlock(0, text('two'), { last: true }),
      ]),
      'onetwo',
    ],
  ];
  for (const [what, bytes, expected] of valid) {
    it(`decodes ${what}`, () => {
      expect(new TextDecoder().decode(new ZstdStreamDecompressor().push(bytes)!)).toBe(expected);
      expect(new TextDecoder().decode(fzstdDecompress(bytes))).toBe(expected);
    });
  }

  it('decodes a literal run over 64 KiB (literal length code 35, 16 extra bits)', () => {
    const literals = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 255);
    const size = literals.length;
    const header = [(3 << 2) | ((size & 15) << 4), (size >>> 4) & 255, (size >>> 12) & 255];
    // Bits read top-down: 2 offset bits (0: offset value 4, offset 1), then 16 literal length
    // bits (70000 - 65536); the marker bit sits above them.
    const value = (1 << 18) | (70_000 - 65_536);
    const sequences = rleSequences(35, 2, 0, [value & 255, (value >>> 8) & 255, value >>> 16]);
    const bytes = frame([zstdBlock(2, [...header, ...literals, ...sequences], { last: true })], 0x38);
    const last = literals[size - 1]!;
    const expected = concat([literals, new Uint8Array([last, last, last])]);
    expect(new ZstdStreamDecompressor().push(bytes)).toEqual(expected);
    expect(fzstdDecompress(bytes)).toEqual(expected);
  });

  it('lets a match reach exactly the window size back, and no further', () => {
    // A 1 KiB window, 1100 bytes of history, then one sequence: no literals, match length 3
    // (ML code 0) at offset value 1024 + extra (OF code 10, 10 extra bits).
    const history = Uint8Array.from({ length: 1100 }, (_, i) => (i * 7) & 255);
    const stream = (extra: number) => {
      const value = (1 << 10) | extra; // the marker bit above 10 bits of extra
      return [value & 255, value >>> 8];
    };
    const bytes = (extra: number) =>
      frame([
        zstdBlock(0, history.subarray(0, 1000)),
        zstdBlock(0, history.subarray(1000)),
        zstdBlock(2, [...smallLiteralsHeader(0, 0), ...rleSequences(0, 10, 0, stream(extra))], { last: true }),
      ]);
    const atWindow = bytes(3); // offset value 1027: offset 1024
    const expected = concat([history, history.subarray(1100 - 1024, 1100 - 1024 + 3)]);
    expect(new ZstdStreamDecompressor().push(atWindow)).toEqual(expected);
    expect(fzstdDecompress(atWindow)).toEqual(expected);
    const beyond = bytes(4); // offset 1025
    expect(thrownCompressionError(() => new ZstdStreamDecompressor().push(beyond)).message).toContain('reaches back further');
  });

  it('accepts a dictionary ID field holding 0 (no dictionary)', () => {
    const bytes = concat([zstdFrameHeader({ dictionaryId: { value: 0, bytes: 4 } }), zstdBlock(0, text('ok'))]);
    expect(new TextDecoder().decode(new ZstdStreamDecompressor().push(bytes)!)).toBe('ok');
  });
});

describe('ZstdStreamDecompressor bounds', () => {
  it('rejects a window over maxWindowSize before allocating it', () => {
    const cases: [Uint8Array, number][] = [
      [zstdFrameHeader({ windowDescriptor: 0xf8 }), DEFAULT_MAX_ZSTD_WINDOW_SIZE], // 2^41 bytes
      [zstdFrameHeader({ windowDescriptor: 0x69 }), DEFAULT_MAX_ZSTD_WINDOW_SIZE], // 8 MiB + 1 MiB
      [zstdFrameHeader({ singleSegment: true, contentSize: { value: 2 ** 40, bytes: 8 } }), DEFAULT_MAX_ZSTD_WINDOW_SIZE],
      [zstdFrameHeader({ singleSegment: true, contentSize: { value: 2 ** 63, bytes: 8 } }), DEFAULT_MAX_ZSTD_WINDOW_SIZE],
      [zstdFrameHeader({ singleSegment: true, contentSize: { value: 2 ** 32 - 1, bytes: 4 } }), DEFAULT_MAX_ZSTD_WINDOW_SIZE],
    ];
    for (const [header, limit] of cases) {
      const decompressor = new ZstdStreamDecompressor();
      const error = thrownCompressionError(() => decompressor.push(concat([header, zstdBlock(0, text('x'))])));
      expect(error).toBeInstanceOf(CompressionLimitError);
      expect(error.code).toBe('ZSTD_WINDOW_TOO_LARGE');
      expect((error as CompressionLimitError).limit).toBe(limit);
      expect(error.closeCode).toBe(1009);
      expect(capacity(decompressor)).toBeLessThanOrEqual(128 * 1024);
    }
    // Exactly 8 MiB is accepted; maxWindowSize lowers the bound.
    const eight = concat([zstdFrameHeader({ windowDescriptor: 0x68 }), zstdBlock(0, text('x'))]);
    expect(new ZstdStreamDecompressor().push(eight)).toEqual(text('x'));
    const tight = new ZstdStreamDecompressor({ maxWindowSize: 1024 * 1024 });
    expect(thrownCompressionError(() => tight.push(eight)).code).toBe('ZSTD_WINDOW_TOO_LARGE');
  });

  it('rejects the real fixtures when their window is over the bound', () => {
    const fixture = zstdFixtures().find((f) => f.name === 'far-offsets')!;
    const decompressor = new ZstdStreamDecompressor({ maxWindowSize: 2 * 1024 * 1024 });
    expect(thrownCompressionError(() => decompressor.push(fixture.segments[0]!)).code).toBe('ZSTD_WINDOW_TOO_LARGE');
  });

  it('stops a decompression bomb of RLE blocks at maxMessageSize', () => {
    // 600 blocks of 4 bytes, each 128 KiB of one byte: 2.4 KB that would become 78 MB.
    const blocks = Array.from({ length: 600 }, () => zstdBlock(1, [0x41], { size: 128 * 1024 }));
    const bomb = concat([zstdFrameHeader({ windowDescriptor: 0x58 }), ...blocks]);
    for (const maxMessageSize of [undefined, 1024 * 1024]) {
      const decompressor = new ZstdStreamDecompressor(maxMessageSize ? { maxMessageSize } : {});
      const error = thrownCompressionError(() => decompressor.push(bomb));
      expect(error.code).toBe('INFLATED_TOO_LARGE');
      expect((error as CompressionLimitError).limit).toBe(maxMessageSize ?? 64 * 1024 * 1024);
      expect(capacity(decompressor)).toBeLessThanOrEqual((maxMessageSize ?? 64 * 1024 * 1024) + 2 * 1024 * 1024);
    }
  });

  it('rejects at once a block whose sequences would expand far past its maximum size', () => {
    // 98,559 sequences whose RLE-mode match length code 52 means 65,539+ bytes each, read from
    // an empty bit stream: 20 bytes that make some decoders spin for seconds per block.
    const block = zstdBlock(2, [...smallLiteralsHeader(0, 0), ...rleSequences(0, 0, 52, [0x01], 98_559)]);
    const bytes = concat([zstdFrameHeader({ windowDescriptor: 0x00 }), ...Array.from({ length: 50 }, () => block)]);
    const error = thrownCompressionError(() => new ZstdStreamDecompressor().push(bytes));
    expect(error.code).toBe('ZSTD_BAD_DATA');
    expect(error.message).toMatch(/maximum size|too short/);
  });

  it('bounds the compressed bytes buffered while a block is incomplete', () => {
    const decompressor = new ZstdStreamDecompressor({ maxCompressedSize: 100 });
    const start = concat([zstdFrameHeader({ windowDescriptor: 0x00 }), zstdBlock(0, new Uint8Array(50), { size: 1000 })]);
    expect(decompressor.push(start)).toBeNull();
    const error = thrownCompressionError(() => decompressor.push(new Uint8Array(60)));
    expect(error.code).toBe('COMPRESSED_TOO_LARGE');
    expect((error as CompressionLimitError).limit).toBe(100);
  });
});

describe('ZstdStreamDecompressor on bad data', () => {
  const header = zstdFrameHeader({ windowDescriptor: 0x00 });
  const bad: [string, Uint8Array, string][] = [
    ['a wrong magic number', new Uint8Array([0x28, 0xb5, 0x2f, 0xfe, 0, 0, 1, 0, 0]), 'ZSTD_BAD_DATA'],
    ['the reserved bit of the frame header', concat([zstdFrameHeader({ reservedBit: true }), zstdBlock(0, [])]), 'ZSTD_BAD_DATA'],
    ['a dictionary ID', concat([zstdFrameHeader({ dictionaryId: { value: 7, bytes: 1 } }), zstdBlock(0, [])]), 'ZSTD_UNSUPPORTED'],
    ['the reserved block type', concat([header, zstdBlock(3, [1, 2])]), 'ZSTD_BAD_DATA'],
    ['a raw block over the 1 KiB block maximum', concat([header, zstdBlock(0, new Uint8Array(1025))]), 'ZSTD_BAD_DATA'],
    ['an RLE block over the block maximum', concat([header, zstdBlock(1, [1], { size: 1025 })]), 'ZSTD_BAD_DATA'],
    ['repeat mode with no earlier table', concat([header, zstdBlock(2, [0, 1, 0xfc, 0x01])]), 'ZSTD_BAD_DATA'],
    ['treeless literals with no earlier tree', concat([header, zstdBlock(2, [3 | (4 << 4), 0x40, 0x00, 0x19, 0x00])]), 'ZSTD_BAD_DATA'],
    [
      'a match before the start of the frame',
      // 2 literals, then offset value 6 (offset 3) with only 2 bytes decoded
      concat([header, zstdBlock(2, [...smallLiteralsHeader(0, 2), ...text('ab'), ...rleSequences(2, 2, 3, [0x06])])]),
      'ZSTD_BAD_DATA',
    ],
    [
      'a sequence using more literals than there are',
      concat([header, zstdBlock(2, [...smallLiteralsHeader(0, 2), ...text('ab'), ...rleSequences(3, 2, 3, [0x06])])]),
      'ZSTD_BAD_DATA',
    ],
    [
      'bits left over in the sequences bit stream',
      concat([header, zstdBlock(2, [...smallLiteralsHeader(0, 3), ...text('abc'), ...rleSequences(3, 2, 3, [0x0d])])]),
      'ZSTD_BAD_DATA',
    ],
    ['a sequences bit stream without its end marker', concat([header, zstdBlock(2, [...smallLiteralsHeader(0, 3), ...text('abc'), ...rleSequences(3, 2, 3, [0x00])])]), 'ZSTD_BAD_DATA'],
    ['a Huffman literal stream with bits left over', concat([header, zstdBlock(2, [...abbaLiterals(0x36), 0x00])]), 'ZSTD_BAD_DATA'],
    ['an RLE-mode code over the largest literal length code', concat([header, zstdBlock(2, [0, 1, 0x54, 36, 0, 0, 1])]), 'ZSTD_BAD_DATA'],
    ['bytes after an empty sequences section', concat([header, zstdBlock(2, [0, 0, 7])]), 'ZSTD_BAD_DATA'],
    [
      'less content than the frame declares',
      concat([zstdFrameHeader({ singleSegment: true, contentSize: { value: 5, bytes: 1 } }), zstdBlock(0, text('abc'), { last: true })]),
      'ZSTD_BAD_DATA',
    ],
    [
      'more content than the frame declares',
      concat([zstdFrameHeader({ singleSegment: true, contentSize: { value: 200, bytes: 1 } }), zstdBlock(0, new Uint8Array(150)), zstdBlock(0, new Uint8Array(60))]),
      'ZSTD_BAD_DATA',
    ],
  ];
  const reasons: Record<string, string> = {
    'a wrong magic number': 'magic number',
    'the reserved bit of the frame header': 'reserved bit',
    'a dictionary ID': 'dictionary 7',
    'the reserved block type': 'reserved block type',
    'a raw block over the 1 KiB block maximum': 'larger than the frame allows',
    'an RLE block over the block maximum': 'larger than the frame allows',
    'repeat mode with no earlier table': 'repeat mode',
    'treeless literals with no earlier tree': 'treeless literals',
    'a match before the start of the frame': 'reaches back further',
    'a sequence using more literals than there are': 'more literals than remain',
    'bits left over in the sequences bit stream': 'bits left over',
    'a sequences bit stream without its end marker': 'marker bit',
    'a Huffman literal stream with bits left over': 'does not end exactly',
    'an RLE-mode code over the largest literal length code': 'RLE code 36',
    'bytes after an empty sequences section': 'bytes after an empty sequences section',
    'less content than the frame declares': 'less than its declared content size',
    'more content than the frame declares': 'more than its declared content size',
  };
  for (const [what, bytes, code] of bad) {
    it(`rejects ${what} with ${code}`, () => {
      const error = thrownCompressionError(() => new ZstdStreamDecompressor().push(bytes));
      expect(error.code).toBe(code);
      expect(error.message).toContain(reasons[what]);
      expect(error.closeCode).toBe(1007);
    });
  }

  it('rejects fixture messages with bytes removed or flipped, typed, never a crash', () => {
    const fixture = zstdFixtures().find((f) => f.name === 'small-level3')!;
    const segment = fixture.segments[3]!;
    let errors = 0;
    for (let at = 0; at < segment.length; at += 7) {
      for (const damaged of [concat([segment.subarray(0, at), segment.subarray(at + 1)]), segment.map((b, i) => (i === at ? b ^ 0x10 : b))]) {
        const decompressor = new ZstdStreamDecompressor();
        for (let i = 0; i < 3; i++) decompressor.push(fixture.segments[i]!);
        try {
          const out = decompressor.push(damaged);
          expect(out === null || out instanceof Uint8Array).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CompressionError);
          errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('refuses to continue after an error until reset', () => {
    const decompressor = new ZstdStreamDecompressor();
    const first = thrownCompressionError(() => decompressor.push(new Uint8Array([1, 2, 3, 4, 5])));
    const again = thrownCompressionError(() => decompressor.push(concat([header, zstdBlock(0, text('ok'))])));
    expect(again.code).toBe('COMPRESSION_CONTEXT_FAILED');
    expect(again.cause).toBe(first);
    decompressor.reset();
    expect(decompressor.push(concat([header, zstdBlock(0, text('ok'))]))).toEqual(text('ok'));
  });
});
