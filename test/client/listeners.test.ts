/**
 * Application listeners: a throwing listener is reported as a ListenerError and changes nothing
 * else; off() and once() work for every event, including typed dispatch events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ListenerError, TypedEmitter } from '../../adapters/client/index.js';
import { cleanup, harness, startGateway, until, untilCaughtUp } from '../node/harness.js';

afterEach(cleanup);

describe('listeners', () => {
  it('a listener that throws is reported as LISTENER_THREW; later listeners and the session go on', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    const after: number[] = [];
    h.client.on('dispatch:MESSAGE_CREATE', () => {
      throw new Error('application bug');
    });
    h.client.on('dispatch:MESSAGE_CREATE', (message) => after.push(message.s));
    await h.client.connect();
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'a' });
    gateway.dispatch('MESSAGE_CREATE', { id: '2', channel_id: '2', content: 'b' });
    await untilCaughtUp(h);
    expect(after).toEqual([2, 3]);
    const reported = h.errors.filter((e) => e instanceof ListenerError);
    expect(reported).toHaveLength(2);
    expect(reported[0]).toMatchObject({ code: 'LISTENER_THREW', event: 'dispatch:MESSAGE_CREATE' });
    expect((reported[0]!.cause as Error).message).toBe('application bug');
    expect(h.client.state).toBe('connected.ready');
  });

  it('an error listener that throws is logged, not looped', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    h.client.on('ready', () => {
      throw new Error('in ready');
    });
    h.client.on('error', () => {
      throw new Error('in error');
    });
    await h.client.connect();
    await until(() => h.logs.some((l) => l.level === 'error' && l.message === 'an error listener threw'), 'the log line');
    expect(h.client.state).toBe('connected.ready');
  });

  it('off() removes, once() fires once and can be removed before it fires', async () => {
    const gateway = await startGateway();
    const h = harness(gateway);
    const calls: string[] = [];
    const on = () => calls.push('on');
    const once = () => calls.push('once');
    const removedOnce = () => calls.push('removed-once');
    h.client.on('dispatch', on).once('dispatch', once).once('dispatch', removedOnce).off('dispatch', removedOnce);
    await h.client.connect();
    h.client.off('dispatch', on);
    gateway.dispatch('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'a' });
    await untilCaughtUp(h);
    expect(calls).toEqual(['on', 'once']);
  });

  it('TypedEmitter: listeners added during emit wait for the next emit', () => {
    const emitter = new TypedEmitter<{ tick: [number] }>(() => {});
    const seen: string[] = [];
    emitter.on('tick', (n) => {
      seen.push(`a${n}`);
      emitter.on('tick', (m) => seen.push(`b${m}`));
    });
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(seen).toEqual(['a1', 'a2', 'b2']);
    expect(emitter.has('tick')).toBe(true);
  });
});
