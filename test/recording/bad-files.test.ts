/**
 * Bad cassettes are typed errors with stable codes and clear messages, never a crash or a hang:
 * wrong magic, empty, future version, truncated at every byte, flipped bits, malformed records,
 * and fast-check fuzzing of the reader (and of replaying whatever it accepts).
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiscordGatewayError } from '../../codec/errors.js';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import { CassetteWriter, frameRecord } from '../../adapters/recording/cassette-writer.js';
import { CassetteError } from '../../adapters/recording/errors.js';
import { CASSETTE_MAGIC, PREAMBLE_BYTES } from '../../adapters/recording/format.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { concat } from '../helpers/bytes.js';
import { fixture, fixtureBytes } from './helpers.js';

const small = fixtureBytes('close-4004-fatal');

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CassetteError);
    expect(error).toBeInstanceOf(DiscordGatewayError);
    return (error as CassetteError).code;
  }
  return 'no error';
}

/** Start offsets of every record in a cassette. */
function recordOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let pos = PREAMBLE_BYTES;
  while (pos < bytes.length) {
    offsets.push(pos);
    let length = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++]!;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) break;
    }
    pos += 4 + length;
  }
  return offsets;
}

/** A cassette made of the real preamble and header, then `bodies` framed with valid checksums. */
function withRecords(...bodies: unknown[]): Uint8Array {
  const header = fixtureBytes('normal').subarray(0, recordOffsets(fixtureBytes('normal'))[1]);
  return concat([header, ...bodies.map((body) => frameRecord(encode(body)))]);
}

describe('bad cassette files', () => {
  it('wrong magic: CASSETTE_BAD_MAGIC, saying what the file starts with', () => {
    for (const bytes of [new TextEncoder().encode('{"format":"json"}'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 1), Uint8Array.of(1, 2, 3)]) {
      expect(codeOf(() => readCassette(bytes))).toBe('CASSETTE_BAD_MAGIC');
    }
    expect(() => readCassette(new TextEncoder().encode('hello'))).toThrowError(/not a gateway cassette.*starts with 68 65 6c 6c 6f/);
  });

  it('empty or shorter than the preamble: CASSETTE_TRUNCATED', () => {
    expect(codeOf(() => readCassette(new Uint8Array(0)))).toBe('CASSETTE_TRUNCATED');
    expect(() => readCassette(new Uint8Array(0))).toThrowError('The cassette file is empty.');
    expect(codeOf(() => readCassette(CASSETTE_MAGIC.slice(0, 5)))).toBe('CASSETTE_TRUNCATED');
    expect(codeOf(() => readCassette(small.slice(0, PREAMBLE_BYTES)))).toBe('CASSETTE_TRUNCATED');
  });

  it('a future format version: CASSETTE_UNSUPPORTED_VERSION, telling the user to upgrade', () => {
    const future = small.slice();
    future[CASSETTE_MAGIC.length + 1] = 2;
    expect(codeOf(() => readCassette(future))).toBe('CASSETTE_UNSUPPORTED_VERSION');
    expect(() => readCassette(future)).toThrowError('The cassette uses format version 2; this library reads versions up to 1. Upgrade the library to replay it.');
    future[CASSETTE_MAGIC.length] = 0xff;
    expect(() => readCassette(future)).toThrowError(/format version 65282/);
    const zero = small.slice();
    zero[CASSETTE_MAGIC.length + 1] = 0;
    expect(codeOf(() => readCassette(zero))).toBe('CASSETTE_CORRUPT');
  });

  it('cut at every byte: CASSETTE_TRUNCATED inside a record, a readable prefix on a record boundary', () => {
    const boundaries = new Set([...recordOffsets(small), small.length]);
    const full = readCassette(small);
    for (let cut = PREAMBLE_BYTES + 1; cut < small.length; cut++) {
      const bytes = small.subarray(0, cut);
      if (boundaries.has(cut)) {
        const prefix = readCassette(bytes);
        expect(prefix.complete).toBe(false);
        expect(replayCassette(prefix).ok).toBe(true);
        continue;
      }
      expect(codeOf(() => readCassette(bytes))).toBe('CASSETTE_TRUNCATED');
      // Without a whole header nothing is readable.
      if (cut < recordOffsets(small)[1]!) {
        expect(codeOf(() => readCassette(bytes, { allowTruncated: true }))).toBe('CASSETTE_TRUNCATED');
        continue;
      }
      // A crash mid-write: the records before the cut still replay.
      const prefix = readCassette(bytes, { allowTruncated: true });
      expect(prefix.truncated || prefix.steps.length === 0).toBe(true);
      expect(prefix.steps.length).toBeLessThanOrEqual(full.steps.length);
      expect(replayCassette(prefix).ok).toBe(true);
    }
    expect(() => readCassette(small.subarray(0, small.length - 1))).toThrowError(/ends inside record \d+ .*cut short.*allowTruncated/);
  });

  it('a flipped bit in any record body: CASSETTE_CORRUPT (checksum), naming the record', () => {
    const offsets = recordOffsets(small);
    for (const [i, start] of offsets.entries()) {
      const end = offsets[i + 1] ?? small.length;
      for (let pos = end - 1; pos >= start + 5 && pos >= end - 40; pos -= 7) {
        const bytes = small.slice();
        bytes[pos]! ^= 0x10;
        expect(codeOf(() => readCassette(bytes))).toBe('CASSETTE_CORRUPT');
      }
    }
    const bytes = small.slice();
    bytes[small.length - 1]! ^= 1;
    expect(() => readCassette(bytes)).toThrowError(/The cassette is damaged: record \d+ fails its checksum \(byte \d+\)\./);
  });

  it('a record length beyond the limit: CASSETTE_TOO_LARGE, before allocating', () => {
    const bytes = concat([small.subarray(0, PREAMBLE_BYTES), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), new Uint8Array(8)]);
    expect(codeOf(() => readCassette(bytes))).toBe('CASSETTE_TOO_LARGE');
    expect(codeOf(() => readCassette(concat([small.subarray(0, PREAMBLE_BYTES), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01)])))).toBe('CASSETTE_CORRUPT');
  });

  it('well-framed records with bad content: CASSETTE_CORRUPT with the reason', () => {
    const cases: [unknown[], RegExp][] = [
      [[[9, 1, 2]], /unknown tag 9/],
      [['not an array'], /not a tagged array/],
      [[[2, 0, { type: 'connect' }, []]], /before the engine's start/],
      [[[1, 0, []], [2, 1.5, { type: 'connect' }, []]], /no valid time/],
      [[[1, 0, []], [2, 1, { type: 'launch' }, []]], /unknown input type "launch"/],
      [[[1, 0, []], [2, 1, { type: 'send', payload: { op: 'x' }, queue: true }, []]], /invalid engine input/],
      [[[1, 0, []], [3, 1, 'not bytes', []]], /invalid engine input/],
      [[[1, 0, []], [3, 1, null, [[7, 1]]]], /invalid output/],
      [[[1, 0, []], [3, 1, null, [[2, 1, -5]]]], /invalid output/],
      [[[1, 0, []], [3, 1, null, [{ noType: 1 }]]], /invalid output/],
      [[[1, 0, []], [6, {}], [3, 1, null, []]], /follows the end record/],
      [[[0, {}]], /second header/],
      [[[1, 0, []], [1, 0, []]], /starts the engine a second time/],
    ];
    for (const [bodies, message] of cases) {
      expect(() => readCassette(withRecords(...bodies))).toThrowError(message);
      expect(codeOf(() => readCassette(withRecords(...bodies)))).toBe('CASSETTE_CORRUPT');
    }
    const bad = concat([small.subarray(0, PREAMBLE_BYTES), frameRecord(encode([0, { format: 'something-else', version: 1 }]))]);
    expect(() => readCassette(bad)).toThrowError("The cassette is damaged: the header's format name is missing or invalid (byte 10).");
    const notMsgpack = concat([small.subarray(0, PREAMBLE_BYTES), frameRecord(Uint8Array.of(0xc1))]);
    expect(() => readCassette(notMsgpack)).toThrowError(/record 0 is not valid msgpack/);
  });

  it('fuzz: any bytes give a cassette or a CassetteError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, magic) => {
        const bytes = magic ? concat([small.subarray(0, PREAMBLE_BYTES), tail]) : tail;
        try {
          readCassette(bytes, { allowTruncated: true });
        } catch (error) {
          expect(error).toBeInstanceOf(CassetteError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzz: well-framed records of arbitrary msgpack read, and replay, with typed errors only', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -5, max: 20 }),
        fc.double(),
        fc.constantFrom('connect', 'receive', 'timer', 'send', 'heartbeat', 'socket.open', 'timer.set', 'type'),
        fc.string({ maxLength: 8 }),
        fc.constant(null),
        fc.boolean(),
        fc.uint8Array({ maxLength: 8 }),
        fc.array(tie('any'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('type', 'bytes', 'name', 'payload', 'op', 'code', 'reason', 'queue', 'data', 'ms'), tie('any'), { maxKeys: 4 }),
      ),
    })).any;
    const record = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.array(value, { maxLength: 4 })).map(([tag, rest]) => [tag, ...rest]);
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), (records) => {
        let cassette: ReturnType<typeof readCassette>;
        try {
          cassette = readCassette(withRecords([1, 0, []], ...records));
        } catch (error) {
          expect(error).toBeInstanceOf(CassetteError);
          return;
        }
        try {
          replayCassette(cassette, { throwOnMismatch: false });
        } catch (error) {
          expect(error).toBeInstanceOf(DiscordGatewayError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('fuzz: a real cassette with bytes changed, cut or spliced reads as a cassette or a CassetteError', () => {
    const base = fixtureBytes('zombie-resume');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat({ max: base.length }),
        (changes, cut) => {
          const bytes = base.slice(0, Math.max(cut, PREAMBLE_BYTES));
          for (const [pos, byte] of changes) if (pos < bytes.length) bytes[pos] = byte;
          try {
            const cassette = readCassette(bytes, { allowTruncated: true });
            replayCassette(cassette, { throwOnMismatch: false });
          } catch (error) {
            expect(error).toBeInstanceOf(DiscordGatewayError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a writer round trip of a fixture gives the same cassette', () => {
    const cassette = fixture('etf');
    const writer = new CassetteWriter();
    const micros = (ms: number) => Math.round(ms * 1000);
    const bytes = concat([
      writer.preamble(),
      writer.header(cassette.header),
      writer.start(micros(cassette.start.at), cassette.start.outputs),
      ...cassette.steps.map((s) => writer.step(micros(s.at), s.input, s.outputs)),
      writer.end({ steps: cassette.steps.length, endedAt: 0 }),
    ]);
    expect(readCassette(bytes)).toEqual({ ...cassette, byteLength: bytes.length });
  });
});
