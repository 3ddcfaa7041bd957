/**
 * Malformed ETF and resource bounds: each case asserts the error class, its code and its
 * offset. Bombs (depth, declared lengths, inflated size) must fail at once, before allocating.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeEtf,
  ETF_DEFAULT_MAX_DEPTH,
  ETF_MAX_BIG_BYTES,
  type EtfDecodeErrorCode,
  EtfOptionError,
} from '../../codec/encoding/index.js';
import { compressedEtf } from '../helpers/compressed-etf.js';
import { ascii, bytes, expectEtfError, u16, u32 } from './helpers.js';

const V = 131;

describe('malformed input: code and offset', () => {
  const table: [string, Uint8Array, EtfDecodeErrorCode, number][] = [
    ['empty input', bytes(), 'ETF_TRUNCATED', 0],
    ['version 130', bytes(130, 97, 1), 'ETF_BAD_VERSION', 0],
    ['version 0', bytes(0), 'ETF_BAD_VERSION', 0],
    ['version byte only', bytes(V), 'ETF_TRUNCATED', 1],
    ['SMALL_INTEGER_EXT without its byte', bytes(V, 97), 'ETF_TRUNCATED', 1],
    ['INTEGER_EXT with 3 of 4 bytes', bytes(V, 98, 0, 0, 0), 'ETF_TRUNCATED', 1],
    ['NEW_FLOAT_EXT with 7 of 8 bytes', bytes(V, 70, 0, 0, 0, 0, 0, 0, 0), 'ETF_TRUNCATED', 1],
    ['FLOAT_EXT with 30 of 31 bytes', bytes(V, 99, ...ascii('1.5'), ...new Array(27).fill(0)), 'ETF_TRUNCATED', 1],
    ['FLOAT_EXT empty text', bytes(V, 99, ...new Array(31).fill(0)), 'ETF_BAD_FLOAT', 1],
    ['FLOAT_EXT leading space', bytes(V, 99, ...ascii(' 1.5'), ...new Array(27).fill(0)), 'ETF_BAD_FLOAT', 1],
    ['FLOAT_EXT hex text', bytes(V, 99, ...ascii('0x1.5'), ...new Array(26).fill(0)), 'ETF_BAD_FLOAT', 1],
    ['FLOAT_EXT Infinity text', bytes(V, 99, ...ascii('Infinity'), ...new Array(23).fill(0)), 'ETF_BAD_FLOAT', 1],
    ['FLOAT_EXT out of range', bytes(V, 99, ...ascii('1.0e999'), ...new Array(24).fill(0)), 'ETF_BAD_FLOAT', 1],
    ['NEW_FLOAT_EXT -Infinity', bytes(V, 70, 0xff, 0xf0, 0, 0, 0, 0, 0, 0), 'ETF_BAD_FLOAT', 1],
    ['ATOM_EXT without length', bytes(V, 100, 0), 'ETF_TRUNCATED', 1],
    ['ATOM_EXT longer than input', bytes(V, 100, ...u16(10), 97), 'ETF_TRUNCATED', 1],
    ['SMALL_ATOM_EXT without length', bytes(V, 115), 'ETF_TRUNCATED', 1],
    ['SMALL_ATOM_UTF8_EXT longer than input', bytes(V, 119, 5, 97, 97), 'ETF_TRUNCATED', 1],
    ['ATOM_EXT of 256 Latin-1 chars', bytes(V, 100, ...u16(256), ...new Array(256).fill(0xe9)), 'ETF_BAD_ATOM', 1],
    ['ATOM_UTF8_EXT of 256 chars', bytes(V, 118, ...u16(512), ...new Array(256).fill([0xc3, 0xa9]).flat()), 'ETF_BAD_ATOM', 1],
    ['ATOM_UTF8_EXT with a lone continuation byte', bytes(V, 118, ...u16(2), 0x61, 0x80), 'ETF_BAD_ATOM', 1],
    ['ATOM_UTF8_EXT with a surrogate', bytes(V, 119, 3, 0xed, 0xa0, 0x80), 'ETF_BAD_ATOM', 1],
    ['BINARY_EXT without full length', bytes(V, 109, 0, 0), 'ETF_TRUNCATED', 1],
    ['BINARY_EXT declaring 4 GiB', bytes(V, 109, 255, 255, 255, 255, 1, 2, 3), 'ETF_TRUNCATED', 1],
    ['STRING_EXT declaring 65535 bytes', bytes(V, 107, 255, 255, 1, 2), 'ETF_TRUNCATED', 1],
    ['STRING_EXT without length', bytes(V, 107, 0), 'ETF_TRUNCATED', 1],
    ['SMALL_BIG_EXT without sign', bytes(V, 110, 0), 'ETF_TRUNCATED', 1],
    ['SMALL_BIG_EXT with 2 of 8 digits', bytes(V, 110, 8, 0, 1, 2), 'ETF_TRUNCATED', 1],
    ['LARGE_BIG_EXT without length', bytes(V, 111, 0, 0, 1), 'ETF_TRUNCATED', 1],
    ['LARGE_BIG_EXT declaring 4 GiB', bytes(V, 111, 255, 255, 255, 255, 0, 1), 'ETF_BIG_TOO_LARGE', 1],
    ['LARGE_BIG_EXT over the bignum bound', bytes(V, 111, ...u32(ETF_MAX_BIG_BYTES + 1), 0, ...new Array(ETF_MAX_BIG_BYTES + 1).fill(1)), 'ETF_BIG_TOO_LARGE', 1],
    ['LARGE_BIG_EXT at the bound but short', bytes(V, 111, ...u32(ETF_MAX_BIG_BYTES), 0, 1), 'ETF_TRUNCATED', 1],
    ['LIST_EXT declaring 2^32-1 with 10 bytes left', bytes(V, 108, 255, 255, 255, 255, ...new Array(10).fill(97)), 'ETF_TRUNCATED', 1],
    ['LIST_EXT without length', bytes(V, 108, 0, 0, 0), 'ETF_TRUNCATED', 1],
    ['LIST_EXT missing its tail', bytes(V, 108, ...u32(1), 97, 1), 'ETF_TRUNCATED', 8],
    ['LIST_EXT missing an element and the tail', bytes(V, 108, ...u32(2), 97, 1, 97), 'ETF_TRUNCATED', 8],
    ['LIST_EXT with an integer tail', bytes(V, 108, ...u32(1), 97, 1, 97, 2), 'ETF_IMPROPER_LIST', 8],
    ['LIST_EXT with a list as tail', bytes(V, 108, ...u32(1), 97, 1, 108, ...u32(1), 97, 2, 106), 'ETF_IMPROPER_LIST', 8],
    ['empty LIST_EXT with a binary tail', bytes(V, 108, ...u32(0), 109, ...u32(0)), 'ETF_IMPROPER_LIST', 6],
    ['SMALL_TUPLE_EXT of 255 with 3 bytes left', bytes(V, 104, 255, 97, 1, 106), 'ETF_TRUNCATED', 1],
    ['LARGE_TUPLE_EXT declaring 2^32-1', bytes(V, 105, 255, 255, 255, 255, 106), 'ETF_TRUNCATED', 1],
    ['SMALL_TUPLE_EXT without arity', bytes(V, 104), 'ETF_TRUNCATED', 1],
    ['MAP_EXT declaring 2^32-1 pairs', bytes(V, 116, 255, 255, 255, 255, 97, 1, 97, 2), 'ETF_TRUNCATED', 1],
    ['MAP_EXT of 2 pairs with 3 bytes', bytes(V, 116, ...u32(2), 106, 106, 106), 'ETF_TRUNCATED', 1],
    ['MAP_EXT with a value missing', bytes(V, 116, ...u32(1), 97, 1, 97), 'ETF_TRUNCATED', 8],
    ['MAP_EXT key binary cut short', bytes(V, 116, ...u32(1), 109, 0, 0, 0), 'ETF_TRUNCATED', 6],
    ['MAP_EXT key binary longer than input', bytes(V, 116, ...u32(1), 109, ...u32(9), 97), 'ETF_TRUNCATED', 6],
    ['MAP_EXT key atom cut short', bytes(V, 116, ...u32(1), 100, 0), 'ETF_TRUNCATED', 6],
    ['MAP_EXT key atom longer than input', bytes(V, 116, ...u32(1), 115, 9, 97), 'ETF_TRUNCATED', 6],
    ['MAP_EXT list key', bytes(V, 116, ...u32(1), 106, 97, 1), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT float key', bytes(V, 116, ...u32(1), 70, 0, 0, 0, 0, 0, 0, 0, 0, 97, 1), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT map key', bytes(V, 116, ...u32(1), 116, ...u32(0), 97, 1), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT STRING_EXT key', bytes(V, 116, ...u32(1), 107, 0, 1, 97, 97, 1), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT pid key', bytes(V, 116, ...u32(1), 88, 106), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT unknown tag as key', bytes(V, 116, ...u32(1), 0, 97), 'ETF_BAD_MAP_KEY', 6],
    ['MAP_EXT UTF-8 atom key not UTF-8', bytes(V, 116, ...u32(1), 119, 1, 0xff, 97, 1), 'ETF_BAD_ATOM', 6],
    ['MAP_EXT integer key cut short', bytes(V, 116, ...u32(1), 98, 0, 0), 'ETF_TRUNCATED', 6],
    ['unknown tag 0', bytes(V, 0), 'ETF_UNKNOWN_TAG', 1],
    ['unknown tag 255', bytes(V, 255), 'ETF_UNKNOWN_TAG', 1],
    ['unknown tag inside a list', bytes(V, 108, ...u32(1), 200, 106), 'ETF_UNKNOWN_TAG', 6],
    ['a bare distribution header (68)', bytes(V, 68, 0), 'ETF_UNKNOWN_TAG', 1],
    ['trailing byte', bytes(V, 97, 1, 0), 'ETF_TRAILING_BYTES', 3],
    ['two terms', bytes(V, 106, 106), 'ETF_TRAILING_BYTES', 2],
    ['a second version byte', bytes(V, 97, 1, V, 97, 1), 'ETF_TRAILING_BYTES', 3],
    ['compressed header cut short', bytes(V, 80, 0, 0), 'ETF_TRUNCATED', 1],
    ['compressed inside a map', bytes(V, 116, ...u32(1), 97, 1, 80, ...u32(1), 0x78, 0x9c), 'ETF_NESTED_COMPRESSED', 8],
  ];
  for (const [name, input, code, offset] of table) {
    it(`${name} -> ${code} at ${offset}`, () => {
      expectEtfError(() => decodeEtf(input), code, offset);
    });
  }

  it('every tag with no JSON shape is ETF_UNSUPPORTED_TAG, named in the message', () => {
    const names: [number, string][] = [
      [77, 'BIT_BINARY_EXT'], [82, 'ATOM_CACHE_REF'], [88, 'NEW_PID_EXT'], [89, 'NEW_PORT_EXT'],
      [90, 'NEWER_REFERENCE_EXT'], [101, 'REFERENCE_EXT'], [102, 'PORT_EXT'], [103, 'PID_EXT'],
      [112, 'NEW_FUN_EXT'], [113, 'EXPORT_EXT'], [114, 'NEW_REFERENCE_EXT'], [117, 'FUN_EXT'],
      [120, 'V4_PORT_EXT'], [121, 'LOCAL_EXT'],
    ];
    for (const [tag, name] of names) {
      const error = expectEtfError(() => decodeEtf(bytes(V, 108, ...u32(1), tag, 0, 0, 0, 0, 0, 0, 0)), 'ETF_UNSUPPORTED_TAG', 6);
      expect(error.message).toContain(name);
      expect(error.message).toContain('no JSON shape');
    }
  });

  it('messages are actionable and carry the offset, never the input bytes', () => {
    const error = expectEtfError(() => decodeEtf(bytes(V, 109, ...u32(9), ...ascii('secret'))), 'ETF_TRUNCATED', 1);
    expect(error.message).toBe('The input ends inside a BINARY_EXT (at byte 1)');
    expect(error.name).toBe('EtfDecodeError');
  });
});

describe('depth bomb', () => {
  const nestedLists = (depth: number) => {
    const out = new Uint8Array(1 + depth * 6 + 1);
    out[0] = V;
    for (let i = 0; i < depth; i++) out.set([108, 0, 0, 0, 1], 1 + i * 5);
    out.fill(106, 1 + depth * 5);
    return out;
  };

  it(`fails at the ${ETF_DEFAULT_MAX_DEPTH + 1}th level by default, at that container's tag`, () => {
    expect(() => decodeEtf(nestedLists(ETF_DEFAULT_MAX_DEPTH))).not.toThrow();
    expectEtfError(() => decodeEtf(nestedLists(ETF_DEFAULT_MAX_DEPTH + 1)), 'ETF_TOO_DEEP', 1 + 5 * ETF_DEFAULT_MAX_DEPTH);
  });

  it('a 200 000-deep bomb fails at the limit, quickly', () => {
    const started = performance.now();
    expectEtfError(() => decodeEtf(nestedLists(200_000)), 'ETF_TOO_DEEP', 1 + 5 * ETF_DEFAULT_MAX_DEPTH);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('maxDepth is honoured for maps and tuples too', () => {
    const maps = bytes(V, ...new Array(20).fill([116, 0, 0, 0, 1, 97, 1]).flat(), 106);
    expectEtfError(() => decodeEtf(maps, { maxDepth: 10 }), 'ETF_TOO_DEEP', 1 + 7 * 10);
    const tuples = bytes(V, ...new Array(20).fill([104, 1]).flat(), 106);
    expectEtfError(() => decodeEtf(tuples, { maxDepth: 5 }), 'ETF_TOO_DEEP', 1 + 2 * 5);
  });

  it('a maxDepth beyond the call stack still ends in ETF_TOO_DEEP, not a RangeError', () => {
    let caught: unknown;
    try {
      decodeEtf(nestedLists(1_000_000), { maxDepth: 10_000_000 });
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).toBe('ETF_TOO_DEEP');
    expect((caught as Error).name).toBe('EtfDecodeError');
  });

  it('refuses options that are not positive integers', () => {
    for (const maxDepth of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => decodeEtf(bytes(V, 106), { maxDepth })).toThrow(EtfOptionError);
    }
    expect(() => decodeEtf(bytes(V, 80, 0, 0, 0, 1, 0), { maxInflatedSize: 0 })).toThrow(EtfOptionError);
    expect(() => decodeEtf(bytes(V, 106), { maxInflatedSize: -5 })).toThrowError(expect.objectContaining({ code: 'ETF_INVALID_OPTION' }));
  });
});

describe('compressed terms (tag 80)', () => {
  const compressed = (inner: Uint8Array, declared = inner.length, level = 6) => compressedEtf(inner, { declared, level });
  const binaryTerm = (size: number) => {
    const term = new Uint8Array(5 + size);
    term.set([109, ...u32(size)]);
    return term;
  };

  it('inflates node:zlib output at every level', () => {
    for (let level = 0; level <= 9; level++) {
      expect(decodeEtf(compressed(bytes(107, 0, 3, 1, 2, 3), 6, level))).toEqual([1, 2, 3]);
    }
  });

  it('a declared size over maxInflatedSize fails before inflating', () => {
    const input = compressed(binaryTerm(1000));
    expect(decodeEtf(input, { maxInflatedSize: 1005 })).toBe('\0'.repeat(1000));
    expectEtfError(() => decodeEtf(input, { maxInflatedSize: 1004 }), 'ETF_INFLATE_TOO_LARGE', 1);
  });

  it('a real 100 MB zip bomb is refused by the default bound', () => {
    const input = compressed(binaryTerm(100 * 1024 * 1024), undefined, 9);
    expect(input.length).toBeLessThan(110_000);
    const started = performance.now();
    const error = expectEtfError(() => decodeEtf(input), 'ETF_INFLATE_TOO_LARGE', 1);
    expect(error.message).toContain('maxInflatedSize');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('a declared 4 GiB from 15 bytes is refused as impossible, even with a huge bound', () => {
    const input = bytes(V, 80, 255, 255, 255, 255, 0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1);
    const started = performance.now();
    const error = expectEtfError(() => decodeEtf(input, { maxInflatedSize: 2 ** 32 }), 'ETF_INFLATE_TOO_LARGE', 1);
    expect(error.message).toContain('more than 9 bytes of zlib data can hold');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('the impossible-size bound still admits the best zlib can do', () => {
    // Zeros at level 9 compress by about 1030:1, the DEFLATE maximum.
    const inner = binaryTerm(4 * 1024 * 1024);
    const input = compressed(inner, undefined, 9);
    expect(inner.length / (input.length - 6)).toBeGreaterThan(1000);
    expect((decodeEtf(input) as string).length).toBe(4 * 1024 * 1024);
  });

  it('inflating to fewer bytes than declared is a size mismatch', () => {
    const input = compressed(bytes(97, 1), 3);
    expectEtfError(() => decodeEtf(input), 'ETF_INFLATE_SIZE_MISMATCH', 6);
  });

  it('inflating to more bytes than declared is a size mismatch (Huffman and stored blocks)', () => {
    expectEtfError(() => decodeEtf(compressed(binaryTerm(500), 504, 9)), 'ETF_INFLATE_SIZE_MISMATCH', 6);
    expectEtfError(() => decodeEtf(compressed(binaryTerm(500), 100, 0)), 'ETF_INFLATE_SIZE_MISMATCH', 6);
  });

  it('corrupt zlib data fails to inflate', () => {
    const good = compressed(binaryTerm(100));
    const badHeader = good.slice();
    badHeader[6] = 0x79;
    expectEtfError(() => decodeEtf(badHeader), 'ETF_INFLATE_FAILED', 6);
    const truncated = good.slice(0, good.length - 6);
    const error = expectEtfError(() => decodeEtf(truncated), 'ETF_INFLATE_FAILED', 6);
    expect(error.cause).toBeInstanceOf(Error);
    const badBlock = good.slice();
    badBlock[8] = 0xff;
    expect(() => decodeEtf(badBlock)).toThrow(expect.objectContaining({ name: 'EtfDecodeError' }));
  });

  it('a wrong Adler-32 is caught (fflate does not check it)', () => {
    const input = compressed(binaryTerm(100));
    input[input.length - 1]! ^= 1;
    expectEtfError(() => decodeEtf(input), 'ETF_INFLATE_FAILED', input.length - 4);
  });

  it('a zlib preset dictionary is refused', () => {
    const input = bytes(V, 80, ...u32(2), 0x78, 0xbb, 0, 0, 0, 1, 0x63, 0, 0, 0, 1, 0, 1);
    expectEtfError(() => decodeEtf(input), 'ETF_INFLATE_FAILED', 6);
  });

  it('faults inside the inflated term are reported with compressed: true and inflated offsets', () => {
    expectEtfError(() => decodeEtf(compressed(bytes(108, ...u32(1), 97, 1, 97, 2))), 'ETF_IMPROPER_LIST', 7, true);
    expectEtfError(() => decodeEtf(compressed(bytes(97, 1, 0))), 'ETF_TRAILING_BYTES', 2, true);
    expectEtfError(() => decodeEtf(compressed(bytes(97))), 'ETF_TRUNCATED', 0, true);
    expectEtfError(() => decodeEtf(compressed(bytes())), 'ETF_TRUNCATED', 0, true);
    expectEtfError(() => decodeEtf(compressed(bytes(80, 0, 0, 0, 0))), 'ETF_NESTED_COMPRESSED', 0, true);
    const deep = bytes(...new Array(600).fill([108, 0, 0, 0, 1]).flat(), 106, ...new Array(600).fill(106));
    expectEtfError(() => decodeEtf(compressed(deep)), 'ETF_TOO_DEEP', 5 * 512, true);
  });
});
