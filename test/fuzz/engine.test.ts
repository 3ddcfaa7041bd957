/**
 * The whole connection under fuzzing: a GatewayEngine gets a valid upgrade response, then server
 * traffic (JSON or ETF; plain, zlib-stream or zstd-stream) whose messages are mutated, reordered,
 * fragmented with pings between the pieces, sometimes closed, then mutated again on the wire and
 * cut at any points, with timers firing, end of stream and application calls in between. The
 * engine never throws; every effect is well formed (see support/engine-harness.ts); every byte it
 * writes is a valid masked frame; it never rests in a state without a timer to leave it; no call
 * grows memory past the configured bounds; and the run ends in a sane, persistable state.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeBody, frame, OP } from '../helpers/ws-wire.js';
import { concat } from '../helpers/bytes.js';
import { FUZZ_TIMEOUT, fuzzParams } from './support/config.js';
import { EngineHarness } from './support/engine-harness.js';
import { sessionsOf, type ServerMessage, TRAFFIC_KINDS, type TrafficKind } from './support/gateway-traffic.js';
import { RetainedMemory } from './support/memory.js';
import { applyMutations, chunk, chunkingArb, type Mutation, mutationsArb } from './support/mutate.js';

const LIMITS = { maxMessageSize: 64 * 1024, maxInflatedSize: 256 * 1024 };
/** zstd keeps up to its (unconfigurable from the engine) 8 MiB window of history. */
const WINDOW: Record<string, number> = { 'zlib-stream': 32 * 1024, 'zstd-stream': 8 * 1024 * 1024 };

const corpus = new Map<TrafficKind, ServerMessage[][]>();
beforeAll(async () => {
  for (const [i, kind] of TRAFFIC_KINDS.entries()) corpus.set(kind, await sessionsOf(kind, 12, 0xe46 + i));
});

/** An edit of the message list before framing: content mutated, dropped, repeated, moved, or foreign. */
type MessageEdit =
  | { kind: 'mutate'; at: number; mutations: Mutation[] }
  | { kind: 'drop' | 'repeat'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'foreign'; at: number; session: number; message: number };

const editArb: fc.Arbitrary<MessageEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('mutate' as const), at: fc.nat(), mutations: mutationsArb(1, 3, 8) }) },
  fc.record({ kind: fc.constantFrom('drop' as const, 'repeat' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('foreign' as const), at: fc.nat(), session: fc.nat(), message: fc.nat() }),
);

function edit(messages: ServerMessage[], edits: readonly MessageEdit[], sessions: ServerMessage[][]): ServerMessage[] {
  const out = [...messages];
  for (const e of edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    if (e.kind === 'mutate') out[at] = { ...out[at]!, data: applyMutations(out[at]!.data, e.mutations) };
    else if (e.kind === 'swap') [out[at], out[e.with % out.length]] = [out[e.with % out.length]!, out[at]!];
    else if (e.kind === 'foreign') {
      const session = sessions[e.session % sessions.length]!;
      if (session.length > 0) out.splice(at, 0, session[e.message % session.length]!);
    } else if (e.kind === 'drop') out.splice(at, 1);
    else out.splice(at, 0, out[at]!);
  }
  return out;
}

/** How each message is framed: cut into fragments, with a ping between some of them. */
const framingArb = fc.array(fc.record({ cuts: fc.array(fc.nat(), { maxLength: 2 }), ping: fc.option(fc.uint8Array({ maxLength: 8 }), { freq: 3 }) }), {
  minLength: 1,
  maxLength: 8,
});
const closeArb = fc.option(fc.record({ code: fc.constantFrom(1000, 1001, 1011, 3000, 4000, 4004, 4007, 4009, 4014), at: fc.nat() }), { freq: 3 });

function frameAll(messages: readonly ServerMessage[], framing: readonly { cuts: number[]; ping: Uint8Array | null }[], close: { code: number; at: number } | null): Uint8Array {
  const parts: Uint8Array[] = [];
  const closeAt = close ? close.at % (messages.length + 1) : -1;
  messages.forEach((message, i) => {
    if (i === closeAt) parts.push(frame({ opcode: OP.close, payload: closeBody(close!.code) }));
    const plan = framing[i % framing.length]!;
    const points = [...new Set(plan.cuts.map((c) => c % (message.data.length + 1)))].sort((a, b) => a - b);
    const bounds = [0, ...points, message.data.length];
    for (let f = 0; f < bounds.length - 1; f++) {
      const opcode = f === 0 ? (message.binary ? OP.binary : OP.text) : OP.cont;
      parts.push(frame({ opcode, fin: f === bounds.length - 2, payload: message.data.subarray(bounds[f], bounds[f + 1]) }));
      if (plan.ping && f < bounds.length - 2) parts.push(frame({ opcode: OP.ping, payload: plan.ping }));
    }
  });
  if (closeAt === messages.length) parts.push(frame({ opcode: OP.close, payload: closeBody(close!.code) }));
  return concat(parts);
}

/** Things that happen between two chunks: a timer fires, the stream ends, the application acts. */
const actionArb = fc.record({
  after: fc.nat(),
  kind: fc.constantFrom('timer', 'timer', 'timer', 'eof', 'transportClosed', 'close', 'send'),
  pick: fc.nat(),
});

const KINDS = TRAFFIC_KINDS.map((kind) => ({ kind, label: `${kind.encoding}, ${kind.compress ?? 'uncompressed'}` }));

describe.each(KINDS)('the whole connection fuzzed ($label)', ({ kind }) => {
  it('never throws, emits only well-formed effects and valid frames, stays live and bounded', { timeout: FUZZ_TIMEOUT }, async () => {
    const memory = new RetainedMemory(16 * 1024 * 1024);
    const window = kind.compress ? WINDOW[kind.compress]! : 0;
    const allocationBound = 3 * (LIMITS.maxMessageSize + LIMITS.maxInflatedSize + window) + 1024 * 1024;
    const seen = { dispatches: 0, errors: 0, closes: 0, states: new Set<string>() };
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(editArb, { maxLength: 3 }),
        framingArb,
        closeArb,
        mutationsArb(0, 3, 16),
        chunkingArb(12),
        fc.array(actionArb, { maxLength: 4 }),
        fc.record({ glue: fc.boolean(), runner: fc.constantFrom('actor' as const, 'reducer' as const), seed: fc.integer({ min: 1, max: 0x7fffffff }) }),
        (which, edits, framing, close, wireMutations, chunking, actions, run) => {
          const sessions = corpus.get(kind)!;
          const messages = edit(sessions[which % sessions.length]!, edits, sessions);
          const valid = sessions.slice(0, 3).map((s) => frameAll(s, framing, null));
          const wire = applyMutations(frameAll(messages, framing, close), wireMutations, valid);
          const pieces = chunk(wire, chunking, 256);
          const harness = new EngineHarness({ ...kind, limits: LIMITS, runner: run.runner, allocationBound }, run.seed);
          const started = performance.now();
          harness.start();
          pieces.forEach((piece, i) => {
            harness.feed(piece, run.glue);
            for (const action of actions) {
              if (action.after % pieces.length !== i) continue;
              if (action.kind === 'timer') harness.fireTimer(action.pick);
              else if (action.kind === 'eof') harness.endOfStream();
              else if (action.kind === 'transportClosed') harness.transportClosed();
              else if (action.kind === 'close') harness.userClose(action.pick % 2 === 0 ? 1000 : 4000);
              else harness.userSend();
            }
          });
          harness.finish();
          seen.dispatches += harness.counts.dispatches;
          seen.errors += harness.counts.errors;
          seen.closes += harness.counts.closes;
          for (const state of harness.statesSeen) seen.states.add(state);
          const took = performance.now() - started;
          if (took > 2000) throw new Error(`one run took ${took.toFixed(0)} ms`);
        },
      ),
      fuzzParams(0xe46e + TRAFFIC_KINDS.indexOf(kind), 60, 0.02),
    );
    await memory.check();
    // Not vacuous: the batch delivered dispatches, hit decoder errors and server closes, and
    // went through the life of a session.
    expect(seen.dispatches).toBeGreaterThan(0);
    expect(seen.errors).toBeGreaterThan(0);
    expect(seen.closes).toBeGreaterThan(0);
    expect([...seen.states]).toEqual(expect.arrayContaining(['connecting', 'connected.identifying', 'connected.ready', 'closing', 'backoff']));
  });
});
