/**
 * A small ETF encoder for what the fake gateway sends. It is written apart from the library's
 * codec on purpose, so the two cannot share a bug. It writes what Erlang's `term_to_binary`
 * writes for the same term (OTP 26 defaults: UTF-8 atoms).
 *
 * Mapping from JavaScript values:
 * - `null`/`undefined` -> atom `nil`; booleans -> atoms `true`/`false`; {@link EtfAtom} -> atom.
 * - integers -> SMALL_INTEGER_EXT (0..255), INTEGER_EXT (32-bit), else SMALL_BIG_EXT; other
 *   numbers -> NEW_FLOAT_EXT; `bigint` -> SMALL_BIG_EXT / LARGE_BIG_EXT.
 * - strings and `Uint8Array` -> BINARY_EXT, except snowflakes (below).
 * - arrays -> NIL_EXT when empty, STRING_EXT when every item is an integer 0..255 (as Erlang
 *   does; READY's `shard` arrives this way), else LIST_EXT.
 * - plain objects -> MAP_EXT with binary keys (properties set to `undefined` are left out, as
 *   `JSON.stringify` does); a `Map` may use any keys, such as atoms.
 *
 * Snowflakes: Discord sends ids as 64-bit integers in ETF. A string under a key named `id` or
 * ending in `_id` that holds a decimal integer above 2^53 - 1 and below 2^64 is written as
 * SMALL_BIG_EXT. Smaller ids stay binaries so that a client which decodes safe integers to
 * numbers and big ones to strings still sees the same shape as in JSON.
 */

import { FakeGatewayError } from './errors.js';
import { ETF_VERSION, EtfAtom, EtfTag } from './etf-tags.js';

/** Nesting deeper than this is refused: the input is server-side test data, likely cyclic. */
const MAX_ENCODE_DEPTH = 256;
const UINT64_MAX = (1n << 64n) - 1n;
const SNOWFLAKE_PATTERN = /^[1-9][0-9]{15,19}$/;

/** Encodes `value` as one ETF message (version byte included). */
export function encodeEtf(value: unknown): Uint8Array {
  const writer = new EtfWriter();
  writer.byte(ETF_VERSION);
  writer.value(value, undefined, 0);
  return writer.finish();
}

/** True for keys whose numeric-string values Discord sends as integers in ETF. */
export function isSnowflakeKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id');
}

function snowflakeValue(key: string | undefined, value: string): bigint | undefined {
  if (key === undefined || !isSnowflakeKey(key) || !SNOWFLAKE_PATTERN.test(value)) return undefined;
  const n = BigInt(value);
  return n > BigInt(Number.MAX_SAFE_INTEGER) && n <= UINT64_MAX ? n : undefined;
}

const textEncoder = new TextEncoder();

class EtfWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  u16(n: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, n);
    this.length += 2;
  }

  u32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, n);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  value(value: unknown, key: string | undefined, depth: number): void {
    if (depth > MAX_ENCODE_DEPTH) {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_ENCODE', `Cannot encode a value nested deeper than ${MAX_ENCODE_DEPTH} levels; is it cyclic?`);
    }
    if (value === null || value === undefined) this.atom('nil');
    else if (typeof value === 'boolean') this.atom(value ? 'true' : 'false');
    else if (typeof value === 'number') this.number(value);
    else if (typeof value === 'bigint') this.big(value);
    else if (typeof value === 'string') {
      const snowflake = snowflakeValue(key, value);
      if (snowflake === undefined) this.binary(textEncoder.encode(value));
      else this.big(snowflake);
    } else if (typeof value !== 'object') {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_ENCODE', `Cannot encode a ${typeof value} as ETF; use JSON-like data.`);
    } else if (value instanceof EtfAtom) this.atom(value.name);
    else if (value instanceof Uint8Array) this.binary(value);
    else if (Array.isArray(value)) this.list(value, depth);
    else if (value instanceof Map) this.map([...value], depth);
    else this.map(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined), depth);
  }

  private map(entries: [unknown, unknown][], depth: number): void {
    this.byte(EtfTag.MAP_EXT);
    this.u32(entries.length);
    for (const [k, v] of entries) {
      this.value(k, undefined, depth + 1);
      this.value(v, typeof k === 'string' ? k : k instanceof EtfAtom ? k.name : undefined, depth + 1);
    }
  }

  private atom(name: string): void {
    const utf8 = textEncoder.encode(name);
    if (utf8.length <= 255) {
      this.byte(EtfTag.SMALL_ATOM_UTF8_EXT);
      this.byte(utf8.length);
    } else if (utf8.length <= 0xffff) {
      this.byte(EtfTag.ATOM_UTF8_EXT);
      this.u16(utf8.length);
    } else {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_ENCODE', 'An atom name must fit in 65535 bytes.');
    }
    this.bytes(utf8);
  }

  private number(n: number): void {
    if (Number.isSafeInteger(n)) {
      if (n >= 0 && n <= 255) {
        this.byte(EtfTag.SMALL_INTEGER_EXT);
        this.byte(n);
      } else if (n >= -0x80000000 && n <= 0x7fffffff) {
        this.byte(EtfTag.INTEGER_EXT);
        this.reserve(4);
        this.view.setInt32(this.length, n);
        this.length += 4;
      } else {
        this.big(BigInt(n));
      }
      return;
    }
    if (!Number.isFinite(n)) {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_ENCODE', `ETF has no encoding for ${n}; send a finite number.`);
    }
    this.byte(EtfTag.NEW_FLOAT_EXT);
    this.reserve(8);
    this.view.setFloat64(this.length, n);
    this.length += 8;
  }

  private big(n: bigint): void {
    const negative = n < 0n;
    let magnitude = negative ? -n : n;
    const digits: number[] = [];
    while (magnitude > 0n) {
      digits.push(Number(magnitude & 0xffn));
      magnitude >>= 8n;
    }
    if (digits.length <= 255) {
      this.byte(EtfTag.SMALL_BIG_EXT);
      this.byte(digits.length);
    } else {
      this.byte(EtfTag.LARGE_BIG_EXT);
      this.u32(digits.length);
    }
    this.byte(negative ? 1 : 0);
    this.bytes(Uint8Array.from(digits));
  }

  private binary(bytes: Uint8Array): void {
    this.byte(EtfTag.BINARY_EXT);
    this.u32(bytes.length);
    this.bytes(bytes);
  }

  private list(items: unknown[], depth: number): void {
    if (items.length === 0) {
      this.byte(EtfTag.NIL_EXT);
      return;
    }
    if (items.length <= 0xffff && items.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255)) {
      this.byte(EtfTag.STRING_EXT);
      this.u16(items.length);
      this.bytes(Uint8Array.from(items as number[]));
      return;
    }
    this.byte(EtfTag.LIST_EXT);
    this.u32(items.length);
    for (const item of items) this.value(item, undefined, depth + 1);
    this.byte(EtfTag.NIL_EXT);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }
}
