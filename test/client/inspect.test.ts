/**
 * The `inspect` option reaches the machine's actor (what the Stately inspector shows), and no
 * inspection event carries the token; the recorder hook wraps the engine options once and is
 * closed once.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineInput, GatewayCommand, GatewayEngineOptions } from '../../index.js';
import { cleanup, expectNoToken, harness, SECRET_TOKEN, startGateway, until, untilCaughtUp } from '../node/harness.js';

afterEach(cleanup);

describe('inspect', () => {
  it('passes the inspector to the machine; no inspection event contains the token', async () => {
    const seen: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => seen.push(event) });
    const gateway = await startGateway({ heartbeatInterval: 100 });
    const h = harness(gateway, { inspect: inspector.inspect });
    await h.client.connect();
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'inspected' });
    await untilCaughtUp(h);
    await gateway.sendReconnect();
    await until(() => h.events.some(([name]) => name === 'resumed'), 'RESUMED');
    await h.client.close();
    await vi.waitFor(() => expect(seen.some((e) => e.type === '@xstate.snapshot' && JSON.stringify(e).includes('"closed"'))).toBe(true));

    expect(seen.find((e) => e.type === '@xstate.actor')).toBeDefined();
    const events = seen.filter((e) => e.type === '@xstate.event').map((e) => (e as { event: { type: string } }).event.type);
    expect(events).toEqual(expect.arrayContaining(['connect', 'socket.opened', 'gateway.hello', 'identify.granted', 'gateway.dispatch', 'gateway.reconnect', 'user.close']));
    const states = seen.filter((e) => e.type === '@xstate.snapshot').map((e) => JSON.stringify((e as unknown as { snapshot: { value: unknown } }).snapshot.value));
    expect(states).toEqual(expect.arrayContaining(['{"connected":"ready"}', '{"connected":"resuming"}', '"closed"']));
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(SECRET_TOKEN);
    expect(everything).not.toContain(SECRET_TOKEN.split('.')[2]);
    expectNoToken(h);
  });
});

describe('recorder', () => {
  it('wraps the engine options once before the engine exists, and is closed once when the client closes', async () => {
    const inputs: EngineInput[] = [];
    const commands: GatewayCommand[] = [];
    const wrapped: GatewayEngineOptions[] = [];
    const close = vi.fn(async () => {});
    const recorder = {
      wrap(options: GatewayEngineOptions): GatewayEngineOptions {
        wrapped.push(options);
        return { ...options, observer: { input: (input) => inputs.push(input), command: (command) => commands.push(command) } };
      },
      close,
    };
    const gateway = await startGateway();
    const h = harness(gateway, { recorder });
    expect(wrapped).toHaveLength(1);
    expect(wrapped[0]).toMatchObject({ url: gateway.url, identifyGate: false, framing: 'engine', identify: { intents: 513 } });
    await h.client.connect();
    expect(inputs.map((i) => i.type).slice(0, 2)).toEqual(['connect', 'transport.connected']);
    expect(commands.some((c) => c.type === 'send.payload' && c.auth === 'identify')).toBe(true);
    expect(close).not.toHaveBeenCalled();
    await Promise.all([h.client.close(), h.client.close()]);
    expect(close).toHaveBeenCalledTimes(1);
    expect(inputs.at(-1)?.type).not.toBe('connect');
    expect(JSON.stringify({ inputs, commands }, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v))).not.toContain(SECRET_TOKEN);
  });

  it('is closed once when the session fails for good', async () => {
    const close = vi.fn();
    const gateway = await startGateway({ token: 'another-token' });
    const h = harness(gateway, { recorder: { wrap: (o) => o, close } });
    await expect(h.client.connect()).rejects.toMatchObject({ closeCode: 4004 });
    await until(() => close.mock.calls.length === 1, 'the recorder to close');
    await h.client.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
