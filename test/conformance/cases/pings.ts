/** Autobahn 2.x: pings answered with identical pongs, oversized pings refused, unsolicited pongs ignored. */
import { ackOf, binary, CLOSE_1000, cleanEnd, echo, glue, ping, pong, pongOf, table, text, wsFailure } from '../case.js';

const ack = ackOf(20);
const bytes125 = Uint8Array.from({ length: 125 }, (_, i) => (i * 7) & 0xff);
const tenPings = Array.from({ length: 10 }, (_, i) => `ping ${i}`);

export const pings = table('pings and pongs', [
  {
    id: '2.1',
    description: 'ping with an empty payload -> empty pong',
    server: [ping(), CLOSE_1000],
    expect: { replies: [pongOf(), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.2',
    description: 'ping with a short text payload -> identical pong',
    server: [ping('Hello, world!'), CLOSE_1000],
    expect: { replies: [pongOf('Hello, world!'), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.3',
    description: 'ping with binary payload 00 ff fe 80 -> identical pong',
    server: [ping(Uint8Array.of(0x00, 0xff, 0xfe, 0x80)), CLOSE_1000],
    expect: { replies: [pongOf(Uint8Array.of(0x00, 0xff, 0xfe, 0x80)), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.4',
    description: 'ping with a 125-byte payload (the maximum) -> identical pong',
    server: [ping(bytes125), CLOSE_1000],
    expect: { replies: [pongOf(bytes125), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.5',
    description: 'ping with a 126-byte payload -> 1002, no pong',
    server: [ping(new Uint8Array(126)), CLOSE_1000],
    expect: wsFailure(1002, 'WS_CONTROL_TOO_LONG'),
  },
  {
    id: '2.6',
    description: 'ping with a 125-byte payload sent one byte per TCP read -> identical pong',
    server: [{ chop: 1, bytes: ping(bytes125) }, CLOSE_1000],
    expect: { replies: [pongOf(bytes125), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.7',
    description: 'unsolicited empty pong -> ignored',
    server: [pong(), CLOSE_1000],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '2.8',
    description: 'unsolicited pong with a payload -> ignored',
    server: [pong('unsolicited pong payload'), CLOSE_1000],
    expect: { replies: [echo(1000)], ...cleanEnd },
  },
  {
    id: '2.9',
    description: 'unsolicited pong, then a ping -> exactly one pong, for the ping',
    server: [glue(pong('unsolicited'), ping('solicited')), CLOSE_1000],
    expect: { replies: [pongOf('solicited'), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.10',
    description: 'ten pings in one TCP write -> ten pongs, in order',
    server: [glue(...tenPings.map((p) => ping(p))), CLOSE_1000],
    expect: { replies: [...tenPings.map((p) => pongOf(p)), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.11',
    description: 'ten pings sent one byte per TCP read -> ten pongs, in order',
    server: [{ chop: 1, bytes: glue(...tenPings.map((p) => ping(p))) }, CLOSE_1000],
    expect: { replies: [...tenPings.map((p) => pongOf(p)), echo(1000)], ...cleanEnd },
  },
  {
    id: '2.12',
    description: 'a text message, a ping and a binary message in one write -> both delivered, one pong',
    server: [glue(text(ack.bytes), ping('between'), binary(ack.bytes)), CLOSE_1000],
    expect: { replies: [pongOf('between'), echo(1000)], payloads: [ack.payload, ack.payload], ...cleanEnd },
  },
]);
