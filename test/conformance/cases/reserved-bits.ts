/** Autobahn 3.x: RSV1-3 set without a negotiated extension fail the connection with 1002. */
import { ackOf, binary, close, CLOSE_1000, glue, ping, pongOf, table, text, wsFailure } from '../case.js';

const ack = ackOf(24);

export const reservedBits = table('reserved bits', [
  {
    id: '3.1',
    description: 'text with RSV1 set -> 1002',
    server: [text(ack.bytes, { rsv: 4 }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS'),
  },
  {
    id: '3.2',
    description: 'a valid text, then text with RSV2 set -> the first delivered, then 1002',
    server: [glue(text(ack.bytes), text(ack.bytes, { rsv: 2 })), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS', { payloads: [ack.payload] }),
  },
  {
    id: '3.3',
    description: 'a valid text, a ping, then text with RSV3 set, in one write -> delivered, pong, then 1002',
    server: [glue(text(ack.bytes), ping('p'), text(ack.bytes, { rsv: 1 })), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS', { payloads: [ack.payload], replies: [pongOf('p')] }),
  },
  {
    id: '3.4',
    description: 'text with RSV1+RSV2 set, one byte per TCP read -> 1002',
    server: [{ chop: 1, bytes: text(ack.bytes, { rsv: 6 }) }, CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS'),
  },
  {
    id: '3.5',
    description: 'binary with RSV1+RSV3 set -> 1002',
    server: [binary(ack.bytes, { rsv: 5 }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS'),
  },
  {
    id: '3.6',
    description: 'ping with RSV2+RSV3 set -> 1002, no pong',
    server: [ping('p', { rsv: 3 }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_RESERVED_BITS'),
  },
  {
    id: '3.7',
    description: 'close with all of RSV1-3 set -> 1002 (not an echo)',
    server: [glue(close(1000).map((b, i) => (i === 0 ? b | 0x70 : b)))],
    expect: wsFailure(1002, 'WS_RESERVED_BITS'),
  },
]);
