/**
 * Two ways to run the gateway machine behind one small interface: as an XState actor (visible in
 * the inspector) or as a pure reducer over `transition()` (what replays use). Both return the
 * commands each event produced, in order. Runs the machine and nothing else: no decision, no
 * timer, no state of its own beyond the actor or the snapshot.
 */
import { createActor, initialTransition, type InspectionEvent, type Observer, type SnapshotFrom, transition } from 'xstate';
import type { GatewayCommand } from './commands.js';
import { commandsOf } from './commands-of.js';
import type { GatewayInput } from './context.js';
import type { GatewayEvent } from './events.js';
import { gatewayMachine } from './gateway-machine.js';

/** A snapshot of the gateway machine. */
export type GatewaySnapshot = SnapshotFrom<typeof gatewayMachine>;

/** Runs the machine one event at a time and hands back what it emitted. */
export interface MachineRunner {
  /** The commands of the start (the initial state's entry actions). */
  start(): GatewayCommand[];
  /** Sends one event; returns the commands it produced. */
  send(event: GatewayEvent): GatewayCommand[];
  /** The current snapshot. */
  readonly snapshot: GatewaySnapshot;
  /** A JSON-safe snapshot to restore later with the `snapshot` option. */
  persist(): unknown;
  /** Stops the actor, if any. */
  stop(): void;
}

/** Options shared by both runners. */
export interface RunnerOptions {
  readonly input: GatewayInput;
  /** A persisted snapshot to continue from (from `persist()` or `getPersistedSnapshot()`). */
  readonly snapshot?: unknown;
}

/** Runs the machine as an actor; `inspect` is an XState inspection observer or function. */
export function createActorRunner(
  options: RunnerOptions & { readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void) },
): MachineRunner {
  const actor = createActor(gatewayMachine, {
    input: options.input,
    inspect: options.inspect,
    ...(options.snapshot ? { snapshot: options.snapshot as GatewaySnapshot } : {}),
  });
  let collected: GatewayCommand[] = [];
  actor.on('*', (command) => {
    collected.push(command);
  });
  const take = () => {
    const commands = collected;
    collected = [];
    return commands;
  };
  return {
    start() {
      actor.start();
      return take();
    },
    send(event) {
      actor.send(event);
      return take();
    },
    get snapshot() {
      return actor.getSnapshot();
    },
    persist: () => active(actor.getPersistedSnapshot()),
    stop: () => actor.stop(),
  };
}

/** Runs the machine as a pure reducer over xstate's `transition()`: no actor, no side effects. */
export function createReducerRunner(options: RunnerOptions): MachineRunner {
  let snapshot: GatewaySnapshot;
  return {
    start() {
      if (options.snapshot) {
        // The actor scope only serves to revive child actors, and this machine spawns none.
        snapshot = gatewayMachine.restoreSnapshot(options.snapshot as GatewaySnapshot, undefined as never) as GatewaySnapshot;
        return [];
      }
      const [first, actions] = initialTransition(gatewayMachine, options.input);
      snapshot = first;
      return commandsOf(actions);
    },
    send(event) {
      const [next, actions] = transition(gatewayMachine, snapshot, event);
      snapshot = next;
      return commandsOf(actions);
    },
    get snapshot() {
      return snapshot;
    },
    persist: () => active(gatewayMachine.getPersistedSnapshot(snapshot)),
    stop: () => {},
  };
}

/**
 * A persisted snapshot taken after `stop()` says `status: 'stopped'`, and a machine restored from
 * it never runs its eventless transitions. The session it describes is still live, so it is saved
 * as active (a finished machine, `done`, stays done).
 */
function active(persisted: unknown): unknown {
  const snapshot = persisted as { status?: string };
  return snapshot.status === 'stopped' ? { ...snapshot, status: 'active' } : persisted;
}
