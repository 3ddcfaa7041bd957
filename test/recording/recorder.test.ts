/**
 * The recorder API on engines driven by hand (platform framing, so no socket is needed): what it
 * writes, how it chains, how it fails, and that what it writes replays.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import { RecorderError } from '../../adapters/recording/errors.js';
import { createRecorder as createFileRecorder, readCassetteFile, replaySession } from '../../adapters/recording/node-files.js';
import { createRecorder } from '../../adapters/recording/recorder.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { memorySink } from '../../adapters/recording/sink.js';
import { type EngineInput, GatewayEngine, type GatewayEngineOptions } from '../../adapters/sans-io/gateway-engine.js';
import type { GatewayCommand } from '../../machines/commands.js';
import { containsBytes } from './helpers.js';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.GxYz12.abcdefghijklmnopqrstuvwxyz0123456789AB';
const IDENTIFY = { intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' } };
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A platform-framed engine (whole messages), with a clock the test moves. */
function platformOptions(extra: Partial<GatewayEngineOptions> = {}): { options: GatewayEngineOptions; tick: (ms: number) => void } {
  let clock = 1000.25;
  return {
    options: { url: 'wss://gateway.discord.gg', token: TOKEN, identify: IDENTIFY, framing: 'platform', now: () => clock, ...extra },
    tick: (ms) => {
      clock += ms;
    },
  };
}

function toReady(engine: GatewayEngine, tick: (ms: number) => void): void {
  engine.connect();
  tick(3);
  engine.transportOpened();
  tick(2);
  engine.receiveMessage(json({ op: 10, d: { heartbeat_interval: 41250 } }));
  tick(40);
  engine.receiveMessage(json({ op: 0, t: 'READY', s: 1, d: { session_id: 'abc', resume_gateway_url: 'wss://resume.example' } }));
  engine.receiveMessage(json({ op: 0, t: 'GUILD_CREATE', s: 2, d: { id: '1' } }));
}

describe('createRecorder', () => {
  it('writes the header, every call with its time, and replays; the token is nowhere', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, label: 'by hand', libraryVersion: '9.9.9', startedAt: 1_700_000_000_000 });
    const { options, tick } = platformOptions({ seed: 77, policies: { backoff: { capMs: 500 } }, limits: { maxMessageSize: 65536 } });
    const engine = new GatewayEngine(recorder.wrap(options));
    expect(engine.seed).toBe(77);
    toReady(engine, tick);
    tick(41250);
    engine.fireTimer('heartbeat');
    engine.receiveMessage(json({ op: 11 }));
    engine.close(4000, 'restart');
    engine.transportClosed('closed', 4000);
    expect(recorder.steps).toBe(9);
    await recorder.close();
    const bytes = sink.bytes();
    expect(containsBytes(bytes, TOKEN)).toBe(false);
    const cassette = readCassette(bytes);
    expect(cassette.header).toEqual({
      format: 'discord-gateway-cassette',
      version: 1,
      library: { name: 'sansio-discord-gateway', version: '9.9.9' },
      label: 'by hand',
      startedAt: 1_700_000_000_000,
      url: 'wss://gateway.discord.gg',
      encoding: 'json',
      compress: null,
      seed: 77,
      engine: {
        identify: IDENTIFY,
        identifyGate: false,
        policies: { backoff: { capMs: 500 } },
        limits: { maxMessageSize: 65536 },
        framing: 'platform',
        snapshot: null,
        token: true,
        tokenMask: '*'.repeat(TOKEN.length),
      },
    });
    expect(cassette.start.at).toBe(1000.25);
    expect(cassette.steps.map((s) => [s.input.type, s.at])).toEqual([
      ['connect', 1000.25],
      ['transport.opened', 1003.25],
      ['message', 1005.25],
      ['message', 1045.25],
      ['message', 1045.25],
      ['timer', 42295.25],
      ['message', 42295.25],
      ['close', 42295.25],
      ['transport.closed', 42295.25],
    ]);
    expect(cassette.steps[7]!.input).toEqual({ type: 'close', code: 4000, reason: 'restart' });
    expect(cassette.steps[5]!.outputs).toEqual([
      { kind: 'command', command: { type: 'send.payload', payload: { op: 1, d: 2 } } },
      { kind: 'command', command: { type: 'timer.set', name: 'heartbeat', ms: 41250 } },
    ]);
    expect(cassette.complete).toBe(true);
    expect(replayCassette(bytes)).toMatchObject({ ok: true, replayed: 9, finalState: 'closed' });
  });

  it('stores the clock in whole microseconds and gives the engine exactly that', () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink });
    const readings = [12.3456789, 12.3456789, 99.0000004];
    const seen: number[] = [];
    const engine = new GatewayEngine(recorder.wrap({ ...platformOptions().options, now: () => readings.shift()!, observer: { input: (_i, at) => seen.push(at) } }));
    engine.connect();
    engine.transportOpened();
    expect(seen).toEqual([12.346, 99]);
  });

  it('chains the observer it is given', () => {
    const inputs: EngineInput['type'][] = [];
    const commands: GatewayCommand['type'][] = [];
    const recorder = createRecorder({ sink: memorySink() });
    const engine = new GatewayEngine(
      recorder.wrap({ ...platformOptions().options, observer: { input: (i) => inputs.push(i.type), command: (c) => commands.push(c.type) } }),
    );
    engine.connect();
    expect(inputs).toEqual(['connect']);
    expect(commands).toEqual(['socket.open', 'timer.set']);
  });

  it("records the seed style: identify() by hand, its token added as a secret, a throw noted", async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink });
    const { options, tick } = platformOptions({ identify: null, token: undefined });
    const engine = new GatewayEngine(recorder.wrap(options));
    engine.connect();
    engine.transportOpened();
    try {
      engine.resume(TOKEN);
    } catch (error) {
      recorder.noteThrown(error);
      // Noted once, however many times it is reported (the engine may report it too).
      recorder.noteThrown(error);
    }
    engine.receiveMessage(json({ op: 10, d: { heartbeat_interval: 41250 } }));
    recorder.addSecret(TOKEN);
    const presence = { since: null, activities: [{ name: TOKEN, type: 0 }], status: 'online', afk: false };
    engine.identify({ ...IDENTIFY, presence } as unknown as Parameters<GatewayEngine['identify']>[0], TOKEN);
    tick(5);
    engine.receiveMessage(json({ op: 0, t: 'READY', s: 1, d: { session_id: 'abc', resume_gateway_url: 'wss://r.example' } }));
    await recorder.close();
    const bytes = sink.bytes();
    expect(containsBytes(bytes, TOKEN)).toBe(false);
    const cassette = readCassette(bytes);
    expect(cassette.header.engine.token).toBe(false);
    expect(cassette.steps[2]).toMatchObject({
      input: { type: 'resume' },
      outputs: [{ kind: 'thrown', name: 'InvalidStateError', code: 'INVALID_STATE' }],
    });
    expect(replayCassette(bytes)).toMatchObject({ ok: true, finalState: 'connected.ready' });
  });

  it('refuses a second wrap and use after close; a failing sink fails close(), never the engine', async () => {
    const recorder = createRecorder({ sink: memorySink() });
    recorder.wrap(platformOptions().options);
    expect(() => recorder.wrap(platformOptions().options)).toThrowError(expect.objectContaining({ code: 'RECORDER_ALREADY_WRAPPED' }));
    await recorder.close();
    expect(() => recorder.wrap(platformOptions().options)).toThrowError(expect.objectContaining({ code: 'RECORDER_CLOSED' }));
    expect(() => createRecorder({} as never)).toThrowError(RecorderError);

    let writes = 0;
    const failing = createRecorder({
      sink: {
        write() {
          if (++writes > 3) throw new Error('disk full');
        },
      },
    });
    const { options, tick } = platformOptions();
    const engine = new GatewayEngine(failing.wrap(options));
    toReady(engine, tick);
    expect(engine.state).toBe('connected.ready');
    await expect(failing.close()).rejects.toMatchObject({ code: 'RECORDER_WRITE_FAILED', cause: new Error('disk full') });
  });

  it('a recorder never closed (a crash) leaves a readable, replayable prefix', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink });
    const { options, tick } = platformOptions();
    const engine = new GatewayEngine(recorder.wrap(options));
    toReady(engine, tick);
    await Promise.resolve();
    const cassette = readCassette(sink.bytes());
    expect(cassette.complete).toBe(false);
    expect(cassette.steps).toHaveLength(5);
    expect(replayCassette(cassette)).toMatchObject({ ok: true, complete: false, finalState: 'connected.ready' });
  });

  it('writes a file incrementally with createRecorder({ path }), and replaySession reads it by path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cassette-')), 'session.cassette');
    const recorder = createFileRecorder({ path, secrets: ['abc'] });
    const { options, tick } = platformOptions();
    const engine = new GatewayEngine(recorder.wrap(options));
    toReady(engine, tick);
    await Promise.resolve();
    // Already on disk before close: a crash now would leave these records.
    expect((await readCassetteFile(path)).steps).toHaveLength(5);
    await recorder.close();
    expect(containsBytes(new Uint8Array(readFileSync(path)), 'abc')).toBe(false);
    expect(await replaySession(path)).toMatchObject({ ok: true, complete: true });
    expect(() => createFileRecorder({ path: join(path, 'no', 'such', 'dir') })).toThrowError(expect.objectContaining({ code: 'RECORDER_WRITE_FAILED' }));
  });
});
