/**
 * Whole messages between a WHATWG `WebSocket` and the engine: text becomes its UTF-8 bytes,
 * binary stays bytes (without a copy), and what the engine sends becomes a string or bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageBytes, outgoingMessage } from '../../adapters/web/index.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('messageBytes (received)', () => {
  it('a text message: its UTF-8 bytes', () => {
    expect(messageBytes('{"op":11}')).toEqual(bytes(0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x31, 0x31, 0x7d));
    expect(messageBytes('é€😀')).toEqual(bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80));
    expect(messageBytes('')).toEqual(bytes());
  });

  it('an ArrayBuffer: a view over the same memory', () => {
    const buffer = bytes(131, 116, 0, 0, 0, 0).buffer;
    const view = messageBytes(buffer)!;
    expect(view).toEqual(bytes(131, 116, 0, 0, 0, 0));
    expect(view.buffer).toBe(buffer);
  });

  it('a view (some platforms hand one out): exactly its bytes, offset respected', () => {
    const backing = bytes(9, 9, 0x78, 0x9c, 9);
    expect(messageBytes(backing.subarray(2, 4))).toEqual(bytes(0x78, 0x9c));
    expect(messageBytes(new DataView(backing.buffer, 1, 3))).toEqual(bytes(9, 0x78, 0x9c));
  });

  it('anything else (a Blob, null, a number) is not readable: null', () => {
    expect(messageBytes(new Blob(['{}']))).toBeNull();
    expect(messageBytes(null)).toBeNull();
    expect(messageBytes(42)).toBeNull();
  });

  it('any string: the same bytes as TextEncoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(messageBytes(text)).toEqual(new TextEncoder().encode(text));
      }),
    );
  });
});

describe('outgoingMessage (sent)', () => {
  it('text: the engine bytes decoded as UTF-8', () => {
    expect(outgoingMessage(bytes(0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x31, 0x7d), false)).toBe('{"op":1}');
    expect(outgoingMessage(new TextEncoder().encode('{"d":"é€😀"}'), false)).toBe('{"d":"é€😀"}');
  });

  it('binary: the same bytes, not a copy', () => {
    const data = bytes(131, 104, 0);
    expect(outgoingMessage(data, true)).toBe(data);
  });

  it('text round trip: what the platform sends is what the engine encoded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const encoded = new TextEncoder().encode(text);
        expect(messageBytes(outgoingMessage(encoded, false))).toEqual(encoded);
      }),
    );
  });
});
