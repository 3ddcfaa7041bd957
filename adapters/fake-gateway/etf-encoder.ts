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

/** Scratch space shared by every encode (encoding never re-enters), so it grows once, not per call. */
let scratch = new Uint8Array(4096);
const atomCache = new Map<string, Uint8Array>();

class EtfWriter {
  private buffer = scratch;
  private view = new DataView(scratch.buffer);
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
      if (snowflake === undefined) this.string(value);
      else this.big(snowflake);
    } else if (typeof value !== 'object') {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_ENCODE', `Cannot encode a ${typeof value} as ETF; use JSON-like data.`);
    } else if (value instanceof EtfAtom) this.atom(value.name);
    else if (value instanceof Uint8Array) this.binary(value);
    else if (Array.isArray(value)) this.list(value, depth);
    else if (value instanceof Map) this.map(value, depth);
    else this.object(value as Record<string, unknown>, depth);
  }

  private map(map: Map<unknown, unknown>, depth: number): void {
    this.byte(EtfTag.MAP_EXT);
    this.u32(map.size);
    for (const [k, v] of map) {
      this.value(k, undefined, depth + 1);
      this.value(v, typeof k === 'string' ? k : k instanceof EtfAtom ? k.name : undefined, depth + 1);
    }
  }

  private object(object: Record<string, unknown>, depth: number): void {
    this.byte(EtfTag.MAP_EXT);
    this.reserve(4);
    const arityAt = this.length;
    this.length += 4;
    let arity = 0;
    for (const key of Object.keys(object)) {
      const v = object[key];
      if (v === undefined) continue;
      this.string(key);
      this.value(v, key, depth + 1);
      arity++;
    }
    this.view.setUint32(arityAt, arity);
  }

  /** BINARY_EXT of a string's UTF-8, encoded straight into the buffer. */
  private string(value: string): void {
    this.reserve(5 + value.length * 3);
    this.buffer[this.length] = EtfTag.BINARY_EXT;
    const { written } = textEncoder.encodeInto(value, this.buffer.subarray(this.length + 5));
    this.view.setUint32(this.length + 1, written);
    this.length += 5 + written;
  }

  private atom(name: string): void {
    let utf8 = atomCache.get(name);
    if (!utf8) {
      utf8 = textEncoder.encode(name);
      if (atomCache.size < 1024) atomCache.set(name, utf8);
    }
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
    const magnitude = negative ? -n : n;
    let count = 0;
    for (let rest = magnitude; rest > 0n; rest >>= 8n) count++;
    if (count <= 255) {
      this.byte(EtfTag.SMALL_BIG_EXT);
      this.byte(count);
    } else {
      this.byte(EtfTag.LARGE_BIG_EXT);
      this.u32(count);
    }
    this.byte(negative ? 1 : 0);
    this.reserve(count);
    // Little-endian digits; a 64-bit snowflake goes through BigInt only twice.
    let rest = magnitude;
    for (let i = 0; i < count; i += 4) {
      const word = Number(rest & 0xffffffffn);
      rest >>= 32n;
      for (let j = 0; j < 4 && i + j < count; j++) this.buffer[this.length + i + j] = (word >>> (8 * j)) & 0xff;
    }
    this.length += count;
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
    scratch = next;
  }
}
