/** decodeEtf, tag by tag and convention by convention, on literal bytes. */
import { describe, expect, it } from 'vitest';
import { decodeEtf, ETF_DEFAULT_MAX_DEPTH } from '../../codec/encoding/index.js';
import { ascii, bytes, fixtureEtf, u16, u32, utf8 } from './helpers.js';

const V = 131;

describe('one literal per tag', () => {
  const table: [string, Uint8Array, unknown][] = [
    ['SMALL_INTEGER_EXT 97', bytes(V, 97, 200), 200],
    ['INTEGER_EXT 98', bytes(V, 98, 0xff, 0xff, 0xfe, 0x0c), -500],
    ['SMALL_BIG_EXT 110', bytes(V, 110, 2, 0, 0x01, 0x02), 0x0201],
    ['LARGE_BIG_EXT 111', bytes(V, 111, ...u32(3), 1, 0x01, 0x00, 0x01), -65537],
    ['NEW_FLOAT_EXT 70', bytes(V, 70, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18), Math.PI],
    ['FLOAT_EXT 99', bytes(V, 99, ...ascii('2.50000000000000000000e+00'), 0, 0, 0, 0, 0), 2.5],
    ['ATOM_EXT 100', bytes(V, 100, ...u16(5), ...ascii('READY')), 'READY'],
    ['SMALL_ATOM_EXT 115', bytes(V, 115, 2, ...ascii('ok')), 'ok'],
    ['ATOM_UTF8_EXT 118', bytes(V, 118, ...u16(3), ...utf8('€')), '€'],
    ['SMALL_ATOM_UTF8_EXT 119', bytes(V, 119, 2, ...utf8('é')), 'é'],
    ['BINARY_EXT 109', bytes(V, 109, ...u32(2), ...ascii('hi')), 'hi'],
    ['STRING_EXT 107', bytes(V, 107, ...u16(3), 104, 105, 0), [104, 105, 0]],
    ['LIST_EXT 108', bytes(V, 108, ...u32(2), 97, 1, 97, 2, 106), [1, 2]],
    ['NIL_EXT 106', bytes(V, 106), []],
    ['MAP_EXT 116', bytes(V, 116, ...u32(1), 115, 2, ...ascii('op'), 97, 10), { op: 10 }],
    ['SMALL_TUPLE_EXT 104', bytes(V, 104, 2, 97, 1, 106), [1, []]],
    ['LARGE_TUPLE_EXT 105', bytes(V, 105, ...u32(1), 97, 7), [7]],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => {
      expect(decodeEtf(input)).toStrictEqual(expected);
    });
  }

  it('COMPRESSED 80 (zlib, level 0 stored block, made by hand)', () => {
    // Inner term: SMALL_INTEGER_EXT 42 = 61 2a; zlib: 78 01, stored final block of 2 bytes, Adler-32.
    const zlib = [0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x61, 0x2a, 0x00, 0xee, 0x00, 0x8c];
    expect(decodeEtf(bytes(V, 80, ...u32(2), ...zlib))).toBe(42);
  });
});

describe('atoms', () => {
  for (const [tag, header] of [
    [100, (n: number) => u16(n)],
    [115, (n: number) => [n]],
    [118, (n: number) => u16(n)],
    [119, (n: number) => [n]],
  ] as const) {
    it(`tag ${tag}: nil -> null, true/false -> booleans, others -> strings`, () => {
      const atom = (name: string) => bytes(V, tag, ...header(name.length), ...ascii(name));
      expect(decodeEtf(atom('nil'))).toBe(null);
      expect(decodeEtf(atom('true'))).toBe(true);
      expect(decodeEtf(atom('false'))).toBe(false);
      expect(decodeEtf(atom('null'))).toBe('null');
      expect(decodeEtf(atom('undefined'))).toBe('undefined');
      expect(decodeEtf(atom('nil2'))).toBe('nil2');
      expect(decodeEtf(atom('ni'))).toBe('ni');
      expect(decodeEtf(atom('True'))).toBe('True');
      expect(decodeEtf(atom(''))).toBe('');
    });
  }

  it('ATOM_EXT and SMALL_ATOM_EXT are Latin-1; the UTF8 variants UTF-8', () => {
    expect(decodeEtf(bytes(V, 100, ...u16(2), 0xe9, 0xff))).toBe('éÿ');
    expect(decodeEtf(bytes(V, 115, 2, 0xc3, 0xa9))).toBe('Ã©');
    expect(decodeEtf(bytes(V, 119, 2, 0xc3, 0xa9))).toBe('é');
    expect(decodeEtf(bytes(V, 118, ...u16(4), ...utf8('😀')))).toBe('😀');
  });

  it('a UTF-8 atom of 255 four-byte characters is allowed', () => {
    const name = '😀'.repeat(255);
    expect(decodeEtf(bytes(V, 118, ...u16(1020), ...utf8(name)))).toBe(name);
  });
});

describe('binaries', () => {
  const binary = (content: readonly number[]) => bytes(V, 109, ...u32(content.length), ...content);

  it('are UTF-8 strings, short or long', () => {
    expect(decodeEtf(binary([]))).toBe('');
    expect(decodeEtf(binary(utf8('héllo')))).toBe('héllo');
    const long = 'gateway '.repeat(100) + '🎉';
    expect(decodeEtf(binary(utf8(long)))).toBe(long);
  });

  it('replace invalid UTF-8 as TextDecoder does', () => {
    expect(decodeEtf(binary([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
    expect(decodeEtf(binary([0xf0, 0x9f, 0x98]))).toBe('\ufffd');
    expect(decodeEtf(binary([0xed, 0xa0, 0x80]))).toBe('\ufffd\ufffd\ufffd');
    const long = [...utf8('x'.repeat(40)), 0xc0, 0x80];
    expect(decodeEtf(binary(long))).toBe(`${'x'.repeat(40)}\ufffd\ufffd`);
  });

  it('keep a leading byte-order mark, short or long', () => {
    expect(decodeEtf(binary([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
    expect(decodeEtf(binary([0xef, 0xbb, 0xbf, ...utf8('b'.repeat(50))]))).toBe(`\ufeff${'b'.repeat(50)}`);
  });

  it('decode correctly whatever the key cache holds (many distinct keys, one slot each)', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${i.toString(36)}`);
    const entries = keys.flatMap((key, i) => [109, ...u32(key.length), ...ascii(key), 98, ...u32(i)]);
    const decoded = decodeEtf(bytes(V, 116, u32(keys.length), entries)) as Record<string, number>;
    expect(Object.keys(decoded)).toEqual(keys);
    expect(keys.every((key, i) => decoded[key] === i)).toBe(true);
    // And again, now that the cache is full of other strings.
    const again = decodeEtf(bytes(V, 116, u32(keys.length), entries)) as Record<string, number>;
    expect(again).toEqual(decoded);
  });
});

describe('integers', () => {
  const smallBig = (negative: boolean, value: bigint) => {
    const digits: number[] = [];
    for (let v = value; v > 0n; v >>= 8n) digits.push(Number(v & 0xffn));
    return bytes(V, 110, digits.length, negative ? 1 : 0, ...digits);
  };

  it('that fit a safe integer are numbers', () => {
    expect(decodeEtf(smallBig(false, 1_700_000_000_000n))).toBe(1_700_000_000_000);
    expect(decodeEtf(smallBig(false, 2n ** 53n - 1n))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeEtf(smallBig(true, 2n ** 53n - 1n))).toBe(Number.MIN_SAFE_INTEGER);
    expect(decodeEtf(smallBig(false, 2n ** 32n))).toBe(2 ** 32);
  });

  it('a millisecond timestamp is a number, not a string', () => {
    expect(decodeEtf(fixtureEtf('small_big_timestamp_ms'))).toBe(1_700_000_000_000);
  });

  it('beyond safe are exact decimal strings', () => {
    expect(decodeEtf(smallBig(false, 2n ** 53n))).toBe('9007199254740992');
    expect(decodeEtf(smallBig(true, 2n ** 53n))).toBe('-9007199254740992');
    expect(decodeEtf(smallBig(false, 1234567890123456789n))).toBe('1234567890123456789');
    expect(decodeEtf(smallBig(false, 2n ** 64n - 1n))).toBe('18446744073709551615');
    expect(decodeEtf(smallBig(false, 2n ** 64n))).toBe('18446744073709551616');
    expect(decodeEtf(smallBig(false, 10n ** 30n))).toBe(`1${'0'.repeat(30)}`);
  });

  it('beyond safe are bigints with bigint: true (safe ones stay numbers)', () => {
    expect(decodeEtf(smallBig(false, 1234567890123456789n), { bigint: true })).toBe(1234567890123456789n);
    expect(decodeEtf(smallBig(true, 2n ** 64n - 1n), { bigint: true })).toBe(-(2n ** 64n - 1n));
    expect(decodeEtf(smallBig(false, 10n ** 30n), { bigint: true })).toBe(10n ** 30n);
    expect(decodeEtf(smallBig(false, 5n), { bigint: true })).toBe(5);
    expect(decodeEtf(bytes(V, 98, 0xff, 0xff, 0xff, 0xff), { bigint: true })).toBe(-1);
  });

  it('a non-zero sign byte other than 1 still means negative, as in Erlang', () => {
    expect(decodeEtf(bytes(V, 110, 1, 2, 5))).toBe(-5);
  });

  it('non-canonical long bignums holding small values are numbers, sign included', () => {
    expect(decodeEtf(bytes(V, 111, ...u32(9), 1, 5, 0, 0, 0, 0, 0, 0, 0, 0))).toBe(-5);
    expect(decodeEtf(bytes(V, 110, 12, 0, 1, 2, ...new Array(10).fill(0)))).toBe(0x0201);
  });

  it('no -0 from a negative zero bignum', () => {
    expect(Object.is(decodeEtf(bytes(V, 110, 1, 1, 0)), 0)).toBe(true);
    expect(Object.is(decodeEtf(bytes(V, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)), 0)).toBe(true);
  });
});

describe('floats', () => {
  it('FLOAT_EXT text stops at the first NUL, as Erlang reads it', () => {
    const text = [...ascii('1.5'), 0, ...ascii('zz'), ...new Array(25).fill(0)];
    expect(decodeEtf(bytes(V, 99, ...text))).toBe(1.5);
    const full = ascii('-1.00000000000000005551e-01'.padEnd(31, '\0'));
    expect(decodeEtf(bytes(V, 99, ...full))).toBe(-0.1);
  });

  it('NEW_FLOAT_EXT keeps -0', () => {
    expect(Object.is(decodeEtf(bytes(V, 70, 0x80, 0, 0, 0, 0, 0, 0, 0)), -0)).toBe(true);
  });
});

describe('maps', () => {
  it('give plain objects whose __proto__ key is an own property, never the prototype', () => {
    const proto = ascii('__proto__');
    const input = bytes(V, 116, ...u32(2), 109, ...u32(proto.length), ...proto, 116, ...u32(1), 115, 8, ...ascii('polluted'), 115, 4, ...ascii('true'), 115, 1, 97, 97, 1);
    const value = decodeEtf(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toEqual({
      value: { polluted: true },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // The same shape JSON.parse gives.
    expect(value).toStrictEqual(JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
  });

  it('__proto__ as an atom key too, and every object is a plain object', () => {
    const value = decodeEtf(bytes(V, 116, ...u32(1), 100, ...u16(9), ...ascii('__proto__'), 106)) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Array.isArray(Object.getOwnPropertyDescriptor(value, '__proto__')?.value)).toBe(true);
    for (const name of ['ready', 'message_create', 'guild_create']) {
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node !== null && typeof node === 'object') {
          expect(Object.getPrototypeOf(node)).toBe(Object.prototype);
          Object.values(node).forEach(walk);
        }
      };
      walk(decodeEtf(fixtureEtf(name)));
    }
  });

  it('keys: atoms and binaries by text (nil/true/false stay strings), integers in decimal', () => {
    const input = bytes(
      V, 116, ...u32(6),
      115, 3, ...ascii('nil'), 97, 1,
      119, 4, ...ascii('true'), 97, 2,
      109, ...u32(1), ...ascii('b'), 97, 3,
      97, 7, 97, 4,
      98, ...u32(-12 >>> 0), 97, 5,
      110, 8, 0, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11, 97, 6,
    );
    expect(decodeEtf(input)).toStrictEqual({
      nil: 1, true: 2, b: 3, '7': 4, '-12': 5, '1234567890123456789': 6,
    });
  });

  it('integer keys beyond safe are decimal strings even with bigint: true', () => {
    const input = bytes(V, 116, ...u32(1), 110, 8, 0, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11, 106);
    expect(decodeEtf(input, { bigint: true })).toStrictEqual({ '1234567890123456789': [] });
  });

  it('a later duplicate key wins, as in JSON.parse', () => {
    const input = bytes(V, 116, ...u32(2), 115, 1, 97, 97, 1, 109, ...u32(1), 97, 97, 2);
    expect(decodeEtf(input)).toStrictEqual({ a: 2 });
  });

  it('long and non-ASCII keys', () => {
    const long = 'k'.repeat(100);
    const input = bytes(V, 116, ...u32(2), 109, ...u32(100), ...ascii(long), 97, 1, 109, ...u32(3), ...utf8('ké'), 97, 2);
    expect(decodeEtf(input)).toStrictEqual({ [long]: 1, ké: 2 });
  });
});

describe('depth', () => {
  const nested = (depth: number) => bytes(V, ...new Array(depth).fill([108, 0, 0, 0, 1]).flat(), 106, ...new Array(depth).fill(106));

  it(`accepts ${ETF_DEFAULT_MAX_DEPTH} nested containers by default`, () => {
    let value = decodeEtf(nested(ETF_DEFAULT_MAX_DEPTH - 1));
    let depth = 0;
    while (Array.isArray(value) && value.length === 1) {
      value = value[0];
      depth++;
    }
    expect(depth).toBe(ETF_DEFAULT_MAX_DEPTH - 1);
    expect(value).toEqual([]);
  });

  it('maxDepth counts lists, tuples and maps', () => {
    const mixed = bytes(V, 108, ...u32(1), 104, 1, 116, ...u32(1), 97, 1, 97, 2, 106);
    expect(decodeEtf(mixed, { maxDepth: 3 })).toStrictEqual([[{ '1': 2 }]]);
  });
});

describe('input views', () => {
  it('a subarray at an odd offset of a larger buffer decodes the same (floats, snowflakes, compressed)', () => {
    for (const name of ['ready', 'new_float_0_1', 'small_big_snowflake', 'guild_create_compressed', 'float_ext_third']) {
      const etf = fixtureEtf(name);
      const host = new Uint8Array(etf.length + 7).fill(0xee);
      host.set(etf, 3);
      expect(decodeEtf(host.subarray(3, 3 + etf.length))).toStrictEqual(decodeEtf(etf));
    }
  });

  it('a Node Buffer from the shared pool decodes the same', () => {
    const etf = fixtureEtf('message_create');
    const pooled = Buffer.from(etf);
    expect(pooled.byteOffset === 0 && pooled.buffer.byteLength === etf.length).toBe(false);
    expect(decodeEtf(pooled)).toStrictEqual(decodeEtf(etf));
  });
});

describe('payloads as Discord sends them', () => {
  it('READY: event name atom -> string, snowflakes -> strings, shard STRING_EXT -> numbers', () => {
    const ready = decodeEtf(fixtureEtf('ready')) as {
      op: number;
      s: number;
      t: string;
      d: { user: { id: string; bot: boolean; email: null }; shard: number[]; v: number };
    };
    expect(ready.op).toBe(0);
    expect(ready.s).toBe(1);
    expect(ready.t).toBe('READY');
    expect(ready.d.v).toBe(10);
    expect(ready.d.shard).toEqual([0, 1]);
    expect(ready.d.user.id).toBe('1100000000004194305');
    expect(ready.d.user.bot).toBe(true);
    expect(ready.d.user.email).toBe(null);
  });
});
