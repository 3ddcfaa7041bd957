/** encodeEtf: exact bytes for each choice, JSON's treatment of undefined and toJSON, and its errors. */
import { describe, expect, it } from 'vitest';
import { decodeEtf, EtfEncodeError, ETF_MAX_ENCODE_DEPTH, encodeEtf } from '../../codec/encoding/index.js';
import { toHex } from '../helpers/bytes.js';

const enc = (value: unknown) => toHex(encodeEtf(value));

describe('bytes', () => {
  it('atoms as erlpack writes them: SMALL_ATOM_EXT nil, true, false', () => {
    expect(enc(null)).toBe('8373036e696c');
    expect(enc(true)).toBe('83730474727565');
    expect(enc(false)).toBe('83730566616c7365');
  });

  it('integers: SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT; -0 is 0', () => {
    expect(enc(0)).toBe('836100');
    expect(enc(-0)).toBe('836100');
    expect(enc(255)).toBe('8361ff');
    expect(enc(256)).toBe('836200000100');
    expect(enc(-1)).toBe('8362ffffffff');
    expect(enc(2 ** 31)).toBe('836e040000000080');
    expect(enc(-(2 ** 31) - 1)).toBe('836e040101000080');
    expect(enc(1_700_000_000_000)).toBe('836e06000068e5cf8b01');
    expect(enc(2 ** 64)).toBe('836e09000000000000000000' + '01');
  });

  it('non-integral and huge numbers: NEW_FLOAT_EXT', () => {
    expect(enc(1.5)).toBe('83463ff8000000000000');
    expect(enc(-0.1)).toBe('8346bfb999999999999a');
    expect(enc(1e21)).toBe('8346444b1ae4d6e2ef50');
    expect(enc(Number.MAX_VALUE)).toBe('83467fefffffffffffff');
  });

  it('bigints: the same integer tags, LARGE_BIG_EXT past 255 digit bytes', () => {
    expect(enc(7n)).toBe('836107');
    expect(enc(-7n)).toBe('8362fffffff9');
    expect(enc(1234567890123456789n)).toBe('836e08001581e97df4102211');
    expect(enc(-(2n ** 64n))).toBe('836e0901000000000000000001');
    const large = toHex(encodeEtf(2n ** 2040n));
    expect(large.slice(0, 14)).toBe('836f0000010000');
    expect(large.length).toBe((1 + 5 + 1 + 256) * 2);
    expect(large.endsWith('01')).toBe(true);
  });

  it('strings: BINARY_EXT in UTF-8, short and long, ASCII and not', () => {
    expect(enc('')).toBe('836d00000000');
    expect(enc('hi')).toBe('836d000000026869');
    expect(enc('é')).toBe('836d00000002c3a9');
    expect(enc('😀')).toBe('836d00000004f09f9880');
    expect(enc('\ud800')).toBe('836d00000003efbfbd');
    const long = 'a'.repeat(100);
    expect(enc(long)).toBe('836d00000064' + '61'.repeat(100));
    const longUnicode = 'ü'.repeat(100);
    expect(enc(longUnicode)).toBe('836d000000c8' + 'c3bc'.repeat(100));
  });

  it('arrays: LIST_EXT with a NIL_EXT tail; empty: NIL_EXT', () => {
    expect(enc([])).toBe('836a');
    expect(enc([1, 'a'])).toBe('836c00000002' + '6101' + '6d0000000161' + '6a');
    expect(enc([[]])).toBe('836c00000001' + '6a' + '6a');
  });

  it('objects: MAP_EXT with BINARY_EXT keys, in key order', () => {
    expect(enc({})).toBe('837400000000');
    expect(enc({ op: 1, d: null })).toBe('8374000000026d000000026f7061016d000000016473036e696c');
    expect(enc({ b: 1, 2: 2 })).toBe('8374000000026d0000000132' + '6102' + '6d0000000162' + '6101');
  });
});

describe('JSON semantics', () => {
  it('properties holding undefined are left out, as JSON.stringify does', () => {
    expect(enc({ a: undefined, b: 1, c: undefined })).toBe(enc({ b: 1 }));
    expect(enc({ a: undefined })).toBe(enc({}));
  });

  it('undefined and holes in arrays become nil, as JSON writes null', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(enc([undefined, 1, , 2])).toBe(enc([null, 1, null, 2]));
  });

  it('toJSON is honoured (a Date becomes its ISO string)', () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(decodeEtf(encodeEtf({ at: when }))).toEqual({ at: '2024-01-02T03:04:05.006Z' });
    expect(decodeEtf(encodeEtf([when]))).toEqual(['2024-01-02T03:04:05.006Z']);
    expect(decodeEtf(encodeEtf(when))).toBe('2024-01-02T03:04:05.006Z');
    const keys: string[] = [];
    const spy = {
      toJSON: (key: string) => {
        keys.push(key);
        return key;
      },
    };
    expect(decodeEtf(encodeEtf({ a: spy, list: [spy] }))).toEqual({ a: 'a', list: ['0'] });
    expect(keys).toEqual(['a', '0']);
    expect(enc({ gone: { toJSON: () => undefined } })).toBe(enc({}));
  });

  it('a toJSON that encodes re-entrantly does not corrupt the outer payload', () => {
    const inner = { toJSON: () => toHex(encodeEtf({ nested: 'x'.repeat(5000) })).length };
    expect(decodeEtf(encodeEtf({ a: 'before', inner, z: 'after' }))).toEqual({ a: 'before', inner: 10044, z: 'after' });
  });

  it('own enumerable string keys only; symbols keys are skipped as in JSON', () => {
    const value = Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true }, hidden: { value: 3 } });
    value[Symbol('s')] = 4;
    expect(enc(value)).toBe(enc({ own: 2 }));
  });

  it('the output is a fresh copy each time', () => {
    const first = encodeEtf({ a: 1 });
    const second = encodeEtf({ b: 2 });
    expect(toHex(first)).toBe(enc({ a: 1 }));
    expect(first.buffer).not.toBe(second.buffer);
    expect(first.byteLength).toBe(first.buffer.byteLength);
  });

  it('grows past its buffer for large payloads, and stays correct after', () => {
    const big = { members: Array.from({ length: 20_000 }, (_, i) => ({ id: `${i}`, name: 'ü'.repeat(i % 50) })) };
    expect(decodeEtf(encodeEtf(big))).toEqual(big);
    expect(enc({ small: true })).toBe('8374000000016d00000005736d616c6c730474727565');
  });
});

describe('errors', () => {
  const expectEncodeError = (value: unknown, code: EtfEncodeError['code']) => {
    let caught: unknown;
    try {
      encodeEtf(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EtfEncodeError);
    expect((caught as EtfEncodeError).code).toBe(code);
    return caught as EtfEncodeError;
  };

  it('functions, symbols, non-finite numbers and a top-level undefined are unsupported', () => {
    expectEncodeError(() => 1, 'ETF_ENCODE_UNSUPPORTED');
    expectEncodeError({ f() {} }, 'ETF_ENCODE_UNSUPPORTED');
    expectEncodeError([Symbol('x')], 'ETF_ENCODE_UNSUPPORTED');
    expectEncodeError(Number.NaN, 'ETF_ENCODE_UNSUPPORTED');
    expectEncodeError({ n: Number.POSITIVE_INFINITY }, 'ETF_ENCODE_UNSUPPORTED');
    expectEncodeError(undefined, 'ETF_ENCODE_UNSUPPORTED');
    const error = expectEncodeError({ d: { n: Number.NEGATIVE_INFINITY } }, 'ETF_ENCODE_UNSUPPORTED');
    expect(error.message).toContain('-Infinity');
  });

  it('a cycle is ETF_ENCODE_CIRCULAR', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expectEncodeError(a, 'ETF_ENCODE_CIRCULAR');
    const list: unknown[] = [];
    list.push({ list });
    expectEncodeError(list, 'ETF_ENCODE_CIRCULAR');
  });

  it(`nesting over ${ETF_MAX_ENCODE_DEPTH} is ETF_ENCODE_TOO_DEEP; ${ETF_MAX_ENCODE_DEPTH} is fine and decodes`, () => {
    const nest = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    expect(decodeEtf(encodeEtf(nest(ETF_MAX_ENCODE_DEPTH)))).toEqual(nest(ETF_MAX_ENCODE_DEPTH));
    expectEncodeError(nest(ETF_MAX_ENCODE_DEPTH + 1), 'ETF_ENCODE_TOO_DEEP');
  });

  it('the shared buffer is clean after an error', () => {
    expectEncodeError({ a: 'x'.repeat(100), bad: () => 1 }, 'ETF_ENCODE_UNSUPPORTED');
    expect(enc({ ok: 1 })).toBe('8374000000016d000000026f6b6101');
  });
});
