/**
 * A 10,000-dispatch session over real TCP (zlib-stream) stays compact: the inbound bytes are
 * stored exactly as they arrived, still compressed, plus a few bytes per engine call; and it
 * replays exactly, fast.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { benchmarkReplay } from '../../adapters/recording/bench-replay.js';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import { driveEngine } from '../../adapters/recording/drive-engine.js';
import { createRecorder } from '../../adapters/recording/recorder.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { memorySink } from '../../adapters/recording/sink.js';
import { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import { decodeInbound } from './helpers.js';

const COUNT = 10_000;

describe('a 10,000-dispatch recording', () => {
  it('stores the inbound bytes as they came, still compressed, at a few bytes of overhead per read', async () => {
    const gateway = await startFakeGateway({ identifyWindowMs: 0 });
    const sink = memorySink();
    const recorder = createRecorder({ sink, label: '10k dispatches' });
    const arrived = createHash('sha256');
    let arrivedBytes = 0;
    let dispatches = 0;
    const engine = new GatewayEngine(
      recorder.wrap({
        url: gateway.url,
        token: gateway.token,
        compress: 'zlib-stream',
        identify: { intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' } },
        observer: {
          input(input) {
            if (input.type !== 'receive' || input.bytes === null) return;
            arrived.update(input.bytes);
            arrivedBytes += input.bytes.byteLength;
          },
        },
      }),
    );
    const driver = driveEngine(engine, { onEffect: (e) => void (e.type === 'dispatch' && dispatches++) });
    try {
      driver.call((e) => e.connect());
      await driver.until((e) => e.state === 'connected.ready');
      await gateway.stream({ count: COUNT });
      await driver.until(() => dispatches === COUNT + 1, 60_000);
      driver.call((e) => e.close(1000));
      await driver.finished;
    } finally {
      driver.stop();
      await recorder.close();
      await gateway.close();
    }
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
