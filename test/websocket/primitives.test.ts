import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODE_TABLE,
  computeAccept,
  encodeBase64,
  isValidCloseCode,
  sha1,
  UTF8_ACCEPT,
  UTF8_REJECT,
  validateUtf8,
} from '../../codec/websocket/index.js';
import { hex, toHex } from '../helpers/bytes.js';
import { pattern } from './helpers.js';

// ws's own close-code check, a real peer's reading of RFC 6455 7.4 (not in ws's exports map).
const require = createRequire(import.meta.url);
const { isValidStatusCode } = require(join(dirname(require.resolve('ws')), 'lib/validation.js')) as {
  isValidStatusCode: (code: number) => boolean;
};

describe('sha1', () => {
  it('matches the FIPS 180 test vectors', () => {
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(toHex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('matches node:crypto for every length 0..300 and for 1 MB', () => {
    for (let n = 0; n <= 300; n++) {
      const data = pattern(n, n + 7);
      expect(toHex(sha1(data)), `length ${n}`).toBe(createHash('sha1').update(data).digest('hex'));
    }
    const big = pattern(1 << 20, 3);
    expect(toHex(sha1(big))).toBe(createHash('sha1').update(big).digest('hex'));
  });
});

describe('base64', () => {
  it('matches Buffer for every length 0..100', () => {
    for (let n = 0; n <= 100; n++) {
      const data = pattern(n, n);
      expect(encodeBase64(data)).toBe(Buffer.from(data).toString('base64'));
    }
  });

  it('encodes the RFC 4648 vectors', () => {
    const enc = (s: string) => encodeBase64(new TextEncoder().encode(s));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual([
      '',
      'Zg==',
      'Zm8=',
      'Zm9v',
      'Zm9vYg==',
      'Zm9vYmE=',
      'Zm9vYmFy',
    ]);
  });
});

describe('Sec-WebSocket-Accept', () => {
  it('derives the RFC 6455 section 1.3 example', () => {
    expect(computeAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('matches node:crypto for random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const key = Buffer.from(raw).toString('base64');
        const expected = createHash('sha1')
          .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        expect(computeAccept(key)).toBe(expected);
      }),
    );
  });
});

describe('validateUtf8', () => {
  const table: [string, string, boolean][] = [
    ['empty', '', true],
    ['ascii', '48656c6c6f', true],
    ['2-byte', 'c2a9', true],
    ['3-byte', 'e282ac', true],
    ['4-byte', 'f09f9880', true],
    ['U+10FFFF', 'f48fbfbf', true],
    ['U+D7FF', 'ed9fbf', true],
    ['U+E000', 'ee8080', true],
    ['stray continuation', '80', false],
    ['overlong 2-byte (C0)', 'c0af', false],
    ['overlong 2-byte (C1)', 'c1bf', false],
    ['overlong 3-byte', 'e080af', false],
    ['overlong 4-byte', 'f08080af', false],
    ['surrogate U+D800', 'eda080', false],
    ['surrogate U+DFFF', 'edbfbf', false],
    ['past U+10FFFF', 'f4908080', false],
    ['F5 lead', 'f5808080', false],
    ['FF', 'ff', false],
    ['truncated 2-byte', 'c2', false],
    ['truncated 4-byte', 'f09f98', false],
    ['lead then ascii', 'e2 41 41', false],
    ['ascii run then bad byte at 9', '4141414141414141 41 ff', false],
  ];
  for (const [name, bytes, valid] of table) {
    it(`${valid ? 'accepts' : 'rejects'} ${name}`, () => {
      const state = validateUtf8(hex(bytes), UTF8_ACCEPT);
      expect(state === UTF8_ACCEPT).toBe(valid);
      expect(isUtf8(hex(bytes))).toBe(valid);
    });
  }

  it('reports a code point cut at the end as a pending (positive) state', () => {
    const state = validateUtf8(hex('41 f0 9f'), UTF8_ACCEPT);
    expect(state).toBeGreaterThan(0);
    expect(validateUtf8(hex('98 80'), state)).toBe(UTF8_ACCEPT);
    expect(validateUtf8(hex('41'), state)).toBe(UTF8_REJECT);
    expect(validateUtf8(hex('41'), UTF8_REJECT)).toBe(UTF8_REJECT);
  });

  it('agrees with isUtf8 on long mostly-ASCII inputs at any byte offset (the 8-byte fast path)', () => {
    const input = fc
      .tuple(
        fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 3 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
      )
      .map(([ascii, other, at, b, offset, corrupt]) => {
        const text = new TextEncoder().encode(ascii.slice(0, at % ascii.length) + other + ascii.slice(at % ascii.length));
        if (corrupt) text[(at * 7) % text.length] = b;
        const backing = new Uint8Array(text.length + offset);
        backing.set(text, offset);
        return backing.subarray(offset);
      });
    fc.assert(
      fc.property(input, (bytes) => {
        expect(validateUtf8(bytes, UTF8_ACCEPT) === UTF8_ACCEPT).toBe(isUtf8(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with node:buffer isUtf8 (simdutf) on arbitrary and near-valid bytes, at every split', () => {
    const nearValid = fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([s, at, b]) => {
        const bytes = new TextEncoder().encode(s);
        if (bytes.length > 0) bytes[at % bytes.length] = b;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), nearValid), (bytes) => {
        const expected = isUtf8(bytes);
        expect(validateUtf8(bytes, UTF8_ACCEPT) === UTF8_ACCEPT).toBe(expected);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const state = validateUtf8(bytes.subarray(0, cut), UTF8_ACCEPT);
          expect(validateUtf8(bytes.subarray(cut), state) === UTF8_ACCEPT).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('close codes (RFC 6455 section 7.4)', () => {
  // Written from the RFC and the IANA registry, independently of CLOSE_CODE_TABLE.
  const spec = (code: number) =>
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

  it('the table covers 0..65535 in order without gaps', () => {
    expect(CLOSE_CODE_TABLE[0]!.from).toBe(0);
    expect(CLOSE_CODE_TABLE.at(-1)!.to).toBe(65535);
    for (let i = 1; i < CLOSE_CODE_TABLE.length; i++) {
      expect(CLOSE_CODE_TABLE[i]!.from).toBe(CLOSE_CODE_TABLE[i - 1]!.to + 1);
    }
  });

  it('agrees with the RFC and with ws for every 16-bit code', () => {
    const disagreements: string[] = [];
    for (let code = 0; code <= 65535; code++) {
      if (isValidCloseCode(code) !== spec(code)) disagreements.push(`ours on ${code}`);
      if (isValidStatusCode(code) !== spec(code)) disagreements.push(`ws on ${code}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('never allows the reporting-only codes', () => {
    for (const code of [1004, 1005, 1006, 1015, 1016, 2999, 999, 5000]) expect(isValidCloseCode(code)).toBe(false);
    expect(isValidCloseCode(1000.5)).toBe(false);
  });
});
