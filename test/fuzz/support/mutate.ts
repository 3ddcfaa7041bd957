/**
 * Byte-level mutations of valid inputs (bit flips, byte sets, truncation, insertion, deletion,
 * duplication, splicing from another valid input) and chunkings of a stream at arbitrary points.
 * Positions are drawn as plain naturals and taken modulo the current length, so a mutation list
 * shrinks well and applies to any input.
 */
import fc from 'fast-check';
import { concat } from '../../helpers/bytes.js';
import { cutAnywhere, fixedChunks } from '../../helpers/chunks.js';

/** One edit of a byte string. */
export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly count: number; readonly to: number }
  | { readonly kind: 'splice'; readonly at: number; readonly donor: number; readonly from: number; readonly count: number };

// Bytes that matter to the formats under test: lengths, opcodes, flags, markers, tags.
const interestingByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x88, 0x89, 0x8a, 0xff, 0xfe, 0x0d, 0x0a, 0x3a, 0x20, 0x83, 0x50, 0x6c, 0x6d, 0x74),
);

/** One mutation; `maxInsert` bounds inserted and spliced runs. */
export function mutationArb(maxInsert = 16): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: interestingByte }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: maxInsert }) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: maxInsert }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 * maxInsert }), to: fc.nat() }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('splice' as const),
        at: fc.nat(),
        donor: fc.nat(),
        from: fc.nat(),
        count: fc.integer({ min: 1, max: 8 * maxInsert }),
      }),
    },
  );
}

/** Between `min` and `max` mutations. */
export function mutationsArb(min = 1, max = 4, maxInsert = 16): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb(maxInsert), { minLength: min, maxLength: max });
}

/** Applies `mutations` in order to a copy of `input`; `donors` feed the splices (valid inputs). */
export function applyMutations(input: Uint8Array, mutations: readonly Mutation[], donors: readonly Uint8Array[] = []): Uint8Array {
  let bytes = input;
  for (const m of mutations) bytes = applyOne(bytes, m, donors);
  return bytes;
}

function applyOne(bytes: Uint8Array, m: Mutation, donors: readonly Uint8Array[]): Uint8Array {
  const n = bytes.length;
  switch (m.kind) {
    case 'flip':
    case 'set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      const at = m.at % n;
      out[at] = m.kind === 'flip' ? out[at]! ^ (1 << m.bit) : m.byte;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, m.at % (n + 1));
    case 'insert':
      return insertAt(bytes, m.at % (n + 1), m.bytes);
    case 'delete': {
      const at = m.at % (n + 1);
      return concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.count))]);
    }
    case 'duplicate': {
      if (n === 0) return bytes;
      const from = m.at % n;
      return insertAt(bytes, m.to % (n + 1), bytes.slice(from, from + m.count));
    }
    case 'splice': {
      if (donors.length === 0) return bytes;
      const donor = donors[m.donor % donors.length]!;
      if (donor.length === 0) return bytes;
      const from = m.from % donor.length;
      return insertAt(bytes, m.at % (n + 1), donor.subarray(from, from + m.count));
    }
  }
}

function insertAt(bytes: Uint8Array, at: number, extra: Uint8Array): Uint8Array {
  return concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
}

/** Where to cut a stream: a few arbitrary points, or (sometimes) between every byte. */
export type Chunking = { readonly kind: 'cuts'; readonly cuts: readonly number[] } | { readonly kind: 'bytes' };

/** A chunking: mostly up to `maxCuts` arbitrary cut points, one run in eight byte by byte. */
export function chunkingArb(maxCuts = 8): fc.Arbitrary<Chunking> {
  return fc.oneof(
    { weight: 7, arbitrary: fc.record({ kind: fc.constant('cuts' as const), cuts: fc.array(fc.nat(), { maxLength: maxCuts }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'bytes' as const }) },
  );
}

/**
 * Cuts `bytes` as `chunking` says; the pieces are views and always cover all of `bytes`. Byte by
 * byte becomes pieces of `ceil(length / maxPieces)` bytes on long inputs, to keep runs short.
 */
export function chunk(bytes: Uint8Array, chunking: Chunking, maxPieces = 2048): Uint8Array[] {
  if (chunking.kind === 'bytes') return fixedChunks(bytes, Math.max(1, Math.ceil(bytes.length / maxPieces)));
  return cutAnywhere(bytes, chunking.cuts);
}
