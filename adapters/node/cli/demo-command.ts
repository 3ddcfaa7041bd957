/**
 * `discord-gateway demo` (what `npm start` runs): a client against the embedded fake gateway,
 * shown live. It streams dispatches, forces an op 7 RECONNECT and a zombie connection (no ACKs),
 * shows each RESUME, checks that every dispatch arrived exactly once and in order, closes with
 * 1000 and prints a summary. With DISCORD_TOKEN set it connects to the real gateway instead.
 */
import { DiscordGatewayError } from '../../../codec/errors.js';
import { startFakeGateway } from '../../fake-gateway/index.js';
import type { GatewayClient } from '../../client/gateway-client.js';
import { createGatewayClient } from '../create-gateway-client.js';
import { integer, parseArgs, UsageError } from './args.js';
import type { CommandIO } from './io.js';
import { LiveView } from './live-view.js';

/** The usage line of `demo`. */
export const DEMO_USAGE = 'usage: discord-gateway demo [--dispatches N] [--seconds N (real gateway only)]';

/** What the demo saw; printed as the summary. */
interface Tally {
  dispatches: number;
  sequences: number[];
  identifies: number;
  resumes: number;
  reconnects: number;
  latencies: number[];
  states: number;
}

/** Runs the demo; resolves with the exit code (0 when every check passed). */
export async function demoCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args, { values: ['dispatches', 'seconds'], flags: [] });
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
  const token = io.env.DISCORD_TOKEN;
  if (token) return realGateway(token, integer('seconds', parsed.values.get('seconds')) ?? 30, io);
  return fakeGateway(integer('dispatches', parsed.values.get('dispatches')) ?? 6000, io);
}

async function fakeGateway(total: number, io: CommandIO): Promise<number> {
  const view = new LiveView(io.stdout);
  const started = performance.now();
  const gateway = await startFakeGateway({ heartbeatInterval: 1000, identifyWindowMs: 0 });
  view.event(`fake gateway listening on ${gateway.url} (heartbeat every 1 s)`);
  const client = createGatewayClient({
    token: gateway.token,
    intents: 513,
    url: gateway.url,
    compress: 'zlib-stream',
    policies: { backoff: { baseMs: 250, capMs: 2000 } },
  });
  const tally = watch(client, view, io.signal);
  try {
    await client.connect();
    const session = [...gateway.sessions.values()][0]!;
    const perSecond = Math.max(500, Math.round(total / 6));
    view.event(`streaming ${total} MESSAGE_CREATE dispatches at ${perSecond}/s over zlib-stream`);
    const streaming = session.stream({ count: total, perSecond });
    await phase(tally, Math.floor(total / 3), view, 'forcing op 7 RECONNECT: the client must RESUME on the resume URL', () => gateway.sendReconnect());
    await phase(tally, Math.floor((2 * total) / 3), view, 'forcing a zombie connection: the gateway stops acknowledging heartbeats', () => gateway.dropAcks(true));
    await streaming;
    // Done when the client has seen the session's last dispatch (replays and RESUMED included).
    await until(() => tally.sequences.at(-1) === session.history.at(-1)?.s || io.signal.aborted, 30_000, 'the last dispatch to arrive');
    view.event('closing with 1000 (the session ends)');
    await client.close(1000);
    const expected = session.history.map((record) => record.s);
    return summary(tally, expected, performance.now() - started, view);
  } catch (error) {
    view.end();
    io.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await client.close(1000).catch(() => {});
    return 1;
  } finally {
    await gateway.close();
  }
}

/** Waits until the client has seen `at` dispatches, then does `act`. */
async function phase(tally: Tally, at: number, view: LiveView, what: string, act: () => unknown): Promise<void> {
  await until(() => tally.dispatches >= at, 30_000, `dispatch ${at} to arrive`);
  view.event(what);
  await act();
}

async function realGateway(token: string, seconds: number, io: CommandIO): Promise<number> {
  const view = new LiveView(io.stdout);
  const started = performance.now();
  view.event(`DISCORD_TOKEN is set: connecting to the real gateway for ${seconds} s (Ctrl-C stops earlier)`);
  const client = createGatewayClient({ token, intents: 513, compress: 'zlib-stream' });
  const tally = watch(client, view, io.signal);
  try {
    await client.connect();
    await sleep(seconds * 1000, io.signal); // the run's length, or Ctrl-C: either ends it normally
    view.event('closing with 1000');
    await client.close(1000);
    return summary(tally, null, performance.now() - started, view);
  } catch (error) {
    view.end();
    io.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await client.close(1000).catch(() => {});
    return 1;
  }
}

/** Subscribes the live view to a client's events and counts what happens. */
function watch(client: GatewayClient, view: LiveView, signal: AbortSignal): Tally {
  const tally: Tally = { dispatches: 0, sequences: [], identifies: 0, resumes: 0, reconnects: 0, latencies: [], states: 0 };
  let windowStart = performance.now();
  let windowCount = 0;
  let rate = 0;
  const refresh = () => {
    const now = performance.now();
    if (now - windowStart >= 500) {
      rate = (windowCount * 1000) / (now - windowStart);
      windowStart = now;
      windowCount = 0;
    }
    const latency = tally.latencies.at(-1);
    view.status(
      `  ${client.state.padEnd(26)} ${String(tally.dispatches).padStart(7)} dispatches  ${String(Math.round(rate)).padStart(6)}/s  seq ${client.sequence ?? '-'}  latency ${latency === undefined ? '-' : `${latency.toFixed(1)} ms`}`,
      now,
    );
  };
  client.on('state', ({ from, to }) => {
    tally.states++;
    if (to === 'connected.identifying') tally.identifies++;
    if (to === 'connected.resuming') tally.resumes++;
    if (to === 'backoff') tally.reconnects++;
    view.event(`state  ${from || 'start'} -> ${to}`);
  });
  client.on('ready', () => view.event('READY: a new session'));
  client.on('resumed', () => view.event('RESUMED: missed dispatches were replayed'));
  client.on('heartbeat', ({ latencyMs }) => {
    tally.latencies.push(latencyMs);
    refresh();
  });
  client.on('close', ({ code, reason }) => view.event(`closed ${code ?? '(no close frame)'}${reason ? `: ${reason}` : ''}`));
  client.on('error', (error) => view.event(`error  ${error.code}: ${error.message}`));
  client.on('dispatch', (payload) => {
    tally.dispatches++;
    windowCount++;
    if (typeof payload.s === 'number') tally.sequences.push(payload.s);
    if (tally.dispatches % 97 === 0) refresh();
  });
  const ticker = setInterval(refresh, 250);
  ticker.unref();
  signal.addEventListener('abort', () => clearInterval(ticker), { once: true });
  client.on('state', ({ to }) => {
    if (to === 'closed' || to === 'failed') clearInterval(ticker);
  });
  return tally;
}

/** Prints the summary; 0 when every dispatch arrived exactly once and in order. */
function summary(tally: Tally, expected: number[] | null, elapsedMs: number, view: LiveView): number {
  view.end();
  const latencies = [...tally.latencies].sort((a, b) => a - b);
  const median = latencies.length ? latencies[Math.floor(latencies.length / 2)]!.toFixed(1) : '-';
  const exact = expected === null ? null : tally.sequences.length === expected.length && tally.sequences.every((s, i) => s === expected[i]);
  const lines = [
    '',
    'Summary',
    `  duration            ${(elapsedMs / 1000).toFixed(1)} s`,
    `  dispatches received ${tally.dispatches}${expected ? ` of ${expected.length} sent` : ''}`,
    `  sessions            ${tally.identifies} IDENTIFY, ${tally.resumes} RESUME, ${tally.reconnects} reconnects`,
    `  heartbeat latency   median ${median} ms over ${latencies.length} ACKs`,
  ];
  if (exact !== null) lines.push(`  every dispatch once, in order: ${exact ? 'yes' : 'NO'}`);
  for (const line of lines) view.event(line);
  return exact === false ? 1 : 0;
}

/** A step of the demo did not happen in time: the client is stuck, or the machine far too busy. */
class DemoTimeoutError extends DiscordGatewayError {
  constructor(awaited: string, timeoutMs: number) {
    super('DEMO_TIMEOUT', `waited ${timeoutMs} ms for ${awaited}; the client may be stuck (run again, or with fewer --dispatches on a busy machine)`);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    if (signal.aborted) done();
    else signal.addEventListener('abort', done);
  });
}

async function until(done: () => boolean, timeoutMs: number, awaited: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new DemoTimeoutError(awaited, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
