// The lazy-decoding scanners (scanJsonDispatch, scanEtfDispatch) against the full decoders they
// stand in for: whenever a scanner answers, the full decoder succeeds with the same op, s and t;
// whenever the full decoder sees a valid dispatch nobody wants, the scanner answers. Bad input is
// never the scanners' business: they decline, and the full decoder throws its typed error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EtfAtom } from '../../adapters/fake-gateway/etf-tags.js';
import { encodeEtf as fakeGatewayEtf } from '../../adapters/fake-gateway/etf-encoder.js';
import {
  type DispatchEnvelope,
  encodeEtf,
  etfEncoding,
  type GatewayPayload,
  jsonEncoding,
  type PayloadEncoding,
  scanEtfDispatch,
  scanJsonDispatch,
} from '../../codec/encoding/index.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import { compressedEtf } from '../helpers/compressed-etf.js';

const WANTED: ReadonlySet<string> = new Set(['MESSAGE_CREATE', 'READY', 'RESUMED']);
const utf8 = new TextEncoder();
const json = (text: string) => utf8.encode(text);

function fullDecode(encoding: PayloadEncoding, bytes: Uint8Array): { payload: GatewayPayload } | { error: unknown } {
  try {
    return { payload: encoding.decode(bytes) };
  } catch (error) {
    return { error };
  }
}

/** The scanner's contract against the full decoder, for one input. */
function checkAgainstFull(encoding: PayloadEncoding, bytes: Uint8Array, complete = true): DispatchEnvelope | null {
  const envelope = encoding.skippableDispatch(bytes, WANTED);
  const full = fullDecode(encoding, bytes);
  if ('error' in full) {
    // Bad input: the scanner declines; the full decoder's error is a typed one.
    expect(envelope).toBeNull();
    expect(full.error).toBeInstanceOf(DiscordGatewayError);
    return envelope;
  }
  const { op, s, t } = full.payload;
  const skippable = op === 0 && !(typeof t === 'string' && WANTED.has(t));
  if (envelope !== null) {
    expect(skippable).toBe(true);
    expect(envelope).toEqual({ op: 0, s, t });
    expect(Object.is(envelope.s, s)).toBe(true);
  } else if (complete) {
    expect(skippable).toBe(false);
  }
  return envelope;
}

describe('scanJsonDispatch', () => {
  it.each([
    ['Discord order, unwanted', '{"t":"PRESENCE_UPDATE","s":42,"op":0,"d":{"user":{"id":"1"},"a":[1,2.5e3,-0,true,false,null,"x\\"y"]}}', { op: 0, s: 42, t: 'PRESENCE_UPDATE' }],
    ['d first', '{"d":{"t":"MESSAGE_CREATE","op":1},"op":0,"s":7,"t":"TYPING_START"}', { op: 0, s: 7, t: 'TYPING_START' }],
    ['whitespace everywhere', ' \r\n\t{ "t" : "GUILD_CREATE" , "s" : 3 , "op" : 0 , "d" : [ { } , [ ] ] } \n', { op: 0, s: 3, t: 'GUILD_CREATE' }],
    ['a byte order mark first (the UTF-8 decoder drops it)', '\ufeff{"op":0,"s":1,"t":"X","d":null}', { op: 0, s: 1, t: 'X' }],
    ['escaped key names', '{"\\u0074":"X","\\u0073":5,"\\u006fp":0,"d":1}', { op: 0, s: 5, t: 'X' }],
    ['duplicate keys: the last wins', '{"s":1,"t":"X","op":0,"d":0,"s":9,"t":"Y"}', { op: 0, s: 9, t: 'Y' }],
    ['s and t absent', '{"op":0,"d":{}}', { op: 0, s: undefined, t: undefined }],
    ['s and t null', '{"op":0,"s":null,"t":null,"d":{}}', { op: 0, s: null, t: null }],
    ['escapes and UTF-8 in values', '{"op":0,"s":2,"t":"X","d":"h\\u00e9llo \\ud83d\\ude00 héllo 😀 \\n\\t\\/"}', { op: 0, s: 2, t: 'X' }],
    ['a non-ASCII event name', '{"op":0,"s":2,"t":"ÉVÉNEMENT","d":0}', { op: 0, s: 2, t: 'ÉVÉNEMENT' }],
    ['op written as 0.0e0', '{"op":0.0e0,"s":3,"t":"X","d":0}', { op: 0, s: 3, t: 'X' }],
  ])('%s', (_name, text, expected) => {
    expect(checkAgainstFull(jsonEncoding, json(text))).toEqual(expected);
  });

  it.each([
    ['a wanted dispatch', '{"t":"MESSAGE_CREATE","s":1,"op":0,"d":{}}'],
    ['READY (always wanted)', '{"t":"READY","s":1,"op":0,"d":{}}'],
    ['a wanted name that is the last of duplicates', '{"t":"X","op":0,"s":1,"t":"MESSAGE_CREATE","d":0}'],
    ['HELLO', '{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}'],
    ['a heartbeat ACK', '{"op":11}'],
    ['op 0 then op 10', '{"op":0,"op":10,"d":null}'],
  ])('declines %s (decoded in full)', (_name, text) => {
    expect(checkAgainstFull(jsonEncoding, json(text))).toBeNull();
  });

  it.each([
    ['truncated', '{"t":"X","s":1,"op":0,"d":{"a":[1,2'],
    ['trailing bytes', '{"op":0,"d":1} x'],
    ['two values', '{"op":0}{"op":0}'],
    ['a raw control character in a string', '{"op":0,"t":"X","d":"a\u0001b"}'],
    ['a bad escape', '{"op":0,"t":"X","d":"\\x41"}'],
    ['a short unicode escape', '{"op":0,"t":"X","d":"\\u12g4"}'],
    ['a leading zero', '{"op":0,"t":"X","d":01}'],
    ['a bare minus', '{"op":0,"t":"X","d":-}'],
    ['a fraction without digits', '{"op":0,"t":"X","d":1.}'],
    ['an exponent without digits', '{"op":0,"t":"X","d":1e+}'],
    ['a plus sign', '{"op":0,"t":"X","d":+1}'],
    ['mismatched brackets', '{"op":0,"t":"X","d":[1}'],
    ['a trailing comma', '{"op":0,"t":"X","d":[1,],}'],
    ['a single-quoted string', "{'op':0}"],
    ['a misspelt literal', '{"op":0,"t":"X","d":nul}'],
    ['an unquoted key', '{op:0}'],
    ['an op that is not an integer', '{"op":0.5,"t":"X","d":0}'],
    ['an op that is a string', '{"op":"0","t":"X","d":0}'],
    ['an s that is not an integer', '{"op":0,"s":1.5,"t":"X","d":0}'],
    ['an s that is a string', '{"op":0,"s":"1","t":"X","d":0}'],
    ['a t that is a number', '{"op":0,"s":1,"t":5,"d":0}'],
    ['a t that is an object', '{"op":0,"s":1,"t":{},"d":0}'],
    ['no op', '{"s":1,"t":"X","d":0}'],
    ['not an object', '[0,1]'],
    ['empty', ''],
  ])('declines bad input, which the full decoder refuses with a typed error: %s', (_name, text) => {
    const bytes = json(text);
    expect(scanJsonDispatch(bytes, WANTED)).toBeNull();
    expect(() => jsonEncoding.decode(bytes)).toThrow(DiscordGatewayError);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a cut sequence', [0xe2, 0x82]],
    ['a byte that is never UTF-8', [0xff]],
  ])('declines invalid UTF-8 in a skipped string (%s): the full decoder refuses it', (_name, bad) => {
    const bytes = new Uint8Array([...json('{"op":0,"t":"X","d":"a'), ...bad, ...json('b"}')]);
    expect(scanJsonDispatch(bytes, WANTED)).toBeNull();
    expect(() => jsonEncoding.decode(bytes)).toThrow(expect.objectContaining({ code: 'PAYLOAD_INVALID_UTF8' }));
  });

  it('skips deeply nested values without recursion', () => {
    const depth = 100_000;
    const bytes = json(`{"op":0,"s":1,"t":"X","d":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(scanJsonDispatch(bytes, WANTED)).toEqual({ op: 0, s: 1, t: 'X' });
  });
});

// ---- differential fuzzing ----------------------------------------------------------------

const NAMES = ['MESSAGE_CREATE', 'READY', 'PRESENCE_UPDATE', 'TYPING_START', 'GUILD_CREATE', 'ÉV', 'a"b'];
const opValue = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.constantFrom(1, 10, 11, -0, 0.5, '0', null, true));
const sValue = fc.oneof(fc.nat(), fc.nat(), fc.constantFrom(null, 1.5, '3', 2 ** 53 + 2, -7));
const tValue = fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES), fc.constantFrom(null, 5, 'x'.repeat(40)));
const dValue = fc.jsonValue({ maxDepth: 4 });

/** An envelope as an ordered list of key/value pairs: any order, sometimes a key twice or missing. */
const entries = fc
  .record({ op: opValue, s: fc.option(sValue, { nil: undefined }), t: fc.option(tValue, { nil: undefined }), d: dValue, extra: fc.option(fc.tuple(fc.string({ maxLength: 4 }), dValue), { nil: undefined }), twice: fc.option(fc.constantFrom('op', 's', 't'), { nil: undefined }), dup: fc.oneof(sValue, tValue, opValue) })
  .chain((r) => {
    const list: [string, unknown][] = [['op', r.op], ['d', r.d]];
    if (r.s !== undefined) list.push(['s', r.s]);
    if (r.t !== undefined) list.push(['t', r.t]);
    if (r.extra) list.push(r.extra);
    if (r.twice) list.push([r.twice, r.dup]);
    return fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length });
  });

/** JSON text with optional whitespace between tokens and optional \u-escaped key names. */
function writeJson(list: [string, unknown][], spaced: boolean, escapeKeys: boolean): string {
  const sp = spaced ? ' \n' : '';
  const key = (k: string) => (escapeKeys ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k));
  return `{${sp}${list.map(([k, v]) => `${key(k)}${sp}:${sp}${JSON.stringify(v) ?? 'null'}`).join(`${sp},${sp}`)}${sp}}`;
}

/**
 * Whether the scanner must answer for every skippable dispatch of this list: not when `t` comes
 * twice, as a wanted first `t` sends the payload to the full decoder at once (by design).
 */
function completeFor(list: [string, unknown][]): boolean {
  return list.filter(([k]) => k === 't').length < 2;
}

/** A few random edits: replaced bytes, a cut, an inserted byte. */
const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { minLength: 1, maxLength: 3 });

function mutate(bytes: Uint8Array, edits: [number, number, string][]): Uint8Array {
  let out = Array.from(bytes);
  for (const [where, byte, kind] of edits) {
    const at = out.length === 0 ? 0 : where % out.length;
    if (kind === 'set') out[at] = byte;
    else if (kind === 'cut') out = out.slice(0, at);
    else out.splice(at, 0, byte);
  }
  return new Uint8Array(out);
}

describe('scanJsonDispatch against the full JSON decoder (fuzz)', () => {
  it('valid payloads: the same op, s and t, and every skippable dispatch is found', () => {
    fc.assert(
      fc.property(entries, fc.boolean(), fc.boolean(), (list, spaced, escapeKeys) => {
        checkAgainstFull(jsonEncoding, json(writeJson(list, spaced, escapeKeys)), completeFor(list));
      }),
      { numRuns: 1500 },
    );
  });

  it('large payloads (over 4 KiB, where strings are skipped a word at a time), valid and mutated', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\u0001', 'é', '😀', '\u2028', 'a', 'b', ' '), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), maxLength: 40 });
    const bigD = fc.array(fc.record({ id: fc.string({ minLength: 17, maxLength: 19 }), name: text, n: fc.double({ noNaN: true, noDefaultInfinity: true }), tags: fc.array(text, { maxLength: 4 }) }), { minLength: 60, maxLength: 90 });
    fc.assert(
      fc.property(fc.constantFrom('PRESENCE_UPDATE', 'MESSAGE_CREATE', 'GUILD_CREATE'), fc.nat(), bigD, mutation, (t, s, d, edits) => {
        const bytes = json(JSON.stringify({ t, s, op: 0, d }));
        expect(bytes.length).toBeGreaterThan(4096);
        checkAgainstFull(jsonEncoding, bytes);
        checkAgainstFull(jsonEncoding, mutate(bytes, edits), false);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated payloads: an answer only where the full decoder agrees; bad input is its typed error', () => {
    fc.assert(
      fc.property(entries, mutation, (list, edits) => {
        // A mutation may make a second `t`: only exactness is required here.
        checkAgainstFull(jsonEncoding, mutate(json(writeJson(list, false, false)), edits), false);
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- ETF ------------------------------------------------------------------------------------

/** Discord's layout: atom keys d, op, s, t (Erlang's order), the event name an atom. */
function discordLayout(payload: { op: unknown; s?: unknown; t?: unknown; d: unknown }): Uint8Array {
  const atomOrNull = (t: unknown) => (typeof t === 'string' && /^[\x20-\x7e]*$/.test(t) ? new EtfAtom(t) : t);
  return fakeGatewayEtf(
    new Map<EtfAtom, unknown>([
      [new EtfAtom('d'), payload.d],
      [new EtfAtom('op'), payload.op],
      [new EtfAtom('s'), payload.s ?? null],
      [new EtfAtom('t'), atomOrNull(payload.t ?? null)],
    ]),
  );
}

/** Our encoder's layout: binary keys in the given order (duplicates become one key). */
function binaryLayout(list: [string, unknown][]): Uint8Array {
  return encodeEtf(Object.fromEntries(list.filter(([, v]) => typeof v !== 'number' || Number.isFinite(v))));
}

describe('scanEtfDispatch', () => {
  it('reads the envelope of a dispatch in Discord\'s layout (d first, atoms)', () => {
    const bytes = discordLayout({ op: 0, s: 12, t: 'PRESENCE_UPDATE', d: { user: { id: '80351110224678912' }, roles: ['1', '2'], n: 1.5, big: 2n ** 70n, list: [1, [2, 'x'], {}] } });
    expect(checkAgainstFull(etfEncoding, bytes)).toEqual({ op: 0, s: 12, t: 'PRESENCE_UPDATE' });
  });

  it('declines a wanted dispatch, in either key order', () => {
    expect(checkAgainstFull(etfEncoding, discordLayout({ op: 0, s: 1, t: 'MESSAGE_CREATE', d: { a: 1 } }))).toBeNull();
    expect(checkAgainstFull(etfEncoding, encodeEtf({ t: 'MESSAGE_CREATE', s: 1, op: 0, d: { a: 1 } }))).toBeNull();
  });

  it('declines non-dispatches and compressed terms', () => {
    expect(checkAgainstFull(etfEncoding, discordLayout({ op: 10, d: { heartbeat_interval: 41250 } }))).toBeNull();
    // 131, 80 (compressed), declared size, zlib data of a map: decoded in full.
    const compressed = compressedEtf(encodeEtf({ op: 0, s: 1, t: 'X', d: null }).subarray(1));
    expect(etfEncoding.decode(compressed)).toEqual({ op: 0, s: 1, t: 'X', d: null });
    expect(scanEtfDispatch(compressed, WANTED)).toBeNull();
  });

  it.each([
    ['a truncated binary', [131, 116, 0, 0, 0, 1, 109, 0, 0, 0, 2, 0x6f, 0x70, 109, 0, 0, 0, 9, 1]],
    ['an improper list', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 109, 0, 0, 0, 1, 0x64, 108, 0, 0, 0, 1, 97, 1, 97, 2]],
    ['a NaN float', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 109, 0, 0, 0, 1, 0x64, 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]],
    ['a pid', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 109, 0, 0, 0, 1, 0x64, 103]],
    ['a UTF-8 atom that is not UTF-8', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 109, 0, 0, 0, 1, 0x64, 119, 1, 0xff]],
    ['a tuple map key', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 104, 0, 97, 1]],
    ['a bignum over 1024 bytes', [131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 109, 0, 0, 0, 1, 0x64, 111, 0, 0, 4, 1, 0, ...new Array(1025).fill(1)]],
    ['trailing bytes', [131, 116, 0, 0, 0, 1, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 0, 97]],
    ['an op that is a float', [131, 116, 0, 0, 0, 1, 109, 0, 0, 0, 2, 0x6f, 0x70, 70, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]],
  ])('declines bad input, which decodeEtf refuses with a typed error: %s', (_name, raw) => {
    const bytes = new Uint8Array(raw);
    expect(scanEtfDispatch(bytes, WANTED)).toBeNull();
    expect(() => etfEncoding.decode(bytes)).toThrow(DiscordGatewayError);
  });

  it('skips nesting up to decodeEtf\'s depth limit, and declines past it as decodeEtf refuses it', () => {
    // d = [[[...[1]...]]], written by hand: both encoders refuse such depth.
    const nest = (depth: number) => {
      const head = [131, 116, 0, 0, 0, 4, 100, 0, 2, 0x6f, 0x70, 97, 0, 100, 0, 1, 0x73, 97, 1, 100, 0, 1, 0x74, 100, 0, 1, 0x58, 100, 0, 1, 0x64];
      const open = new Array(depth).fill([108, 0, 0, 0, 1]).flat();
      return new Uint8Array([...head, ...open, 97, 1, ...new Array(depth).fill(106)]);
    };
    expect(checkAgainstFull(etfEncoding, nest(500))).toEqual({ op: 0, s: 1, t: 'X' });
    expect(checkAgainstFull(etfEncoding, nest(600))).toBeNull();
  });
});

describe('scanEtfDispatch against decodeEtf (fuzz)', () => {
  const etfD = fc.jsonValue({ maxDepth: 4 });
  it('valid payloads in Discord\'s layout and in ours: the same op, s and t, every skippable dispatch found', () => {
    fc.assert(
      fc.property(entries, etfD, (list, d) => {
        const record = Object.fromEntries(list) as { op: unknown; s?: unknown; t?: unknown };
        checkAgainstFull(etfEncoding, discordLayout({ ...record, d }));
        checkAgainstFull(etfEncoding, binaryLayout(list), completeFor(list));
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated payloads: an answer only where decodeEtf agrees; bad input is its typed error', () => {
    fc.assert(
      fc.property(entries, etfD, mutation, (list, d, edits) => {
        const record = Object.fromEntries(list) as { op: unknown; s?: unknown; t?: unknown };
        // A mutation may make a tail that looks like a wanted name: only exactness is required here.
        checkAgainstFull(etfEncoding, mutate(discordLayout({ ...record, d }), edits), false);
        checkAgainstFull(etfEncoding, mutate(binaryLayout(list), edits), false);
      }),
      { numRuns: 3000 },
    );
  });
});
