/**
 * A cassette as a timeline: every step with the machine state it led to (learned by replaying
 * it), the state intervals, and the events worth marking (dispatches, heartbeats, closes,
 * connections). The text and SVG renderers draw from this; neither replays by itself.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { EngineInput } from '../sans-io/gateway-engine.js';
import type { Cassette, CassetteHeader, StepOutput } from './format.js';
import { type ReplayEngineOverrides, replaySteps } from './replay.js';

/** One step of the timeline. */
export interface TimelineRow {
  readonly index: number;
  /** Milliseconds since the engine was created. */
  readonly t: number;
  readonly stateBefore: string;
  readonly state: string;
  readonly input: EngineInput | null;
  /** The payloads the input's bytes carried, decoded. */
  readonly payloads: readonly GatewayPayload[];
  /** What the recording says the step did (the replay's own outputs where the file stores only digests). */
  readonly outputs: readonly StepOutput[];
  readonly closes: readonly { readonly code: number | null; readonly reason: string }[];
  /** False once the replay has diverged from the recording (states after that are the replay's). */
  readonly matches: boolean;
  readonly gap: boolean;
}

/** A span of time spent in one state. */
export interface StateSpan {
  readonly state: string;
  readonly from: number;
  readonly to: number;
}

/** Something to mark on the timeline. */
export interface TimelineEvent {
  readonly kind:
    | 'dispatch'
    | 'ready'
    | 'resumed'
    | 'hello'
    | 'identify'
    | 'resume'
    | 'heartbeat'
    | 'ack'
    | 'connect'
    | 'client-close'
    | 'user-close'
    | 'server-close'
    | 'reconnect-request'
    | 'invalid-session'
    | 'retry'
    | 'failed'
    | 'thrown'
    | 'user-send'
    | 'gap';
  readonly t: number;
  readonly label: string;
}

/** A whole session, ready to draw. */
export interface Timeline {
  readonly header: CassetteHeader;
  readonly name: string;
  readonly durationMs: number;
  readonly rows: readonly TimelineRow[];
  readonly spans: readonly StateSpan[];
  readonly events: readonly TimelineEvent[];
  readonly complete: boolean;
  readonly truncated: boolean;
  /** The first step whose replay differs from the recording, or null. */
  readonly divergesAt: number | null;
  readonly dispatches: number;
  readonly connections: number;
}

/** Replays `cassette` to learn its states and builds its timeline. */
export function buildTimeline(cassette: Cassette, options: { name?: string; engine?: ReplayEngineOverrides } = {}): Timeline {
  const start = cassette.start.at;
  const rows: TimelineRow[] = [];
  let divergesAt: number | null = null;
  for (const step of replaySteps(cassette, options.engine)) {
    if (!step.matches && divergesAt === null) divergesAt = step.index;
    rows.push({
      index: step.index,
      t: step.at - start,
      stateBefore: step.stateBefore,
      state: step.stateAfter,
      input: step.input,
      payloads: step.payloads,
      outputs: mergeOutputs(step.expected, step.actual),
      closes: step.closes,
      matches: divergesAt === null,
      gap: step.gap,
    });
  }
  const durationMs = rows.length ? rows[rows.length - 1]!.t : 0;
  const events = eventsOf(rows, cassette.header);
  return {
    header: cassette.header,
    name: options.name ?? cassette.header.label ?? 'session',
    durationMs,
    rows,
    spans: spansOf(rows, durationMs),
    events,
    complete: cassette.complete,
    truncated: cassette.truncated,
    divergesAt,
    dispatches: events.filter((e) => e.kind === 'dispatch' || e.kind === 'ready' || e.kind === 'resumed').length,
    connections: events.filter((e) => e.kind === 'connect').length,
  };
}

/** The recorded outputs, with each stored dispatch digest given the event name the replay decoded. */
function mergeOutputs(expected: readonly StepOutput[], actual: readonly StepOutput[]): StepOutput[] {
  return expected.map((output, i) => {
    const replayed = actual[i];
    return output.kind === 'dispatch' && replayed?.kind === 'dispatch' && replayed.digest === output.digest ? { ...output, t: replayed.t ?? null } : output;
  });
}

function spansOf(rows: readonly TimelineRow[], durationMs: number): StateSpan[] {
  const spans: StateSpan[] = [];
  let state = rows[0]?.state ?? 'idle';
  let from = 0;
  for (const row of rows) {
    if (row.state === state) continue;
    spans.push({ state, from, to: row.t });
    state = row.state;
    from = row.t;
  }
  spans.push({ state, from, to: Math.max(from, durationMs) });
  return spans;
}

function eventsOf(rows: readonly TimelineRow[], header: CassetteHeader): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let connections = 0;
  for (const row of rows) {
    const t = row.t;
    if (row.gap) events.push({ kind: 'gap', t, label: 'input withheld (secret)' });
    if (row.input?.type === 'send') events.push({ kind: 'user-send', t, label: `send op ${row.input.payload.op}` });
    if (row.input?.type === 'close') events.push({ kind: 'user-close', t, label: `application closes with ${row.input.code}` });
    for (const payload of row.payloads) {
      if (payload.op === 0 && payload.t === 'READY') events.push({ kind: 'ready', t, label: 'READY' });
      else if (payload.op === 0 && payload.t === 'RESUMED') events.push({ kind: 'resumed', t, label: 'RESUMED' });
      else if (payload.op === 0) events.push({ kind: 'dispatch', t, label: payload.t ?? 'DISPATCH' });
      else if (payload.op === 10) events.push({ kind: 'hello', t, label: 'HELLO' });
      else if (payload.op === 7) events.push({ kind: 'reconnect-request', t, label: 'op 7 RECONNECT' });
      else if (payload.op === 9) events.push({ kind: 'invalid-session', t, label: `op 9 INVALID_SESSION ${String(payload.d)}` });
    }
    for (const close of row.closes) {
      // A close that completes our own closing handshake is already marked where it began.
      if (row.stateBefore === 'closing') continue;
      if (row.input?.type === 'receive' || row.input?.type === 'message' || row.input?.type === 'transport.closed') {
        events.push({ kind: 'server-close', t, label: close.code === null ? 'connection lost' : `closed ${close.code}${close.reason ? ` ${close.reason}` : ''}` });
      }
    }
    for (const output of row.outputs) {
      if (output.kind === 'thrown') events.push({ kind: 'thrown', t, label: output.code ?? output.name });
      if (output.kind !== 'command') continue;
      const command = output.command;
      switch (command.type) {
        case 'socket.open':
          connections++;
          events.push({ kind: 'connect', t, label: `connection ${connections}${connections > 1 && !sameBase(command.url, header.url) ? ' (resume URL)' : ''}` });
          break;
        case 'socket.close':
          if (row.input?.type !== 'close') events.push({ kind: 'client-close', t, label: `close ${command.code}${command.reason ? `: ${command.reason}` : ''}` });
          break;
        case 'send.payload':
          if (command.payload.op === 1) events.push({ kind: 'heartbeat', t, label: `heartbeat d=${String(command.payload.d)}` });
          else if (command.payload.op === 2) events.push({ kind: 'identify', t, label: 'IDENTIFY' });
          else if (command.payload.op === 6) events.push({ kind: 'resume', t, label: 'RESUME' });
          break;
        case 'heartbeat.acked':
          events.push({ kind: 'ack', t, label: `ACK ${command.latencyMs} ms` });
          break;
        case 'timer.set':
          if (command.name === 'reconnect') events.push({ kind: 'retry', t, label: `retry in ${command.ms} ms` });
          break;
        case 'session.failed':
          events.push({ kind: 'failed', t, label: `failed: ${command.code}` });
          break;
        default:
          break;
      }
    }
  }
  return events;
}

/** Whether a connection URL goes to the gateway URL the session started with (else: the resume URL). */
function sameBase(url: string, gatewayUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(/^wss?:\/\//.test(gatewayUrl) ? gatewayUrl : `wss://${gatewayUrl}`);
    return a.host === b.host && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');
  } catch {
    return true;
  }
}
