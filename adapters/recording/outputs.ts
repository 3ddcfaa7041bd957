/**
 * Step outputs: turning what the engine did (machine commands, random draws, a thrown error) into
 * the stored form, comparing two of them, and describing one on a line. Shared by the recorder
 * and the replayer so both sides summarize a command the same way.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { GatewayCommand } from '../../machines/commands.js';
import { dispatchDigest } from './dispatch-digest.js';
import type { StepOutput } from './format.js';
import type { Redactor } from './redact.js';

/** A machine command as stored: dispatches shrink to (sequence, digest); everything else is kept, redacted. */
export function outputOfCommand(command: GatewayCommand, redactor?: Redactor): StepOutput {
  if (command.type === 'gateway.dispatch') {
    const payload = redactor ? redactor.value(command.payload) : command.payload;
    return { kind: 'dispatch', s: payload.s ?? null, digest: dispatchDigest(payload), t: payload.t ?? null };
  }
  return { kind: 'command', command: redactor ? redactor.value(command) : command };
}

/** A thrown value as stored: class name, stable code, message (redacted). */
export function outputOfThrown(error: unknown, redactor?: Redactor): StepOutput {
  const name = error instanceof Error ? error.name : typeof error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : null;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'thrown', name, code, message: redactor ? redactor.string(message) : message };
}

/**
 * Whether a replayed output matches a recorded one: commands must be deeply equal, dispatches
 * equal in sequence and digest, random draws equal in length (the replay hands out the recorded
 * bytes), thrown errors equal in class name and code (messages may be reworded between versions).
 */
export function sameOutput(expected: StepOutput, actual: StepOutput): boolean {
  switch (expected.kind) {
    case 'command':
      return actual.kind === 'command' && deepEqual(expected.command, actual.command);
    case 'dispatch':
      return actual.kind === 'dispatch' && expected.s === actual.s && expected.digest === actual.digest;
    case 'random':
      return actual.kind === 'random' && expected.bytes.byteLength === actual.bytes.byteLength;
    case 'thrown':
      return actual.kind === 'thrown' && expected.name === actual.name && expected.code === actual.code;
  }
}

/** Deep equality over JSON-like values and bytes; a key holding `undefined` counts as absent. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], other[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!deepEqual(left[key], right[key])) return false;
  return true;
}

/** Compact JSON for display: bytes shown as `<n bytes>`, long text cut at `max` characters. */
export function compactJson(value: unknown, max = 160): string {
  const text =
    JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? `<${item.byteLength} bytes>` : item)) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const OPCODE_NAMES: Record<number, string> = {
  0: 'DISPATCH',
  1: 'HEARTBEAT',
  2: 'IDENTIFY',
  3: 'PRESENCE_UPDATE',
  4: 'VOICE_STATE_UPDATE',
  6: 'RESUME',
  7: 'RECONNECT',
  8: 'REQUEST_GUILD_MEMBERS',
  9: 'INVALID_SESSION',
  10: 'HELLO',
  11: 'HEARTBEAT_ACK',
  31: 'REQUEST_SOUNDBOARD_SOUNDS',
};

/** The name of a gateway opcode (`HEARTBEAT`), or `op N` for an unknown one. */
export function opcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? `op ${op}`;
}

/** One line describing an output, e.g. `timer.set heartbeat 100 ms` or `send.payload HEARTBEAT {"op":1,"d":3}`. */
export function describeOutput(output: StepOutput, max = 160): string {
  switch (output.kind) {
    case 'dispatch':
      return `dispatch s=${output.s ?? 'null'}${output.t ? ` ${output.t}` : ''} #${output.digest.toString(16).padStart(8, '0')}`;
    case 'random':
      return `random ${output.bytes.byteLength} bytes`;
    case 'thrown':
      return `threw ${output.name}${output.code ? ` ${output.code}` : ''}: ${output.message}`;
    case 'command':
      return describeCommand(output.command, max);
  }
}

function describeCommand(command: GatewayCommand, max: number): string {
  switch (command.type) {
    case 'socket.open':
      return `socket.open ${command.url}`;
    case 'socket.close':
      return `socket.close ${command.code}${command.reason ? ` "${command.reason}"` : ''}`;
    case 'timer.set':
      return `timer.set ${command.name} ${command.ms} ms`;
    case 'timer.clear':
      return `timer.clear ${command.name}`;
    case 'send.payload': {
      const payload = command.payload as GatewayPayload;
      const extras = [command.auth ? `+token(${command.auth})` : '', command.id !== undefined ? `id=${command.id}` : ''].filter(Boolean).join(' ');
      return `send.payload ${opcodeName(payload.op)}${extras ? ` ${extras}` : ''} ${compactJson(payload, max)}`;
    }
    case 'send.rejected':
      return `send.rejected id=${command.id} ${command.reason}`;
    case 'heartbeat.acked':
      return `heartbeat.acked ${Number(command.latencyMs.toFixed(3))} ms`;
    case 'session.failed':
      return `session.failed ${command.code} ${command.reason}`;
    case 'identify.request':
      return `identify.request shard ${command.shardId}`;
    default: {
      const { type, ...rest } = command as { type: string } & Record<string, unknown>;
      return Object.keys(rest).length ? `${type} ${compactJson(rest, max)}` : type;
    }
  }
}
