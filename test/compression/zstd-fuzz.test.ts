import fc from 'fast-check';
import { Decompress as FzstdDecompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { CompressionError, ZstdStreamDecompressor } from '../../codec/compression/index.js';
import { concat } from '../helpers/bytes.js';
import { expectResultsOrCompressionError, zstdFixtures, zstdFrameHeader } from './helpers.js';

const fixtures = zstdFixtures();
const small = fixtures.find((f) => f.name === 'small-level3')!;
const mixed = fixtures.find((f) => f.name === 'mixed-level19')!;

type Mutation = { segment: number; at: number; kind: 'flip' | 'delete' | 'insert' | 'set'; value: number };

const mutationArb = fc.array(
  fc.record({
    segment: fc.nat(),
    at: fc.nat(),
    kind: fc.constantFrom<Mutation['kind']>('flip', 'delete', 'insert', 'set'),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 4 },
);

function mutate(segments: readonly Uint8Array[], mutations: readonly Mutation[]): Uint8Array[] {
  const out = segments.map((s) => Array.from(s));
  for (const m of mutations) {
    const target = out[m.segment % out.length]!;
    if (target.length === 0) continue;
    const at = m.at % target.length;
    if (m.kind === 'flip') target[at] = target[at]! ^ (1 << (m.value & 7));
    else if (m.kind === 'set') target[at] = m.value;
    else if (m.kind === 'delete') target.splice(at, 1 + (m.value & 7));
    else target.splice(at, 0, m.value);
  }
  return out.map((s) => new Uint8Array(s));
}

describe('ZstdStreamDecompressor fuzzed (seeded)', () => {
  it('answers mutated streams with a result or a CompressionError', () => {
    const segments = small.segments.slice(0, 12);
    fc.assert(
      fc.property(mutationArb, (mutations) => {
        expectResultsOrCompressionError(new ZstdStreamDecompressor({ maxMessageSize: 1 << 20 }), mutate(segments, mutations));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('never accepts a message fzstd decodes differently (differential)', () => {
    for (const [fixture, count] of [
      [small, 12],
      [mixed, 7],
    ] as const) {
      const segments = fixture.segments.slice(0, count);
      fc.assert(
        fc.property(mutationArb, (mutations) => {
          const ours = new ZstdStreamDecompressor({ maxMessageSize: 1 << 22 });
          let theirs: Uint8Array[] = [];
          const reference = new FzstdDecompress((chunk) => {
            theirs.push(chunk);
          });
          for (const segment of mutate(segments, mutations)) {
            let out: Uint8Array | null;
            try {
              out = ours.push(segment);
            } catch (error) {
              expect(error).toBeInstanceOf(CompressionError);
              return;
            }
            if (out === null) return;
            // Only input we accepted reaches fzstd, whose block loop is not bounded on its own.
            theirs = [];
            reference.push(segment);
            expect(Buffer.from(out).equals(concat(theirs))).toBe(true);
          }
        }),
        { seed: 777, numRuns: 200 },
      );
    }
  });

  it('answers random blocks after a valid frame header with a result or a CompressionError', () => {
    const header = zstdFrameHeader({ windowDescriptor: 0x10 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        expectResultsOrCompressionError(new ZstdStreamDecompressor({ maxMessageSize: 1 << 20 }), [concat([header, body])]);
      }),
      { seed: 99, numRuns: 2000 },
    );
  });
});
