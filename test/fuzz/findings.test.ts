/**
 * What the fuzzers found, as small deterministic tests. Each `it.fails` names a library bug the
 * lead must fix (the suite stays green and the bug stays visible); flip it to `it` with the fix.
 * Other findings live where they were found (all fixed): engine-etf-inflate-bound in bombs.test.ts, and
 * engine-close-lost-after-payload-failure / seed-no-close-after-payload-failure (fixed) in the
 * conformance table (test/conformance).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import { openWebSocket } from '../helpers/engine-wire.js';
import { closeBody, frame, OP } from '../helpers/ws-wire.js';

/** An engine whose server just closed with 4004 (authentication failed): the machine is `failed`. */
function failedEngine(runner: 'actor' | 'reducer'): GatewayEngine {
  const engine = new GatewayEngine({ url: 'ws://127.0.0.1:9/', runner, seed: 1, now: () => 0 });
  openWebSocket(engine);
  engine.receive(frame({ opcode: OP.close, payload: closeBody(4004) }));
  engine.takeEffects();
  expect(engine.state).toBe('failed');
  return engine;
}

describe('send() after a fatal close', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the reducer runner answers with send.failed', () => {
    const engine = failedEngine('reducer');
    const id = engine.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
    expect(engine.takeEffects()).toMatchObject([{ type: 'send.failed', id, error: { code: 'SEND_NOT_READY' } }]);
  });

  it('the actor runner (the default) answers with send.failed too, and logs nothing (was BUG engine-send-after-failed)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const engine = failedEngine('actor');
    const id = engine.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
    engine.close(1000);
    engine.transportClosed('gone');
    // Before the fix: no effect at all (a promise awaiting this send never settled), and XState
    // printed 'Event "user.send" was sent to stopped actor' for every input after the final state.
    expect(engine.takeEffects()).toMatchObject([{ type: 'send.failed', id }]);
    expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
  });
});
