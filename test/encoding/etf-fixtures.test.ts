/**
 * ETF against a real implementation: every term Erlang/OTP's term_to_binary wrote
 * (scripts/fixtures/make-etf-codec-fixtures.escript) decodes to the committed JSON, every
 * malformed term Erlang refuses is refused with the committed code and offset, and our encoder
 * writes exactly the bytes Erlang's binary_to_term was checked against.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEtf, encodeEtf } from '../../codec/encoding/index.js';
import type { EtfDecodeErrorCode } from '../../codec/encoding/index.js';
import {
  expectEtfError,
  FIXTURES,
  fixtureEtf,
  fixtureIndex,
  fixtureJsonText,
  reviveBigints,
} from './helpers.js';
import { hex, toHex } from '../helpers/bytes.js';

const malformed: { name: string; about: string; code: EtfDecodeErrorCode; offset: number }[] = JSON.parse(
  readFileSync(`${FIXTURES}index.json`, 'utf8'),
).malformed;

describe('fixtures', () => {
  it('cover every tag Discord sends, and compressed terms', () => {
    expect(fixtureIndex.generator).toMatch(/^Erlang\/OTP \d+/);
    const tags = new Set<number>();
    for (const { name } of fixtureIndex.decode) {
      const etf = fixtureEtf(name);
      tags.add(etf[1]!);
    }
    // Top-level tags alone already span all of them; nested ones are in the payloads.
    expect([...tags].sort((a, b) => a - b)).toEqual([
      70, 80, 97, 98, 99, 100, 104, 105, 106, 107, 108, 109, 110, 111, 115, 116, 118, 119,
    ]);
    expect(fixtureIndex.decode.length).toBe(90);
    expect(fixtureIndex.encode.length).toBe(39);
    expect(malformed.length).toBe(20);
  });
});

describe('decodeEtf on term_to_binary output', () => {
  for (const { name, about } of fixtureIndex.decode) {
    it(`${name}: ${about}`, () => {
      const expected = JSON.parse(fixtureJsonText(name));
      // toStrictEqual: -0 stays -0, and no extra undefined properties.
      expect(decodeEtf(fixtureEtf(name))).toStrictEqual(expected);
    });
  }
});

describe('decodeEtf refuses what Erlang refuses or cannot shape as JSON', () => {
  for (const { name, about, code, offset } of malformed) {
    it(`${name}: ${about}`, () => {
      const etf = new Uint8Array(readFileSync(`${FIXTURES}malformed/${name}.etf`));
      expectEtfError(() => decodeEtf(etf), code, offset);
    });
  }
});

describe('encodeEtf writes the bytes binary_to_term was checked against', () => {
  for (const { name, input, hex: expected } of fixtureIndex.encode) {
    it(name, () => {
      const value = reviveBigints(input);
      expect(toHex(encodeEtf(value))).toBe(expected);
    });
  }

  it('and decodes them back to the same JSON shape', () => {
    for (const { input, hex: expected } of fixtureIndex.encode) {
      const value = reviveBigints(input);
      const decoded = decodeEtf(hex(expected), { bigint: true });
      expect(decoded).toStrictEqual(normalise(value));
    }
  });
});

/** What a value decodes to after an ETF round trip: unsafe integral numbers come back as strings. */
function normalise(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return value < 1e21 ? BigInt(value) : value;
  }
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}
