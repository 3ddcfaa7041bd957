/**
 * A test driver for the gateway machine in the reducer style: every step goes through xstate's
 * pure `transition()`, so tests need no clock, no timers and no sockets.
 */
import { initialTransition, type SnapshotFrom, type StateValue, transition } from 'xstate';
import { stateName } from '../../adapters/sans-io/state-name.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import {
  commandsOf,
  gatewayMachine,
  type GatewayCommand,
  type GatewayEvent,
  type GatewayInput,
  type IdentifyData,
} from '../../machines/index.js';

/** The gateway URL tests use. */
export const GATEWAY_URL = 'wss://gateway.discord.gg/?v=10&encoding=json';
/** The resume URL the fake READY hands out. */
export const RESUME_URL = 'wss://gateway-us-east1-b.discord.gg';
/** IDENTIFY data without a token. */
export const IDENTIFY: IdentifyData = { intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' } };

type Snapshot = SnapshotFrom<typeof gatewayMachine>;
/** Distributive Omit, so each event keeps its own fields. */
type WithoutNow<E> = E extends unknown ? Omit<E, 'now'> : never;

/** Holds a snapshot, the clock, and every command emitted so far. */
export class Drive {
  snapshot: Snapshot;
  now = 0;
  /** Every command since the start, in order. */
  readonly log: GatewayCommand[] = [];

  constructor(input: Partial<GatewayInput> = {}) {
    const [snapshot, actions] = initialTransition(gatewayMachine, { url: GATEWAY_URL, seed: 42, identify: IDENTIFY, ...input });
    this.snapshot = snapshot;
    this.log.push(...commandsOf(actions));
  }

  /** Sends one event at the current time and returns the commands it produced. */
  send(event: WithoutNow<GatewayEvent>): GatewayCommand[] {
    const [snapshot, actions] = transition(gatewayMachine, this.snapshot, { ...event, now: this.now } as GatewayEvent);
    this.snapshot = snapshot;
    const commands = commandsOf(actions);
    this.log.push(...commands);
    return commands;
  }

  /** Moves the clock forward. */
  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** The state value as a dotted path, e.g. `connected.ready`. */
  get state(): string {
    return dotted(this.snapshot.value);
  }

  get context() {
    return this.snapshot.context;
  }

  /** Whether the snapshot is in the state `path` (dotted). */
  matches(path: string): boolean {
    return this.state === path || this.state.startsWith(`${path}.`);
  }

  /** connect -> socket.opened -> HELLO; returns the HELLO step's commands. */
  open(heartbeatInterval = 41_250): GatewayCommand[] {
    this.send({ type: 'connect' });
    this.send({ type: 'socket.opened' });
    return this.send({ type: 'gateway.hello', heartbeatInterval });
  }

  /** A whole new session: open, IDENTIFY granted, READY with `session`. */
  ready(session = 'session-1', heartbeatInterval = 41_250): this {
    this.open(heartbeatInterval);
    this.send({ type: 'identify.granted' });
    this.dispatch('READY', 1, { session_id: session, resume_gateway_url: RESUME_URL, v: 10 });
    return this;
  }

  /** Sends a dispatch and returns the commands. */
  dispatch(t: string, s: number | null, d: unknown = {}): GatewayCommand[] {
    return this.send({ type: 'gateway.dispatch', payload: { op: 0, t, s, d } });
  }
}

/** The payloads among `commands` that would be sent. */
export function sent(commands: readonly GatewayCommand[]): GatewayPayload[] {
  return commands.flatMap((command) => (command.type === 'send.payload' ? [command.payload] : []));
}

/** The commands of one type. */
export function ofType<T extends GatewayCommand['type']>(commands: readonly GatewayCommand[], type: T): Extract<GatewayCommand, { type: T }>[] {
  return commands.filter((command): command is Extract<GatewayCommand, { type: T }> => command.type === type);
}

/** A state value as a dotted path. */
export function dotted(value: unknown): string {
  return stateName({ value: value as StateValue });
}
