/**
 * The frame opcodes of RFC 6455 section 5.2; every other value is reserved and fails the connection.
 * Data only: the decoder and the encoder decide what to do with each.
 */

/** Opcode constants for {@link encodeFrame} and the decoder. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** One of the six opcodes RFC 6455 defines. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Whether an opcode names a control frame (close, ping, pong): short, never fragmented. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** The longest payload a control frame may carry (RFC 6455 section 5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
