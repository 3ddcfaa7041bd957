/** Autobahn 4.x: reserved opcodes (3-7 data, 11-15 control) fail the connection with 1002. */
import { ackOf, CLOSE_1000, glue, ping, pongOf, raw, type Row, table, text, wsFailure } from '../case.js';

const ack = ackOf(24);

const dataRows = [3, 4, 5, 6, 7].map(
  (opcode, i): Row => ({
    id: `4.1.${i + 1}`,
    description:
      i === 0
        ? `reserved data opcode ${opcode}, empty -> 1002`
        : i === 1
          ? `reserved data opcode ${opcode} with a payload -> 1002`
          : `a valid text, reserved data opcode ${opcode}, then a ping -> delivered, then 1002, no pong`,
    server: i < 2 ? [raw(opcode, i === 0 ? '' : 'reserved'), CLOSE_1000] : [glue(text(ack.bytes), raw(opcode, 'reserved'), ping('late')), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_OPCODE', i < 2 ? {} : { payloads: [ack.payload] }),
  }),
);

const controlRows = [11, 12, 13, 14, 15].map(
  (opcode, i): Row => ({
    id: `4.2.${i + 1}`,
    description:
      i === 0
        ? `reserved control opcode ${opcode}, empty -> 1002`
        : i === 1
          ? `reserved control opcode ${opcode} with a payload -> 1002`
          : `a ping, reserved control opcode ${opcode}, then a valid text -> pong, then 1002, nothing delivered`,
    server: i < 2 ? [raw(opcode, i === 0 ? '' : 'reserved'), CLOSE_1000] : [glue(ping('first'), raw(opcode, 'reserved'), text(ack.bytes)), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_OPCODE', i < 2 ? {} : { replies: [pongOf('first')] }),
  }),
);

export const opcodes = table('opcodes', [...dataRows, ...controlRows]);
