/** JSON codec, the envelope check, and the two PayloadEncoding objects giving one shape. */
import { describe, expect, it } from 'vitest';
import { DiscordGatewayError } from '../../codec/errors.js';
import {
  asGatewayPayload,
  decodeEtf,
  decodeJson,
  EtfDecodeError,
  encodeJson,
  etfEncoding,
  jsonEncoding,
  PayloadDecodeError,
  PayloadEncodeError,
  payloadEncoding,
} from '../../codec/encoding/index.js';
import { toHex } from '../helpers/bytes.js';
import { bytes, fixtureEtf, fixtureJsonText, u32 } from './helpers.js';

const text = (value: string) => new TextEncoder().encode(value);

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('decodeJson', () => {
  it('parses UTF-8 bytes and strings alike', () => {
    expect(decodeJson(text('{"op":10,"d":{"heartbeat_interval":41250}}'))).toEqual({
      op: 10,
      d: { heartbeat_interval: 41250 },
    });
    expect(decodeJson('{"t":"é😀"}')).toEqual({ t: 'é😀' });
    expect(decodeJson(text('{"t":"é😀"}'))).toEqual({ t: 'é😀' });
  });

  it('reads a subarray without looking outside it', () => {
    const buffer = text('xx[1,2]yy');
    expect(decodeJson(buffer.subarray(2, 7))).toEqual([1, 2]);
  });

  it('invalid UTF-8 is PAYLOAD_INVALID_UTF8', () => {
    const error = caught(() => decodeJson(bytes(0x22, 0xff, 0x22)));
    expect(error).toBeInstanceOf(PayloadDecodeError);
    expect(error).toBeInstanceOf(DiscordGatewayError);
    expect((error as PayloadDecodeError).code).toBe('PAYLOAD_INVALID_UTF8');
    expect((caught(() => decodeJson(bytes(0x22, 0xed, 0xa0, 0x80, 0x22))) as PayloadDecodeError).code).toBe(
      'PAYLOAD_INVALID_UTF8',
    );
  });

  it('invalid JSON is PAYLOAD_INVALID_JSON, without echoing the input', () => {
    for (const input of ['{"token":"secret"', '', 'nope', '{"a":1}x']) {
      const error = caught(() => decodeJson(text(input))) as PayloadDecodeError;
      expect(error).toBeInstanceOf(PayloadDecodeError);
      expect(error.code).toBe('PAYLOAD_INVALID_JSON');
      expect(error.message).toBe('The payload is not valid JSON.');
      expect(error.cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('__proto__ is an own key, as JSON.parse makes it', () => {
    const value = decodeJson('{"__proto__":{"x":1}}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });
});

describe('encodeJson', () => {
  it('is JSON.stringify', () => {
    expect(encodeJson({ op: 1, d: null, x: undefined })).toBe('{"op":1,"d":null}');
    expect(encodeJson([Number.NaN])).toBe('[null]');
  });

  it('bigints, cycles and nothing-at-all are PAYLOAD_UNSERIALIZABLE', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const value of [{ id: 1n }, cycle, undefined, () => 1, Symbol('x')]) {
      const error = caught(() => encodeJson(value)) as PayloadEncodeError;
      expect(error).toBeInstanceOf(PayloadEncodeError);
      expect(error.code).toBe('PAYLOAD_UNSERIALIZABLE');
    }
  });
});

describe('asGatewayPayload', () => {
  it('accepts envelopes', () => {
    for (const value of [
      { op: 0, d: {}, s: 1, t: 'READY' },
      { op: 11 },
      { op: 1, d: null, s: null, t: null },
      { op: 9, d: false },
    ]) {
      expect(asGatewayPayload(value)).toBe(value);
    }
  });

  it('refuses anything else with PAYLOAD_INVALID_SHAPE', () => {
    for (const value of [
      null,
      42,
      'op',
      [],
      [{ op: 1 }],
      {},
      { op: '1' },
      { op: 1.5 },
      { op: Number.NaN },
      { op: 1, s: '5' },
      { op: 1, s: 1.5 },
      { op: 0, t: 5 },
      { op: 0, t: {} },
    ]) {
      const error = caught(() => asGatewayPayload(value)) as PayloadDecodeError;
      expect(error).toBeInstanceOf(PayloadDecodeError);
      expect(error.code).toBe('PAYLOAD_INVALID_SHAPE');
    }
  });
});

describe('PayloadEncoding objects', () => {
  it('name and WebSocket opcode: JSON as text, ETF as binary', () => {
    expect([jsonEncoding.name, jsonEncoding.binary]).toEqual(['json', false]);
    expect([etfEncoding.name, etfEncoding.binary]).toEqual(['etf', true]);
    expect(payloadEncoding('json')).toBe(jsonEncoding);
    expect(payloadEncoding('etf')).toBe(etfEncoding);
    expect(Object.isFrozen(jsonEncoding) && Object.isFrozen(etfEncoding)).toBe(true);
  });

  it('encode exact bytes', () => {
    const heartbeat = { op: 1, d: 251 };
    expect(new TextDecoder().decode(jsonEncoding.encode(heartbeat))).toBe('{"op":1,"d":251}');
    expect(toHex(etfEncoding.encode(heartbeat))).toBe('8374000000026d000000026f7061016d000000016461fb');
  });

  it('decode checks the envelope', () => {
    expect((caught(() => jsonEncoding.decode(text('[1]'))) as PayloadDecodeError).code).toBe('PAYLOAD_INVALID_SHAPE');
    expect((caught(() => etfEncoding.decode(bytes(131, 116, ...u32(0)))) as PayloadDecodeError).code).toBe(
      'PAYLOAD_INVALID_SHAPE',
    );
    expect(caught(() => etfEncoding.decode(bytes(131, 200)))).toBeInstanceOf(EtfDecodeError);
    expect((caught(() => jsonEncoding.decode(text('{'))) as PayloadDecodeError).code).toBe('PAYLOAD_INVALID_JSON');
  });

  for (const name of ['hello', 'ready', 'message_create', 'guild_create', 'guild_create_compressed']) {
    it(`${name}: the ETF Discord sends and its JSON twin decode to the same payload`, () => {
      const fromEtf = etfEncoding.decode(fixtureEtf(name));
      const fromJson = jsonEncoding.decode(text(fixtureJsonText(name)));
      expect(fromEtf).toStrictEqual(fromJson);
      expect(fromEtf.op).toBe(name === 'hello' ? 10 : 0);
    });
  }

  it('what a client sends reaches the server in the same shape through either encoding', () => {
    const identify = {
      op: 2,
      d: {
        token: 'not-a-real-token',
        intents: 513,
        properties: { os: 'linux', browser: 'x', device: 'x' },
        shard: [0, 1],
        presence: { since: null, activities: [], status: 'online', afk: false, idle: undefined },
        large_threshold: 250,
        ratio: 0.5,
      },
    };
    const viaJson = JSON.parse(new TextDecoder().decode(jsonEncoding.encode(identify)));
    const viaEtf = decodeEtf(etfEncoding.encode(identify));
    expect(viaEtf).toStrictEqual(viaJson);
    expect(etfEncoding.decode(etfEncoding.encode(identify))).toStrictEqual(jsonEncoding.decode(jsonEncoding.encode(identify)));
  });
});
