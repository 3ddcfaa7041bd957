/**
 * JSON-shaped values -> ETF, for what a client sends. Owns the value-to-tag choices and a
 * reused growable buffer; never touches the gateway envelope or any transport. The bytes are
 * erlpack's, byte for byte, except where erlpack loses data: integers past 32 bits (erlpack
 * writes floats; we write SMALL_BIG_EXT), bigints (erlpack writes nothing), and integer-like
 * keys such as "1" (erlpack writes an integer key; Discord wants binary keys).
 *
 * Choices: objects -> MAP_EXT with BINARY_EXT keys (properties holding undefined are left out,
 * as JSON does); strings -> BINARY_EXT (UTF-8); integers -> SMALL_INTEGER_EXT, INTEGER_EXT or
 * SMALL_BIG_EXT/LARGE_BIG_EXT; other finite numbers -> NEW_FLOAT_EXT; null -> `nil`; booleans ->
 * atoms (SMALL_ATOM_EXT, as erlpack writes them); arrays -> LIST_EXT (empty: NIL_EXT).
 */
import { EtfEncodeError } from './errors.js';

/** Deepest nesting `encodeEtf` writes; the decoder's default limit is the same. */
export const ETF_MAX_ENCODE_DEPTH = 512;

const INITIAL_SIZE = 2048;
// A buffer grown past this by one big payload is not kept for the next call.
const KEEP_SIZE = 64 * 1024;
// Strings up to this length are written by hand when ASCII; encodeInto's call cost wins beyond.
const SHORT_STRING = 64;

const utf8 = new TextEncoder();

// Number.isInteger values below 1e21 are what JSON.stringify writes as integer literals.
const INTEGER_LITERAL_LIMIT = 1e21;

function hasToJSON(value: object): value is { toJSON(key: string): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Writes one value; one writer is reused across calls unless a toJSON re-enters encodeEtf. */
class EtfWriter {
  buf = new Uint8Array(INITIAL_SIZE);
  view = new DataView(this.buf.buffer);
  pos = 0;
  depth = 0;
  busy = false;
  /** The containers being written, by depth, to tell a cycle from mere depth. */
  readonly path: object[] = [];

  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    if (this.buf.length > KEEP_SIZE) {
      this.buf = new Uint8Array(INITIAL_SIZE);
      this.view = new DataView(this.buf.buffer);
    }
    this.pos = 0;
    this.depth = 0;
    this.path.length = 0;
    return out;
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        this.number(value);
        return;
      case 'boolean':
        this.atom(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) this.atom('nil');
        else if (Array.isArray(value)) this.list(value);
        else this.map(value as Record<string, unknown>);
        return;
      case 'bigint':
        this.bigint(value);
        return;
      default:
        throw unsupported(value);
    }
  }

  /** SMALL_ATOM_EXT with an ASCII name. */
  atom(name: string): void {
    this.ensure(2 + name.length);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 115;
    buf[p++] = name.length;
    for (let i = 0; i < name.length; i++) buf[p++] = name.charCodeAt(i);
    this.pos = p;
  }

  string(text: string): void {
    const length = text.length;
    // UTF-8 never takes more than 3 bytes per UTF-16 unit.
    this.ensure(5 + length * 3);
    const buf = this.buf;
    const start = this.pos + 5;
    let written = -1;
    if (length <= SHORT_STRING) {
      let p = start;
      for (let i = 0; i < length; i++) {
        const unit = text.charCodeAt(i);
        if (unit >= 0x80) {
          p = -1;
          break;
        }
        buf[p++] = unit;
      }
      if (p >= 0) written = length;
    }
    if (written < 0) written = utf8.encodeInto(text, buf.subarray(start)).written;
    buf[this.pos] = 109;
    this.view.setUint32(this.pos + 1, written);
    this.pos = start + written;
  }

  number(value: number): void {
    if (Number.isInteger(value) && Math.abs(value) < INTEGER_LITERAL_LIMIT) {
      if (value >= 0 && value <= 255) {
        this.ensure(2);
        this.buf[this.pos] = 97;
        this.buf[this.pos + 1] = value;
        this.pos += 2;
      } else if (value >= -2147483648 && value <= 2147483647) {
        this.ensure(5);
        this.buf[this.pos] = 98;
        this.view.setInt32(this.pos + 1, value);
        this.pos += 5;
      } else {
        this.bigNumber(value);
      }
      return;
    }
    if (!Number.isFinite(value)) throw unsupported(value);
    this.ensure(9);
    this.buf[this.pos] = 70;
    this.view.setFloat64(this.pos + 1, value);
    this.pos += 9;
  }

  /** SMALL_BIG_EXT of an integral double beyond int32; `% 256` and `/ 256` are exact on those. */
  bigNumber(value: number): void {
    // Below 1e21 an integer needs at most 9 digit bytes.
    this.ensure(3 + 9);
    const buf = this.buf;
    const start = this.pos;
    let magnitude = Math.abs(value);
    let p = start + 3;
    while (magnitude > 0) {
      const digit = magnitude % 256;
      buf[p++] = digit;
      magnitude = (magnitude - digit) / 256;
    }
    buf[start] = 110;
    buf[start + 1] = p - start - 3;
    buf[start + 2] = value < 0 ? 1 : 0;
    this.pos = p;
  }

  bigint(value: bigint): void {
    if (value >= -2147483648n && value <= 2147483647n) {
      this.number(Number(value));
      return;
    }
    let magnitude = value < 0n ? -value : value;
    const digits: number[] = [];
    while (magnitude > 0n) {
      digits.push(Number(magnitude & 0xffn));
      magnitude >>= 8n;
    }
    const count = digits.length;
    this.ensure(6 + count);
    const buf = this.buf;
    if (count <= 255) {
      buf[this.pos++] = 110;
      buf[this.pos++] = count;
    } else {
      buf[this.pos] = 111;
      this.view.setUint32(this.pos + 1, count);
      this.pos += 5;
    }
    buf[this.pos++] = value < 0n ? 1 : 0;
    buf.set(digits, this.pos);
    this.pos += count;
  }

  enter(container: object): void {
    if (this.depth >= ETF_MAX_ENCODE_DEPTH) {
      if (this.path.includes(container)) {
        throw new EtfEncodeError(
          'ETF_ENCODE_CIRCULAR',
          'The value contains itself (a circular reference); ETF has no references',
        );
      }
      throw new EtfEncodeError(
        'ETF_ENCODE_TOO_DEEP',
        `The value nests deeper than ${ETF_MAX_ENCODE_DEPTH} levels`,
      );
    }
    this.path[this.depth++] = container;
  }

  list(items: readonly unknown[]): void {
    const length = items.length;
    if (length === 0) {
      this.ensure(1);
      this.buf[this.pos++] = 106;
      return;
    }
    this.enter(items);
    this.ensure(5);
    this.buf[this.pos] = 108;
    this.view.setUint32(this.pos + 1, length);
    this.pos += 5;
    for (let i = 0; i < length; i++) {
      let item = items[i];
      if (typeof item === 'object' && item !== null && hasToJSON(item)) item = item.toJSON(String(i));
      // JSON writes null for undefined array slots; so do we.
      if (item === undefined) this.atom('nil');
      else this.value(item);
    }
    this.ensure(1);
    this.buf[this.pos++] = 106;
    this.depth--;
  }

  map(object: Record<string, unknown>): void {
    this.enter(object);
    const keys = Object.keys(object);
    this.ensure(5);
    const header = this.pos;
    this.buf[header] = 116;
    this.pos += 5;
    let arity = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let item = object[key];
      if (typeof item === 'object' && item !== null && hasToJSON(item)) item = item.toJSON(key);
      if (item === undefined) continue;
      this.string(key);
      this.value(item);
      arity++;
    }
    this.view.setUint32(header + 1, arity);
    this.depth--;
  }
}

function unsupported(value: unknown): EtfEncodeError {
  const what =
    typeof value === 'number' ? `the number ${value}` : value === undefined ? 'undefined' : `a ${typeof value}`;
  return new EtfEncodeError(
    'ETF_ENCODE_UNSUPPORTED',
    `ETF cannot hold ${what}; send strings, finite numbers, bigints, booleans, null, arrays and plain objects`,
  );
}

const shared = new EtfWriter();

/**
 * Encodes a value as one ETF message (version byte 131 first) the way erlpack would, with
 * bigints as integers. Throws {@link EtfEncodeError} for functions, symbols, non-finite numbers,
 * a top-level undefined, cycles, and nesting over {@link ETF_MAX_ENCODE_DEPTH}.
 */
export function encodeEtf(value: unknown): Uint8Array {
  // A toJSON that calls encodeEtf must not write into the buffer being filled.
  const writer = shared.busy ? new EtfWriter() : shared;
  writer.busy = true;
  try {
    writer.ensure(1);
    writer.buf[writer.pos++] = 131;
    let root = value;
    if (typeof root === 'object' && root !== null && hasToJSON(root)) {
      root = root.toJSON('');
    }
    if (root === undefined) throw unsupported(root);
    writer.value(root);
    return writer.finish();
  } catch (error) {
    writer.pos = 0;
    writer.depth = 0;
    writer.path.length = 0;
    throw error;
  } finally {
    writer.busy = false;
  }
}
