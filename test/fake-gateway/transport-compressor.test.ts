import { createInflate, inflateSync } from 'node:zlib';
import { Decompress, decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { createTransportCompressor, splitMessage } from '../../adapters/fake-gateway/transport-compressor.js';
import { ZSTD_MAX_BLOCK_SIZE, ZstdRawFrameWriter } from '../../adapters/fake-gateway/zstd-raw-writer.js';
import { endsWithSyncFlush } from '../helpers/sync-flush.js';

const text = (s: string) => new TextEncoder().encode(s);
const payloads = [
  '{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}',
  '{"t":null,"s":null,"op":11,"d":null}',
  `{"t":"MESSAGE_CREATE","s":2,"op":0,"d":{"content":"${'x'.repeat(5000)}"}}`,
];

describe('zstd raw frame writer', () => {
  it('writes the frame header once, then RAW blocks without the last-block flag', () => {
    const writer = new ZstdRawFrameWriter();
    const first = writer.write(text('hi'));
    expect([...first]).toEqual([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, 2 << 3, 0, 0, 0x68, 0x69]);
    const second = writer.write(text('!'));
    expect([...second]).toEqual([1 << 3, 0, 0, 0x21]);
    expect([...writer.end()]).toEqual([1, 0, 0]);
  });

  it('splits a message larger than the block limit into several blocks', () => {
    const writer = new ZstdRawFrameWriter();
    const big = new Uint8Array(ZSTD_MAX_BLOCK_SIZE * 2 + 10).map((_, i) => i & 0xff);
    const message = writer.write(big);
    expect(message.length).toBe(6 + 3 * 3 + big.length);
    const whole = decompress(Uint8Array.from([...message, ...writer.end()]));
    expect(Buffer.from(whole).equals(Buffer.from(big))).toBe(true);
  });

  it('is decoded message by message by fzstd streaming, with the frame never ended', async () => {
    const compressor = createTransportCompressor('zstd-stream');
    const out: string[] = [];
    const stream = new Decompress((chunk) => out.push(Buffer.from(chunk).toString()));
    for (const payload of payloads) {
      const messages = await compressor.compress(text(payload));
      expect(messages).toHaveLength(1); // Discord: one whole payload per WebSocket message
      stream.push(messages[0]!);
      expect(out.join('')).toBe(payloads.slice(0, payloads.indexOf(payload) + 1).join(''));
    }
  });
});

describe('zlib-stream compressor', () => {
  it('flushes every payload with Z_SYNC_FLUSH through one shared deflate context', async () => {
    const compressor = createTransportCompressor('zlib-stream');
    const inflate = createInflate();
    const inflated: Buffer[] = [];
    inflate.on('data', (chunk: Buffer) => inflated.push(chunk));
    for (const payload of payloads) {
      const messages = await compressor.compress(text(payload));
      expect(messages).toHaveLength(1);
      expect(endsWithSyncFlush(messages[0]!)).toBe(true);
      await new Promise<void>((resolve) => inflate.write(messages[0]!, () => inflate.flush(resolve)));
      expect(Buffer.concat(inflated.splice(0)).toString()).toBe(payload);
    }
    // A later message is not decodable alone: the context really is shared.
    const again = await compressor.compress(text(payloads[0]!));
    expect(() => inflateSync(again[0]!)).toThrow();
    compressor.close();
  });

  it('spreads payloads over 2 and 3 messages when asked, the suffix only at the end', async () => {
    const compressor = createTransportCompressor('zlib-stream', { split: true });
    const inflate = createInflate();
    const inflated: Buffer[] = [];
    inflate.on('data', (chunk: Buffer) => inflated.push(chunk));
    const counts: number[] = [];
    for (const payload of payloads) {
      const messages = await compressor.compress(text(payload));
      counts.push(messages.length);
      for (const m of messages.slice(0, -1)) expect(endsWithSyncFlush(m)).toBe(false);
      expect(endsWithSyncFlush(messages.at(-1)!)).toBe(true);
      await new Promise<void>((resolve) => inflate.write(Buffer.concat(messages), () => inflate.flush(resolve)));
      expect(Buffer.concat(inflated.splice(0)).toString()).toBe(payload);
    }
    expect(counts).toEqual([2, 3, 2]);
  });

  it('never cuts right after an inner 00 00 ff ff', () => {
    const message = Uint8Array.from([1, 2, 0, 0, 0xff, 0xff, 7, 8, 0, 0, 0xff, 0xff]);
    const parts = splitMessage(message, 2);
    expect(parts.map((p) => [...p])).toEqual([
      [1, 2, 0, 0, 0xff, 0xff, 7],
      [8, 0, 0, 0xff, 0xff],
    ]);
  });
});
