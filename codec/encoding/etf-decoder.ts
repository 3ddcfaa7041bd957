/**
 * Erlang External Term Format -> JSON-shaped values, in pure TypeScript (the hot path of the
 * `encoding=etf` gateway). Owns tag parsing, every bound (depth, declared lengths, bignum
 * size, inflated size) and the JSON conventions; never touches the gateway envelope.
 *
 * Conventions, so an ETF payload has the shape its JSON twin has:
 * - atoms `nil` -> null, `true`/`false` -> booleans, other atoms -> strings;
 * - binaries -> UTF-8 strings (invalid bytes -> U+FFFD); STRING_EXT -> array of byte values;
 * - integers -> numbers when safe, else exact decimal strings (bigints with `bigint: true`);
 * - lists and tuples -> arrays; maps -> plain objects with string keys (`__proto__` is an own key).
 * Every declared length is checked against the bytes present before anything is allocated.
 */
import { EtfDecodeError, EtfOptionError } from './errors.js';
import { inflateTerm } from './etf-inflate.js';
import { bigDigitsToValue } from './etf-integers.js';
import { ETF_TAGS_WITHOUT_JSON_SHAPE } from './etf-tags.js';
import { cachedAscii, latin1Text, utf8Text, utf8TextStrict } from './etf-text.js';

/** Options of {@link decodeEtf}. */
export interface EtfDecodeOptions {
  /** Return integers beyond Number.MAX_SAFE_INTEGER as bigints instead of decimal strings. */
  bigint?: boolean;
  /** Deepest nesting of lists, tuples and maps accepted; default {@link ETF_DEFAULT_MAX_DEPTH}. */
  maxDepth?: number;
  /** Largest inflated size a compressed term may declare; default {@link ETF_DEFAULT_MAX_INFLATED_SIZE}. */
  maxInflatedSize?: number;
}

/**
 * Default nesting limit. Gateway payloads nest about a dozen levels; 512 leaves room for any
 * real data while keeping the recursive decoder far from the engine's stack limit.
 */
export const ETF_DEFAULT_MAX_DEPTH = 512;

/** Default bound on a compressed term's inflated size: 64 MiB, above any gateway message. */
export const ETF_DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;

/** Longest bignum accepted, in digit bytes (8192 bits); snowflakes need 8. */
export const ETF_MAX_BIG_BYTES = 1024;

/** Longest atom Erlang allows, in characters. */
const MAX_ATOM_CHARS = 255;

/** Gives each element a property of its own without ever reaching Object.prototype's setter. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Reads one term at a time from `bytes`; a fresh reader per input, so no state leaks between
 * calls. Exported inside the package for the envelope scanner, which skips what this decodes.
 */
export class EtfReader {
  readonly bytes: Uint8Array;
  // Made on first use: many payloads hold no float or bignum, and a scan skips them unread.
  #view: DataView | null = null;
  readonly end: number;
  readonly maxDepth: number;
  readonly bigint: boolean;
  readonly compressed: boolean;
  pos: number;
  depth = 0;

  constructor(bytes: Uint8Array, pos: number, maxDepth: number, bigint: boolean, compressed: boolean) {
    this.bytes = bytes;
    this.end = bytes.length;
    this.pos = pos;
    this.maxDepth = maxDepth;
    this.bigint = bigint;
    this.compressed = compressed;
  }

  /** A DataView of the input, for floats and bignums. */
  get view(): DataView {
    if (this.#view === null) this.#view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.#view;
  }

  fail(code: EtfDecodeError['code'], message: string, offset: number): EtfDecodeError {
    return new EtfDecodeError(code, message, offset, this.compressed);
  }

  truncated(what: string, offset: number): EtfDecodeError {
    return this.fail('ETF_TRUNCATED', `The input ends inside ${what}`, offset);
  }

  /** Checks that `count` bytes follow `from`; `at` is the tag being read, for the error. */
  need(from: number, count: number, what: string, at: number): void {
    if (count > this.end - from) throw this.truncated(what, at);
  }

  u32(p: number): number {
    const b = this.bytes;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  enter(at: number): void {
    if (++this.depth > this.maxDepth) {
      throw this.fail('ETF_TOO_DEEP', `Terms nest deeper than ${this.maxDepth} levels (maxDepth)`, at);
    }
  }

  // The checks on containers and bignums, shared with the envelope scanner so that skipping a
  // term accepts exactly what decoding it accepts.

  /** Enters the MAP_EXT at `at` after checking its arity against the bytes left; returns the arity. */
  openMap(at: number): number {
    this.need(at + 1, 4, 'a MAP_EXT arity', at);
    const arity = this.u32(at + 1);
    // A key and a value take at least one byte each.
    if (arity > (this.end - at - 5) / 2) throw this.truncated('a MAP_EXT', at);
    this.enter(at);
    this.pos = at + 5;
    return arity;
  }

  /** Enters the LIST_EXT at `at` after checking its length against the bytes left; returns the length. */
  openList(at: number): number {
    this.need(at + 1, 4, 'a LIST_EXT length', at);
    const length = this.u32(at + 1);
    // Each element takes at least one byte, and so does the tail.
    this.need(at + 5, length + 1, 'a LIST_EXT', at);
    this.enter(at);
    this.pos = at + 5;
    return length;
  }

  /** Leaves a list after its elements: the tail must be NIL (Erlang's improper lists have no JSON shape). */
  closeList(): void {
    const tail = this.pos;
    if (tail >= this.end) throw this.truncated('a LIST_EXT tail', tail);
    if (this.bytes[tail] !== 106) {
      throw this.fail('ETF_IMPROPER_LIST', 'A list ends in a tail other than NIL (an improper list)', tail);
    }
    this.pos = tail + 1;
    this.depth--;
  }

  /** Enters a tuple of `arity` elements starting at `start` (each takes at least one byte). */
  openTuple(at: number, start: number, arity: number): void {
    this.need(start, arity, 'a tuple', at);
    this.enter(at);
    this.pos = start;
  }

  /** Moves past a bignum of `length` digit bytes whose sign byte is at `start`, after checking its size. */
  passBig(at: number, start: number, length: number): void {
    if (length > ETF_MAX_BIG_BYTES) {
      throw this.fail('ETF_BIG_TOO_LARGE', `A bignum has more than ${ETF_MAX_BIG_BYTES} digit bytes`, at);
    }
    // The sign byte plus the digits.
    this.need(start, length + 1, 'a bignum', at);
    this.pos = start + 1 + length;
  }

  term(): unknown {
    const bytes = this.bytes;
    const at = this.pos;
    switch (bytes[at]) {
      case 116: // MAP_EXT
        return this.map(at);
      case 109: {
        // BINARY_EXT
        this.need(at + 1, 4, 'a BINARY_EXT length', at);
        const length = this.u32(at + 1);
        const start = at + 5;
        this.need(start, length, 'a BINARY_EXT', at);
        this.pos = start + length;
        return utf8Text(bytes, start, length);
      }
      case 97: // SMALL_INTEGER_EXT
        this.need(at + 1, 1, 'a SMALL_INTEGER_EXT', at);
        this.pos = at + 2;
        return bytes[at + 1]!;
      case 98: // INTEGER_EXT
        this.need(at + 1, 4, 'an INTEGER_EXT', at);
        this.pos = at + 5;
        return (bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!;
      case 100: // ATOM_EXT (Latin-1)
      case 118: {
        // ATOM_UTF8_EXT
        this.need(at + 1, 2, 'an atom length', at);
        const length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
        return this.atom(at, at + 3, length);
      }
      case 115: // SMALL_ATOM_EXT (Latin-1)
      case 119: // SMALL_ATOM_UTF8_EXT
        this.need(at + 1, 1, 'an atom length', at);
        return this.atom(at, at + 2, bytes[at + 1]!);
      case 110: // SMALL_BIG_EXT
        this.need(at + 1, 1, 'a SMALL_BIG_EXT length', at);
        return this.big(at, at + 2, bytes[at + 1]!);
      case 111: // LARGE_BIG_EXT
        this.need(at + 1, 4, 'a LARGE_BIG_EXT length', at);
        return this.big(at, at + 5, this.u32(at + 1));
      case 108: // LIST_EXT
        return this.list(at);
      case 106: // NIL_EXT
        this.pos = at + 1;
        return [];
      case 107: {
        // STRING_EXT: a list of bytes, not text
        this.need(at + 1, 2, 'a STRING_EXT length', at);
        const length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
        const start = at + 3;
        this.need(start, length, 'a STRING_EXT', at);
        const values: number[] = [];
        for (let i = start, stop = start + length; i < stop; i++) values.push(bytes[i]!);
        this.pos = start + length;
        return values;
      }
      case 104: // SMALL_TUPLE_EXT
        this.need(at + 1, 1, 'a SMALL_TUPLE_EXT arity', at);
        return this.tuple(at, at + 2, bytes[at + 1]!);
      case 105: // LARGE_TUPLE_EXT
        this.need(at + 1, 4, 'a LARGE_TUPLE_EXT arity', at);
        return this.tuple(at, at + 5, this.u32(at + 1));
      case 70: {
        // NEW_FLOAT_EXT: IEEE 754 double, big-endian
        this.need(at + 1, 8, 'a NEW_FLOAT_EXT', at);
        const value = this.view.getFloat64(at + 1);
        if (!Number.isFinite(value)) {
          throw this.fail('ETF_BAD_FLOAT', 'A NEW_FLOAT_EXT holds NaN or an infinity', at);
        }
        this.pos = at + 9;
        return value;
      }
      case 99: // FLOAT_EXT: 31 bytes of "%.20e" text
        return this.oldFloat(at);
      default:
        return this.unexpected(at);
    }
  }

  atom(at: number, start: number, length: number): unknown {
    const bytes = this.bytes;
    this.need(start, length, 'an atom', at);
    this.pos = start + length;
    if (length === 3 && bytes[start] === 110 && bytes[start + 1] === 105 && bytes[start + 2] === 108) {
      return null; // nil
    }
    if (length === 4 && bytes[start] === 116 && bytes[start + 1] === 114 && bytes[start + 2] === 117 && bytes[start + 3] === 101) {
      return true;
    }
    if (
      length === 5 &&
      bytes[start] === 102 &&
      bytes[start + 1] === 97 &&
      bytes[start + 2] === 108 &&
      bytes[start + 3] === 115 &&
      bytes[start + 4] === 101
    ) {
      return false;
    }
    return this.atomText(at, start, length);
  }

  /** An atom's name: Latin-1 for tags 100/115, UTF-8 for 118/119, at most 255 characters. */
  atomText(at: number, start: number, length: number): string {
    const bytes = this.bytes;
    const cached = cachedAscii(bytes, start, length);
    if (cached !== undefined) return cached;
    const tag = bytes[at];
    let text: string | undefined;
    if (tag === 100 || tag === 115) {
      text = latin1Text(bytes, start, length);
    } else {
      text = utf8TextStrict(bytes, start, length);
      if (text === undefined) throw this.fail('ETF_BAD_ATOM', 'A UTF-8 atom is not valid UTF-8', at);
    }
    if (length > MAX_ATOM_CHARS && countCodePoints(text) > MAX_ATOM_CHARS) {
      throw this.fail('ETF_BAD_ATOM', `An atom is longer than ${MAX_ATOM_CHARS} characters`, at);
    }
    return text;
  }

  big(at: number, start: number, length: number): unknown {
    this.passBig(at, start, length);
    const bytes = this.bytes;
    return bigDigitsToValue(bytes, this.view, start + 1, length, bytes[start] !== 0, this.bigint);
  }

  list(at: number): unknown[] {
    const length = this.openList(at);
    const values: unknown[] = [];
    for (let i = 0; i < length; i++) values.push(this.term());
    this.closeList();
    return values;
  }

  tuple(at: number, start: number, arity: number): unknown[] {
    this.openTuple(at, start, arity);
    const values: unknown[] = [];
    for (let i = 0; i < arity; i++) values.push(this.term());
    this.depth--;
    return values;
  }

  map(at: number): Record<string, unknown> {
    const arity = this.openMap(at);
    const object: Record<string, unknown> = {};
    for (let i = 0; i < arity; i++) {
      const key = this.key();
      const value = this.term();
      if (key === '__proto__') defineOwn(object, key, value);
      else object[key] = value;
    }
    this.depth--;
    return object;
  }

  /** A map key as a string: atoms and binaries by their text, integers in decimal. */
  key(): string {
    const bytes = this.bytes;
    const at = this.pos;
    const tag = bytes[at];
    let start: number;
    let length: number;
    if (tag === 100 || tag === 118) {
      this.need(at + 1, 2, 'an atom length', at);
      start = at + 3;
      length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    } else if (tag === 115 || tag === 119) {
      this.need(at + 1, 1, 'an atom length', at);
      start = at + 2;
      length = bytes[at + 1]!;
    } else if (tag === 109) {
      this.need(at + 1, 4, 'a BINARY_EXT length', at);
      start = at + 5;
      length = this.u32(at + 1);
      this.need(start, length, 'a BINARY_EXT', at);
      this.pos = start + length;
      return cachedAscii(bytes, start, length) ?? utf8Text(bytes, start, length);
    } else if (tag === 97 || tag === 98 || tag === 110 || tag === 111) {
      const value = this.term();
      return typeof value === 'string' ? value : String(value);
    } else if (at >= this.end) {
      throw this.truncated('a map', at);
    } else {
      throw this.fail(
        'ETF_BAD_MAP_KEY',
        `A map key is a ${tagName(tag!)}; only atoms, binaries and integers have a JSON key`,
        at,
      );
    }
    // Atom keys keep their names: `nil`, `true` and `false` are plain strings here.
    this.need(start, length, 'an atom', at);
    this.pos = start + length;
    return this.atomText(at, start, length);
  }

  oldFloat(at: number): number {
    this.need(at + 1, 31, 'a FLOAT_EXT', at);
    const bytes = this.bytes;
    // Erlang reads the text as a C string: up to the first NUL.
    let stop = at + 1;
    while (stop < at + 32 && bytes[stop] !== 0) stop++;
    const text = latin1Text(bytes, at + 1, stop - at - 1);
    // Erlang's own float syntax: digits, a point, digits, an optional exponent.
    if (!/^[+-]?\d+\.\d+(?:[eE][+-]?\d+)?$/.test(text)) {
      throw this.fail('ETF_BAD_FLOAT', 'A FLOAT_EXT does not hold a float', at);
    }
    const value = Number(text);
    if (!Number.isFinite(value)) throw this.fail('ETF_BAD_FLOAT', 'A FLOAT_EXT is out of range', at);
    this.pos = at + 32;
    return value;
  }

  unexpected(at: number): never {
    if (at >= this.end) throw this.truncated('a term (a tag byte is missing)', at);
    const tag = this.bytes[at]!;
    if (tag === 80) {
      throw this.fail('ETF_NESTED_COMPRESSED', 'A compressed term appears inside another term', at);
    }
    const name = ETF_TAGS_WITHOUT_JSON_SHAPE[tag];
    if (name !== undefined) {
      throw this.fail('ETF_UNSUPPORTED_TAG', `A ${name} (tag ${tag}) has no JSON shape`, at);
    }
    throw this.fail('ETF_UNKNOWN_TAG', `Byte ${tag} is not an ETF tag`, at);
  }
}

function tagName(tag: number): string {
  const names: Record<number, string> = {
    70: 'NEW_FLOAT_EXT',
    99: 'FLOAT_EXT',
    104: 'SMALL_TUPLE_EXT',
    105: 'LARGE_TUPLE_EXT',
    106: 'NIL_EXT',
    107: 'STRING_EXT',
    108: 'LIST_EXT',
    116: 'MAP_EXT',
  };
  return names[tag] ?? ETF_TAGS_WITHOUT_JSON_SHAPE[tag] ?? `byte ${tag}`;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A low surrogate completes a pair already counted.
    if (unit < 0xdc00 || unit > 0xdfff) count++;
  }
  return count;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new EtfOptionError(`decodeEtf: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Decodes one ETF message (version byte 131, then a term or a compressed term) into the
 * value its JSON twin would parse to. Throws {@link EtfDecodeError} (with `code` and `offset`)
 * for malformed, unsupported or out-of-bounds input, never anything else for any bytes.
 */
export function decodeEtf(bytes: Uint8Array, options?: EtfDecodeOptions): unknown {
  const maxDepth = positiveInteger('maxDepth', options?.maxDepth, ETF_DEFAULT_MAX_DEPTH);
  const maxInflated = positiveInteger(
    'maxInflatedSize',
    options?.maxInflatedSize,
    ETF_DEFAULT_MAX_INFLATED_SIZE,
  );
  const bigint = options?.bigint === true;
  if (bytes.length === 0) throw new EtfDecodeError('ETF_TRUNCATED', 'The input is empty', 0);
  if (bytes[0] !== 131) {
    throw new EtfDecodeError(
      'ETF_BAD_VERSION',
      `ETF starts with the version byte 131, not ${bytes[0]}`,
      0,
    );
  }
  let reader: EtfReader;
  if (bytes[1] === 80) {
    if (bytes.length < 6) {
      throw new EtfDecodeError('ETF_TRUNCATED', 'The input ends inside a compressed term header', 1);
    }
    const declared = ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0;
    const inflated = inflateTerm(bytes, 1, 6, declared, maxInflated);
    reader = new EtfReader(inflated, 0, maxDepth, bigint, true);
  } else {
    reader = new EtfReader(bytes, 1, maxDepth, bigint, false);
  }
  let value: unknown;
  try {
    value = reader.term();
  } catch (error) {
    // Only a maxDepth set far above the default can exhaust the stack; report it as depth.
    if (error instanceof RangeError) {
      throw new EtfDecodeError(
        'ETF_TOO_DEEP',
        'Terms nest deeper than the call stack allows; lower maxDepth',
        reader.pos,
        reader.compressed,
        { cause: error },
      );
    }
    throw error;
  }
  if (reader.pos !== reader.end) {
    throw new EtfDecodeError(
      'ETF_TRAILING_BYTES',
      `${reader.end - reader.pos} bytes follow the term`,
      reader.pos,
      reader.compressed,
    );
  }
  return value;
}
