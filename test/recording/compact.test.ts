/**
 * A 10,000-dispatch session over real TCP (zlib-stream) stays compact: the inbound bytes are
 * stored exactly as they arrived, still compressed, plus a few bytes per engine call; and it
 * replays exactly, fast.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { benchmarkReplay } from '../../adapters/recording/bench-replay.js';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { memorySink } from '../../adapters/recording/sink.js';
import { recordSession } from '../helpers/record-session.js';
import { decodeInbound } from './helpers.js';

const COUNT = 10_000;

describe('a 10,000-dispatch recording', () => {
  it('stores the inbound bytes as they came, still compressed, at a few bytes of overhead per read', async () => {
    const sink = memorySink();
    const arrived = createHash('sha256');
    let arrivedBytes = 0;
    let dispatches = 0;
    await recordSession(
      {
        sink,
        label: '10k dispatches',
        engine: {
          compress: 'zlib-stream',
          identify: { intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' } },
          observer: {
            input(input) {
              if (input.type !== 'receive' || input.bytes === null) return;
              arrived.update(input.bytes);
              arrivedBytes += input.bytes.byteLength;
            },
          },
        },
        onEffect: (e) => void (e.type === 'dispatch' && dispatches++),
      },
      async ({ gateway, driver }) => {
        await gateway.stream({ count: COUNT });
        await driver.until(() => dispatches === COUNT + 1, 60_000);
      },
    );
    const bytes = sink.bytes();
    const cassette = readCassette(bytes);

    // Exactly the bytes that arrived, in order.
    const stored = createHash('sha256');
    let storedBytes = 0;
    for (const step of cassette.steps) {
      if (step.input.type !== 'receive' || step.input.bytes === null) continue;
      stored.update(step.input.bytes);
      storedBytes += step.input.bytes.byteLength;
    }
    expect(storedBytes).toBe(arrivedBytes);
    expect(stored.digest('hex')).toBe(arrived.digest('hex'));

    // Still compressed: node:zlib inflates them to every dispatch.
    const [connection] = decodeInbound(cassette);
    const messages = connection!.payloads.filter((p) => (p as { t?: string }).t === 'MESSAGE_CREATE');
    expect(messages).toHaveLength(COUNT);
    const inflatedBytes = connection!.texts.reduce((n, t) => n + t.length, 0);
    expect(inflatedBytes).toBeGreaterThan(4 * storedBytes);

    // Overhead: at most 20 bytes per engine call and 12 per dispatch checked (sequence and digest),
    // plus the header and the handshake's outputs.
    const overhead = bytes.byteLength - storedBytes;
    expect(overhead).toBeLessThan(20 * cassette.steps.length + 12 * COUNT + 4096);
    const perDispatch = bytes.byteLength / COUNT;
    expect(perDispatch).toBeLessThan(80);

    const report = replayCassette(cassette);
    expect(report).toMatchObject({ ok: true, complete: true, finalState: 'closed' });
    expect(report.payloads).toBeGreaterThanOrEqual(COUNT + 2);
    const speed = benchmarkReplay(cassette, { minMs: 300 });
    expect(speed.payloadsPerSecond).toBeGreaterThan(10_000);
    console.log(
      `10k dispatches, zlib-stream: ${bytes.byteLength} bytes (${perDispatch.toFixed(1)} bytes/dispatch; ` +
        `${(storedBytes / COUNT).toFixed(1)} inbound + ${(overhead / COUNT).toFixed(1)} overhead), ${cassette.steps.length} engine calls; ` +
        `replay ${speed.msPerReplay.toFixed(1)} ms: ${Math.round(speed.payloadsPerSecond)} payloads/s, ${Math.round(speed.stepsPerSecond)} engine calls/s, ` +
        `${Math.round(speed.eventsPerSecond)} events/s, ${speed.megabytesPerSecond.toFixed(1)} MB/s`,
    );
  }, 90_000);
});
