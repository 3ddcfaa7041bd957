/**
 * The soak's judges judged: a delivery check, a state timeline and a verdict that never fail would
 * pass any client. Each is fed a healthy story, then the same story with one thing broken.
 */
import { describe, expect, it } from 'vitest';
import type { FakeSession } from '../../adapters/fake-gateway/index.js';
import { DeliveryCheck } from './delivery-check.js';
import type { SoakResult } from './run-soak.js';
import { soakProblems } from './soak-checks.js';
import { SHORT_SOAK } from './soak-settings.js';
import { digestOf } from './soak-protocol.js';
import { StateTimeline } from './state-timeline.js';

/** A stand-in session: only `history` is read. */
function session(names: string[]): FakeSession {
  return { history: names.map((t, i) => ({ s: i + 1, t, d: { n: i }, at: 0 })) } as unknown as FakeSession;
}

type Delivery = Array<[number, string, number?]>;

function deliver(sessions: FakeSession[], items: Delivery, ends = new Map<FakeSession, number>()): DeliveryCheck {
  const check = new DeliveryCheck(sessions, ends);
  for (const [s, t, n] of items) check.take(s, t, digestOf(JSON.stringify({ n: n ?? s - 1 })));
  check.finish();
  return check;
}

describe('DeliveryCheck', () => {
  const one = session(['READY', 'MESSAGE_CREATE', 'MESSAGE_CREATE', 'RESUMED', 'MESSAGE_CREATE']);
  const two = session(['READY', 'MESSAGE_CREATE']);
  const healthy: Delivery = [
    [1, 'READY'],
    [2, 'MESSAGE_CREATE'],
    [3, 'MESSAGE_CREATE'],
    [4, 'RESUMED'],
    [5, 'MESSAGE_CREATE'],
    [1, 'READY'],
    [2, 'MESSAGE_CREATE'],
  ];

  it('passes two sessions delivered back to back', () => {
    expect(deliver([one, two], healthy).problems).toEqual([]);
  });

  it.each([
    ['a duplicate', [...healthy.slice(0, 3), [3, 'MESSAGE_CREATE'], ...healthy.slice(3)]],
    ['a gap', [...healthy.slice(0, 2), ...healthy.slice(3)]],
    ['two swapped', [healthy[0]!, healthy[2]!, healthy[1]!, ...healthy.slice(3)]],
    ['changed data', [healthy[0]!, [2, 'MESSAGE_CREATE', 99], ...healthy.slice(2)]],
    ['a session left early', [...healthy.slice(0, 4), ...healthy.slice(5)]],
    ['a missing tail', healthy.slice(0, -1)],
  ] as Array<[string, Delivery]>)('catches %s', (_name, items) => {
    expect(deliver([one, two], items).problems).not.toEqual([]);
  });

  it('accepts a session cut after the sequence its ending fault saw, and counts the rest', () => {
    const check = deliver([one, two], [...healthy.slice(0, 3), ...healthy.slice(5)], new Map([[one, 3]]));
    expect(check.problems).toEqual([]);
    expect(check.undeliverable).toBe(2);
    expect(deliver([one, two], [...healthy.slice(0, 2), ...healthy.slice(5)], new Map([[one, 3]])).problems).not.toEqual([]);
  });
});

describe('StateTimeline', () => {
  it('measures each stay, backoffs with their logged delay, ready silences and outages', () => {
    const timeline = new StateTimeline();
    const events = [
      ['s', 1000, 'idle', 'connecting'],
      ['s', 1010, 'connecting', 'connected.waitingForHello'],
      ['s', 1020, 'connected.waitingForHello', 'connected.ready'],
      ['h', 1400],
      ['h', 1900],
      ['b', 2500, 120, true, 1],
      ['s', 2500, 'connected.ready', 'backoff'],
      ['s', 2630, 'backoff', 'connecting'],
      ['s', 2640, 'connecting', 'connected.ready'],
    ] as const;
    for (const event of events) timeline.take(event);
    expect(timeline.states.get('connected.ready')).toEqual({ count: 1, totalMs: 1480, maxMs: 1480 });
    expect(timeline.backoffs).toEqual([{ at: 2500, delayMs: 120, resume: true, attempt: 1, observedMs: 130 }]);
    expect(timeline.maxReadySilenceMs).toBe(600);
    expect(timeline.maxOutageMs).toBe(140);
  });
});

describe('soakProblems', () => {
  const options = SHORT_SOAK.options;
  const healthy: SoakResult = {
    options,
    wallMs: 1000,
    streamed: options.dispatches,
    large: 0,
    delivered: options.dispatches + 3,
    sessionDispatches: options.dispatches + 3,
    undeliverable: 0,
    deliveryProblems: [],
    sessions: 2,
    connections: 3,
    identifies: 2,
    resumeAttempts: 1,
    resumed: 1,
    resumesOffResumeUrl: 0,
    faults: [
      { kind: 'tcp.kill.rst', at: 100 },
      { kind: 'gw.op9.new-session', at: 500 },
    ],
    faultCounts: { 'tcp.kill.rst': 1, 'gw.op9.new-session': 1 },
    skipped: {},
    sessionEndingFaults: 1,
    unrecovered: 0,
    states: { connecting: { count: 3, totalMs: 30, maxMs: 12 }, closing: { count: 1, totalMs: 40, maxMs: 40 } },
    backoffs: [
      { at: 150, delayMs: 40, resume: true, attempt: 1, observedMs: 41 },
      { at: 600, delayMs: 2500, resume: false, attempt: 1, observedMs: 2501 },
    ],
    maxReadySilenceMs: 900,
    maxOutageMs: 2600,
    errors: { TRANSPORT_LOST: 1 },
    closes: {},
    memory: Array.from({ length: 10 }, (_, i) => ({
      at: i,
      delivered: i * 1000,
      rss: 60 * 2 ** 20,
      heapUsed: 9 * 2 ** 20,
      heapTotal: 20 * 2 ** 20,
      external: 0,
      arrayBuffers: 0,
      gc: true,
    })),
    child: { delivered: options.dispatches + 3, iterated: options.dispatches + 3, iteratorMismatches: 0, maxRss: 61 * 2 ** 20 },
    proxy: { accepted: 3, killedConnections: 1, chunks: 1, bytes: 1, cutChunks: 0, pieces: 1, headerCuts: 0, delayedPieces: 0 },
    caughtUp: true,
  };
  const bounds = { ...SHORT_SOAK.bounds, minFaults: 2 };

  it('passes a healthy run', () => {
    expect(soakProblems(healthy, bounds)).toEqual([]);
  });

  it.each([
    ['an IDENTIFY too many', { identifies: 3, sessions: 3 }],
    ['a RESUME off the resume URL', { resumesOffResumeUrl: 1 }],
    ['a backoff over its ceiling', { backoffs: [{ ...healthy.backoffs[0]!, delayMs: 51 }, healthy.backoffs[1]!] }],
    ['a short wait after op 9 d=false', { backoffs: [healthy.backoffs[0]!, { ...healthy.backoffs[1]!, delayMs: 200, observedMs: 201 }] }],
    ['a state past its timeout', { states: { closing: { count: 1, totalMs: 2000, maxMs: 2000 } } }],
    ['an unknown state', { states: { limbo: { count: 1, totalMs: 1, maxMs: 1 } } }],
    ['a late zombie detection', { maxReadySilenceMs: 2000 }],
    ['an unexpected error', { errors: { WS_INVALID_HEADER: 1 } }],
    ['a lost dispatch', { delivered: options.dispatches + 2 }],
    ['the iterator out of step', { child: { ...healthy.child, iteratorMismatches: 1 } }],
    [
      'a growing heap',
      { memory: healthy.memory.map((m, i) => ({ ...m, heapUsed: m.heapUsed + i * 4 * 2 ** 20 })) },
    ],
  ] as Array<[string, Partial<SoakResult>]>)('fails a run with %s', (_name, change) => {
    expect(soakProblems({ ...healthy, ...change }, bounds)).not.toEqual([]);
  });
});
