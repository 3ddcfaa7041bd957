/**
 * When the machine behaves differently from the recording, the replay fails at the first
 * different step with a readable report: where, in which state, on what input, and a diff.
 * Shown two ways: a recording whose expectations were edited (a heartbeat's `d`), and the
 * recorded inputs replayed into an engine configured to behave differently (another backoff
 * policy, another seed).
 */
import { describe, expect, it } from 'vitest';
import { DiscordGatewayError } from '../../codec/errors.js';
import { CassetteWriter, toMicros } from '../../adapters/recording/cassette-writer.js';
import { ReplayMismatchError } from '../../adapters/recording/errors.js';
import type { Cassette, StepOutput } from '../../adapters/recording/format.js';
import { replaySession } from '../../adapters/recording/node-files.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { replayMatchers } from '../../adapters/recording/vitest-matchers.js';
import { concat } from '../helpers/bytes.js';
import { FIXTURES_DIR, fixture } from './helpers.js';

expect.extend(replayMatchers);

/** The cassette's bytes, as a recorder would have written them. */
function encodeCassette(cassette: Cassette): Uint8Array {
  const writer = new CassetteWriter();
  return concat([
    writer.preamble(),
    writer.header(cassette.header),
    writer.start(toMicros(cassette.start.at), cassette.start.outputs),
    ...cassette.steps.map((s) => writer.step(toMicros(s.at), s.input, s.outputs)),
    writer.end({ steps: cassette.steps.length, endedAt: 0 }),
  ]);
}

const isHeartbeat = (o: StepOutput) => o.kind === 'command' && o.command.type === 'send.payload' && o.command.payload.op === 1;

function mismatchOf(run: () => unknown): ReplayMismatchError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toBeInstanceOf(DiscordGatewayError);
    expect((error as ReplayMismatchError).code).toBe('REPLAY_MISMATCH');
    return error as ReplayMismatchError;
  }
  throw new Error('the replay matched');
}

describe('replay mismatches', () => {
  it('a recording whose heartbeat `d` was edited fails at that step with a diff', () => {
    const original = fixture('zombie-resume');
    const target = original.steps.find((s) => s.outputs.some(isHeartbeat))!;
    const edited: Cassette = {
      ...original,
      steps: original.steps.map((step) =>
        step !== target
          ? step
          : {
              ...step,
              outputs: step.outputs.map((o) => (isHeartbeat(o) && o.kind === 'command' && o.command.type === 'send.payload' ? { ...o, command: { ...o.command, payload: { op: 1, d: 99 } } } : o)),
            },
      ),
    };
    const bytes = encodeCassette(edited);
    const error = mismatchOf(() => replayCassette(bytes, { name: 'zombie-resume (edited)' }));
    expect(error.step).toBe(target.index);
    const lines = error.message.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Replay of zombie-resume \\(edited\\) differs from the recording at step ${target.index} of ${original.steps.length}, t = \\+0\\.\\d{3} s\\.$`));
    expect(lines[1]).toBe('  state:   connected.ready');
    expect(lines[2]).toMatch(/^ {2}context: sequence=1 sessionId="[0-9a-f]+" heartbeatIntervalMs=100 heartbeatAcked=true reconnectAttempt=0 lastClose=null queued=0$/);
    expect(lines[3]).toBe('  input:   timer heartbeat');
    expect(lines[4]).toBe('  outputs (- recorded, + replayed):');
    expect(lines[5]).toBe('    - send.payload HEARTBEAT {"op":1,"d":99}');
    expect(lines[6]).toBe('    + send.payload HEARTBEAT {"op":1,"d":1}');
    expect(lines[7]).toBe('        payload.d: 99 → 1');
    expect(lines.slice(8)).toEqual(['      random 4 bytes', '      timer.set heartbeat 100 ms']);
    // Runners that diff `expected` against `actual` (vitest does) show the same lines.
    expect(error.expected.split('\n')[0]).toBe('send.payload HEARTBEAT {"op":1,"d":99}');
    expect(error.actual.split('\n')[0]).toBe('send.payload HEARTBEAT {"op":1,"d":1}');
  });

  it('the recorded inputs replayed with another backoff cap: the reconnect delay differs', () => {
    const cassette = fixture('zombie-resume');
    const report = replayCassette(cassette, { engine: { policies: { backoff: { baseMs: 20, capMs: 5 } } }, throwOnMismatch: false });
    expect(report.ok).toBe(false);
    const mismatch = report.mismatch!;
    expect(mismatch.stateBefore).toBe('closing');
    expect(mismatch.stateAfter).toBe('backoff');
    expect(mismatch.input).toMatchObject({ type: 'receive' });
    const recorded = mismatch.expected.find((o) => o.kind === 'command' && o.command.type === 'timer.set' && o.command.name === 'reconnect');
    const replayed = mismatch.actual.find((o) => o.kind === 'command' && o.command.type === 'timer.set' && o.command.name === 'reconnect');
    expect(recorded).toBeDefined();
    expect(replayed).toBeDefined();
    expect((replayed as { command: { ms: number } }).command.ms).toBeLessThan(5);
    expect(mismatch.report).toMatch(/state: {3}closing -> backoff \(replayed\)/);
    expect(mismatch.report).toMatch(/- timer\.set reconnect \d+ ms\n {4}\+ timer\.set reconnect \d ms\n {8}ms: \d+ → \d/);
    expect(mismatch.report).toMatch(/input: {3}receive \d+ bytes carrying close frame 4900 "heartbeat not acknowledged \(zombie connection\)"/);
    expect(() => expect(report).toMatchReplay()).toThrowError(/differs from the recording at step/);
  });

  it('the recorded inputs replayed with another seed: the first heartbeat jitter differs at HELLO', () => {
    const cassette = fixture('normal');
    const mismatch = mismatchOf(() => replayCassette(cassette, { engine: { seed: cassette.header.seed + 1 } }));
    const hello = cassette.steps.find((s) => s.outputs.some((o) => o.kind === 'command' && o.command.type === 'timer.set' && o.command.name === 'heartbeat'))!;
    expect(mismatch.step).toBe(hello.index);
    expect(mismatch.message).toMatch(/input: {3}receive \d+ bytes carrying HELLO/);
    expect(mismatch.message).toMatch(/- timer\.set heartbeat \d+ ms\n {4}\+ timer\.set heartbeat \d+ ms\n {8}ms: \d+ → \d+/);
  });

  it('a fixture matches: two lines in a test, either way', async () => {
    await replaySession(`${FIXTURES_DIR}/op7-reconnect.cassette`);
    expect(await replaySession(`${FIXTURES_DIR}/op7-reconnect.cassette`, { throwOnMismatch: false })).toMatchReplay();
    expect(() => expect(replayCassette(fixture('etf'))).not.toMatchReplay()).toThrowError(/all 11 steps matched/);
  });

  it('reports a difference in the number of outputs, and in thrown errors', () => {
    const original = fixture('normal');
    const thrower = original.steps.find((s) => s.outputs.some((o) => o.kind === 'thrown'))!;
    const edited: Cassette = { ...original, steps: original.steps.map((s) => (s === thrower ? { ...s, outputs: [] } : s)) };
    const error = mismatchOf(() => replayCassette(edited));
    expect(error.step).toBe(thrower.index);
    expect(error.message).toContain('    + threw PayloadTooLargeError PAYLOAD_TOO_LARGE: The op 3 payload encodes to');
    expect(error.message).toMatch(/input: {3}send PRESENCE_UPDATE \{"op":3/);
  });
});
