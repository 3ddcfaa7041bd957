/**
 * Deterministic replay: a fresh GatewayEngine (pure reducer runner) rebuilt from the cassette's
 * header, fed every recorded input with the recorded clock reading and random bytes, its outputs
 * compared with the recorded ones. No socket, no timer, no waiting. Owns the comparison; the
 * protocol decisions being checked are the machine's.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import type { GatewayCommand } from '../../machines/commands.js';
import type { TimerName } from '../../machines/timers.js';
import { type EngineInput, GatewayEngine, type GatewayEngineOptions } from '../sans-io/gateway-engine.js';
import { readCassette } from './cassette-reader.js';
import { CassetteError, ReplayMismatchError } from './errors.js';
import type { Cassette, StepOutput } from './format.js';
import { describeOutput, outputOfCommand, outputOfThrown, sameOutput } from './outputs.js';
import { formatMismatch } from './replay-report.js';

/** Stands in for the token, which no cassette holds: it only ever reaches encoded IDENTIFY/RESUME bytes. */
export const REPLAY_TOKEN = 'replay.token.placeholder';

/** Engine options a replay may change, to see how a different configuration would have behaved. */
export type ReplayEngineOverrides = Partial<
  Pick<GatewayEngineOptions, 'seed' | 'policies' | 'limits' | 'identify' | 'identifyGate' | 'framing' | 'encoding' | 'compress' | 'url' | 'snapshot'>
>;

/** Options of {@link replayCassette}. */
export interface ReplayOptions {
  /** Replace header options (e.g. another backoff policy or seed): the replay shows where behaviour changes. */
  readonly engine?: ReplayEngineOverrides;
  /** Throw {@link ReplayMismatchError} at the first difference (default true); false returns it in the report. */
  readonly throwOnMismatch?: boolean;
  /** Replay the readable prefix of a file cut inside a record. */
  readonly allowTruncated?: boolean;
  /** A name for the cassette in messages (its file name). */
  readonly name?: string;
}

/** The first step where the replay's outputs differ from the recording. */
export interface ReplayMismatch {
  /** 1-based step; 0 is the engine's construction. */
  readonly step: number;
  /** The step's clock reading, and the time since the engine was created, in ms. */
  readonly at: number;
  readonly sinceStart: number;
  /** The machine state before and after the step (in the replay). */
  readonly stateBefore: string;
  readonly stateAfter: string;
  /** The machine context before the step, in brief (sequence, session, heartbeat, backoff). */
  readonly context: Readonly<Record<string, unknown>>;
  /** The input (null for the construction). */
  readonly input: EngineInput | null;
  /** What the step's input bytes carried, decoded (`HEARTBEAT_ACK`, `MESSAGE_CREATE s=4`). */
  readonly payloads: readonly GatewayPayload[];
  /** WebSocket closes the step completed. */
  readonly closes: readonly { readonly code: number | null; readonly reason: string }[];
  readonly expected: readonly StepOutput[];
  readonly actual: readonly StepOutput[];
  /** Position of the first differing output within the step. */
  readonly firstDifference: number;
  /** The readable report (what `ReplayMismatchError.message` holds). */
  readonly report: string;
}

/** What a replay did. */
export interface ReplayReport {
  /** True when every replayed step matched. */
  readonly ok: boolean;
  /** Steps in the cassette, and steps replayed. */
  readonly steps: number;
  readonly replayed: number;
  /** Outputs compared, and machine-delivered dispatches among them. */
  readonly outputs: number;
  readonly dispatches: number;
  /** Gateway payloads the replay decoded from the recorded bytes (every dispatch, ACK, HELLO...). */
  readonly payloads: number;
  /** The cassette was closed by its recorder (not cut short by a crash). */
  readonly complete: boolean;
  /** The step where replay stopped because its input had been withheld for redaction, or null. */
  readonly stoppedAtGap: number | null;
  /** The machine state after the last replayed step. */
  readonly finalState: string;
  readonly mismatch: ReplayMismatch | null;
}

/** One replayed step: what was recorded and what the replay did. */
export interface ReplayedStep {
  readonly index: number;
  readonly at: number;
  readonly input: EngineInput | null;
  readonly stateBefore: string;
  readonly stateAfter: string;
  readonly expected: readonly StepOutput[];
  readonly actual: readonly StepOutput[];
  readonly matches: boolean;
  readonly payloads: readonly GatewayPayload[];
  /** WebSocket closes the step completed (the server's code, or null when none came), from the engine's effects. */
  readonly closes: readonly { readonly code: number | null; readonly reason: string }[];
  /** True for a withheld (redacted) input: nothing was replayed and the replay ends. */
  readonly gap: boolean;
}

/**
 * Replays a cassette (its bytes or a decoded {@link Cassette}) and checks every output. Throws
 * {@link ReplayMismatchError} at the first difference unless `throwOnMismatch: false`, and
 * {@link CassetteError} for an unreadable file.
 */
export function replayCassette(source: Uint8Array | Cassette, options: ReplayOptions = {}): ReplayReport {
  const cassette = source instanceof Uint8Array ? readCassette(source, { allowTruncated: options.allowTruncated }) : source;
  let replayed = 0;
  let outputs = 0;
  let dispatches = 0;
  let payloads = 0;
  let stoppedAtGap: number | null = null;
  let finalState = '';
  let mismatch: ReplayMismatch | null = null;
  const run = new ReplayRun(cassette, options.engine);
  for (const step of run.steps()) {
    finalState = step.stateAfter;
    if (step.gap) {
      stoppedAtGap = step.index;
      break;
    }
    if (step.index > 0) replayed++;
    outputs += step.expected.length;
    payloads += step.payloads.length;
    for (const output of step.expected) if (output.kind === 'dispatch') dispatches++;
    if (!step.matches) {
      mismatch = run.mismatch(step, options.name);
      break;
    }
  }
  run.stop();
  if (mismatch && options.throwOnMismatch !== false) {
    throw new ReplayMismatchError(mismatch.report, mismatch.step, linesOf(mismatch.expected), linesOf(mismatch.actual));
  }
  return { ok: mismatch === null, steps: cassette.steps.length, replayed, outputs, dispatches, payloads, complete: cassette.complete, stoppedAtGap, finalState, mismatch };
}

/** A step's outputs as the error's expected/actual text, one full-length line each, for a runner's diff. */
function linesOf(outputs: readonly StepOutput[]): string {
  return outputs.map((output) => describeOutput(output, 2000)).join('\n');
}

/**
 * Replays every step of a cassette, matching or not, yielding each (the timeline uses this to
 * learn the state at every step). `engine` overrides header options.
 */
export function* replaySteps(cassette: Cassette, engine?: ReplayEngineOverrides): Generator<ReplayedStep> {
  const run = new ReplayRun(cassette, engine);
  try {
    yield* run.steps();
  } finally {
    run.stop();
  }
}

/** One replay in progress: the engine, its clock, the random bytes it may draw, what it emitted. */
class ReplayRun {
  readonly #cassette: Cassette;
  readonly #engine: GatewayEngine;
  #clock: number;
  readonly #overrides: ReplayEngineOverrides;
  #draws: Uint8Array[] = [];
  #actual: StepOutput[] = [];

  constructor(cassette: Cassette, overrides: ReplayEngineOverrides = {}) {
    this.#cassette = cassette;
    this.#overrides = overrides;
    const { header } = cassette;
    this.#clock = cassette.start.at;
    this.#draws = randomOf(cassette.start.outputs);
    const options: GatewayEngineOptions = {
      url: header.url,
      encoding: header.encoding,
      compress: header.compress,
      identify: header.engine.identify,
      identifyGate: header.engine.identifyGate,
      policies: header.engine.policies ?? undefined,
      limits: header.engine.limits ?? undefined,
      framing: header.engine.framing,
      snapshot: header.engine.snapshot ?? undefined,
      seed: header.seed,
      ...overrides,
      token: header.engine.token ? (header.engine.tokenMask ?? REPLAY_TOKEN) : undefined,
      runner: 'reducer',
      emitPayloads: true,
      now: () => this.#clock,
      random: (bytes) => this.#random(bytes),
      observer: { command: (command: GatewayCommand) => this.#actual.push(outputOfCommand(command)) },
    };
    try {
      this.#engine = new GatewayEngine(options);
    } catch (error) {
      if (error instanceof DiscordGatewayError) throw error;
      throw new CassetteError('CASSETTE_CORRUPT', 'The cassette header does not describe an engine this library can build.', 0, { cause: error });
    }
  }

  *steps(): Generator<ReplayedStep> {
    const engine = this.#engine;
    const startActual = this.#take();
    const startExpected = this.#cassette.start.outputs;
    engine.takeEffects();
    yield {
      index: 0,
      at: this.#cassette.start.at,
      input: null,
      stateBefore: engine.state,
      stateAfter: engine.state,
      expected: startExpected,
      actual: startActual,
      matches: sameOutputs(startExpected, startActual),
      payloads: [],
      closes: [],
      gap: false,
    };
    for (const step of this.#cassette.steps) {
      const stateBefore = engine.state;
      if (step.gap) {
        yield { index: step.index, at: step.at, input: step.input, stateBefore, stateAfter: stateBefore, expected: step.outputs, actual: [], matches: true, payloads: [], closes: [], gap: true };
        return;
      }
      this.#clock = step.at;
      this.#draws = randomOf(step.outputs);
      try {
        callEngine(engine, step.input);
      } catch (error) {
        this.#actual.push(outputOfThrown(error));
      }
      const actual = this.#take();
      const payloads: GatewayPayload[] = [];
      const closes: { code: number | null; reason: string }[] = [];
      for (const effect of engine.takeEffects()) {
        if (effect.type === 'payload') payloads.push(effect.payload);
        else if (effect.type === 'closed') closes.push({ code: effect.code, reason: effect.reason });
      }
      yield {
        index: step.index,
        at: step.at,
        input: step.input,
        stateBefore,
        stateAfter: engine.state,
        expected: step.outputs,
        actual,
        matches: sameOutputs(step.outputs, actual),
        payloads,
        closes,
        gap: false,
      };
    }
  }

  mismatch(step: ReplayedStep, name?: string): ReplayMismatch {
    let firstDifference = 0;
    while (firstDifference < step.expected.length && firstDifference < step.actual.length && sameOutput(step.expected[firstDifference]!, step.actual[firstDifference]!)) {
      firstDifference++;
    }
    const base = {
      step: step.index,
      at: step.at,
      sinceStart: step.at - this.#cassette.start.at,
      stateBefore: step.stateBefore,
      stateAfter: step.stateAfter,
      context: this.#contextBefore(step.index),
      input: step.input,
      payloads: step.payloads,
      closes: step.closes,
      expected: step.expected,
      actual: step.actual,
      firstDifference,
    };
    return { ...base, report: formatMismatch(base, { name, steps: this.#cassette.steps.length }) };
  }

  stop(): void {
    this.#engine.stop();
  }

  /**
   * The machine context before step `index`, from a second replay up to the step before it.
   * Reading the snapshot during the main replay would cost a machine step per input (it hands
   * the fast path's sequence to the machine), so it is only done once there is a mismatch.
   */
  #contextBefore(index: number): Record<string, unknown> {
    if (index === 0) return {};
    const run = new ReplayRun(this.#cassette, this.#overrides);
    try {
      for (const step of run.steps()) if (step.index === index - 1) return briefContext(run.#engine);
      return {};
    } finally {
      run.stop();
    }
  }

  #take(): StepOutput[] {
    const actual = this.#actual;
    this.#actual = [];
    return actual;
  }

  /** Hands out the step's recorded bytes in order; a draw the recording lacks gets zeros (and shows as a difference). */
  #random(bytes: Uint8Array): Uint8Array {
    const recorded = this.#draws.shift();
    if (recorded && recorded.byteLength === bytes.byteLength) bytes.set(recorded);
    else bytes.fill(0);
    this.#actual.push({ kind: 'random', bytes: bytes.slice() });
    return bytes;
  }
}

function randomOf(outputs: readonly StepOutput[]): Uint8Array[] {
  const draws: Uint8Array[] = [];
  for (const output of outputs) if (output.kind === 'random') draws.push(output.bytes);
  return draws;
}

function sameOutputs(expected: readonly StepOutput[], actual: readonly StepOutput[]): boolean {
  if (expected.length !== actual.length) return false;
  for (let i = 0; i < expected.length; i++) if (!sameOutput(expected[i]!, actual[i]!)) return false;
  return true;
}

/** The parts of the machine context a reader needs to make sense of a step. */
function briefContext(engine: GatewayEngine): Record<string, unknown> {
  const c = engine.snapshot.context;
  return {
    sequence: c.sequence,
    sessionId: c.sessionId,
    heartbeatIntervalMs: c.heartbeatIntervalMs,
    heartbeatAcked: c.heartbeatAcked,
    reconnectAttempt: c.reconnectAttempt,
    lastClose: c.lastClose,
    queued: c.queue.length,
  };
}

/** Makes the engine call an input records. The token is the placeholder: it only reaches encoded bytes. */
function callEngine(engine: GatewayEngine, input: EngineInput): void {
  switch (input.type) {
    case 'connect':
      engine.connect();
      return;
    case 'transport.connected':
      engine.transportConnected();
      return;
    case 'receive':
      engine.receive(input.bytes);
      return;
    case 'transport.closed':
      engine.transportClosed(input.reason, input.code ?? null);
      return;
    case 'transport.opened':
      engine.transportOpened();
      return;
    case 'message':
      engine.receiveMessage(input.data);
      return;
    case 'timer':
      engine.fireTimer(input.name as TimerName);
      return;
    case 'identify.granted':
      engine.grantIdentify();
      return;
    case 'send':
      engine.send(input.payload, { queue: input.queue });
      return;
    case 'close':
      engine.close(input.code, input.reason);
      return;
    case 'identify':
      engine.identify(input.data, REPLAY_TOKEN);
      return;
    case 'resume':
      engine.resume(REPLAY_TOKEN);
      return;
    case 'heartbeat':
      engine.heartbeat();
      return;
  }
}
