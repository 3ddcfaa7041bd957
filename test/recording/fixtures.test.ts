/**
 * Every committed session fixture replays exactly: a fresh engine with the pure reducer runner,
 * fed the recorded inputs, emits the recorded outputs. Adding a file to test/fixtures/sessions
 * adds it here.
 */
import { describe, expect, it } from 'vitest';
import { replaySession } from '../../adapters/recording/node-files.js';
import { decodeInbound, FIXTURES_DIR, fixture, fixtureFiles } from './helpers.js';

/** What each fixture must show, so a re-recording that lost its point fails. */
const EXPECTED: Record<string, { finalState: string; connections: number; inputs?: string[]; outputs?: RegExp[] }> = {
  'normal.cassette': { finalState: 'closed', connections: 1, inputs: ['send'], outputs: [/"kind":"thrown".*PAYLOAD_TOO_LARGE/, /"op":3/] },
  'zombie-resume.cassette': { finalState: 'closed', connections: 2, outputs: [/zombie connection/, /"op":6/] },
  'op7-reconnect.cassette': { finalState: 'closed', connections: 2, outputs: [/op 7/, /"op":6/] },
  'op9-resumable.cassette': { finalState: 'closed', connections: 2, outputs: [/invalid session, resumable/, /"op":6/] },
  'op9-not-resumable.cassette': { finalState: 'closed', connections: 2, outputs: [/invalid session \(op 9\)/] },
  'close-4009.cassette': { finalState: 'closed', connections: 2, outputs: [/"op":2.*"op":2/] },
  'close-4004-fatal.cassette': { finalState: 'failed', connections: 1, outputs: [/session\.failed.*4004/] },
  'zlib-stream.cassette': { finalState: 'closed', connections: 1 },
  'zlib-split-messages.cassette': { finalState: 'closed', connections: 1 },
  'etf.cassette': { finalState: 'closed', connections: 1 },
};

describe('session fixtures', () => {
  it('are all there', () => {
    expect(fixtureFiles()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureFiles()) {
    it(`${name} replays exactly`, async () => {
      const report = await replaySession(`${FIXTURES_DIR}/${name}`);
      expect(report.ok).toBe(true);
      expect(report.complete).toBe(true);
      expect(report.replayed).toBe(report.steps);
      expect(report.stoppedAtGap).toBeNull();
      const expected = EXPECTED[name];
      if (!expected) return;
      expect(report.finalState).toBe(expected.finalState);
      const cassette = fixture(name);
      const opens = cassette.steps.flatMap((s) => s.outputs).filter((o) => o.kind === 'command' && o.command.type === 'socket.open');
      expect(opens).toHaveLength(expected.connections);
      for (const type of expected.inputs ?? []) expect(cassette.steps.some((s) => s.input.type === type)).toBe(true);
      const text = JSON.stringify(cassette.steps.flatMap((s) => s.outputs));
      for (const pattern of expected.outputs ?? []) expect(text).toMatch(pattern);
    });
  }

  it('zlib-split-messages holds gateway payloads spread over several WebSocket messages', () => {
    const cassette = fixture('zlib-split-messages');
    expect(cassette.header.compress).toBe('zlib-stream');
    const [connection] = decodeInbound(cassette);
    // HELLO, READY, 4 dispatches, an ACK: each spread over 2 or 3 messages.
    expect(connection!.payloads.length).toBeGreaterThanOrEqual(7);
    expect(connection!.messages.length).toBeGreaterThanOrEqual(2 * connection!.payloads.length);
  });

  it('inbound bytes are stored as they arrived: still compressed, still framed', () => {
    const cassette = fixture('zlib-stream');
    const [connection] = decodeInbound(cassette);
    expect(connection!.handshake).toMatch(/^HTTP\/1\.1 101 /);
    // Decoded by node:zlib from the stored bytes: the HELLO, READY and every dispatch.
    expect(connection!.payloads[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 100 } });
    expect(connection!.payloads.filter((p) => (p as { op: number }).op === 0)).toHaveLength(9);
  });

  it('etf holds binary ETF frames that a separate decoder reads', () => {
    const [connection] = decodeInbound(fixture('etf'));
    const ready = connection!.payloads.find((p) => (p as { t?: string }).t === 'READY') as { d: { session_id: string } };
    expect(typeof ready.d.session_id).toBe('string');
  });
});
