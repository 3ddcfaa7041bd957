/**
 * The zlib-stream and zstd-stream decompressors under one stricter contract, fuzzed: sessions of
 * real compressed traffic (node:zlib, python-zstandard fixtures), mutated and pushed in arbitrary
 * pieces with small bounds. Every push returns null, a message within `maxMessageSize`, or a
 * CompressionError that hides no foreign exception; a push never allocates past the bounds; a
 * failed context keeps failing with COMPRESSION_CONTEXT_FAILED until `reset()`, after which it
 * decodes a valid session exactly. Also generated DEFLATE blocks checked against node:zlib and
 * generated zstd blocks checked against fzstd. (test/compression/*-fuzz cover whole-segment
 * mutations; these add arbitrary pieces, the bounds, recovery and structure-aware blocks.)
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { decompress as fzstdDecompress } from 'fzstd';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompressionError, ZlibStreamInflater, ZstdStreamDecompressor } from '../../codec/compression/index.js';
import { BitWriter, gatewayText, ZLIB_HEADER, zlibStreamSegments, zstdBlock, zstdFixtures, zstdFrameHeader } from '../compression/helpers.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { concat } from '../helpers/bytes.js';
import { FUZZ_TIMEOUT, fuzzParams } from './support/config.js';
import { arrayBuffers, mib, RetainedMemory } from './support/memory.js';
import { applyMutations, chunk, chunkingArb, mutationsArb } from './support/mutate.js';
import { checkTypedError, timed } from './support/outcome.js';

const MAX_MESSAGE = 64 * 1024;
const ZSTD_WINDOW = 2 * 1024 * 1024;

interface Subject {
  readonly name: 'zlib-stream' | 'zstd-stream';
  /** A fresh context with the fuzz bounds. */
  create(): ZlibStreamInflater | ZstdStreamDecompressor;
  /** Valid sessions: each a list of WebSocket messages and the payloads they decompress to. */
  sessions: { segments: Uint8Array[]; messages: Uint8Array[] }[];
  /** What one context may hold at most (output with window, and buffered input). */
  readonly bound: number;
}

const subjects: Subject[] = [
  {
    name: 'zlib-stream',
    create: () => new ZlibStreamInflater({ maxMessageSize: MAX_MESSAGE }),
    sessions: [],
    bound: MAX_MESSAGE + 32 * 1024 + (MAX_MESSAGE + MAX_MESSAGE / 16 + 1024),
  },
  {
    name: 'zstd-stream',
    create: () => new ZstdStreamDecompressor({ maxMessageSize: MAX_MESSAGE, maxWindowSize: ZSTD_WINDOW }),
    sessions: [],
    bound: MAX_MESSAGE + ZSTD_WINDOW + (MAX_MESSAGE + MAX_MESSAGE / 16 + 1024),
  },
];

beforeAll(async () => {
  const random = seededRandom(0xc0ffee);
  const plans = [
    [gatewayText(60, random), gatewayText(3000, random), randomBytes(500, random), gatewayText(200, random)],
    [gatewayText(40_000, random), gatewayText(80_000, random), gatewayText(100, random)],
    [new Uint8Array(0), gatewayText(1000, random), new Uint8Array(100_000), gatewayText(10, random)],
  ];
  for (const [i, plan] of plans.entries()) {
    subjects[0]!.sessions.push({ segments: await zlibStreamSegments(plan, { level: [6, 1, 9][i]! }), messages: plan });
  }
  for (const fixture of zstdFixtures()) {
    if (['small-level3', 'mixed-level1', 'window-1k', 'frames'].includes(fixture.name)) {
      subjects[1]!.sessions.push({ segments: fixture.segments.slice(0, 16), messages: fixture.messages.slice(0, 16) });
    }
  }
});

/**
 * Pushes the pieces through `context`, checking the contract on every push; stops at the first
 * error (after checking the context stays failed). Returns the error code or null.
 */
function pushAll(context: ZlibStreamInflater | ZstdStreamDecompressor, pieces: readonly Uint8Array[], allocationBound: number): string | null {
  for (const piece of pieces) {
    const before = arrayBuffers();
    let out: Uint8Array | null;
    try {
      out = context.push(piece);
    } catch (thrown) {
      const error = checkTypedError(thrown, [CompressionError]) as CompressionError;
      if (error.closeCode !== (error.code.endsWith('_TOO_LARGE') ? 1009 : 1007)) throw new Error(`${error.code} carries close code ${error.closeCode}`);
      let again: unknown;
      try {
        context.push(Uint8Array.of(0, 0, 0xff, 0xff));
      } catch (e) {
        again = e;
      }
      const repeated = checkTypedError(again, [CompressionError]);
      if (repeated.code !== 'COMPRESSION_CONTEXT_FAILED' || repeated.cause !== error) throw new Error('a failed context must keep failing until reset()');
      return error.code;
    }
    const grown = arrayBuffers() - before;
    if (grown > allocationBound) throw new Error(`one push grew ArrayBuffers by ${mib(grown)} (bound ${mib(allocationBound)})`);
    if (out !== null && out.length > MAX_MESSAGE) throw new Error(`a ${out.length}-byte message passed maxMessageSize`);
  }
  return null;
}

/** After reset(), the context must decode a valid session exactly, as if new. */
function expectRecovers(context: ZlibStreamInflater | ZstdStreamDecompressor, session: Subject['sessions'][number]): void {
  context.reset();
  for (let i = 0; i < session.segments.length; i++) {
    let out: Uint8Array | null;
    try {
      out = context.push(session.segments[i]!);
    } catch (error) {
      // Messages over the fuzz bound fail, as they must; the session ends there.
      expect((error as CompressionError).code).toBe('INFLATED_TOO_LARGE');
      expect(session.messages[i]!.length).toBeGreaterThan(MAX_MESSAGE);
      return;
    }
    expect(out !== null && Buffer.from(out).equals(session.messages[i]!), `message ${i} after reset`).toBe(true);
  }
}

describe.each(subjects)('$name fuzzed (seeded)', (subject) => {
  it('answers mutated sessions pushed in arbitrary pieces within its bounds, and recovers after reset()', { timeout: FUZZ_TIMEOUT }, async () => {
    const memory = new RetainedMemory(3 * subject.bound);
    const context = subject.create();
    fc.assert(
      fc.property(fc.nat(), mutationsArb(1, 5, 24), chunkingArb(10), (which, mutations, chunking) => {
        const sessions = subject.sessions;
        const session = sessions[which % sessions.length]!;
        const donors = sessions.flatMap((s) => s.segments);
        const stream = applyMutations(concat(session.segments), mutations, donors);
        context.reset();
        timed(() => pushAll(context, chunk(stream, chunking, 256), 3 * subject.bound + 2 * stream.length));
        expectRecovers(context, session);
      }),
      fuzzParams(subject.name === 'zlib-stream' ? 0x21b : 0x25d, 150, 0.1),
    );
    await memory.check();
  });

  it('answers mutated single messages with a typed result, message by message', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), mutationsArb(1, 3, 8), (which, at, mutations) => {
        const session = subject.sessions[which % subject.sessions.length]!;
        const target = at % session.segments.length;
        const segments = session.segments.map((s, i) => (i === target ? applyMutations(s, mutations) : s));
        timed(() => pushAll(subject.create(), segments, 3 * subject.bound + 1024 * 1024));
      }),
      fuzzParams(subject.name === 'zlib-stream' ? 0x21c : 0x25e, 150, 0.1),
    );
  });
});

// Fixed Huffman codes of RFC 1951 section 3.2.6 and the extra bits of lengths and distances.
function fixedLiteral(w: BitWriter, symbol: number): void {
  if (symbol < 144) w.code(0x30 + symbol, 8);
  else if (symbol < 256) w.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) w.code(symbol - 256, 7);
  else w.code(0xc0 + symbol - 280, 8);
}
const lengthExtra = (symbol: number): number => (symbol < 265 || symbol >= 285 ? 0 : Math.floor((symbol - 261) / 4));
const distanceExtra = (code: number): number => (code < 4 ? 0 : Math.min(13, (code >> 1) - 1));

/** One generated DEFLATE block, never final (zlib-stream never ends its stream). */
type Block =
  | { kind: 'stored'; data: Uint8Array; lie: boolean }
  | { kind: 'fixed'; symbols: { literal?: number; length?: number; lengthBits?: number; distance?: number; distanceBits?: number }[]; end: boolean }
  | { kind: 'dynamic-header'; hlit: number; hdist: number; hclen: number; lengths: number[]; tail: Uint8Array };

const blockArb: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant('stored' as const), data: fc.uint8Array({ maxLength: 40 }), lie: fc.nat({ max: 7 }).map((n) => n === 0) }),
  fc.record({
    kind: fc.constant('fixed' as const),
    symbols: fc.array(
      fc.oneof(
        { weight: 2, arbitrary: fc.record({ literal: fc.integer({ min: 0, max: 255 }) }) },
        fc.record({
          // Mostly valid codes and short distances, so that many blocks decode and get compared.
          length: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 257, max: 285 }) }, { weight: 1, arbitrary: fc.integer({ min: 286, max: 287 }) }),
          lengthBits: fc.nat({ max: 31 }),
          distance: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 31 }) }),
          distanceBits: fc.nat({ max: 8191 }),
        }),
      ),
      { maxLength: 30 },
    ),
    end: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
  fc.record({
    kind: fc.constant('dynamic-header' as const),
    hlit: fc.nat({ max: 31 }),
    hdist: fc.nat({ max: 31 }),
    hclen: fc.nat({ max: 15 }),
    lengths: fc.array(fc.nat({ max: 7 }), { minLength: 19, maxLength: 19 }),
    tail: fc.uint8Array({ maxLength: 40 }),
  }),
);

function writeBlocks(blocks: readonly Block[]): Uint8Array {
  const w = new BitWriter();
  for (const block of blocks) {
    if (block.kind === 'stored') {
      w.bits(0, 1).bits(0, 2).align();
      const n = block.data.length;
      w.raw([n & 255, n >> 8, (n ^ (block.lie ? 0xfffe : 0xffff)) & 255, ((n ^ 0xffff) >> 8) & 255]).raw(block.data);
    } else if (block.kind === 'fixed') {
      w.bits(0, 1).bits(1, 2);
      for (const s of block.symbols) {
        if (s.literal !== undefined) {
          fixedLiteral(w, s.literal);
        } else {
          fixedLiteral(w, s.length!);
          w.bits(s.lengthBits! & ((1 << lengthExtra(s.length!)) - 1), lengthExtra(s.length!));
          w.code(s.distance!, 5);
          w.bits(s.distanceBits! & ((1 << distanceExtra(s.distance!)) - 1), distanceExtra(s.distance!));
        }
      }
      if (block.end) fixedLiteral(w, 256);
    } else {
      w.bits(0, 1).bits(2, 2).bits(block.hlit, 5).bits(block.hdist, 5).bits(block.hclen, 4);
      for (let i = 0; i < block.hclen + 4; i++) w.bits(block.lengths[i]!, 3);
      w.align().raw(block.tail);
    }
  }
  return concat([ZLIB_HEADER, w.syncFlush().finish()]);
}

// A non-final stored block holding "Q", then a sync flush: decoded as such only from a block boundary.
const SENTINEL = Uint8Array.of(0x00, 0x01, 0x00, 0xfe, 0xff, 0x51, 0x00, 0x00, 0x00, 0xff, 0xff);

/**
 * What node:zlib makes of a whole zlib-stream segment: its bytes if zlib decodes it and stops at a
 * block boundary, else null. (zlib returns what it has when the input stops inside a block and
 * reports some faults only once it reads further, so a sentinel block appended after the segment
 * must come out as exactly one "Q" for the segment to count as accepted.)
 */
function nodeAccepts(stream: Uint8Array): Buffer | null {
  try {
    const alone = zlib.inflateSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const followed = zlib.inflateSync(concat([stream, SENTINEL]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return followed.length === alone.length + 1 && followed[alone.length] === 0x51 && followed.subarray(0, alone.length).equals(alone) ? alone : null;
  } catch {
    return null;
  }
}

describe('zlib-stream on generated DEFLATE blocks (node:zlib as the reference)', () => {
  it('accepts exactly the segments node:zlib decodes to a block boundary, with the same bytes', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 4 }), (blocks) => {
        const stream = writeBlocks(blocks);
        let ours: Uint8Array | null = null;
        let failure: CompressionError | null = null;
        try {
          ours = timed(() => new ZlibStreamInflater({ maxMessageSize: 1 << 20 }).push(stream));
        } catch (thrown) {
          failure = checkTypedError(thrown, [CompressionError]) as CompressionError;
        }
        const theirs = nodeAccepts(stream);
        if (failure === null) {
          expect(theirs, 'we accepted a segment node:zlib refuses').not.toBeNull();
          expect(ours !== null && Buffer.from(ours).equals(theirs!)).toBe(true);
        } else {
          expect(theirs, `node:zlib accepts a segment we refuse with ${failure.code}: ${failure.message}`).toBeNull();
        }
      }),
      fuzzParams(0xdef1a7e, 3000),
    );
  });
});

/** A zstd block whose sections have plausible headers and random contents. */
const zstdBlockArb = fc.oneof(
  fc.record({ type: fc.constant(0 as const), data: fc.uint8Array({ maxLength: 60 }) }).map(({ data }) => zstdBlock(0, data)),
  fc.record({ byte: fc.nat({ max: 255 }), size: fc.nat({ max: 5000 }) }).map(({ byte, size }) => zstdBlock(1, [byte], { size })),
  fc
    .record({
      literalsType: fc.nat({ max: 3 }),
      literalsSize: fc.nat({ max: 31 }),
      literals: fc.uint8Array({ maxLength: 40 }),
      sequences: fc.nat({ max: 127 }),
      modes: fc.nat({ max: 255 }).map((m) => m & 0xfc),
      rest: fc.uint8Array({ maxLength: 60 }),
    })
    .map(({ literalsType, literalsSize, literals, sequences, modes, rest }) =>
      zstdBlock(2, [literalsType | (literalsSize << 3), ...literals, sequences, ...(sequences === 0 ? [] : [modes]), ...rest]),
    ),
);

describe('zstd-stream on generated blocks (fzstd as the reference)', () => {
  it('never accepts blocks fzstd decodes differently', { timeout: FUZZ_TIMEOUT }, () => {
    const header = zstdFrameHeader({ windowDescriptor: 0x30 });
    fc.assert(
      fc.property(fc.array(zstdBlockArb, { minLength: 1, maxLength: 4 }), (blocks) => {
        // The frame is ended so that fzstd, which holds back the output of open frames, gives it all.
        const input = concat([header, ...blocks, zstdBlock(0, [], { last: true })]);
        let ours: Uint8Array | null;
        try {
          ours = timed(() => new ZstdStreamDecompressor({ maxMessageSize: 1 << 20 }).push(input));
        } catch (thrown) {
          checkTypedError(thrown, [CompressionError]);
          return;
        }
        if (ours === null) return;
        // Only input we accepted reaches fzstd, whose loops are not bounded on hostile input.
        expect(Buffer.from(ours).equals(Buffer.from(fzstdDecompress(input)))).toBe(true);
      }),
      fuzzParams(0x25f, 3000),
    );
  });
});
