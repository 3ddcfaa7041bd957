/**
 * Gateway opcodes (Discord API v10) as data: the number, its name and who sends it.
 * Checked against Discord's "Opcodes and Status Codes" page; tests iterate over this table.
 */

/** Opcode numbers by name. */
export const GatewayOpcode = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** Who sends an opcode: the server (`receive`), the client (`send`) or both. */
export type OpcodeDirection = 'receive' | 'send' | 'both';

/** One row of the opcode table. */
export interface OpcodeInfo {
  readonly op: number;
  readonly name: keyof typeof GatewayOpcode;
  readonly direction: OpcodeDirection;
}

/** The opcode table, in Discord's order. */
export const OPCODES: readonly OpcodeInfo[] = [
  { op: 0, name: 'Dispatch', direction: 'receive' },
  { op: 1, name: 'Heartbeat', direction: 'both' },
  { op: 2, name: 'Identify', direction: 'send' },
  { op: 3, name: 'PresenceUpdate', direction: 'send' },
  { op: 4, name: 'VoiceStateUpdate', direction: 'send' },
  { op: 6, name: 'Resume', direction: 'send' },
  { op: 7, name: 'Reconnect', direction: 'receive' },
  { op: 8, name: 'RequestGuildMembers', direction: 'send' },
  { op: 9, name: 'InvalidSession', direction: 'receive' },
  { op: 10, name: 'Hello', direction: 'receive' },
  { op: 11, name: 'HeartbeatAck', direction: 'receive' },
  { op: 31, name: 'RequestSoundboardSounds', direction: 'send' },
];

/** Opcodes an application may send itself with `send()`; the rest belong to the machine. */
export const USER_SENDABLE_OPCODES: ReadonlySet<number> = new Set(
  OPCODES.filter((row) => row.direction === 'send' && row.op !== 2 && row.op !== 6).map((row) => row.op),
);
