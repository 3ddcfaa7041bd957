/**
 * The same machine as an actor (createActor) and as a reducer (transition) gives the same
 * commands; its snapshot is plain JSON and a persisted snapshot RESUMEs on its next connection.
 */
import { createActor, initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { commandsOf, gatewayMachine, type GatewayCommand, type GatewayEvent, type GatewayInput } from '../../machines/index.js';
import { GATEWAY_URL, IDENTIFY, RESUME_URL } from './drive.js';

const input: GatewayInput = { url: GATEWAY_URL, seed: 1234, identify: IDENTIFY };

/** A whole session: connect, HELLO, IDENTIFY, READY, dispatches, a heartbeat round trip. */
const SESSION: GatewayEvent[] = [
  { type: 'connect', now: 0 },
  { type: 'socket.opened', now: 5 },
  { type: 'gateway.hello', heartbeatInterval: 41_250, now: 6 },
  { type: 'identify.granted', now: 6 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'READY', s: 1, d: { session_id: 'persisted', resume_gateway_url: RESUME_URL } }, now: 40 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'GUILD_CREATE', s: 2, d: { id: '1' } }, now: 50 },
  { type: 'timer.heartbeat', now: 20_000 },
  { type: 'gateway.heartbeatAck', now: 20_031 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'MESSAGE_CREATE', s: 3, d: { content: 'hi' } }, now: 20_100 },
];

describe('running styles', () => {
  it('gives the same commands as an actor and as a pure reducer', () => {
    const viaActor: GatewayCommand[] = [];
    const actor = createActor(gatewayMachine, { input });
    actor.on('*', (command) => viaActor.push(command));
    actor.start();
    for (const event of SESSION) actor.send(event);

    let [snapshot, actions] = initialTransition(gatewayMachine, input);
    const viaReducer = commandsOf(actions);
    for (const event of SESSION) {
      [snapshot, actions] = transition(gatewayMachine, snapshot, event);
      viaReducer.push(...commandsOf(actions));
    }
    expect(viaReducer).toEqual(viaActor);
    expect(snapshot.value).toEqual(actor.getSnapshot().value);
    expect(snapshot.context).toEqual(actor.getSnapshot().context);
    expect(viaActor.filter((c) => c.type === 'heartbeat.acked')).toEqual([{ type: 'heartbeat.acked', latencyMs: 31 }]);
  });
});

describe('persistence', () => {
  it('has a JSON-serializable snapshot, and a restored actor RESUMEs (not IDENTIFY) on its next connection', () => {
    const actor = createActor(gatewayMachine, { input }).start();
    for (const event of SESSION) actor.send(event);
    const persisted = actor.getPersistedSnapshot();
    const json = JSON.stringify(persisted);
    expect(JSON.parse(json)).toEqual(persisted);
    actor.stop();

    const commands: GatewayCommand[] = [];
    const restored = createActor(gatewayMachine, { input, snapshot: JSON.parse(json) });
    restored.on('*', (command) => commands.push(command));
    restored.start();
    expect(restored.getSnapshot().context.sessionId).toBe('persisted');
    restored.send({ type: 'connect', now: 0 });
    restored.send({ type: 'socket.opened', now: 1 });
    restored.send({ type: 'gateway.hello', heartbeatInterval: 41_250, now: 2 });
    const sends = commands.filter((c) => c.type === 'send.payload');
    expect(sends).toEqual([{ type: 'send.payload', payload: { op: 6, d: { session_id: 'persisted', seq: 3 } }, auth: 'resume' }]);
    expect(commands.filter((c) => c.type === 'identify.request')).toEqual([]);
    expect(commands.find((c) => c.type === 'socket.open')).toEqual({ type: 'socket.open', url: `${RESUME_URL}/?v=10&encoding=json` });
  });

  it('never holds the token: IDENTIFY and RESUME leave it to the encoder', () => {
    const actor = createActor(gatewayMachine, { input }).start();
    for (const event of SESSION) actor.send(event);
    const json = JSON.stringify(actor.getPersistedSnapshot());
    expect(json).not.toMatch(/token/i);
  });
});

describe('the reducer runner', () => {
  it('restores a persisted snapshot and RESUMEs, like the actor does', async () => {
    const { createActorRunner, createReducerRunner } = await import('../../machines/index.js');
    const live = createActorRunner({ input });
    live.start();
    for (const event of SESSION) live.send(event);
    const persisted = JSON.parse(JSON.stringify(live.persist()));
    live.stop();

    const restored = createReducerRunner({ input, snapshot: persisted });
    expect(restored.start()).toEqual([]);
    expect(restored.snapshot.context.sessionId).toBe('persisted');
    const commands = [
      ...restored.send({ type: 'connect', now: 0 }),
      ...restored.send({ type: 'socket.opened', now: 1 }),
      ...restored.send({ type: 'gateway.hello', heartbeatInterval: 41_250, now: 2 }),
    ];
    expect(commands.filter((c) => c.type === 'send.payload')).toEqual([
      { type: 'send.payload', payload: { op: 6, d: { session_id: 'persisted', seq: 3 } }, auth: 'resume' },
    ]);
    expect(restored.snapshot.value).toEqual({ connected: 'resuming' });
  });
});
