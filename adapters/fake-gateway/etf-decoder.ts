/**
 * A small, bounded ETF decoder for what clients send to the fake gateway. It is written apart
 * from the library's codec on purpose, so the two cannot share a bug. Every declared length is
 * checked against the bytes left before anything is allocated; bad input is a
 * `FakeGatewayError` with code `FAKE_GATEWAY_ETF_DECODE`.
 *
 * Result shapes: binaries -> strings (UTF-8, strict); atoms -> strings, except `nil` -> null
 * and `true`/`false` -> booleans; integers and bigs -> numbers when safe, else decimal strings
 * (as JSON carries snowflakes); STRING_EXT -> array of byte values; tuples and lists -> arrays;
 * maps -> plain objects.
 */

import { FakeGatewayError } from './errors.js';
import { ETF_VERSION, EtfTag } from './etf-tags.js';

/** Limits and policies of {@link decodeEtf}. */
export interface EtfDecodeOptions {
  /** Accept atom map keys. Discord refuses them with close code 4002, so the default is false. */
  allowAtomKeys?: boolean;
  /** Deepest nesting of lists, tuples and maps accepted. Default 64. */
  maxDepth?: number;
}

/** Decodes one whole ETF message (version byte first, nothing after the term). */
export function decodeEtf(bytes: Uint8Array, options: EtfDecodeOptions = {}): unknown {
  const reader = new EtfReader(bytes, options.allowAtomKeys ?? false, options.maxDepth ?? 64);
  if (reader.u8() !== ETF_VERSION) throw decodeError(`the first byte must be the version ${ETF_VERSION}`);
  const value = reader.term(0);
  if (reader.offset !== bytes.length) throw decodeError(`${bytes.length - reader.offset} bytes follow the term`);
  return value;
}

function decodeError(detail: string): FakeGatewayError {
  return new FakeGatewayError('FAKE_GATEWAY_ETF_DECODE', `Invalid ETF: ${detail}.`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Result of reading an atom, kept apart from binaries so map keys can be told apart. */
class Atom {
  constructor(readonly name: string) {}
}

class EtfReader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly allowAtomKeys: boolean,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  private u16(): number {
    this.need(2);
    const n = this.view.getUint16(this.offset);
    this.offset += 2;
    return n;
  }

  private u32(): number {
    this.need(4);
    const n = this.view.getUint32(this.offset);
    this.offset += 4;
    return n;
  }

  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Refuses a declared length larger than what is left, before any allocation. */
  private need(n: number): void {
    if (n > this.bytes.length - this.offset) throw decodeError(`a length of ${n} runs past the end of the input`);
  }

  term(depth: number): unknown {
    const value = this.raw(depth);
    return value instanceof Atom ? atomValue(value.name) : value;
  }

  private raw(depth: number): unknown {
    if (depth > this.maxDepth) throw decodeError(`nesting is deeper than ${this.maxDepth}`);
    const tag = this.u8();
    switch (tag) {
      case EtfTag.SMALL_INTEGER_EXT:
        return this.u8();
      case EtfTag.INTEGER_EXT: {
        this.need(4);
        const n = this.view.getInt32(this.offset);
        this.offset += 4;
        return n;
      }
      case EtfTag.SMALL_BIG_EXT:
        return this.big(this.u8());
      case EtfTag.LARGE_BIG_EXT:
        return this.big(this.u32());
      case EtfTag.NEW_FLOAT_EXT: {
        this.need(8);
        const n = this.view.getFloat64(this.offset);
        this.offset += 8;
        return n;
      }
      case EtfTag.FLOAT_EXT: {
        const n = Number.parseFloat(latin1.decode(this.take(31)).replace(/\0+$/, ''));
        if (Number.isNaN(n)) throw decodeError('FLOAT_EXT does not hold a number');
        return n;
      }
      case EtfTag.ATOM_EXT:
        return new Atom(latin1.decode(this.take(this.u16())));
      case EtfTag.SMALL_ATOM_EXT:
        return new Atom(latin1.decode(this.take(this.u8())));
      case EtfTag.ATOM_UTF8_EXT:
        return new Atom(this.text(this.take(this.u16())));
      case EtfTag.SMALL_ATOM_UTF8_EXT:
        return new Atom(this.text(this.take(this.u8())));
      case EtfTag.BINARY_EXT:
        return this.text(this.take(this.u32()));
      case EtfTag.NIL_EXT:
        return [];
      case EtfTag.STRING_EXT:
        return Array.from(this.take(this.u16()));
      case EtfTag.SMALL_TUPLE_EXT:
        return this.items(this.u8(), depth);
      case EtfTag.LARGE_TUPLE_EXT:
        return this.items(this.u32(), depth);
      case EtfTag.LIST_EXT: {
        const items = this.items(this.u32(), depth);
        if (this.u8() !== EtfTag.NIL_EXT) throw decodeError('improper lists are not supported');
        return items;
      }
      case EtfTag.MAP_EXT:
        return this.map(this.u32(), depth);
      case EtfTag.COMPRESSED:
        throw decodeError('clients must not send compressed terms (tag 80)');
      default:
        throw decodeError(`unsupported tag ${tag} at byte ${this.offset - 1}`);
    }
  }

  private text(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      throw new FakeGatewayError('FAKE_GATEWAY_ETF_DECODE', 'Invalid ETF: a binary is not valid UTF-8.', { cause });
    }
  }

  private big(length: number): number | string {
    const sign = this.u8();
    const digits = this.take(length);
    let n = 0n;
    for (let i = digits.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(digits[i]!);
    if (sign === 1) n = -n;
    else if (sign !== 0) throw decodeError(`a big integer has sign byte ${sign}`);
    const small = Number(n);
    return Number.isSafeInteger(small) ? small : n.toString();
  }

  private items(count: number, depth: number): unknown[] {
    this.need(count); // every term takes at least one byte
    const out: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.term(depth + 1);
    return out;
  }

  private map(arity: number, depth: number): Record<string, unknown> {
    this.need(arity * 2);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < arity; i++) {
      const rawKey = this.raw(depth + 1);
      let key: string;
      if (typeof rawKey === 'string') key = rawKey;
      else if (rawKey instanceof Atom && this.allowAtomKeys) key = rawKey.name;
      else if (rawKey instanceof Atom) throw decodeError(`map key '${rawKey.name}' is an atom; Discord requires binary keys`);
      else throw decodeError('a map key is neither a binary nor an atom');
      const value = this.term(depth + 1);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
}

function atomValue(name: string): unknown {
  if (name === 'nil') return null;
  if (name === 'true') return true;
  if (name === 'false') return false;
  return name;
}
