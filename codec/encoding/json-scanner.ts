/**
 * Reads `op`, `s` and `t` of a JSON gateway payload without building it, so a dispatch nobody
 * wants costs a pass over its bytes instead of a UTF-8 decode and a JSON.parse. Owns the JSON
 * grammar (RFC 8259) and UTF-8 (Unicode table 3-7) as checks only; never builds anything but
 * those three values, and never decides what a payload means.
 *
 * The rule that keeps it exact: it answers only for input `decodeJson` + `asGatewayPayload`
 * accept, with their op/s/t; for anything else (malformed, not UTF-8, odd shapes) it answers
 * null and the caller decodes in full, which throws the typed error it always threw.
 */
import { cachedAscii } from './etf-text.js';
import { type DispatchEnvelope, dispatchEnvelope } from './payload.js';

// Classes of a byte inside a string: plain, the closing quote, an escape, a control character
// (not allowed raw), and the lead of a multi-byte UTF-8 sequence (checked in place).
const PLAIN = 0;
const QUOTE = 1;
const ESCAPE = 2;
const CONTROL = 3;
const MULTIBYTE = 4;
const STRING_CLASS = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_CLASS[c] = CONTROL;
STRING_CLASS[0x22] = QUOTE;
STRING_CLASS[0x5c] = ESCAPE;
for (let c = 0x80; c < 0x100; c++) STRING_CLASS[c] = MULTIBYTE;

// The characters that may follow a backslash, besides `u`: " \ / b f n r t.
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]) SIMPLE_ESCAPE[c] = 1;

const DIGIT = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) DIGIT[c] = 1;

const HEX = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) HEX[c] = 1;
for (let c = 0x41; c <= 0x46; c++) HEX[c] = 1;
for (let c = 0x61; c <= 0x66; c++) HEX[c] = 1;

const OBJECT = 1;
const ARRAY = 2;
// Open containers while skipping a value; grown on demand (nesting is bounded by the input).
let containers = new Uint8Array(64);

const utf8 = new TextDecoder('utf-8', { fatal: true });
// The input being scanned, for 32-bit reads at any offset: made when the scan first enters an
// object or array (a wanted dispatch in Discord's key order never does), let go when it ends.
const NO_VIEW = new DataView(new ArrayBuffer(0));
let view: DataView = NO_VIEW;
let viewOf: Uint8Array | null = null;
// Word reads pay off on large payloads (GUILD_CREATE); on small ones the view costs more.
const WORDS_FROM = 4096;
let bigInput = false;
/** A value of a type the envelope never allows (object, array, boolean). */
const NOT_SCALAR = Symbol('not a scalar');
type Scalar = number | string | null | typeof NOT_SCALAR;

/** Index after JSON whitespace at `i`. */
function ws(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Index after the UTF-8 sequence whose lead byte is at `i`, or -1 if it is not UTF-8. */
function utf8Sequence(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  let lo = 0x80;
  let hi = 0xbf;
  let need: number;
  if (c < 0xc2) return -1;
  if (c < 0xe0) need = 1;
  else if (c < 0xf0) {
    need = 2;
    if (c === 0xe0) lo = 0xa0; // overlong
    else if (c === 0xed) hi = 0x9f; // surrogates
  } else if (c < 0xf5) {
    need = 3;
    if (c === 0xf0) lo = 0x90; // overlong
    else if (c === 0xf4) hi = 0x8f; // past U+10FFFF
  } else return -1;
  if (i + need >= end) return -1;
  const c1 = b[i + 1]!;
  if (c1 < lo || c1 > hi) return -1;
  for (let k = 2; k <= need; k++) {
    const ck = b[i + k]!;
    if (ck < 0x80 || ck > 0xbf) return -1;
  }
  return i + need + 1;
}

/**
 * Index after the string whose opening quote is just before `i`, or -1. With `words`, plain runs
 * are tested four bytes at a time through `view` (worth it inside large values; a short key or
 * event name is quicker byte by byte).
 */
function skipString(b: Uint8Array, i: number, end: number, words: boolean): number {
  for (;;) {
    if (words) {
      const v = view;
      // No quote, backslash, control or non-ASCII byte among the four (bit tricks on the word).
      while (i + 4 <= end) {
        const w = v.getInt32(i, true);
        const q = w ^ 0x22222222;
        const e = w ^ 0x5c5c5c5c;
        if (((w | (((w - 0x20202020) | 0) & ~w) | (((q - 0x01010101) | 0) & ~q) | (((e - 0x01010101) | 0) & ~e)) & 0x80808080) !== 0) break;
        i += 4;
      }
    }
    // Past the end b[i] is undefined and so is its class: the loop stops there without a bound check.
    while (STRING_CLASS[b[i]!] === PLAIN) i++;
    const kind = STRING_CLASS[b[i]!];
    if (i >= end) return -1;
    if (kind === QUOTE) return i + 1;
    if (kind === ESCAPE) {
      if (i + 1 >= end) return -1;
      const e = b[i + 1]!;
      if (SIMPLE_ESCAPE[e] === 1) i += 2;
      else if (e === 0x75 && i + 5 < end && HEX[b[i + 2]!] && HEX[b[i + 3]!] && HEX[b[i + 4]!] && HEX[b[i + 5]!]) i += 6;
      else return -1;
    } else if (kind === MULTIBYTE) {
      i = utf8Sequence(b, i, end);
      if (i < 0) return -1;
    } else {
      return -1;
    }
  }
}

/** Index after the number starting at `i`, or -1 (RFC 8259 grammar: no `+`, no leading zeros). */
function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (i < end && b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (DIGIT[b[i]!] === 1) while (i < end && DIGIT[b[i]!] === 1) i++;
  else return -1;
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || DIGIT[b[i]!] !== 1) return -1;
    while (i < end && DIGIT[b[i]!] === 1) i++;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= end || DIGIT[b[i]!] !== 1) return -1;
    while (i < end && DIGIT[b[i]!] === 1) i++;
  }
  return i;
}

/** Index after the literal `true`, `false` or `null` at `i`, or -1. */
function skipLiteral(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === 0x74) return i + 3 < end && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1;
  if (c === 0x6e) return i + 3 < end && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1;
  if (c === 0x66) {
    return i + 4 < end && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1;
  }
  return -1;
}

/** Index after `"key" :` (whitespace around it allowed) at `i`, or -1. */
function skipKey(b: Uint8Array, i: number, end: number): number {
  if (i < end && b[i]! <= 0x20) i = ws(b, i, end);
  if (i >= end || b[i] !== 0x22) return -1;
  i = skipString(b, i + 1, end, bigInput);
  if (i < 0) return -1;
  if (i < end && b[i]! <= 0x20) i = ws(b, i, end);
  return i < end && b[i] === 0x3a ? i + 1 : -1;
}

/** Index after the JSON value at `i` (whitespace before it allowed), or -1; builds nothing. */
function skipValue(b: Uint8Array, i: number, end: number): number {
  let depth = 0;
  for (;;) {
    // A value starts here. (Gateway JSON is compact: whitespace is looked for only when present.)
    if (i >= end) return -1;
    let c = b[i]!;
    if (c <= 0x20) {
      i = ws(b, i, end);
      if (i >= end) return -1;
      c = b[i]!;
    }
    if (c === 0x22) {
      i = skipString(b, i + 1, end, bigInput && depth > 0);
    } else if (c === 0x7b || c === 0x5b) {
      if (bigInput && viewOf !== b) {
        view = new DataView(b.buffer, b.byteOffset, b.length);
        viewOf = b;
      }
      const close = c === 0x7b ? 0x7d : 0x5d;
      i++;
      if (i < end && b[i]! <= 0x20) i = ws(b, i, end);
      if (i < end && b[i] === close) {
        i++;
      } else {
        if (depth === containers.length) {
          const grown = new Uint8Array(depth * 2);
          grown.set(containers);
          containers = grown;
        }
        containers[depth++] = c === 0x7b ? OBJECT : ARRAY;
        if (c === 0x7b) {
          i = skipKey(b, i, end);
          if (i < 0) return -1;
        }
        continue;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      i = skipNumber(b, i, end);
    } else {
      i = skipLiteral(b, i, end);
    }
    if (i < 0) return -1;
    // After a value: close containers, or go on to the next element.
    for (;;) {
      if (depth === 0) return i;
      if (i >= end) return -1;
      c = b[i]!;
      if (c <= 0x20) {
        i = ws(b, i, end);
        if (i >= end) return -1;
        c = b[i]!;
      }
      const inObject = containers[depth - 1] === OBJECT;
      if (c === 0x2c) {
        i++;
        if (inObject) {
          i = skipKey(b, i, end);
          if (i < 0) return -1;
        }
        break;
      }
      if (c !== (inObject ? 0x7d : 0x5d)) return -1;
      depth--;
      i++;
    }
  }
}

/** True if `b[start, end)` holds a byte that is not plain ASCII text (an escape or UTF-8). */
function needsDecoding(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (STRING_CLASS[b[i]!] !== PLAIN) return true;
  return false;
}

/** The value of an already checked JSON scalar at `b[start, end)`; NOT_SCALAR for other types. */
function scalar(b: Uint8Array, start: number, end: number): Scalar {
  const c = b[start]!;
  if (c === 0x22) {
    const from = start + 1;
    const to = end - 1;
    if (!needsDecoding(b, from, to)) {
      let text = cachedAscii(b, from, to - from);
      if (text === undefined) {
        text = '';
        for (let i = from; i < to; i++) text += String.fromCharCode(b[i]!);
      }
      return text;
    }
    return JSON.parse(utf8.decode(b.subarray(start, end))) as string;
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    // Short digit runs are exact as doubles; anything else goes through the engine's own reading.
    if (end - start <= 15) {
      let value = 0;
      let i = start;
      for (; i < end; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
      }
      if (i === end) return value;
    }
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(b[i]!);
    return Number(text);
  }
  return c === 0x6e ? null : NOT_SCALAR;
}

/** Which envelope key the key string at `b[start, end)` (quotes excluded) names: 1 op, 2 s, 3 t, 0 none. */
function envelopeKey(b: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 1) {
    const c = b[start];
    return c === 0x73 ? 2 : c === 0x74 ? 3 : 0;
  }
  if (length === 2 && b[start] === 0x6f && b[start + 1] === 0x70) return 1;
  // An escaped spelling ("\u006fp") is still the key JSON.parse sees.
  if (length > 12 || !needsDecoding(b, start, end)) return 0;
  const key = JSON.parse(utf8.decode(b.subarray(start - 1, end + 1))) as string;
  return key === 'op' ? 1 : key === 's' ? 2 : key === 't' ? 3 : 0;
}

/**
 * The envelope of a dispatch whose type is not in `wanted`, read from JSON bytes without
 * decoding the rest; null when the payload must be decoded in full: any other opcode, a wanted
 * dispatch, or input the full decoder would refuse (it then throws its usual typed error).
 * A payload in Discord's key order (`t` first) that is wanted costs only a glance at its start.
 */
export function scanJsonDispatch(bytes: Uint8Array, wanted: ReadonlySet<string>): DispatchEnvelope | null {
  bigInput = bytes.length >= WORDS_FROM;
  const envelope = scan(bytes, wanted);
  view = NO_VIEW;
  viewOf = null;
  return envelope;
}

function scan(bytes: Uint8Array, wanted: ReadonlySet<string>): DispatchEnvelope | null {
  const end = bytes.length;
  let i = 0;
  // The fatal TextDecoder drops a leading byte order mark, so JSON.parse never sees it.
  if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  i = ws(bytes, i, end);
  if (i >= end || bytes[i] !== 0x7b) return null;
  i = ws(bytes, i + 1, end);
  let op: Scalar | undefined;
  let s: Scalar | undefined;
  let t: Scalar | undefined;
  if (i < end && bytes[i] === 0x7d) {
    i++;
  } else {
    for (;;) {
      if (i >= end || bytes[i] !== 0x22) return null;
      const keyEnd = skipString(bytes, i + 1, end, false);
      if (keyEnd < 0) return null;
      const key = envelopeKey(bytes, i + 1, keyEnd - 1);
      i = ws(bytes, keyEnd, end);
      if (i >= end || bytes[i] !== 0x3a) return null;
      const valueStart = ws(bytes, i + 1, end);
      i = skipValue(bytes, valueStart, end);
      if (i < 0) return null;
      if (key !== 0) {
        const value = scalar(bytes, valueStart, i);
        if (key === 1) {
          op = value;
        } else if (key === 2) {
          s = value;
        } else {
          if (typeof value === 'string' && wanted.has(value)) return null;
          t = value;
        }
      }
      i = ws(bytes, i, end);
      if (i >= end) return null;
      const c = bytes[i]!;
      if (c === 0x2c) {
        i = ws(bytes, i + 1, end);
        continue;
      }
      if (c !== 0x7d) return null;
      i++;
      break;
    }
  }
  if (ws(bytes, i, end) !== end) return null;
  // Not a dispatch, or the envelope rules of asGatewayPayload broken: left to the full decoder.
  return dispatchEnvelope(op, s, t);
}
