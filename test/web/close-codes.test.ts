/**
 * The close-code tables of the web adapter: every code the engine may ask for becomes one a
 * WHATWG `WebSocket.close()` accepts, with the session meaning kept (1000/1001 end it, nothing
 * else does); the server's code reaches the engine as sent, null when there was none.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLATFORM_CLOSE_CODES, platformCloseCode, platformCloseReason, serverCloseCode } from '../../adapters/web/index.js';
import { closeEndsSession, RECONNECT_CLOSE_CODE } from '../../machines/close-codes.js';

const accepted = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);
const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

describe('platformCloseCode', () => {
  it('maps the engine codes the platform refuses, as documented', () => {
    expect([1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014].map(platformCloseCode)).toEqual([
      1000, 4902, 4903, 4907, 4908, 4909, 4910, 4911, 4912, 4913, 4914,
    ]);
    expect([...PLATFORM_CLOSE_CODES.entries()]).toEqual([
      [1001, 1000],
      [1002, 4902],
      [1003, 4903],
      [1007, 4907],
      [1008, 4908],
      [1009, 4909],
      [1010, 4910],
      [1011, 4911],
      [1012, 4912],
      [1013, 4913],
      [1014, 4914],
    ]);
  });

  it('keeps 1000 and 3000-4999 as they are (the machine reconnects with 4900)', () => {
    for (const code of [1000, 3000, 3999, 4000, 4004, 4900, 4999]) expect(platformCloseCode(code)).toBe(code);
    expect(platformCloseCode(RECONNECT_CLOSE_CODE)).toBe(4900);
  });

  it('every code from 0 to 6000: the result is accepted by the platform and ends the session exactly when the original does', () => {
    for (let code = 0; code <= 6000; code++) {
      const sent = platformCloseCode(code);
      expect(accepted(sent), `${code} -> ${sent}`).toBe(true);
      expect(closeEndsSession(sent), `${code} -> ${sent}`).toBe(closeEndsSession(code));
    }
  });

  it('codes with no table entry (reserved, out of range, not integers) become 4900', () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, -1, 1000.5, Number.NaN]) {
      expect(platformCloseCode(code), String(code)).toBe(RECONNECT_CLOSE_CODE);
    }
  });
});

describe('serverCloseCode', () => {
  it('null for the codes that mean "no code was received" (1005, 1006, 1015), the code itself otherwise', () => {
    expect([1005, 1006, 1015].map(serverCloseCode)).toEqual([null, null, null]);
    expect([1000, 1001, 1002, 1011, 4000, 4004, 4009, 4014, 4900].map(serverCloseCode)).toEqual([1000, 1001, 1002, 1011, 4000, 4004, 4009, 4014, 4900]);
  });
});

describe('platformCloseReason', () => {
  it('leaves short reasons alone', () => {
    for (const reason of ['', 'PAYLOAD_INVALID_JSON', 'a'.repeat(123), 'é'.repeat(41)]) expect(platformCloseReason(reason)).toBe(reason);
  });

  it('cuts at 123 UTF-8 bytes on a character boundary', () => {
    expect(platformCloseReason('a'.repeat(200))).toBe('a'.repeat(123));
    expect(platformCloseReason('é'.repeat(100))).toBe('é'.repeat(61)); // 122 bytes: a 62nd would make 124
    expect(platformCloseReason('€'.repeat(50))).toBe('€'.repeat(41)); // 3 bytes each: 123
    expect(platformCloseReason('😀'.repeat(40))).toBe('😀'.repeat(30)); // 4 bytes each: 120
    expect(platformCloseReason(`${'a'.repeat(121)}😀`)).toBe('a'.repeat(121));
    // A lone surrogate goes out as U+FFFD (3 bytes).
    expect(platformCloseReason(`${'a'.repeat(120)}\ud800b`)).toBe(`${'a'.repeat(120)}\ud800`);
    expect(platformCloseReason(`${'a'.repeat(121)}\ud800`)).toBe('a'.repeat(121));
  });

  it('any string: a prefix of at most 123 bytes, as long as possible', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (reason) => {
        const cut = platformCloseReason(reason);
        expect(reason.startsWith(cut)).toBe(true);
        expect(utf8Length(cut)).toBeLessThanOrEqual(123);
        if (cut !== reason) {
          const next = String.fromCodePoint(reason.codePointAt(cut.length)!);
          expect(utf8Length(cut + next)).toBeGreaterThan(123);
        }
      }),
      { numRuns: 500 },
    );
  });
});
