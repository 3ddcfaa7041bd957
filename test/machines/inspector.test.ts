/**
 * The machine in the Stately inspector: a custom `@statelyai/inspect` adapter records what the
 * inspector would show, and the real state, action and guard names are there.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createActor } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { gatewayMachine } from '../../machines/index.js';
import { GATEWAY_URL, IDENTIFY, RESUME_URL } from './drive.js';

describe('inspector', () => {
  it('shows the machine with its real state, action and guard names', async () => {
    const seen: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => seen.push(event) });
    const actor = createActor(gatewayMachine, { input: { url: GATEWAY_URL, seed: 3, identify: IDENTIFY }, inspect: inspector.inspect });
    actor.start();
    actor.send({ type: 'connect', now: 0 });
    actor.send({ type: 'socket.opened', now: 1 });
    actor.send({ type: 'gateway.hello', heartbeatInterval: 41_250, now: 2 });
    actor.send({ type: 'identify.granted', now: 3 });
    actor.send({ type: 'gateway.dispatch', payload: { op: 0, t: 'READY', s: 1, d: { session_id: 'i', resume_gateway_url: RESUME_URL } }, now: 4 });
    actor.stop();
    // The inspector forwards events on an idle callback, after the current task.
    await vi.waitFor(() => expect(seen.filter((event) => event.type === '@xstate.snapshot').length).toBeGreaterThanOrEqual(6));

    const registered = seen.find((event) => event.type === '@xstate.actor');
    expect(registered).toBeDefined();
    const definition = JSON.stringify(registered);
    for (const name of ['waitingForHello', 'choosingAuthentication', 'identifying', 'ready', 'backoff', 'failed', 'sendIdentify', 'startHeartbeating', 'canResume', 'isFatalClose']) {
      expect(definition).toContain(name);
    }
    const states = seen.filter((event) => event.type === '@xstate.snapshot').map((event) => JSON.stringify((event as unknown as { snapshot: { value: unknown } }).snapshot.value));
    expect(states).toContain('"connecting"');
    expect(states).toContain('{"connected":"identifying"}');
    expect(states.at(-1)).toBe('{"connected":"ready"}');
    const events = seen.filter((event) => event.type === '@xstate.event').map((event) => (event as { event: { type: string } }).event.type);
    expect(events).toEqual(expect.arrayContaining(['connect', 'socket.opened', 'gateway.hello', 'identify.granted', 'gateway.dispatch']));
  });
});
