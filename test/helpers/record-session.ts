/**
 * Records one live session over loopback TCP: a fresh fake gateway, a GatewayEngine whose options
 * pass through a recorder, driven until READY; then the caller's part, a close with 1000 (unless
 * the machine failed for good) and, whatever happened, the clean-up. Used by the fixture
 * scenarios, the recording tests and the replay benchmark (bundled by esbuild: no vitest here).
 */
import { type FakeGateway, type FakeGatewayOptions, startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { driveEngine, type EngineDriver } from '../../adapters/recording/drive-engine.js';
import { createRecorder } from '../../adapters/recording/recorder.js';
import type { CassetteSink } from '../../adapters/recording/sink.js';
import type { EngineEffect } from '../../adapters/sans-io/effects.js';
import { GatewayEngine, type GatewayEngineOptions } from '../../adapters/sans-io/gateway-engine.js';

/** What to record and how. */
export interface SessionRecording {
  readonly sink: CassetteSink;
  /** The cassette's label (shown in timelines). */
  readonly label: string;
  /** More strings the recorder must redact (the token always is). */
  readonly secrets?: string[];
  /** The header's wall-clock start, ms since the epoch. */
  readonly startedAt?: number;
  /** The fake gateway's options; `identifyWindowMs` defaults to 0 so IDENTIFY is never held back. */
  readonly gateway?: FakeGatewayOptions;
  /** The engine's options, except the url and token, which come from the gateway. */
  readonly engine: Omit<GatewayEngineOptions, 'url' | 'token'>;
  /** Sees every effect the driver performed (for counting dispatches, READYs...). */
  readonly onEffect?: (effect: EngineEffect) => void;
}

/** The running session, handed to the caller once the machine is ready. */
export interface LiveSession {
  readonly gateway: FakeGateway;
  readonly driver: EngineDriver;
}

/** How the recorded session ended. */
export interface RecordedSession {
  readonly finalState: string;
  /** Engine calls recorded. */
  readonly steps: number;
  /** Bytes handed to the sink. */
  readonly bytes: number;
}

/** Records a session in which `run` acts once the machine is `connected.ready`. */
export async function recordSession(recording: SessionRecording, run: (session: LiveSession) => Promise<void>): Promise<RecordedSession> {
  const gateway = await startFakeGateway({ identifyWindowMs: 0, ...recording.gateway });
  const { sink, label, secrets, startedAt } = recording;
  const recorder = createRecorder({ sink, label, secrets, startedAt });
  const engine = new GatewayEngine(recorder.wrap({ url: gateway.url, token: gateway.token, ...recording.engine }));
  const driver = driveEngine(engine, { onEffect: recording.onEffect, onThrown: (error) => recorder.noteThrown(error) });
  try {
    driver.call((e) => e.connect());
    await driver.until((e) => e.state === 'connected.ready');
    await run({ gateway, driver });
    if (engine.state !== 'failed') {
      driver.call((e) => e.close(1000));
      await driver.finished;
    }
  } finally {
    driver.stop();
    await recorder.close();
    await gateway.close();
  }
  return { finalState: engine.state, steps: recorder.steps, bytes: recorder.bytesWritten };
}
