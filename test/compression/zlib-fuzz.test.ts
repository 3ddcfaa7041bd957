import zlib from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompressionError, ZlibStreamInflater } from '../../codec/compression/index.js';
import { cutAnywhere } from '../helpers/chunks.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { SYNC_FLUSH_MARKER } from '../helpers/sync-flush.js';
import { concat } from '../helpers/bytes.js';
import { expectResultsOrCompressionError, gatewayText, ZLIB_HEADER, zlibStreamSegments } from './helpers.js';

type Mutation = { at: number; kind: 'flip' | 'delete' | 'insert' | 'set'; value: number };

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = out[at]! ^ (1 << (m.value & 7));
    else if (m.kind === 'set') out[at] = m.value;
    else if (m.kind === 'delete') out = out.slice(0, at).concat(out.slice(at + 1 + (m.value & 15)));
    else out.splice(at, 0, m.value);
  }
  return new Uint8Array(out);
}

const mutationArb = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom<Mutation['kind']>('flip', 'delete', 'insert', 'set'),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('ZlibStreamInflater fuzzed (seeded)', () => {
  let segments: Uint8Array[] = [];
  let single: Uint8Array = new Uint8Array(0);
  beforeAll(async () => {
    [single] = (await zlibStreamSegments([gatewayText(20_000, seededRandom(98))])) as [Uint8Array];
    const random = seededRandom(99);
    segments = await zlibStreamSegments([
      gatewayText(3000, random),
      randomBytes(300, random),
      gatewayText(20_000, random),
      gatewayText(500, random),
    ]);
  });

  it('answers mutated streams, split anywhere, with a result or a CompressionError', () => {
    fc.assert(
      fc.property(mutationArb, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (mutations, cuts, keepMarker) => {
        let stream = mutate(concat(segments), mutations);
        if (keepMarker) stream = concat([stream, SYNC_FLUSH_MARKER]);
        expectResultsOrCompressionError(new ZlibStreamInflater({ maxMessageSize: 1 << 20 }), cutAnywhere(stream, cuts));
      }),
      { seed: 1234, numRuns: 400 },
    );
  });

  it('never accepts a stream node:zlib decodes differently (differential, same header)', () => {
    fc.assert(
      fc.property(mutationArb, (mutations) => {
        // Keep the header intact so node:zlib and we agree on the window size.
        const body = mutate(single.subarray(2, single.length - 4), mutations);
        const stream = concat([ZLIB_HEADER, body, SYNC_FLUSH_MARKER]);
        let ours: Uint8Array | null = null;
        try {
          ours = new ZlibStreamInflater().push(stream);
        } catch (error) {
          expect(error).toBeInstanceOf(CompressionError);
          return;
        }
        const theirs = zlib.inflateSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
        expect(ours !== null && Buffer.from(ours).equals(theirs)).toBe(true);
      }),
      { seed: 5678, numRuns: 400 },
    );
  });

  it('answers random deflate bodies with a result or a CompressionError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (body) => {
        expectResultsOrCompressionError(new ZlibStreamInflater({ maxMessageSize: 1 << 20 }), [concat([ZLIB_HEADER, body, SYNC_FLUSH_MARKER])]);
      }),
      { seed: 91011, numRuns: 1000 },
    );
  });
});
