import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  FrameDecoder,
  WebSocketProtocolError,
  type WebSocketFrameEvent,
} from '../../codec/websocket/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { ascii, decodeChunks, digestEvents, drain, pattern, serverFrame } from './helpers.js';

const text = (s: string): WebSocketFrameEvent => ({ type: 'message', binary: false, data: ascii(s) });
const binary = (data: Uint8Array): WebSocketFrameEvent => ({ type: 'message', binary: true, data });

describe('FrameDecoder: RFC 6455 section 5.7 examples', () => {
  it('a single-frame unmasked text message', () => {
    expect(decodeChunks([hex('81 05 48656c6c6f')])).toEqual([text('Hello')]);
  });

  it('a fragmented unmasked text message', () => {
    expect(decodeChunks([hex('01 03 48656c 80 02 6c6f')])).toEqual([text('Hello')]);
  });

  it('an unmasked ping', () => {
    expect(decodeChunks([hex('89 05 48656c6c6f')])).toEqual([{ type: 'ping', data: ascii('Hello') }]);
  });

  it('an unmasked pong', () => {
    expect(decodeChunks([hex('8a 05 48656c6c6f')])).toEqual([{ type: 'pong', data: ascii('Hello') }]);
  });

  it('256 bytes of binary data in a single unmasked frame', () => {
    const payload = pattern(256);
    expect(decodeChunks([concat([hex('82 7e 0100'), payload])])).toEqual([binary(payload)]);
  });

  it('64 KiB of binary data in a single unmasked frame', () => {
    const payload = pattern(65536);
    expect(digestEvents(decodeChunks([concat([hex('82 7f 0000000000010000'), payload])]))).toEqual(
      digestEvents([binary(payload)]),
    );
  });

  it('control frames in the middle of a fragmented message', () => {
    const input = hex('01 03 48656c 89 02 6869 00 01 6c 8a 00 80 01 6f');
    expect(decodeChunks([input])).toEqual([
      { type: 'ping', data: ascii('hi') },
      { type: 'pong', data: new Uint8Array(0) },
      text('Hello'),
    ]);
  });

  it('empty messages and an empty fragmented message', () => {
    expect(decodeChunks([hex('81 00 82 00 01 00 00 00 80 00')])).toEqual([
      text(''),
      binary(new Uint8Array(0)),
      text(''),
    ]);
  });

  it('UTF-8 split across fragments, inside a code point', () => {
    expect(decodeChunks([hex('01 02 e282 80 01 ac')])).toEqual([text('€')]);
    expect(decodeChunks([hex('01 01 f0 00 01 9f 00 01 98 80 01 80')])).toEqual([text('😀')]);
  });
});

describe('FrameDecoder: close frames', () => {
  it('reads an empty close, a code, and a code with a reason', () => {
    expect(decodeChunks([hex('88 00')])).toEqual([{ type: 'close', code: null, reason: '' }]);
    expect(decodeChunks([hex('88 02 03e8')])).toEqual([{ type: 'close', code: 1000, reason: '' }]);
    expect(decodeChunks([concat([hex('88 17 0fa4'), ascii('Authentication failed')])])).toEqual([
      { type: 'close', code: 4004, reason: 'Authentication failed' },
    ]);
    expect(decodeChunks([hex('88 05 03e8 e282ac')])).toEqual([{ type: 'close', code: 1000, reason: '€' }]);
    expect(decodeChunks([hex('88 06 03e8 efbbbf 41')])).toEqual([{ type: 'close', code: 1000, reason: '\ufeffA' }]);
  });

  it('accepts every close code the RFC allows on the wire', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
      expect(decodeChunks([hex(`88 02 ${code.toString(16).padStart(4, '0')}`)])).toEqual([
        { type: 'close', code, reason: '' },
      ]);
    }
  });

  it('reads nothing after a close frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(hex('88 00 81 01 41'));
    expect(drain(decoder)).toEqual([{ type: 'close', code: null, reason: '' }]);
    decoder.push(hex('81 01 42 ff ff'));
    expect(decoder.next()).toBeNull();
  });
});

/** [name, input, code, closeCode] */
const MALFORMED: [string, string, string, number][] = [
  ['a masked frame (RFC 5.7 masked "Hello")', '81 85 37fa213d 7f9f4d5158', 'WS_MASKED_FRAME', 1002],
  ['a masked empty pong', '8a 80 00000000', 'WS_MASKED_FRAME', 1002],
  ['RSV1 set', 'c1 00', 'WS_RESERVED_BITS', 1002],
  ['RSV2 set', 'a1 00', 'WS_RESERVED_BITS', 1002],
  ['RSV3 set', '91 00', 'WS_RESERVED_BITS', 1002],
  ['RSV1 on a continuation', '01 01 41 c0 00', 'WS_RESERVED_BITS', 1002],
  ['a fragmented ping', '09 00', 'WS_FRAGMENTED_CONTROL', 1002],
  ['a fragmented close', '08 02 03e8', 'WS_FRAGMENTED_CONTROL', 1002],
  ['a ping of 126 bytes', `89 7e 007e ${'00'.repeat(126)}`, 'WS_CONTROL_TOO_LONG', 1002],
  ['a close with a 64-bit length', '88 7f 0000000000000002 03e8', 'WS_CONTROL_TOO_LONG', 1002],
  ['opcode 3', '83 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 4', '84 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 5', '85 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 6', '86 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 7', '87 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 11', '8b 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 12', '8c 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 13', '8d 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 14', '8e 00', 'WS_RESERVED_OPCODE', 1002],
  ['opcode 15', '8f 00', 'WS_RESERVED_OPCODE', 1002],
  ['a continuation without a start', '80 01 41', 'WS_UNEXPECTED_CONTINUATION', 1002],
  ['a continuation after a finished message', '81 01 41 80 01 42', 'WS_UNEXPECTED_CONTINUATION', 1002],
  ['a text message inside a fragmented one', '01 01 41 81 01 42', 'WS_EXPECTED_CONTINUATION', 1002],
  ['a binary start inside a fragmented one', '02 01 41 02 01 42', 'WS_EXPECTED_CONTINUATION', 1002],
  ['a close payload of 1 byte', '88 01 03', 'WS_INVALID_CLOSE_PAYLOAD', 1002],
  ['close code 0', '88 02 0000', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 999', '88 02 03e7', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 1004', '88 02 03ec', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 1005', '88 02 03ed', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 1006', '88 02 03ee', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 1015', '88 02 03f7', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 1016', '88 02 03f8', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 2999', '88 02 0bb7', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 5000', '88 02 1388', 'WS_INVALID_CLOSE_CODE', 1002],
  ['close code 65535', '88 02 ffff', 'WS_INVALID_CLOSE_CODE', 1002],
  ['a 64-bit length with the top bit set', '82 7f 8000000000000000', 'WS_INVALID_LENGTH', 1002],
  ['a 64-bit length of 2^64-1', '82 7f ffffffffffffffff', 'WS_INVALID_LENGTH', 1002],
  ['a 16-bit length under 126', '82 7e 0005 0102030405', 'WS_INVALID_LENGTH', 1002],
  ['a 64-bit length under 65536', '82 7f 0000000000000005 0102030405', 'WS_INVALID_LENGTH', 1002],
  ['invalid UTF-8 in a text frame', '81 02 c328', 'WS_INVALID_UTF8', 1007],
  ['a surrogate in a text frame', '81 03 eda080', 'WS_INVALID_UTF8', 1007],
  ['a text frame cut inside a code point', '81 02 41e2', 'WS_INVALID_UTF8', 1007],
  ['invalid UTF-8 across fragments', '01 01 e2 80 02 8228', 'WS_INVALID_UTF8', 1007],
  ['a fragmented text ending inside a code point', '01 01 41 80 01 e2', 'WS_INVALID_UTF8', 1007],
  ['invalid UTF-8 in the first fragment (fails fast)', '01 01 ff', 'WS_INVALID_UTF8', 1007],
  ['invalid UTF-8 in a close reason', '88 04 03e8 c328', 'WS_INVALID_UTF8', 1007],
];

function decodeError(chunks: Uint8Array[], options?: { maxMessageSize?: number }): WebSocketProtocolError {
  try {
    decodeChunks(chunks, options);
  } catch (error) {
    if (error instanceof WebSocketProtocolError) return error;
    throw error;
  }
  throw new Error('no error was thrown');
}

describe('FrameDecoder: protocol violations', () => {
  for (const [name, input, code, closeCode] of MALFORMED) {
    it(`fails ${name} with ${code} / ${closeCode}, in one chunk and byte by byte`, () => {
      const bytes = hex(input);
      const whole = decodeError([bytes]);
      expect(whole).toBeInstanceOf(WebSocketProtocolError);
      expect(whole.code).toBe(code);
      expect(whole.closeCode).toBe(closeCode);
      const single = decodeError(Array.from(bytes, (b) => Uint8Array.of(b)));
      expect(single.code).toBe(code);
      expect(single.closeCode).toBe(closeCode);
    });
  }

  it('fails on the header alone, before the payload arrives', () => {
    // Complete headers announcing payloads that are never pushed.
    for (const input of ['81 85', 'c1 05', '09 05', '89 7e', '83 05', '80 05', '82 7f 8000000000000000', '82 7e 0005']) {
      const decoder = new FrameDecoder();
      decoder.push(hex(input));
      expect(() => decoder.next(), input).toThrow(WebSocketProtocolError);
    }
  });

  it('stays failed: next() throws the same error, pushes are ignored', () => {
    const decoder = new FrameDecoder();
    decoder.push(hex('81 01 41 c1 00'));
    expect(decoder.next()).toEqual(text('A'));
    let first: unknown;
    try {
      decoder.next();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(WebSocketProtocolError);
    decoder.push(hex('81 01 42'));
    expect(() => decoder.next()).toThrow(first as Error);
  });
});

describe('FrameDecoder: message size bound', () => {
  it(`defaults to ${DEFAULT_MAX_MESSAGE_SIZE} bytes`, () => {
    expect(DEFAULT_MAX_MESSAGE_SIZE).toBe(32 * 1024 * 1024);
  });

  it('accepts a message of exactly maxMessageSize and rejects one byte more with 1009', () => {
    expect(decodeChunks([serverFrame(0x82, new Uint8Array(10))], { maxMessageSize: 10 })).toHaveLength(1);
    const error = decodeError([serverFrame(0x82, new Uint8Array(11))], { maxMessageSize: 10 });
    expect(error.code).toBe('WS_MESSAGE_TOO_BIG');
    expect(error.closeCode).toBe(1009);
  });

  it('rejects from the header alone, without allocating the declared size', () => {
    // 2^52 bytes declared: allocating it would throw a RangeError, not our error.
    const decoder = new FrameDecoder();
    decoder.push(hex('82 7f 0010000000000000'));
    expect(() => decoder.next()).toThrow(expect.objectContaining({ code: 'WS_MESSAGE_TOO_BIG', closeCode: 1009 }));
    const small = new FrameDecoder({ maxMessageSize: 1000 });
    small.push(hex('82 7e 03e9'));
    expect(() => small.next()).toThrow(expect.objectContaining({ code: 'WS_MESSAGE_TOO_BIG', closeCode: 1009 }));
  });

  it('counts all fragments of a message together, and not control frames', () => {
    const ok = concat([hex('02 05'), new Uint8Array(5), hex('89 7d'), new Uint8Array(125), hex('80 05'), new Uint8Array(5)]);
    expect(decodeChunks([ok], { maxMessageSize: 10 }).map((e) => e.type)).toEqual(['ping', 'message']);
    const over = concat([hex('02 05'), new Uint8Array(5), hex('00 05'), new Uint8Array(5), hex('80 01 00')]);
    const error = decodeError([over], { maxMessageSize: 10 });
    expect(error.code).toBe('WS_MESSAGE_TOO_BIG');
    expect(error.closeCode).toBe(1009);
  });

  it('refuses a bound that is not a whole number of bytes', () => {
    for (const maxMessageSize of [Number.POSITIVE_INFINITY, -1, 1.5, Number.NaN]) {
      expect(() => new FrameDecoder({ maxMessageSize })).toThrow(expect.objectContaining({ code: 'WS_INVALID_ARGUMENT' }));
    }
  });

  it('starts counting again after each message', () => {
    const input = concat([serverFrame(0x82, new Uint8Array(10)), hex('02 05'), new Uint8Array(5), hex('80 05'), new Uint8Array(5)]);
    expect(decodeChunks([input], { maxMessageSize: 10 })).toHaveLength(2);
  });
});

describe('FrameDecoder: buffers and views', () => {
  it('hands out a zero-copy view when a whole frame sits in one chunk', () => {
    const chunk = hex('81 05 48656c6c6f 82 03 010203');
    const decoder = new FrameDecoder();
    decoder.push(chunk);
    const [first, second] = drain(decoder) as { data: Uint8Array }[];
    expect(first!.data.buffer).toBe(chunk.buffer);
    expect(first!.data.byteOffset).toBe(2);
    expect(second!.data.buffer).toBe(chunk.buffer);
    expect(second!.data.byteOffset).toBe(9);
  });

  it('assembles a frame split across pushes into its own buffer, and never reuses it', () => {
    const decoder = new FrameDecoder();
    decoder.push(hex('82 03 01'));
    expect(decoder.next()).toBeNull();
    decoder.push(hex('0203 82 03 04'));
    const [first] = drain(decoder) as { data: Uint8Array }[];
    decoder.push(hex('0506'));
    const [second] = drain(decoder) as { data: Uint8Array }[];
    expect(first!.data).toEqual(hex('010203'));
    expect(second!.data).toEqual(hex('040506'));
    expect(first!.data.buffer).not.toBe(second!.data.buffer);
  });

  it('reassembles a fragmented message into one buffer owned by the message', () => {
    const chunk = hex('02 02 0102 00 01 03 80 02 0405 02 01 09 80 01 0a');
    const decoder = new FrameDecoder();
    decoder.push(chunk);
    const [first, second] = drain(decoder) as { data: Uint8Array }[];
    expect(first!.data).toEqual(hex('0102030405'));
    expect(second!.data).toEqual(hex('090a'));
    expect(first!.data.buffer).not.toBe(chunk.buffer);
    expect(first!.data.buffer).not.toBe(second!.data.buffer);
  });

  it('holds no reference to a chunk it has read', () => {
    const decoder = new FrameDecoder();
    decoder.push(hex('82 05 0102'));
    expect(decoder.next()).toBeNull();
    // White-box: the pending chunk reference is dropped once consumed.
    expect((decoder as unknown as { input: Uint8Array }).input.length).toBe(0);
    decoder.push(hex('030405 81 01 41'));
    expect(drain(decoder)).toHaveLength(2);
    expect((decoder as unknown as { input: Uint8Array }).input.length).toBe(0);
  });

  it('joins unread bytes when pushed twice without draining', () => {
    const decoder = new FrameDecoder();
    decoder.push(hex('81 01 41 81'));
    decoder.push(hex('01 42'));
    expect(drain(decoder)).toEqual([text('A'), text('B')]);
  });
});
