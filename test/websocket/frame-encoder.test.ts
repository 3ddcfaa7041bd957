import { describe, expect, it } from 'vitest';
import {
  closePayload,
  encodeCloseFrame,
  encodeFrame,
  LocalProtocolError,
  Opcode,
} from '../../codec/websocket/index.js';
import { concat, hex, toHex } from '../helpers/bytes.js';
import { ascii, digest } from './helpers.js';

const RFC_MASK = hex('37fa213d');
const ZERO_MASK = new Uint8Array(4);

describe('encodeFrame: literal bytes', () => {
  const table: [string, Uint8Array, string][] = [
    // RFC 6455 section 5.7
    ['masked text "Hello"', encodeFrame(Opcode.Text, ascii('Hello'), RFC_MASK), '8185 37fa213d 7f9f4d5158'],
    ['masked pong "Hello"', encodeFrame(Opcode.Pong, ascii('Hello'), RFC_MASK), '8a85 37fa213d 7f9f4d5158'],
    ['empty text', encodeFrame(Opcode.Text, new Uint8Array(0), RFC_MASK), '8180 37fa213d'],
    ['empty ping', encodeFrame(Opcode.Ping, new Uint8Array(0), RFC_MASK), '8980 37fa213d'],
    ['first fragment', encodeFrame(Opcode.Text, ascii('Hel'), RFC_MASK, false), '0183 37fa213d 7f9f4d'],
    ['last fragment', encodeFrame(Opcode.Continuation, ascii('lo'), RFC_MASK), '8082 37fa213d 5b95'],
    ['binary, 5 bytes, mask 01020304', encodeFrame(Opcode.Binary, hex('0000000000'), hex('01020304')), '8285 01020304 0102030401'],
  ];
  for (const [name, frame, expected] of table) {
    it(name, () => expect(toHex(frame)).toBe(expected.replace(/\s+/g, '')));
  }

  it('uses the 7-bit length up to 125 and the 16-bit form from 126', () => {
    expect(toHex(encodeFrame(Opcode.Binary, new Uint8Array(125), ZERO_MASK).subarray(0, 6))).toBe('82fd00000000');
    const f126 = encodeFrame(Opcode.Binary, new Uint8Array(126), ZERO_MASK);
    expect(toHex(f126.subarray(0, 8))).toBe('82fe007e00000000');
    expect(f126.length).toBe(8 + 126);
  });

  it('encodes 256 bytes (RFC 5.7) with a 16-bit length, masked', () => {
    const frame = encodeFrame(Opcode.Binary, new Uint8Array(256), hex('01020304'));
    const expected = concat([hex('82fe0100 01020304'), hex('01020304'.repeat(64))]);
    expect(frame).toEqual(expected);
  });

  it('uses the 16-bit form up to 65535 and the 64-bit form from 65536 (RFC 5.7: 64 KiB)', () => {
    const f65535 = encodeFrame(Opcode.Binary, new Uint8Array(65535), ZERO_MASK);
    expect(toHex(f65535.subarray(0, 8))).toBe('82feffff00000000');
    const frame = encodeFrame(Opcode.Binary, new Uint8Array(65536), hex('a1b2c3d4'));
    const expected = concat([hex('82ff 0000000000010000 a1b2c3d4'), hex('a1b2c3d4'.repeat(16384))]);
    expect(digest(frame)).toBe(digest(expected));
  });

  it('masks every length 0..40 byte for byte and leaves the payload untouched', () => {
    for (let n = 0; n <= 40; n++) {
      const payload = Uint8Array.from({ length: n }, (_, i) => i * 7);
      const before = payload.slice();
      const frame = encodeFrame(Opcode.Binary, payload, RFC_MASK);
      const body = frame.subarray(6);
      expect(body.length).toBe(n);
      for (let i = 0; i < n; i++) expect(body[i]).toBe(payload[i]! ^ RFC_MASK[i % 4]!);
      expect(payload).toEqual(before);
    }
  });

  it('refuses what a client may not send', () => {
    const cases: [() => unknown, string][] = [
      [() => encodeFrame(Opcode.Ping, new Uint8Array(126), ZERO_MASK), 'control payload over 125'],
      [() => encodeFrame(Opcode.Close, new Uint8Array(0), ZERO_MASK, false), 'fragmented control'],
      [() => encodeFrame(Opcode.Text, new Uint8Array(1), new Uint8Array(3)), 'short mask'],
      [() => encodeFrame(3 as Opcode, new Uint8Array(1), ZERO_MASK), 'reserved opcode'],
    ];
    for (const [attempt, name] of cases) {
      expect(attempt, name).toThrow(LocalProtocolError);
      expect(attempt, name).toThrow(expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }));
    }
    expect(encodeFrame(Opcode.Ping, new Uint8Array(125), ZERO_MASK).length).toBe(131);
  });
});

describe('encodeCloseFrame', () => {
  it('encodes codes and reasons exactly', () => {
    expect(toHex(encodeCloseFrame(undefined, '', RFC_MASK))).toBe('888037fa213d');
    expect(toHex(encodeCloseFrame(1000, '', ZERO_MASK))).toBe('88820000000003e8');
    expect(toHex(encodeCloseFrame(4000, 'bye', ZERO_MASK))).toBe('8885000000000fa0627965');
    // 1000 = 03e8; masked with 37fa: 34 12
    expect(toHex(encodeCloseFrame(1000, '', RFC_MASK))).toBe('888237fa213d3412');
  });

  it('cuts the reason to 123 bytes on a UTF-8 boundary', () => {
    const ascii200 = closePayload(1000, 'a'.repeat(200));
    expect(ascii200.length).toBe(125);
    // 'é' is 2 bytes: 61 of them make 122, the 62nd would pass 123.
    const twoByte = closePayload(1000, 'é'.repeat(100));
    expect(twoByte.length).toBe(124);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(twoByte.subarray(2))).toBe('é'.repeat(61));
    // 'a' + 30 four-byte emoji = 121 bytes; a 31st would make 125.
    const fourByte = closePayload(1000, 'a' + '😀'.repeat(40));
    expect(fourByte.length).toBe(2 + 121);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(fourByte.subarray(2))).toBe('a' + '😀'.repeat(30));
    const frame = encodeCloseFrame(1000, '€'.repeat(100), ZERO_MASK);
    expect(toHex(frame.subarray(0, 2))).toBe('88fd'); // 2 + 41 * 3 = 125 bytes
  });

  it('refuses a reason without a code and codes that may not be sent', () => {
    for (const [code, reason] of [
      [undefined, 'why'],
      [1005, ''],
      [1006, ''],
      [1015, ''],
      [999, ''],
      [5000, ''],
      [1004, ''],
    ] as [number | undefined, string][]) {
      const attempt = () => encodeCloseFrame(code, reason, ZERO_MASK);
      expect(attempt).toThrow(LocalProtocolError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }));
    }
  });
});
