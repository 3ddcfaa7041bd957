/**
 * Machine state values as the dotted names adapters and logs use (`connected.ready`). Naming
 * only: which state a connection is in is the machine's.
 */
import type { StateValue } from 'xstate';

/** The dotted path of a snapshot's state value. */
export function stateName(snapshot: { value: StateValue }): string {
  return dotted(snapshot.value);
}

function dotted(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0]!;
  return child === undefined ? key : `${key}.${dotted(child as StateValue)}`;
}
