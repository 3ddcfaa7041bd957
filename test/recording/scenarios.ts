/**
 * The fake-gateway sessions recorded as fixtures (`scripts/fixtures/record-sessions.ts`) and by
 * the live recording tests: each drives a real GatewayEngine over loopback TCP with a recorder.
 */
import type { FakeGateway, FakeGatewayOptions } from '../../adapters/fake-gateway/index.js';
import type { EngineDriver } from '../../adapters/recording/drive-engine.js';
import type { CassetteSink } from '../../adapters/recording/sink.js';
import type { EngineEffect } from '../../adapters/sans-io/effects.js';
import type { GatewayEngineOptions } from '../../adapters/sans-io/gateway-engine.js';
import { recordSession } from '../helpers/record-session.js';

/** What a scenario can use while it runs. */
export interface ScenarioSession {
  readonly gateway: FakeGateway;
  readonly driver: EngineDriver;
  /** How often the machine reached `connected.ready`, dispatches delivered, heartbeats acknowledged. */
  readonly counts: { ready: number; dispatches: number; acks: number; opens: number };
  /** Resolves once `check()` holds after an engine call. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
}

/** One recorded session. */
export interface SessionScenario {
  /** The fixture's file name without `.cassette`. */
  readonly name: string;
  readonly description: string;
  readonly gateway?: FakeGatewayOptions;
  readonly encoding?: 'json' | 'etf';
  readonly compress?: 'zlib-stream' | null;
  /** Runs once the session is ready; afterwards the harness closes with 1000 unless the machine stopped. */
  run(session: ScenarioSession): Promise<void>;
}

/** What recording a scenario produced. */
export interface RecordedScenario {
  readonly finalState: string;
  readonly steps: number;
  readonly bytes: number;
  readonly counts: ScenarioSession['counts'];
}

const IDENTIFY = { intents: 513, properties: { os: 'linux', browser: 'sansio-discord-gateway', device: 'sansio-discord-gateway' } };
/** Small intervals keep the fixtures small and quick to record. */
const HEARTBEAT_MS = 100;
/**
 * Short backoff, and a rate-limit window short enough that a 100 ms heartbeat does not reserve
 * every slot (the machine keeps `window / interval + 2` slots for heartbeats).
 */
const POLICIES: GatewayEngineOptions['policies'] = { backoff: { baseMs: 20, capMs: 100 }, rateLimit: { windowMs: 5000 } };

const message = (i: number, content = `message ${i}`) => ({
  id: String(1300000000000000000n + BigInt(i)),
  channel_id: '1100000000000000011',
  guild_id: '1100000000000000010',
  content,
  author: { id: '1100000000000000012', username: 'someone', bot: false },
});

/** Sends `count` MESSAGE_CREATEs and waits until the client delivered them. */
async function dispatchMessages(session: ScenarioSession, count: number, content?: (i: number) => string): Promise<void> {
  const target = session.counts.dispatches + count;
  for (let i = 0; i < count; i++) session.gateway.dispatch('MESSAGE_CREATE', message(i, content?.(i)));
  await session.until(() => session.counts.dispatches >= target);
}

async function acks(session: ScenarioSession, more: number): Promise<void> {
  const target = session.counts.acks + more;
  await session.until(() => session.counts.acks >= target);
}

/** Every fixture scenario. */
export const SCENARIOS: readonly SessionScenario[] = [
  {
    name: 'normal',
    description: 'IDENTIFY, READY, dispatches, heartbeats with ACKs, a presence update, one refused oversized send, close 1000',
    async run(session) {
      await dispatchMessages(session, 3);
      await acks(session, 2);
      session.driver.call((e) => e.send({ op: 3, d: { since: null, activities: [], status: 'idle', afk: false } }));
      try {
        session.driver.call((e) => e.send({ op: 3, d: { since: null, activities: [{ name: 'x'.repeat(4100), type: 0 }], status: 'online', afk: false } }));
      } catch {
        // PayloadTooLargeError: recorded as the step's thrown output.
      }
      await acks(session, 1);
    },
  },
  {
    name: 'zombie-resume',
    description: 'the server stops acknowledging heartbeats: zombie close, reconnect to the resume URL, RESUME, RESUMED',
    async run(session) {
      await acks(session, 1);
      await dispatchMessages(session, 2);
      session.gateway.dropAcks();
      await session.until(() => session.counts.ready >= 2);
      await dispatchMessages(session, 1);
      await acks(session, 1);
    },
  },
  {
    name: 'op7-reconnect',
    description: 'op 7 RECONNECT: close, reconnect to the resume URL, RESUME, replayed dispatch, RESUMED',
    async run(session) {
      await dispatchMessages(session, 2);
      await session.gateway.sendReconnect();
      await session.until(() => session.counts.ready >= 2);
      await dispatchMessages(session, 1);
    },
  },
  {
    name: 'op9-resumable',
    description: 'op 9 INVALID_SESSION d=true: close, reconnect, RESUME',
    async run(session) {
      await dispatchMessages(session, 2);
      await session.gateway.invalidateSession(true);
      await session.until(() => session.counts.ready >= 2);
      await dispatchMessages(session, 1);
    },
  },
  {
    name: 'op9-not-resumable',
    description: 'op 9 INVALID_SESSION d=false: close, wait 1-5 s, new session with IDENTIFY',
    async run(session) {
      await dispatchMessages(session, 2);
      await session.gateway.invalidateSession(false);
      await session.until(() => session.counts.ready >= 2, 15_000);
      await dispatchMessages(session, 1);
    },
  },
  {
    name: 'close-4009',
    description: 'the server closes with 4009 (session timed out): reconnect with a new IDENTIFY',
    async run(session) {
      await dispatchMessages(session, 2);
      void session.gateway.closeWith(4009);
      await session.until(() => session.counts.ready >= 2);
      await dispatchMessages(session, 1);
    },
  },
  {
    name: 'close-4004-fatal',
    description: 'the server closes with 4004 (authentication failed): the machine stops for good',
    async run(session) {
      await dispatchMessages(session, 1);
      void session.gateway.closeWith(4004);
      await session.driver.finished;
    },
  },
  {
    name: 'zlib-stream',
    description: 'zlib-stream transport compression: one inflate context per connection, dispatches and heartbeats',
    compress: 'zlib-stream',
    async run(session) {
      await dispatchMessages(session, 5);
      await acks(session, 2);
      await dispatchMessages(session, 3);
    },
  },
  {
    name: 'zlib-split-messages',
    description: 'zlib-stream with every payload spread over 2 or 3 WebSocket messages',
    compress: 'zlib-stream',
    gateway: { splitCompressedMessages: true },
    async run(session) {
      await dispatchMessages(session, 4, (i) => `a longer message ${i} `.repeat(40));
      await acks(session, 1);
    },
  },
  {
    name: 'etf',
    description: 'encoding=etf: binary frames, snowflakes as big integers, heartbeats',
    encoding: 'etf',
    async run(session) {
      await dispatchMessages(session, 3);
      await acks(session, 2);
    },
  },
];

/** Records `scenario` against a fresh fake gateway into `sink`. */
export async function recordScenario(
  scenario: SessionScenario,
  sink: CassetteSink,
  options: { secrets?: string[]; startedAt?: number } = {},
): Promise<RecordedScenario> {
  const counts = { ready: 0, dispatches: 0, acks: 0, opens: 0 };
  const onEffect = (effect: EngineEffect) => {
    if (effect.type === 'state' && effect.to === 'connected.ready') counts.ready++;
    else if (effect.type === 'dispatch') counts.dispatches++;
    else if (effect.type === 'heartbeat') counts.acks++;
    else if (effect.type === 'transport.open') counts.opens++;
  };
  const recorded = await recordSession(
    {
      sink,
      label: scenario.name,
      ...options,
      gateway: { heartbeatInterval: HEARTBEAT_MS, ...scenario.gateway },
      engine: { identify: IDENTIFY, encoding: scenario.encoding ?? 'json', compress: scenario.compress ?? null, policies: POLICIES },
      onEffect,
    },
    ({ gateway, driver }) => scenario.run({ gateway, driver, counts, until: (check, timeoutMs) => driver.until(() => check(), timeoutMs) }),
  );
  return { ...recorded, counts };
}
