/**
 * Reads the machine's commands out of the actions `transition()` returns (the reducer style),
 * where each `emit` shows up as an `xstate.emit` action holding the event. Reads the actions;
 * never executes one.
 */
import type { GatewayCommand } from './commands.js';

/** The emitted commands among `actions`, in order. */
export function commandsOf(actions: readonly { type: string; params?: unknown }[]): GatewayCommand[] {
  const commands: GatewayCommand[] = [];
  for (const action of actions) {
    if (action.type === 'xstate.emit') commands.push((action.params as { event: GatewayCommand }).event);
  }
  return commands;
}
