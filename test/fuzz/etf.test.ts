/**
 * decodeEtf under structure-aware fuzzing. test/encoding/etf-fuzz covers random bytes and byte
 * mutations of fixtures; this writes random term trees with every tag the decoder reads (tuples,
 * atoms of all four kinds, STRING_EXT, bignums, old floats, compressed terms) and then lies in
 * exactly the fields that bombs use: lengths, arities and declared sizes. Every outcome is a
 * value or an EtfDecodeError, fast, and nothing is allocated for a length the input cannot hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEtf, EtfDecodeError } from '../../codec/encoding/index.js';
import { compressedEtf } from '../helpers/compressed-etf.js';
import { FUZZ_TIMEOUT, fuzzParams } from './support/config.js';
import { arrayBuffers } from './support/memory.js';
import { applyMutations, mutationsArb } from './support/mutate.js';
import { outcome, timed } from './support/outcome.js';

/** A term tree, close to the wire: each node knows its tag. */
type Term =
  | { t: 'small-int'; v: number }
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'old-float'; v: number }
  | { t: 'atom'; tag: 100 | 115 | 118 | 119; name: string }
  | { t: 'binary'; v: Uint8Array }
  | { t: 'string'; v: Uint8Array }
  | { t: 'big'; tag: 110 | 111; negative: boolean; digits: Uint8Array }
  | { t: 'nil' }
  | { t: 'list'; items: Term[]; tail: Term | null }
  | { t: 'tuple'; tag: 104 | 105; items: Term[] }
  | { t: 'map'; entries: [Term, Term][] };

const leafArb: fc.Arbitrary<Term> = fc.oneof(
  fc.record({ t: fc.constant('small-int' as const), v: fc.nat({ max: 255 }) }),
  fc.record({ t: fc.constant('int' as const), v: fc.integer() }),
  fc.record({ t: fc.constant('float' as const), v: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  fc.record({ t: fc.constant('old-float' as const), v: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }) }),
  fc.record({ t: fc.constant('atom' as const), tag: fc.constantFrom(100 as const, 115 as const, 118 as const, 119 as const), name: fc.oneof(fc.constantFrom('nil', 'true', 'false', 'op', 'd'), fc.string({ maxLength: 12 })) }),
  fc.record({ t: fc.constant('binary' as const), v: fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.string({ maxLength: 12 }).map((s) => new TextEncoder().encode(s))) }),
  fc.record({ t: fc.constant('string' as const), v: fc.uint8Array({ maxLength: 24 }) }),
  fc.record({ t: fc.constant('big' as const), tag: fc.constantFrom(110 as const, 111 as const), negative: fc.boolean(), digits: fc.uint8Array({ maxLength: 12 }) }),
  fc.constant({ t: 'nil' as const }),
);

/** Map keys that have a JSON shape: atoms, binaries, integers. */
const keyArb: fc.Arbitrary<Term> = fc.oneof(
  fc.record({ t: fc.constant('atom' as const), tag: fc.constantFrom(100 as const, 115 as const, 118 as const, 119 as const), name: fc.string({ maxLength: 8 }) }),
  fc.record({ t: fc.constant('binary' as const), v: fc.string({ maxLength: 8 }).map((s) => new TextEncoder().encode(s)) }),
  fc.record({ t: fc.constant('small-int' as const), v: fc.nat({ max: 255 }) }),
  fc.record({ t: fc.constant('big' as const), tag: fc.constant(110 as const), negative: fc.boolean(), digits: fc.uint8Array({ maxLength: 8 }) }),
);

const termArb: fc.Arbitrary<Term> = fc.letrec<{ term: Term }>((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    // Mostly proper lists and JSON-able keys, so most terms decode and the lies land deep.
    fc.record({ t: fc.constant('list' as const), items: fc.array(tie('term'), { maxLength: 4 }), tail: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: tie('term') }) }),
    fc.record({ t: fc.constant('tuple' as const), tag: fc.constantFrom(104 as const, 105 as const), items: fc.array(tie('term'), { maxLength: 4 }) }),
    fc.record({ t: fc.constant('map' as const), entries: fc.array(fc.tuple(fc.oneof({ weight: 12, arbitrary: keyArb }, { weight: 1, arbitrary: tie('term') }), tie('term')), { maxLength: 4 }) }),
  ),
})).term;

/** Where a length, arity or size field sits in the encoding, and its width in bytes. */
interface LengthField {
  at: number;
  size: 1 | 2 | 4;
}

/** Writes a term and records every length field. */
class Writer {
  readonly bytes: number[] = [131];
  readonly fields: LengthField[] = [];
  private field(value: number, size: 1 | 2 | 4): void {
    this.fields.push({ at: this.bytes.length, size });
    for (let i = size - 1; i >= 0; i--) this.bytes.push(Math.floor(value / 256 ** i) & 255);
  }
  private raw(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.bytes.push(bytes[i]!);
  }
  term(term: Term): void {
    const b = this.bytes;
    switch (term.t) {
      case 'small-int':
        b.push(97, term.v);
        break;
      case 'int':
        b.push(98, (term.v >>> 24) & 255, (term.v >>> 16) & 255, (term.v >>> 8) & 255, term.v & 255);
        break;
      case 'float': {
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, term.v);
        b.push(70);
        this.raw(new Uint8Array(view.buffer));
        break;
      }
      case 'old-float': {
        const text = term.v.toExponential(20).replace(/e([+-])(\d)$/, 'e$10$2');
        b.push(99);
        this.raw(Array.from({ length: 31 }, (_, i) => text.charCodeAt(i) || 0));
        break;
      }
      case 'atom': {
        const latin1 = term.tag === 100 || term.tag === 115;
        const name = latin1 ? Uint8Array.from(term.name, (c) => c.charCodeAt(0) & 255) : new TextEncoder().encode(term.name);
        b.push(term.tag);
        this.field(name.length, term.tag === 100 || term.tag === 118 ? 2 : 1);
        this.raw(name);
        break;
      }
      case 'binary':
        b.push(109);
        this.field(term.v.length, 4);
        this.raw(term.v);
        break;
      case 'string':
        b.push(107);
        this.field(term.v.length, 2);
        this.raw(term.v);
        break;
      case 'big':
        b.push(term.tag);
        this.field(term.digits.length, term.tag === 110 ? 1 : 4);
        b.push(term.negative ? 1 : 0);
        this.raw(term.digits);
        break;
      case 'nil':
        b.push(106);
        break;
      case 'list':
        b.push(108);
        this.field(term.items.length, 4);
        for (const item of term.items) this.term(item);
        if (term.tail) this.term(term.tail);
        else b.push(106);
        break;
      case 'tuple':
        b.push(term.tag);
        this.field(term.items.length, term.tag === 104 ? 1 : 4);
        for (const item of term.items) this.term(item);
        break;
      case 'map':
        b.push(116);
        this.field(term.entries.length, 4);
        for (const [key, value] of term.entries) {
          this.term(key);
          this.term(value);
        }
        break;
    }
  }
}

function encode(term: Term): { bytes: Uint8Array; fields: LengthField[] } {
  const writer = new Writer();
  writer.term(term);
  return { bytes: Uint8Array.from(writer.bytes), fields: writer.fields };
}

/** The same term as a compressed ETF message (tag 80), with its declared size as a field. */
function compress(bytes: Uint8Array): { bytes: Uint8Array; fields: LengthField[] } {
  return { bytes: compressedEtf(bytes.subarray(1)), fields: [{ at: 2, size: 4 }] };
}

/** A lie about a length: nothing, off by one, doubled, or as large as the field can say. */
interface Lie {
  field: number;
  kind: 'zero' | 'minus' | 'plus' | 'double' | 'max' | 'random';
  random: number;
}
const lieArb: fc.Arbitrary<Lie> = fc.record({
  field: fc.nat(),
  kind: fc.constantFrom('zero', 'minus', 'plus', 'double', 'max', 'random'),
  random: fc.nat(),
});

function lie(input: { bytes: Uint8Array; fields: LengthField[] }, l: Lie): Uint8Array {
  if (input.fields.length === 0) return input.bytes;
  const { at, size } = input.fields[l.field % input.fields.length]!;
  const out = input.bytes.slice();
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + out[at + i]!;
  const max = 256 ** size - 1;
  const next = { zero: 0, minus: value - 1, plus: value + 1, double: value * 2, max, random: l.random }[l.kind];
  const clamped = Math.max(0, Math.min(max, next)) % (max + 1);
  for (let i = size - 1, v = clamped; i >= 0; i--, v = Math.floor(v / 256)) out[at + i] = v & 255;
  return out;
}

const LIMITS = { maxDepth: 64, maxInflatedSize: 64 * 1024 };

/** Decodes with small limits: a value or a typed error, fast, allocating little. */
function decodeChecked(input: Uint8Array): void {
  const before = arrayBuffers();
  const result = timed(() => outcome(() => decodeEtf(input, LIMITS), [EtfDecodeError]), 200);
  if (!result.ok) {
    const error = result.error as EtfDecodeError;
    if (!Number.isInteger(error.offset) || error.offset < 0) throw new Error(`bad offset ${error.offset}`);
  }
  // Only a compressed term allocates ArrayBuffers, and never more than maxInflatedSize for it.
  expect(arrayBuffers() - before).toBeLessThan(4 * LIMITS.maxInflatedSize + 16 * input.length + 64 * 1024);
}

describe('decodeEtf on structured terms with lying lengths (seeded)', () => {
  it('decodes generated terms of every tag it reads', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(termArb, (term) => {
        const { bytes } = encode(term);
        const result = outcome(() => decodeEtf(bytes, LIMITS), [EtfDecodeError]);
        // Well-formed terms fail only for what has no JSON shape or breaks a documented rule.
        if (!result.ok) expect(['ETF_IMPROPER_LIST', 'ETF_BAD_MAP_KEY', 'ETF_BAD_ATOM', 'ETF_TOO_DEEP']).toContain(result.error.code);
      }),
      fuzzParams(0xe7f, 1500),
    );
  });

  it('answers a lie in any length, arity or declared size with a value or a typed error, quickly', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(termArb, fc.boolean(), fc.array(lieArb, { minLength: 1, maxLength: 3 }), (term, compressed, lies) => {
        let input = encode(term);
        if (compressed) input = compress(input.bytes);
        let bytes = input.bytes;
        for (const l of lies) bytes = lie({ bytes, fields: input.fields }, l);
        decodeChecked(bytes);
      }),
      fuzzParams(0xe80, 3000),
    );
  });

  it('answers byte mutations of structured terms with a value or a typed error', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(termArb, { minLength: 1, maxLength: 3 }), fc.boolean(), mutationsArb(1, 4, 8), (terms, compressed, mutations) => {
        const valid = terms.map((t) => (compressed ? compress(encode(t).bytes) : encode(t)).bytes);
        decodeChecked(applyMutations(valid[0]!, mutations, valid));
      }),
      fuzzParams(0xe81, 2000),
    );
  });
});
