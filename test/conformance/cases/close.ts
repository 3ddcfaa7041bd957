/**
 * Autobahn 7.x: the closing handshake. Every valid close code is echoed (reason dropped) and the
 * client then ends TCP; invalid codes, a 1-byte payload, an oversized or non-UTF-8 reason fail
 * with 1002/1007; nothing after a close is read. 4004 also shows the gateway's rule on top: a
 * fatal close code stops the session.
 */
import { FatalCloseError } from '../../../adapters/sans-io/errors.js';
import { ackOf, close, CLOSE_1000, cleanEnd, cont, echo, glue, ping, type Row, splitAt, table, text, wsFailure } from '../case.js';
import { frame, OP } from '../../helpers/ws-wire.js';

const ack = ackOf(30);

const handshake: Row[] = [
  {
    id: '7.1.1',
    description: 'a text message then close 1000 in one write -> delivered, echoed, TCP ends',
    server: [glue(text(ack.bytes), CLOSE_1000)],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '7.1.2',
    description: 'two close frames -> one echo; the second is not read',
    server: [glue(close(1000), close(1001))],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.1.3',
    description: 'a ping after the close -> no pong',
    server: [glue(close(1000), ping('after close'))],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.1.4',
    description: 'a text message after the close -> not delivered',
    server: [glue(close(1000), text(ack.bytes))],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.1.5',
    description: 'a close between the fragments of a message -> echoed, the message never delivered',
    server: [glue(text(splitAt(ack.bytes, 10)[0]!, { fin: false }), close(1000), cont(splitAt(ack.bytes, 10)[1]!))],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.1.6',
    description: 'garbage bytes after the close, in a later TCP write -> ignored',
    server: [close(1000), { pause: 20 }, glue([0xff, 0xff, 0xff, 0x00, 0x13, 0x37])],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
];

const payloads: Row[] = [
  {
    id: '7.3.1',
    description: 'a close with an empty payload -> an empty close back (no code)',
    server: [close()],
    expect: { replies: [echo(null)], closed: null, transport: 'end' },
  },
  {
    id: '7.3.2',
    description: 'a close with a 1-byte payload -> 1002',
    server: [frame({ opcode: OP.close, payload: Uint8Array.of(0x03) })],
    expect: wsFailure(1002, 'WS_INVALID_CLOSE_PAYLOAD'),
  },
  {
    id: '7.3.3',
    description: 'close 1000 with no reason -> echoed',
    server: [close(1000)],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.3.4',
    description: 'close 1000 with the reason "Hello World!" -> echoed without the reason',
    server: [close(1000, 'Hello World!')],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.3.5',
    description: 'close 1000 with a 123-byte reason (a 125-byte payload, the maximum) -> echoed',
    server: [close(1000, '*'.repeat(123))],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '7.3.6',
    description: 'close 1000 with a 124-byte reason (a 126-byte payload) -> 1002',
    server: [close(1000, '*'.repeat(124))],
    expect: wsFailure(1002, 'WS_CONTROL_TOO_LONG'),
  },
  {
    id: '7.5.1',
    description: 'close 1000 whose reason is invalid UTF-8 -> 1007',
    server: [close(1000, glue('Hello-', [0xc0, 0xaf], '-World'))],
    expect: wsFailure(1007, 'WS_INVALID_UTF8'),
  },
];

const validCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 3000, 3999, 4000, 4999];
const echoed = validCodes.map(
  (code, i): Row => ({
    id: `7.7.${i + 1}`,
    description: `close ${code} -> echoed, TCP ends`,
    server: [close(code, 'bye')],
    expect: { replies: [echo(code)], closed: code, transport: 'end' },
  }),
);

const fatal: Row = {
  id: '7.8.1',
  description: 'close 4004 (authentication failed) -> echoed, and the session stops for good (state failed)',
  server: [close(4004, 'Authentication failed.')],
  expect: { replies: [echo(4004)], closed: 4004, transport: 'end', error: { type: FatalCloseError, code: 'GATEWAY_FATAL_CLOSE', effect: 'failed' }, state: 'failed' },
};

const invalidCodes = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];
const refused = invalidCodes.map(
  (code, i): Row => ({
    id: `7.9.${i + 1}`,
    description: `close ${code} (may not appear on the wire) -> 1002`,
    server: [close(code)],
    expect: wsFailure(1002, 'WS_INVALID_CLOSE_CODE'),
  }),
);

export const closeHandling = table('close handling', [...handshake, ...payloads, ...echoed, fatal, ...refused]);
