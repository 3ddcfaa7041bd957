import { describe, expect, it } from 'vitest';
import { ZstdStreamDecompressor } from '../../codec/compression/index.js';
import { randomChunks } from '../helpers/chunks.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { concat } from '../helpers/bytes.js';
import { zstdFixtures } from './helpers.js';

const fixtures = zstdFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name)!;

function same(actual: Uint8Array | null, expected: Uint8Array): boolean {
  return actual !== null && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected);
}

describe('ZstdStreamDecompressor against python-zstandard fixtures', () => {
  it('has the committed fixtures', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(
      ['far-offsets', 'frames', 'mixed-fast', 'mixed-level1', 'mixed-level19', 'small-level3', 'window-1k'].sort(),
    );
    for (const f of fixtures) expect(f.segments.length).toBe(f.messages.length);
  });

  for (const fixture of fixtures) {
    it(`decompresses every message exactly: ${fixture.name} (${fixture.note})`, () => {
      const decompressor = new ZstdStreamDecompressor();
      for (let i = 0; i < fixture.segments.length; i++) {
        const out = decompressor.push(fixture.segments[i]!);
        expect({ message: i, same: same(out, fixture.messages[i]!) }).toEqual({ message: i, same: true });
      }
    });
  }

  it('decodes the first message, a HELLO, to its literal text', () => {
    const fixture = byName('small-level3');
    const out = new ZstdStreamDecompressor().push(fixture.segments[0]!);
    expect(new TextDecoder().decode(out!)).toBe('{"op":10,"d":{"heartbeat_interval":41250}}');
  });

  it('keeps a message that spans several blocks whole (messages of 200 KB and 150 KB)', () => {
    const fixture = byName('mixed-level19');
    expect(fixture.messages[7]!.length).toBe(200_000);
    expect(fixture.messages[8]!.length).toBe(150_000);
    const decompressor = new ZstdStreamDecompressor();
    for (let i = 0; i < fixture.segments.length; i++) expect(same(decompressor.push(fixture.segments[i]!), fixture.messages[i]!)).toBe(true);
  });

  it('returns null for an empty push and decodes the next message normally', () => {
    const fixture = byName('small-level3');
    const decompressor = new ZstdStreamDecompressor();
    expect(decompressor.push(new Uint8Array(0))).toBeNull();
    expect(same(decompressor.push(fixture.segments[0]!), fixture.messages[0]!)).toBe(true);
    expect(decompressor.push(new Uint8Array(0))).toBeNull();
    expect(same(decompressor.push(fixture.segments[1]!), fixture.messages[1]!)).toBe(true);
  });

  it('returns a view that the next push may overwrite, so callers copy or decode first', () => {
    const fixture = byName('small-level3');
    const decompressor = new ZstdStreamDecompressor();
    const kept = decompressor.push(fixture.segments[0]!)!.slice();
    decompressor.push(fixture.segments[1]!);
    expect(Buffer.from(kept).equals(fixture.messages[0]!)).toBe(true);
  });

  describe('fed any split of a message', () => {
    it('gives the same bytes for every split point of the first messages', () => {
      const fixture = byName('small-level3');
      let boundaries = 0;
      let cuts = 0;
      for (let target = 0; target < 4; target++) {
        const segment = fixture.segments[target]!;
        for (let cut = 1; cut < segment.length; cut++) {
          const decompressor = new ZstdStreamDecompressor();
          for (let i = 0; i < target; i++) decompressor.push(fixture.segments[i]!);
          const first = decompressor.push(segment.subarray(0, cut));
          const firstCopy = first?.slice() ?? new Uint8Array(0);
          const second = decompressor.push(segment.subarray(cut));
          // A cut inside a block yields nothing until the block is whole; a cut on a block
          // boundary yields the payload in two parts.
          if (first !== null) boundaries++;
          cuts++;
          expect(same(concat([firstCopy, second ?? new Uint8Array(0)]), fixture.messages[target]!)).toBe(true);
          expect(second).not.toBeNull();
          for (let i = target + 1; i < fixture.segments.length; i++) {
            expect(same(decompressor.push(fixture.segments[i]!), fixture.messages[i]!)).toBe(true);
          }
        }
      }
      expect(boundaries).toBeLessThan(cuts / 10);
    });

    it('gives the same bytes for seeded random chunkings of every fixture', () => {
      for (const fixture of fixtures) {
        for (let round = 0; round < 4; round++) {
          const random = seededRandom(round * 31 + fixture.name.length);
          const maxChunk = [3, 50, 2000, 70_000][round]!;
          const decompressor = new ZstdStreamDecompressor();
          for (let i = 0; i < fixture.segments.length; i++) {
            const parts: Uint8Array[] = [];
            for (const chunk of randomChunks(fixture.segments[i]!, random, maxChunk)) {
              const out = decompressor.push(chunk);
              if (out) parts.push(out.slice());
            }
            expect({ fixture: fixture.name, round, message: i, same: same(concat(parts), fixture.messages[i]!) }).toEqual({
              fixture: fixture.name,
              round,
              message: i,
              same: true,
            });
          }
        }
      }
    });
  });

  describe('reset()', () => {
    it('starts a new stream after reset', () => {
      const a = byName('small-level3');
      const b = byName('mixed-level1');
      const decompressor = new ZstdStreamDecompressor();
      for (let i = 0; i < 10; i++) decompressor.push(a.segments[i]!);
      decompressor.reset();
      for (let i = 0; i < b.segments.length; i++) expect(same(decompressor.push(b.segments[i]!), b.messages[i]!)).toBe(true);
    });

    it('does not keep the old frame: a later message of the old stream fails after reset', () => {
      const a = byName('small-level3');
      const decompressor = new ZstdStreamDecompressor();
      for (let i = 0; i < 5; i++) decompressor.push(a.segments[i]!);
      decompressor.reset();
      expect(() => decompressor.push(a.segments[5]!)).toThrowError(expect.objectContaining({ code: 'ZSTD_BAD_DATA' }));
    });

    it('drops a block cut short before reset', () => {
      const a = byName('small-level3');
      const decompressor = new ZstdStreamDecompressor();
      expect(decompressor.push(a.segments[0]!.subarray(0, 20))).toBeNull();
      decompressor.reset();
      expect(same(decompressor.push(a.segments[0]!), a.messages[0]!)).toBe(true);
    });
  });
});
