/**
 * The machine's timers on `setTimeout`: fire by name, re-arm replaces, clear and clearAll stop
 * them; none but `reconnect` keeps the process alive (in backoff there is no socket to do it).
 */
import { describe, expect, it } from 'vitest';
import { TimerRunner } from '../../adapters/client/index.js';
import type { TimerName } from '../../index.js';

const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TimerRunner', () => {
  it('fires by name; re-arming replaces, clear and clearAll cancel', async () => {
    const fired: TimerName[] = [];
    const timers = new TimerRunner((name) => fired.push(name));
    timers.set('heartbeat', 10);
    timers.set('heartbeat', 30);
    timers.set('hello', 10);
    timers.set('ready', 10);
    timers.clear('ready');
    timers.clear('close');
    expect(timers.armed.sort()).toEqual(['heartbeat', 'hello']);
    await sleep(20);
    expect(fired).toEqual(['hello']);
    await sleep(25);
    expect(fired).toEqual(['hello', 'heartbeat']);
    expect(timers.armed).toEqual([]);
    timers.set('connect', 5);
    timers.set('rateLimit', 5);
    timers.clearAll();
    await sleep(15);
    expect(fired).toEqual(['hello', 'heartbeat']);
  });

  it('holds the process open only for the reconnect timer', () => {
    const timers = new TimerRunner(() => {});
    const before = liveTimers();
    for (const name of ['connect', 'hello', 'heartbeat', 'ready', 'close', 'rateLimit'] as const) timers.set(name, 60_000);
    expect(liveTimers()).toBe(before);
    timers.set('reconnect', 60_000);
    expect(liveTimers()).toBe(before + 1);
    timers.clearAll();
    expect(liveTimers()).toBe(before);
  });
});
