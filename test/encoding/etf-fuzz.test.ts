/**
 * Seeded property tests: decodeEtf on random bytes and on mutated valid terms either returns
 * or throws EtfDecodeError (with an offset inside its input), never anything else; and
 * encodeEtf -> decodeEtf gives back the JSON shape, with integer conversions checked against BigInt.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEtf, EtfDecodeError, encodeEtf } from '../../codec/encoding/index.js';
import { fixtureEtf, fixtureIndex } from './helpers.js';

const SEED = 0x5eed;

const wellFormed = (text: string): string =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(text));

/** Decodes, and checks that any failure is a well-formed EtfDecodeError. */
function decodeOrTypedError(input: Uint8Array): void {
  try {
    decodeEtf(input, { maxInflatedSize: 1 << 20 });
  } catch (error) {
    if (!(error instanceof EtfDecodeError)) throw error;
    expect(Number.isInteger(error.offset)).toBe(true);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    if (!error.compressed) expect(error.offset).toBeLessThanOrEqual(input.length);
  }
}

// Tags, small lengths and the bytes of nil/true/false: random input that gets past the first byte.
const interestingByte = fc.oneof(
  fc.constantFrom(70, 80, 97, 98, 99, 100, 104, 105, 106, 107, 108, 109, 110, 111, 115, 116, 118, 119),
  fc.constantFrom(0, 1, 2, 3, 4, 5, 8, 255, 0x80, 0xc3, 0xe9),
  fc.integer({ min: 0, max: 255 }),
);

describe('decodeEtf never throws anything but EtfDecodeError', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => decodeOrTypedError(input)),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('on random bytes after the version byte, biased to tags and small lengths', () => {
    fc.assert(
      fc.property(fc.array(interestingByte, { maxLength: 200 }), (body) =>
        decodeOrTypedError(Uint8Array.from([131, ...body])),
      ),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  const valid = fixtureIndex.decode.map(({ name }) => fixtureEtf(name)).filter((etf) => etf.length < 20_000);

  it('on mutated valid terms (byte flips, truncations, insertions, deletions)', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: interestingByte }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: interestingByte }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        let input = Array.from(valid[which]!);
        for (const { kind, at, byte } of mutations) {
          const i = at % (input.length + 1);
          if (kind === 'set' && i < input.length) input[i] = byte;
          else if (kind === 'cut') input = input.slice(0, i);
          else if (kind === 'insert') input.splice(i, 0, byte);
          else if (kind === 'delete') input.splice(i, 1);
        }
        decodeOrTypedError(Uint8Array.from(input));
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it('on every single-byte change of a compressed term', () => {
    const etf = fixtureEtf('compressed_map');
    for (let i = 0; i < etf.length; i++) {
      for (const delta of [1, 0x80]) {
        const input = etf.slice();
        input[i] = (input[i]! + delta) & 0xff;
        decodeOrTypedError(input);
      }
    }
  });

  it('on every truncation of READY', () => {
    const etf = fixtureEtf('ready');
    for (let end = 0; end < etf.length; end++) {
      expect(() => decodeEtf(etf.subarray(0, end))).toThrow(EtfDecodeError);
    }
  });
});

/** JSON.parse(JSON.stringify(v)) as ETF sees it: integral numbers past 2^53 come back as decimal strings. */
function expectedShape(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21) {
      return BigInt(value).toString();
    }
    return Object.is(value, -0) ? 0 : value;
  }
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(expectedShape);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, wellFormed(k), { value: expectedShape(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

describe('encodeEtf -> decodeEtf', () => {
  it('gives back any JSON value in its JSON shape', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(decodeEtf(encodeEtf(value))).toStrictEqual(expectedShape(value));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('including full-Unicode strings and keys (lone surrogates become U+FFFD, as in TextEncoder)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), (value) => {
        expect(decodeEtf(encodeEtf(value))).toStrictEqual(expectedShape(value));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('and any integer, number or bigint, exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 2100n), max: 2n ** 2100n }), (value) => {
        const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
        expect(decodeEtf(encodeEtf(value))).toBe(safe ? Number(value) : value.toString());
        expect(decodeEtf(encodeEtf(value), { bigint: true })).toBe(safe ? Number(value) : value);
        if (safe) expect(decodeEtf(encodeEtf(Number(value)))).toBe(Number(value));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('every SMALL_BIG_EXT of 0 to 8 digit bytes decodes as BigInt reads it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.boolean(), (digits, negative) => {
        let magnitude = 0n;
        for (let i = digits.length - 1; i >= 0; i--) magnitude = (magnitude << 8n) | BigInt(digits[i]!);
        const value = negative ? -magnitude : magnitude;
        const input = Uint8Array.from([131, 110, digits.length, negative ? 1 : 0, ...digits]);
        const safe = magnitude <= BigInt(Number.MAX_SAFE_INTEGER);
        const expected = safe ? (magnitude === 0n ? 0 : Number(value)) : value.toString();
        expect(decodeEtf(input)).toBe(expected);
        expect(decodeEtf(input, { bigint: true })).toBe(safe ? expected : value);
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });
});
