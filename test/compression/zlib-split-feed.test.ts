import { describe, expect, it } from 'vitest';
import { ZlibStreamInflater } from '../../codec/compression/index.js';
import { endsWithSyncFlush } from '../../codec/compression/zlib-stream-inflater.js';
import { randomChunks } from '../helpers/chunks.js';
import { randomBytes, seededRandom } from '../helpers/seeded-random.js';
import { concat } from '../helpers/bytes.js';
import { gatewayText, zlibStreamSegments } from './helpers.js';

const encoder = new TextEncoder();

describe('ZlibStreamInflater fed any split of its input', () => {
  it('gives the same messages for every split point of every segment of a small stream', async () => {
    const messages = [
      encoder.encode('{"op":10,"d":{"heartbeat_interval":41250}}'),
      encoder.encode('{"op":11}'),
      encoder.encode('{"t":"READY","s":1,"op":0,"d":{"v":10,"session_id":"abc"}}'),
      encoder.encode('{"op":11}'),
    ];
    const segments = await zlibStreamSegments(messages);
    for (let target = 0; target < segments.length; target++) {
      const segment = segments[target]!;
      for (let cut = 1; cut < segment.length; cut++) {
        const inflater = new ZlibStreamInflater();
        for (let i = 0; i < target; i++) expect(inflater.push(segments[i]!)?.slice()).toEqual(messages[i]);
        const head = segment.subarray(0, cut);
        // A prefix only completes a message if it happens to end with the flush marker.
        expect(inflater.push(head)).toBeNull();
        expect(endsWithSyncFlush(head, head.length)).toBe(false);
        expect(inflater.push(segment.subarray(cut))?.slice()).toEqual(messages[target]);
        for (let i = target + 1; i < segments.length; i++) {
          expect(inflater.push(segments[i]!)?.slice()).toEqual(messages[i]);
        }
      }
    }
  });

  it('gives the same messages for every three-way split of a segment, and byte-by-byte feeding', async () => {
    const messages = [encoder.encode('{"op":10,"d":{"heartbeat_interval":41250}}'), encoder.encode('{"op":11,"d":null}')];
    const segments = await zlibStreamSegments(messages);
    const second = segments[1]!;
    for (let a = 1; a < second.length; a++) {
      for (let b = a + 1; b < second.length; b++) {
        const inflater = new ZlibStreamInflater();
        inflater.push(segments[0]!);
        expect(inflater.push(second.subarray(0, a))).toBeNull();
        expect(inflater.push(second.subarray(a, b))).toBeNull();
        expect(inflater.push(second.subarray(b))?.slice()).toEqual(messages[1]);
      }
    }
    const inflater = new ZlibStreamInflater();
    const stream = concat(segments);
    const outputs: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) {
      const out = inflater.push(stream.subarray(i, i + 1));
      if (out) outputs.push(out.slice());
    }
    expect(outputs).toEqual(messages);
  });

  it('gives the same messages for seeded random chunkings of a large stream', async () => {
    const random = seededRandom(42);
    const messages = [
      gatewayText(120_000, random),
      randomBytes(70_000, random),
      gatewayText(5_000, random),
      gatewayText(400_000, random),
      ...Array.from({ length: 40 }, () => gatewayText(200 + Math.floor(random() * 5000), random)),
    ];
    const segments = await zlibStreamSegments(messages);
    for (let round = 0; round < 12; round++) {
      const chunkRandom = seededRandom(1000 + round);
      const inflater = new ZlibStreamInflater();
      const maxChunk = [7, 100, 4096, 70_000][round % 4]!;
      for (let i = 0; i < segments.length; i++) {
        const chunks = randomChunks(segments[i]!, chunkRandom, maxChunk);
        let result: Uint8Array | null = null;
        let prefixEnd = 0;
        for (let c = 0; c < chunks.length; c++) {
          result = inflater.push(chunks[c]!);
          prefixEnd += chunks[c]!.length;
          // Intermediate chunks complete nothing unless their prefix ends with the marker.
          if (c < chunks.length - 1 && !endsWithSyncFlush(segments[i]!, prefixEnd)) expect(result).toBeNull();
        }
        expect(result !== null && Buffer.from(result).equals(messages[i]!)).toBe(true);
      }
    }
  });
});
