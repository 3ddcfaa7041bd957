/**
 * One soak run: the fake gateway, the fault proxy in front of it, the client in a child process,
 * the dispatch driver, the fault injector and the memory sampler, wired together; returns every
 * figure the checks (`soak-checks.ts`) and the report need. It asserts nothing itself.
 */
import { type FakeSession, startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { ClientChild } from './client-child.js';
import { DeliveryCheck } from './delivery-check.js';
import { DispatchDriver } from './dispatch-driver.js';
import { FaultInjector, type InjectedFault } from './fault-injector.js';
import type { FaultKind } from './fault-plan.js';
import type { ChunkingPolicy } from './fault-pipe.js';
import { FaultProxy, type FaultProxyStats } from './fault-proxy.js';
import { Prng } from './prng.js';
import type { ChildSummary, ClientEvent, MemorySample, SoakClientConfig } from './soak-protocol.js';
import { type BackoffRecord, type StateFigures, StateTimeline } from './state-timeline.js';

/** A token shaped like a real one, valid for this fake gateway only. */
const SOAK_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.SoAk00.soak-token-for-the-fake-gateway-only';

/** Everything a soak run takes. */
export interface SoakOptions {
  /** The bundled client script (`bundleSoakClient()`). */
  readonly clientScript: string;
  readonly seed: number;
  /** MESSAGE_CREATE dispatches to stream. */
  readonly dispatches: number;
  readonly perSecond: number;
  readonly encoding: 'json' | 'etf';
  readonly compress: 'zlib-stream' | 'zstd-stream' | null;
  /** zlib-stream: spread each payload over 2-3 WebSocket messages. */
  readonly splitCompressedMessages: boolean;
  readonly heartbeatIntervalMs: number;
  readonly backoff: SoakClientConfig['backoff'];
  readonly timeouts: SoakClientConfig['timeouts'];
  /** The client's IDENTIFY window, and the (smaller) one the gateway enforces with op 9. */
  readonly identifyWindowMs: number;
  readonly gatewayIdentifyWindowMs: number;
  readonly faults: {
    readonly gapMs: readonly [number, number];
    readonly limits?: Partial<Record<FaultKind, number>>;
    readonly weights?: Partial<Record<FaultKind, number>>;
  };
  readonly chunking: ChunkingPolicy;
  /** One dispatch in this many is ~100 KB (0: never). */
  readonly largeEvery: number;
  readonly sampleEveryMs: number;
  /** Samples taken before this share of the dispatches was delivered are warm-up. */
  readonly warmupShare: number;
  /** Progress lines (the CLI prints them); default: none. */
  readonly progress?: (line: string) => void;
}

/** Everything one run measured. */
export interface SoakResult {
  readonly options: Omit<SoakOptions, 'progress' | 'clientScript'>;
  readonly wallMs: number;
  /** MESSAGE_CREATE dispatches made, and how many were large. */
  readonly streamed: number;
  readonly large: number;
  /** Dispatches the client delivered (READY and RESUMED included) and the sessions' total. */
  readonly delivered: number;
  readonly sessionDispatches: number;
  /** Dispatches the gateway recorded in a session after a fault had ended it (none could arrive). */
  readonly undeliverable: number;
  readonly deliveryProblems: readonly string[];
  readonly sessions: number;
  readonly connections: number;
  readonly identifies: number;
  readonly resumeAttempts: number;
  readonly resumed: number;
  /** Connections that sent RESUME without having connected to READY's `resume_gateway_url`. */
  readonly resumesOffResumeUrl: number;
  readonly faults: readonly InjectedFault[];
  readonly faultCounts: Readonly<Record<string, number>>;
  readonly skipped: Readonly<Record<string, number>>;
  readonly sessionEndingFaults: number;
  readonly unrecovered: number;
  readonly states: Readonly<Record<string, StateFigures>>;
  readonly backoffs: readonly BackoffRecord[];
  readonly maxReadySilenceMs: number;
  readonly maxOutageMs: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly closes: Readonly<Record<string, number>>;
  readonly memory: readonly MemorySample[];
  readonly child: ChildSummary;
  readonly proxy: FaultProxyStats;
  /** Whether the client caught up with the newest session at the end. */
  readonly caughtUp: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

function increment(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Runs one soak and returns its figures. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const rng = new Prng(options.seed);
  const gateway = await startFakeGateway({
    token: SOAK_TOKEN,
    heartbeatInterval: options.heartbeatIntervalMs,
    identifyWindowMs: options.gatewayIdentifyWindowMs,
    // Discord's 120 per 60 s assumes 41 s heartbeats; with sub-second ones the window scales down.
    rateLimit: { limit: 120, windowMs: 10_000 },
    splitCompressedMessages: options.splitCompressedMessages,
  });
  const sessions: FakeSession[] = [];
  let resumed = 0;
  gateway.on('ready', (_connection, session) => sessions.push(session));
  gateway.on('resumed', () => resumed++);
  const proxy = await FaultProxy.start(gateway.port, rng.fork(), options.chunking);
  const sessionEnds = new Map<FakeSession, number>();
  const delivery = new DeliveryCheck(sessions, sessionEnds);
  const timeline = new StateTimeline();
  const errors: Record<string, number> = {};
  const closes: Record<string, number> = {};
  const onEvents = (events: readonly ClientEvent[]) => {
    for (const event of events) {
      if (event[0] === 'd') delivery.take(event[1], event[2], event[3]);
      else {
        timeline.take(event);
        if (event[0] === 'e') increment(errors, event[2]);
        else if (event[0] === 'c') increment(closes, String(event[2]));
      }
    }
  };
  const config: SoakClientConfig = {
    gatewayUrl: gateway.url,
    proxyPort: proxy.port,
    token: SOAK_TOKEN,
    encoding: options.encoding,
    compress: options.compress,
    backoff: options.backoff,
    timeouts: options.timeouts,
    identifyWindowMs: options.identifyWindowMs,
    seed: options.seed,
    flushMs: 20,
  };
  let child: ClientChild | null = null;
  try {
    child = await ClientChild.start(options.clientScript, config, onEvents);
    const client = child;
    const injector = new FaultInjector(
      gateway,
      proxy,
      rng.fork(),
      { state: () => timeline.current, sessionIndex: () => delivery.sessionIndex },
      { gapMs: options.faults.gapMs, limits: options.faults.limits, weights: options.faults.weights, heartbeatIntervalMs: options.heartbeatIntervalMs, waitMs: 10_000, sessionEnds },
    );
    const driver = new DispatchDriver(gateway, sessions, rng.fork(), {
      total: options.dispatches,
      perSecond: options.perSecond,
      chunk: Math.max(50, Math.round(options.perSecond / 5)),
      largeEvery: options.largeEvery,
    });
    const memory: MemorySample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        memory.push(await client.sample());
        await sleep(options.sampleEveryMs);
      }
    })();
    const reporter = setInterval(() => {
      const last = memory.at(-1);
      progress(
        `${((performance.now() - started) / 1000).toFixed(0)} s: streamed ${driver.made}, delivered ${delivery.received}, ` +
          `faults ${injector.injected.length}, sessions ${sessions.length}, state ${timeline.current}` +
          (last ? `, child rss ${(last.rss / 2 ** 20).toFixed(1)} MiB heap ${(last.heapUsed / 2 ** 20).toFixed(1)} MiB` : ''),
      );
    }, 5000);
    injector.start();
    await driver.run();
    await injector.stop();
    const caughtUp = await until(() => delivery.caughtUp() && timeline.current === 'connected.ready', 60_000);
    sampling = false;
    await sampler;
    // The end figure is the median of three samples taken once everything has settled.
    for (let i = 0; i < 3; i++) {
      await sleep(200);
      memory.push(await client.sample());
    }
    clearInterval(reporter);
    const summary = await client.close();
    const deliveryProblems = delivery.finish();
    const faultCounts: Record<string, number> = {};
    for (const [kind, count] of injector.counts()) faultCounts[kind] = count;
    return {
      options: settingsOf(options),
      wallMs: performance.now() - started,
      streamed: driver.made,
      large: driver.large,
      delivered: delivery.received,
      sessionDispatches: sessions.reduce((sum, s) => sum + s.history.length, 0),
      undeliverable: delivery.undeliverable,
      deliveryProblems,
      sessions: sessions.length,
      connections: gateway.allConnections.length,
      identifies: gateway.received.filter((r) => r.op === 2).length,
      resumeAttempts: gateway.received.filter((r) => r.op === 6).length,
      resumed,
      resumesOffResumeUrl: gateway.allConnections.filter((c) => c.received.some((r) => r.op === 6) && !c.usedResumeUrl).length,
      faults: injector.injected,
      faultCounts,
      skipped: Object.fromEntries(injector.skipped),
      sessionEndingFaults: injector.sessionEnding(),
      unrecovered: injector.unrecovered,
      states: Object.fromEntries(timeline.states),
      backoffs: timeline.backoffs,
      maxReadySilenceMs: timeline.maxReadySilenceMs,
      maxOutageMs: timeline.maxOutageMs,
      errors,
      closes,
      memory,
      child: summary,
      proxy: { ...proxy.stats },
      caughtUp,
    };
  } finally {
    child?.kill();
    await proxy.close();
    await gateway.close();
  }
}

/** The options as data: without the script path and the progress callback. */
function settingsOf(options: SoakOptions): SoakResult['options'] {
  const { progress, clientScript, ...settings } = options;
  void progress;
  void clientScript;
  return settings;
}
