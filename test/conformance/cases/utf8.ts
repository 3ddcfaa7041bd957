/**
 * Autobahn 6.x: text must be valid UTF-8. Valid text arrives whole however it is fragmented
 * (every split of every multi-byte sequence); invalid text fails with 1007, in a single frame,
 * across fragments, or cut short at the end, and as soon as a fragment proves it invalid.
 * Every message is a gateway ACK whose string holds the bytes under test.
 */
import type { GatewayPayload } from '../../../codec/encoding/payload.js';
import { ackAround, ackWith, CLOSE_1000, cleanEnd, cont, echo, fragments, glue, type Row, splitAt, table, text, wsFailure } from '../case.js';

/** Every way to cut `bytes` in two fragments (including empty first or last fragments). */
function everySplit(bytes: Uint8Array): Uint8Array {
  return glue(...Array.from({ length: bytes.length + 1 }, (_, cut) => fragments(text, splitAt(bytes, cut))));
}

/** Every way to cut `bytes` in three fragments with both cuts inside [from, to]. */
function everyThreeWaySplit(bytes: Uint8Array, from: number, to: number): { wire: Uint8Array; count: number } {
  const messages: Uint8Array[] = [];
  for (let a = from; a <= to; a++) for (let b = a; b <= to; b++) messages.push(fragments(text, splitAt(bytes, a, b)));
  return { wire: glue(...messages), count: messages.length };
}

const greek = ackWith('κόσμε');
const euro = ackWith('price: 5€');
const clef = ackWith('𝄞 clef');
const clefAt = 14; // `{"op":11,"d":"` is 14 bytes; the 4-byte sequence follows.
const threeWay = everyThreeWaySplit(clef.bytes, clefAt, clefAt + 4);
const boundaries = ackWith('\u0080\u07ff\u0800\ud7ff\ue000\ufffd\uffff\u{10000}\u{10ffff}');
const times = (payload: GatewayPayload, n: number) => Array.from({ length: n }, () => payload);

const valid: Row[] = [
  {
    id: '6.1.1',
    description: 'valid UTF-8 (κόσμε) in one frame -> delivered',
    server: [text(greek.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [greek.payload], ...cleanEnd },
  },
  {
    id: '6.1.2',
    description: `κόσμε cut in two fragments at each of its ${greek.bytes.length + 1} points -> all delivered`,
    server: [everySplit(greek.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: times(greek.payload, greek.bytes.length + 1), ...cleanEnd },
  },
  {
    id: '6.1.3',
    description: 'κόσμε in one-byte fragments -> delivered',
    server: [fragments(text, splitAt(greek.bytes, ...Array.from({ length: greek.bytes.length - 1 }, (_, i) => i + 1))), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [greek.payload], ...cleanEnd },
  },
  {
    id: '6.1.4',
    description: 'a 3-byte sequence (€) cut in two fragments at every point -> all delivered',
    server: [everySplit(euro.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: times(euro.payload, euro.bytes.length + 1), ...cleanEnd },
  },
  {
    id: '6.1.5',
    description: 'a 4-byte sequence (U+1D11E) cut in two fragments at every point -> all delivered',
    server: [everySplit(clef.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: times(clef.payload, clef.bytes.length + 1), ...cleanEnd },
  },
  {
    id: '6.1.6',
    description: `a 4-byte sequence cut in three fragments at every pair of points around it (${threeWay.count} messages) -> all delivered`,
    server: [threeWay.wire, CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: times(clef.payload, threeWay.count), ...cleanEnd },
  },
  {
    id: '6.1.7',
    description: 'boundary code points U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFD, U+FFFF, U+10000, U+10FFFF -> delivered',
    server: [text(boundaries.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [boundaries.payload], ...cleanEnd },
  },
  {
    id: '6.1.8',
    description: 'κόσμε in one frame sent one byte per TCP read -> delivered',
    server: [{ chop: 1, bytes: text(greek.bytes) }, CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [greek.payload], ...cleanEnd },
  },
];

const invalidSequences: [string, number[]][] = [
  ['a lone continuation byte 80', [0x80]],
  ['an overlong 2-byte form C0 AF', [0xc0, 0xaf]],
  ['an overlong 3-byte form E0 80 AF', [0xe0, 0x80, 0xaf]],
  ['an overlong 4-byte form F0 80 80 AF', [0xf0, 0x80, 0x80, 0xaf]],
  ['a UTF-16 surrogate ED A0 80', [0xed, 0xa0, 0x80]],
  ['a code point past U+10FFFF, F4 90 80 80', [0xf4, 0x90, 0x80, 0x80]],
  ['the byte F5', [0xf5, 0x80, 0x80, 0x80]],
  ['the bytes FE FF', [0xfe, 0xff]],
  ['a 2-byte lead followed by ASCII, C3 41', [0xc3, 0x41]],
];

const invalid: Row[] = [
  ...invalidSequences.map(
    ([what, bytes], i): Row => ({
      id: `6.2.${i + 1}`,
      description: `${what} in a text frame -> 1007`,
      server: [text(ackAround(bytes)), CLOSE_1000],
      expect: wsFailure(1007, 'WS_INVALID_UTF8'),
    }),
  ),
  {
    id: '6.2.10',
    description: 'a sequence cut short at the end of a single-frame message (E2 82) -> 1007',
    server: [text(glue('{"op":11,"d":"x"}', [0xe2, 0x82])), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
  {
    id: '6.3.1',
    description: 'a surrogate split across fragments (ED | A0 80) -> 1007',
    server: [fragments(text, splitAt(ackAround([0xed, 0xa0, 0x80]), 15)), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
  {
    id: '6.3.2',
    description: 'a sequence cut short at the end of the final fragment (... E2 | 82) -> 1007',
    server: [fragments(text, [glue('{"op":11,"d":"x"}', [0xe2]), Uint8Array.of(0x82)]), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
  {
    id: '6.3.3',
    description: 'a fragment ending inside a sequence, then an empty final fragment -> 1007',
    server: [fragments(text, [glue('{"op":11,"d":"x"}', [0xf0, 0x9d]), new Uint8Array(0)]), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
  {
    id: '6.3.4',
    description: 'a 4-byte sequence over three fragments whose last byte is ASCII (F0 9D | 84 | 41) -> 1007',
    server: [fragments(text, [glue('{"op":11,"d":"', [0xf0, 0x9d]), Uint8Array.of(0x84), glue([0x41], '"}')]), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
];

// The server sends the fragment that proves the text invalid, waits for the client's close, then the rest.
const heldBack = text(ackAround([0xc0, 0xaf, ...new Array<number>(40).fill(0x61)]));
const failFast: Row[] = [
  {
    id: '6.4.1',
    description: 'fail fast: the first fragment holds invalid bytes -> 1007 before the rest is sent',
    server: [text(ackAround([0xc0, 0xaf]).subarray(0, 20), { fin: false }), 'await-close', cont('"}'), CLOSE_1000],
    expect: { ...wsFailure(1007, 'WS_INVALID_UTF8'), failFast: true },
  },
  {
    id: '6.4.2',
    description: 'fail fast: a valid first fragment, an invalid second one -> 1007 before the final fragment',
    server: [glue(text('{"op":11,"d":"', { fin: false }), cont(Uint8Array.of(0x61, 0xed, 0xa0, 0x80), { fin: false })), 'await-close', cont('"}'), CLOSE_1000],
    expect: { ...wsFailure(1007, 'WS_INVALID_UTF8'), failFast: true },
  },
  {
    id: '6.4.3',
    description: 'fail fast: the invalid fragment sent one byte per TCP read -> 1007 before the rest',
    server: [{ chop: 1, bytes: text(glue('{"op":11,"d":"', [0xf4, 0x90, 0x80, 0x80]), { fin: false }) }, 'await-close', cont('"}'), CLOSE_1000],
    expect: { ...wsFailure(1007, 'WS_INVALID_UTF8'), failFast: true },
  },
  {
    id: '6.4.4',
    description: 'invalid bytes at the start of one frame whose end is held back -> 1007 (at the latest once the frame is complete: fail-fast inside a frame is optional, Autobahn\'s "non-strict")',
    server: [heldBack.subarray(0, 22), 'await-close', heldBack.subarray(22), CLOSE_1000],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
];

export const utf8 = table('UTF-8 handling', [...valid, ...invalid, ...failFast]);
