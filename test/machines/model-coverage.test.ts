/**
 * Model-based coverage: `getShortestPaths` (xstate/graph) must reach every state of the machine,
 * each path is driven through a live actor, and every transition the machine declares (each guarded
 * branch, each eventless branch) must be taken somewhere in the explored graph. Adding a state or a
 * transition that nothing reaches makes this file fail.
 */
import { type AnyStateMachine, createActor, getMicrosteps, type SnapshotFrom } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { gatewayMachine, type GatewayEvent, type GatewayInput } from '../../machines/index.js';
import { dotted, GATEWAY_URL, IDENTIFY, RESUME_URL } from './drive.js';

type Snapshot = SnapshotFrom<typeof gatewayMachine>;
type StateNodeLike = (typeof gatewayMachine)['root'];

const EVENTS: GatewayEvent[] = [
  { type: 'connect', now: 0 },
  { type: 'socket.opened', now: 0 },
  { type: 'socket.closed', code: null, reason: 'lost', now: 0 },
  { type: 'socket.closed', code: 4004, reason: 'bad token', now: 0 },
  { type: 'socket.closed', code: 4009, reason: 'timed out', now: 0 },
  { type: 'gateway.hello', heartbeatInterval: 41_250, now: 0 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'READY', s: 1, d: { session_id: 's', resume_gateway_url: RESUME_URL } }, now: 0 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'MESSAGE_CREATE', s: 2, d: {} }, now: 0 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'MESSAGE_CREATE', s: 1, d: {} }, now: 0 },
  { type: 'gateway.dispatch', payload: { op: 0, t: 'RESUMED', s: 3, d: null }, now: 0 },
  { type: 'gateway.sequence', sequence: 2, now: 0 },
  { type: 'gateway.heartbeatRequest', now: 0 },
  { type: 'gateway.heartbeatAck', now: 0 },
  { type: 'gateway.reconnect', now: 0 },
  { type: 'gateway.invalidSession', resumable: true, now: 0 },
  { type: 'gateway.invalidSession', resumable: false, now: 0 },
  { type: 'timer.connect', now: 0 },
  { type: 'timer.hello', now: 0 },
  { type: 'timer.heartbeat', now: 0 },
  { type: 'timer.ready', now: 0 },
  { type: 'timer.close', now: 0 },
  { type: 'timer.reconnect', now: 0 },
  { type: 'timer.rateLimit', now: 120_000 },
  { type: 'identify.granted', now: 0 },
  { type: 'user.identify', data: IDENTIFY, now: 0 },
  { type: 'user.resume', now: 0 },
  { type: 'user.send', id: 1, payload: { op: 3, d: {} }, queue: true, now: 0 },
  { type: 'user.send', id: 2, payload: { op: 3, d: {} }, queue: false, now: 0 },
  { type: 'user.send', id: 3, payload: { op: 2, d: {} }, queue: true, now: 0 },
  { type: 'user.close', code: 1000, reason: 'bye', now: 0 },
  { type: 'user.close', code: 4321, reason: 'later', now: 0 },
];

/** Small limits so the rate limiter's every branch is a few steps away. */
const POLICIES = { rateLimit: { limit: 6, maxQueue: 1 } };
const INPUTS: Record<string, GatewayInput> = {
  automatic: { url: GATEWAY_URL, seed: 1, identify: IDENTIFY, policies: POLICIES },
  manual: { url: GATEWAY_URL, seed: 1, identify: null, policies: POLICIES },
};

/**
 * Abstracts the context to what changes behaviour in the current state, so the graph stays
 * finite and small: the rate-limit log only matters when ready, `afterClose` only when closing.
 */
function serializeState(snapshot: Snapshot): string {
  const c = snapshot.context;
  const state = dotted(snapshot.value);
  const connected = state.startsWith('connected');
  return JSON.stringify([
    state,
    c.sessionId !== null,
    c.sequence === null ? null : Math.min(c.sequence, 3),
    c.resumeGatewayUrl !== null,
    connected && c.heartbeatAcked,
    connected && c.heartbeatIntervalMs !== null,
    state === 'closing' && c.afterClose,
    state === 'connected.ready' && c.awaitingHealthyAck,
    state === 'connected.ready' && Math.min(c.sendLog.length, 6),
    state === 'connected.ready' && c.queue.length,
  ]);
}
const serializeEvent = (event: GatewayEvent) => JSON.stringify(event);

/** Every leaf state a snapshot can rest in (eventless states are passed through, never rested in). */
function restingLeaves(node: StateNodeLike, out: string[] = []): string[] {
  const children = Object.values(node.states) as StateNodeLike[];
  if (children.length === 0) {
    if (!node.always) out.push(node.path.join('.'));
  } else for (const child of children) restingLeaves(child, out);
  return out;
}

/** A key for every transition the machine declares: node, event, branch index. */
function declaredTransitions(node: StateNodeLike, out = new Set<string>()): Set<string> {
  for (const [event, definitions] of node.transitions) {
    for (const i of definitions.keys()) out.add(`${node.id} ${event} #${i}`);
  }
  for (const i of node.always?.keys() ?? []) out.add(`${node.id} always #${i}`);
  for (const child of Object.values(node.states) as StateNodeLike[]) declaredTransitions(child, out);
  return out;
}

/** The declared transitions that fire when `event` is sent in `snapshot`, eventless ones included. */
function firedTransitions(snapshot: Snapshot, event: GatewayEvent): string[] {
  const fired: string[] = [];
  for (const definition of gatewayMachine.getTransitionData(snapshot, event)) {
    const branches = definition.source.transitions.get(definition.eventType)!;
    fired.push(`${definition.source.id} ${definition.eventType} #${branches.indexOf(definition)}`);
  }
  const steps = getMicrosteps(gatewayMachine, snapshot, event);
  for (let i = 1; i < steps.length; i++) {
    const [before] = steps[i - 1]!;
    const [after] = steps[i]!;
    for (const node of before._nodes) {
      node.always?.forEach((definition, index) => {
        if (definition.target?.some((target) => after._nodes.includes(target))) fired.push(`${node.id} always #${index}`);
      });
    }
  }
  return fired;
}

describe('model-based coverage', () => {
  const traversal = { events: EVENTS, serializeState, serializeEvent } as const;

  it('reaches every state of the machine with getShortestPaths', () => {
    const reached = new Set<string>();
    for (const input of Object.values(INPUTS)) {
      for (const path of getShortestPaths(gatewayMachine, { ...traversal, input })) reached.add(dotted(path.state.value));
    }
    const leaves = restingLeaves(gatewayMachine.root);
    expect(leaves.length).toBe(12);
    expect([...reached].sort()).toEqual([...leaves].sort());
  });

  it('drives every shortest path through a live actor and lands in the same state', () => {
    let paths = 0;
    for (const input of Object.values(INPUTS)) {
      for (const path of getShortestPaths(gatewayMachine, { ...traversal, input })) {
        const actor = createActor(gatewayMachine, { input }).start();
        for (const step of path.steps) actor.send(step.event);
        expect(serializeState(actor.getSnapshot())).toBe(serializeState(path.state));
        actor.stop();
        paths++;
      }
    }
    expect(paths).toBeGreaterThan(50);
  });

  it('takes every declared transition (each guarded and eventless branch) somewhere in the graph', () => {
    const taken = new Set<string>();
    for (const input of Object.values(INPUTS)) {
      // getAdjacencyMap's typing does not accept emitted events; the logic is the same machine.
      const adjacency = getAdjacencyMap(gatewayMachine as AnyStateMachine, { ...traversal, input } as never) as AdjacencyMap<Snapshot, GatewayEvent>;
      for (const { state, transitions } of Object.values(adjacency)) {
        for (const { event } of Object.values(transitions) as { event: GatewayEvent }[]) for (const key of firedTransitions(state, event)) taken.add(key);
      }
    }
    const untested = [...declaredTransitions(gatewayMachine.root)].filter((key) => !taken.has(key));
    expect(untested).toEqual([]);
  });
});
