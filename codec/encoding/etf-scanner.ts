/**
 * Reads `op`, `s` and `t` of an ETF gateway payload without building it: every other term is
 * skipped by its declared lengths, checked as strictly as `decodeEtf` checks it (tags, lengths
 * against the bytes present, depth, proper lists, map keys, atoms, floats, bignum sizes). Owns
 * skipping only; the values it does read come from the decoder's own reader.
 *
 * The rule that keeps it exact: it answers only for input `decodeEtf` + `asGatewayPayload`
 * accept, with their op/s/t; for anything else it answers null and the caller decodes in full,
 * which throws the typed error it always threw.
 */
import { ETF_DEFAULT_MAX_DEPTH, EtfReader } from './etf-decoder.js';
import { cachedAscii } from './etf-text.js';
import { type DispatchEnvelope, dispatchEnvelope } from './payload.js';

/** Skips the term at `reader.pos`, checking it as `term()` would; throws EtfDecodeError. */
function skipTerm(reader: EtfReader): void {
  const bytes = reader.bytes;
  const at = reader.pos;
  switch (bytes[at]) {
    case 116: {
      // MAP_EXT
      const arity = reader.openMap(at);
      for (let i = 0; i < arity; i++) {
        skipKey(reader);
        skipTerm(reader);
      }
      reader.depth--;
      return;
    }
    case 109: {
      // BINARY_EXT: any bytes are a string (invalid UTF-8 becomes U+FFFD), so only the length counts.
      reader.need(at + 1, 4, 'a BINARY_EXT length', at);
      const length = reader.u32(at + 1);
      reader.need(at + 5, length, 'a BINARY_EXT', at);
      reader.pos = at + 5 + length;
      return;
    }
    case 97: // SMALL_INTEGER_EXT
      reader.need(at + 1, 1, 'a SMALL_INTEGER_EXT', at);
      reader.pos = at + 2;
      return;
    case 98: // INTEGER_EXT
      reader.need(at + 1, 4, 'an INTEGER_EXT', at);
      reader.pos = at + 5;
      return;
    case 100: // ATOM_EXT
    case 118: // ATOM_UTF8_EXT
    case 115: // SMALL_ATOM_EXT
    case 119: // SMALL_ATOM_UTF8_EXT
      skipAtom(reader, at);
      return;
    case 110: // SMALL_BIG_EXT
      reader.need(at + 1, 1, 'a SMALL_BIG_EXT length', at);
      reader.passBig(at, at + 2, bytes[at + 1]!);
      return;
    case 111: // LARGE_BIG_EXT
      reader.need(at + 1, 4, 'a LARGE_BIG_EXT length', at);
      reader.passBig(at, at + 5, reader.u32(at + 1));
      return;
    case 108: {
      // LIST_EXT
      const length = reader.openList(at);
      for (let i = 0; i < length; i++) skipTerm(reader);
      reader.closeList();
      return;
    }
    case 106: // NIL_EXT
      reader.pos = at + 1;
      return;
    case 107: {
      // STRING_EXT
      reader.need(at + 1, 2, 'a STRING_EXT length', at);
      const length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
      reader.need(at + 3, length, 'a STRING_EXT', at);
      reader.pos = at + 3 + length;
      return;
    }
    case 104: // SMALL_TUPLE_EXT
      reader.need(at + 1, 1, 'a SMALL_TUPLE_EXT arity', at);
      skipTuple(reader, at, at + 2, bytes[at + 1]!);
      return;
    case 105: // LARGE_TUPLE_EXT
      reader.need(at + 1, 4, 'a LARGE_TUPLE_EXT arity', at);
      skipTuple(reader, at, at + 5, reader.u32(at + 1));
      return;
    case 70: {
      // NEW_FLOAT_EXT
      reader.need(at + 1, 8, 'a NEW_FLOAT_EXT', at);
      // All exponent bits set: NaN or an infinity.
      if ((bytes[at + 1]! & 0x7f) === 0x7f && (bytes[at + 2]! & 0xf0) === 0xf0) {
        throw reader.fail('ETF_BAD_FLOAT', 'A NEW_FLOAT_EXT holds NaN or an infinity', at);
      }
      reader.pos = at + 9;
      return;
    }
    case 99: // FLOAT_EXT: rare, and its text is checked by the decoder's own reading
      reader.oldFloat(at);
      return;
    default:
      reader.unexpected(at);
  }
}

function skipTuple(reader: EtfReader, at: number, start: number, arity: number): void {
  reader.openTuple(at, start, arity);
  for (let i = 0; i < arity; i++) skipTerm(reader);
  reader.depth--;
}

/** An atom (as a value or a key): its length, and its name checked as the decoder checks it. */
function skipAtom(reader: EtfReader, at: number): void {
  const bytes = reader.bytes;
  const tag = bytes[at];
  let start: number;
  let length: number;
  if (tag === 100 || tag === 118) {
    reader.need(at + 1, 2, 'an atom length', at);
    start = at + 3;
    length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
  } else {
    reader.need(at + 1, 1, 'an atom length', at);
    start = at + 2;
    length = bytes[at + 1]!;
  }
  reader.need(start, length, 'an atom', at);
  // ASCII names are valid in both spellings and one character a byte; others go through the
  // decoder's own check (UTF-8 validity, at most 255 characters).
  let ascii = length <= 255;
  for (let i = start, stop = start + length; ascii && i < stop; i++) ascii = bytes[i]! < 0x80;
  if (!ascii) reader.atomText(at, start, length);
  reader.pos = start + length;
}

/** A map key: atoms, binaries and integers, as `key()` accepts them. */
function skipKey(reader: EtfReader): void {
  const at = reader.pos;
  const tag = reader.bytes[at];
  if (tag === 100 || tag === 118 || tag === 115 || tag === 119) {
    skipAtom(reader, at);
  } else if (tag === 109 || tag === 97 || tag === 98 || tag === 110 || tag === 111) {
    skipTerm(reader);
  } else {
    // Let the decoder's own reading raise the right error (truncation or a bad key).
    reader.key();
  }
}

/** Which envelope key the map key at `at` is (atom or binary named op, s or t): 1 op, 2 s, 3 t, 0 none. */
function envelopeKey(bytes: Uint8Array, at: number, end: number): number {
  const tag = bytes[at];
  let start: number;
  let length: number;
  if (tag === 115 || tag === 119) {
    if (at + 1 >= end) return 0;
    start = at + 2;
    length = bytes[at + 1]!;
  } else if (tag === 100 || tag === 118) {
    if (at + 2 >= end) return 0;
    start = at + 3;
    length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
  } else if (tag === 109) {
    if (at + 4 >= end) return 0;
    start = at + 5;
    length = ((bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!) >>> 0;
  } else {
    return 0;
  }
  if (start + length > end) return 0;
  if (length === 1) {
    const c = bytes[start];
    return c === 0x73 ? 2 : c === 0x74 ? 3 : 0;
  }
  return length === 2 && bytes[start] === 0x6f && bytes[start + 1] === 0x70 ? 1 : 0;
}

/** The string of a BINARY_EXT of at most 32 ASCII bytes at `reader.pos` (then skipped), else undefined. */
function shortAsciiBinary(reader: EtfReader): string | undefined {
  const bytes = reader.bytes;
  const at = reader.pos;
  if (bytes[at] !== 109 || at + 5 > reader.end) return undefined;
  const length = reader.u32(at + 1);
  if (length > 32 || at + 5 + length > reader.end) return undefined;
  const text = cachedAscii(bytes, at + 5, length);
  if (text !== undefined) reader.pos = at + 5 + length;
  return text;
}

// The wanted names as bytes, per set (a set is built once per connection).
const namesOf = new WeakMap<ReadonlySet<string>, Uint8Array[]>();
const latin1 = (name: string): Uint8Array => Uint8Array.from(name, (c) => c.charCodeAt(0) & 0xff);

/**
 * Whether the term ends with `t` set to a wanted name (a key `t`, then an atom or binary holding
 * the name), as Discord's own layout has it: its map keys come in Erlang's order d, op, s, t. A
 * hint only: true lets a wanted dispatch go straight to the full decoder without `d` being
 * walked first; a wrong guess either way costs time, never exactness.
 */
function endsWithWantedName(bytes: Uint8Array, wanted: ReadonlySet<string>): boolean {
  let names = namesOf.get(wanted);
  if (names === undefined) {
    names = [...wanted].filter((name) => /^[\x20-\x7e]{1,255}$/.test(name)).map(latin1);
    namesOf.set(wanted, names);
  }
  const end = bytes.length;
  for (const name of names) {
    const n = name.length;
    const at = end - n;
    if (at < 10) continue;
    let same = true;
    for (let i = 0; i < n && same; i++) same = bytes[at + i] === name[i];
    if (!same) continue;
    // Where the name's term starts: ATOM_EXT / ATOM_UTF8_EXT, SMALL_ATOM(_UTF8)_EXT or BINARY_EXT.
    let v = -1;
    const wide = bytes[at - 3];
    const small = bytes[at - 2];
    if ((wide === 100 || wide === 118) && bytes[at - 2] === 0 && bytes[at - 1] === n) v = at - 3;
    else if ((small === 115 || small === 119) && bytes[at - 1] === n) v = at - 2;
    else if (bytes[at - 5] === 109 && readU32(bytes, at - 4) === n) v = at - 5;
    if (v < 0 || bytes[v - 1] !== 0x74 || bytes[v - 2] !== 1) continue;
    // The key `t` just before it, in the same three spellings.
    const keyWide = bytes[v - 4];
    const keySmall = bytes[v - 3];
    if ((keyWide === 100 || keyWide === 118) && bytes[v - 3] === 0) return true;
    if (keySmall === 115 || keySmall === 119) return true;
    if (bytes[v - 6] === 109 && bytes[v - 5] === 0 && bytes[v - 4] === 0 && bytes[v - 3] === 0) return true;
  }
  return false;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * The envelope of a dispatch whose type is not in `wanted`, read from ETF bytes without
 * decoding the rest; null when the payload must be decoded in full: any other opcode, a wanted
 * dispatch, a compressed term, or input `decodeEtf` would refuse (it then throws its usual
 * typed error). Uses decodeEtf's default bounds.
 */
export function scanEtfDispatch(bytes: Uint8Array, wanted: ReadonlySet<string>): DispatchEnvelope | null {
  if (bytes.length < 6 || bytes[0] !== 131 || bytes[1] !== 116) return null;
  if (endsWithWantedName(bytes, wanted)) return null;
  const reader = new EtfReader(bytes, 1, ETF_DEFAULT_MAX_DEPTH, false, false);
  let op: unknown;
  let s: unknown;
  let t: unknown;
  try {
    const arity = reader.openMap(1);
    for (let i = 0; i < arity; i++) {
      const key = envelopeKey(bytes, reader.pos, reader.end);
      skipKey(reader);
      if (key === 0) {
        skipTerm(reader);
        continue;
      }
      // The envelope's own values are read by the decoder itself, so they are exactly its values;
      // a short ASCII binary (an event name) comes from the string cache, so the set lookup
      // finds its hash already computed.
      const value = shortAsciiBinary(reader) ?? reader.term();
      if (key === 1) {
        op = value;
      } else if (key === 2) {
        s = value;
      } else {
        if (typeof value === 'string' && wanted.has(value)) return null;
        t = value;
      }
    }
  } catch {
    // Malformed or too deep (a RangeError included): the full decoder reports it.
    return null;
  }
  if (reader.pos !== reader.end) return null;
  return dispatchEnvelope(op, s, t);
}
