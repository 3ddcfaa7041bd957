import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEtf } from '../../adapters/fake-gateway/etf-decoder.js';
import { encodeEtf } from '../../adapters/fake-gateway/etf-encoder.js';
import { EtfAtom } from '../../adapters/fake-gateway/etf-tags.js';
import { FakeGatewayError } from '../../adapters/fake-gateway/errors.js';
import { encodePayload } from '../../adapters/fake-gateway/payload-codec.js';

// Bytes written by Erlang's own term_to_binary (scripts/fixtures/make-etf-fixtures.sh).
const fixture = JSON.parse(readFileSync(new URL('../fixtures/etf/fake-gateway/erlang-terms.json', import.meta.url), 'utf8')) as {
  terms: { name: string; hex: string }[];
};
const erlang = new Map(fixture.terms.map((t) => [t.name, Uint8Array.from(Buffer.from(t.hex, 'hex'))]));
function bytesOf(name: string): Uint8Array {
  const bytes = erlang.get(name);
  if (!bytes) throw new Error(`no fixture ${name}`);
  return bytes;
}

const a = (name: string) => new EtfAtom(name);

/** [fixture, decoded value, value our encoder must turn into exactly the fixture's bytes]. */
const table: [string, unknown, unknown][] = [
  ['small_integer_255', 255, 255],
  ['integer_256', 256, 256],
  ['integer_minus_1', -1, -1],
  ['integer_max_i32', 2147483647, 2147483647],
  ['big_2_pow_31', 2147483648, 2147483648],
  ['big_minus_2_pow_31_minus_1', -2147483649, -2147483649],
  ['big_max_safe', 9007199254740991, 9007199254740991],
  ['big_max_u64', '18446744073709551615', 18446744073709551615n],
  ['large_big_2_pow_2048', (1n << 2048n).toString(), 1n << 2048n],
  ['new_float_1_5', 1.5, 1.5],
  ['atom_true', true, true],
  ['atom_false', false, false],
  ['atom_nil', null, null],
  ['empty_list', [], []],
  ['list_mixed', [1, 2, 300], [1, 2, 300]],
  ['string_ext', [104, 105], [104, 105]],
  ['empty_binary', '', ''],
  ['utf8_binary', '€', '€'],
  ['hello_payload', { d: { heartbeat_interval: 41250 }, op: 10, s: null, t: null }, undefined],
  [
    'identify_from_client',
    { d: { intents: 513, properties: { os: 'linux' }, shard: [0, 1], token: 'abc' }, op: 2 },
    { d: { intents: 513, properties: { os: 'linux' }, shard: [0, 1], token: 'abc' }, op: 2 },
  ],
  [
    'dispatch_payload',
    {
      d: {
        channel_id: '1100000000000000002',
        content: 'héllo',
        id: '1100000000000000001',
        nonce: '12',
        shard: [0, 1],
        tags: ['a', 300],
      },
      op: 0,
      s: 5,
      t: 'MESSAGE_CREATE',
    },
    new Map<unknown, unknown>([
      [a('d'), { channel_id: '1100000000000000002', content: 'héllo', id: '1100000000000000001', nonce: '12', shard: [0, 1], tags: ['a', 300] }],
      [a('op'), 0],
      [a('s'), 5],
      [a('t'), 'MESSAGE_CREATE'],
    ]),
  ],
  ['old_float_1_5', 1.5, undefined],
  ['atom_ext_ok', 'ok', undefined],
  ['tuple', [1, 'a'], undefined],
];

describe('fake gateway ETF codec against Erlang term_to_binary', () => {
  it.each(table)('%s decodes to the expected value', (name, decoded) => {
    expect(decodeEtf(bytesOf(name), { allowAtomKeys: true })).toEqual(decoded);
  });

  it.each(table.filter(([, , encodable]) => encodable !== undefined))('%s is encoded to the same bytes', (name, _, value) => {
    expect(Buffer.from(encodeEtf(value)).toString('hex')).toBe(Buffer.from(bytesOf(name)).toString('hex'));
  });

  it('encodes server payloads as Discord does: atom keys d/op/s/t and an atom event name', () => {
    const hello = encodePayload({ op: 10, d: { heartbeat_interval: 41250 } }, 'etf');
    expect(Buffer.from(hello).toString('hex')).toBe(Buffer.from(bytesOf('hello_payload')).toString('hex'));
    const resumed = encodePayload({ op: 0, s: 7, t: 'RESUMED', d: {} }, 'etf');
    expect(Buffer.from(resumed).toString('hex')).toBe(Buffer.from(bytesOf('dispatch_atom_event_name')).toString('hex'));
  });

  it.each([
    ['atom_key_map', 'is an atom'],
    ['improper_list', 'improper'],
    ['invalid_utf8_binary', 'UTF-8'],
  ])('refuses %s with a typed error', (name, message) => {
    const run = () => decodeEtf(bytesOf(name));
    expect(run).toThrow(FakeGatewayError);
    expect(run).toThrow(message);
  });

  it('accepts atom keys only when asked to', () => {
    expect(decodeEtf(bytesOf('atom_key_map'), { allowAtomKeys: true })).toEqual({ op: 1 });
  });
});

describe('fake gateway ETF decoder bounds', () => {
  const refuses = (hex: string, message: string) => {
    try {
      decodeEtf(Uint8Array.from(Buffer.from(hex, 'hex')));
    } catch (error) {
      expect(error).toBeInstanceOf(FakeGatewayError);
      expect((error as FakeGatewayError).code).toBe('FAKE_GATEWAY_ETF_DECODE');
      expect((error as FakeGatewayError).message).toContain(message);
      return;
    }
    throw new Error(`decoded ${hex}`);
  };

  it.each([
    ['', 'past the end'],
    ['82', 'version'],
    ['836dffffffff', 'past the end'], // a 4 GiB binary declared in 6 bytes
    ['836cffffffff', 'past the end'], // a 4-billion-item list
    ['8374ffffffff', 'past the end'],
    ['836e', 'past the end'],
    ['836e010205', 'sign byte'],
    ['8361016a', 'follow the term'],
    ['8350000000016a', 'compressed'],
    ['8303', 'unsupported tag 3'],
  ])('refuses %s', (hex, message) => refuses(hex, message));

  it('refuses nesting beyond maxDepth without a stack overflow', () => {
    // 0x68 0x68 ... reads as SMALL_TUPLE_EXT of arity 0x68 whose first item is another one.
    const deep = Buffer.concat([Buffer.from([131]), Buffer.alloc(100_000, 0x68)]);
    expect(() => decodeEtf(deep)).toThrow(/deeper than 64/);
  });

  it('survives arbitrary bytes: a value or a FakeGatewayError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        try {
          decodeEtf(Uint8Array.from([131, ...tail]));
        } catch (error) {
          expect(error).toBeInstanceOf(FakeGatewayError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips JSON-like values, snowflake ids included', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
        fc.string(),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.bigInt({ min: 1n << 53n, max: (1n << 64n) - 1n }), (value, snowflake) => {
        const message = { id: snowflake.toString(), guild_id: '42', value };
        const decoded = decodeEtf(encodeEtf(message));
        // Erlang has no -0 and no distinction between 1 and 1.0 on our side: compare as JSON does.
        expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(message)));
      }),
      { numRuns: 500 },
    );
  });
});
