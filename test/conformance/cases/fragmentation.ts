/** Autobahn 5.x: fragmented messages, control frames between fragments, and broken fragment sequences. */
import { ackOf, binary, CLOSE_1000, cleanEnd, cont, echo, fragments, glue, ping, pong, pongOf, splitAt, table, text, wsFailure } from '../case.js';

const ack = ackOf(40);
const parts2 = splitAt(ack.bytes, 17);
const parts3 = splitAt(ack.bytes, 5, 30);
const bytewise = splitAt(ack.bytes, ...Array.from({ length: ack.bytes.length - 1 }, (_, i) => i + 1));

export const fragmentation = table('fragmentation', [
  {
    id: '5.1',
    description: 'a ping in two fragments -> 1002',
    server: [glue(ping('frag', { fin: false }), cont('mented')), CLOSE_1000],
    expect: wsFailure(1002, 'WS_FRAGMENTED_CONTROL'),
  },
  {
    id: '5.2',
    description: 'a pong in two fragments -> 1002',
    server: [glue(pong('frag', { fin: false }), cont('mented')), CLOSE_1000],
    expect: wsFailure(1002, 'WS_FRAGMENTED_CONTROL'),
  },
  {
    id: '5.3',
    description: 'text in two fragments -> one message',
    server: [fragments(text, parts2), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.4',
    description: 'text in two fragments, one byte per TCP read -> one message',
    server: [{ chop: 1, bytes: fragments(text, parts2) }, CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.5',
    description: 'text in two fragments with a ping between -> the pong first, then the message',
    server: [glue(text(parts2[0]!, { fin: false }), ping('between'), cont(parts2[1]!)), CLOSE_1000],
    expect: { replies: [pongOf('between'), echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.6',
    description: 'text in two fragments with a ping between, the fragments a pause apart',
    server: [glue(text(parts2[0]!, { fin: false }), ping('between')), { pause: 30 }, cont(parts2[1]!), CLOSE_1000],
    expect: { replies: [pongOf('between'), echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.7',
    description: 'text in three fragments with a ping and an unsolicited pong between -> one pong, one message',
    server: [glue(text(parts3[0]!, { fin: false }), ping('p'), cont(parts3[1]!, { fin: false }), pong('u'), cont(parts3[2]!)), CLOSE_1000],
    expect: { replies: [pongOf('p'), echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.8',
    description: 'binary in three fragments -> one message',
    server: [fragments(binary, parts3), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.9',
    description: 'a message in one-byte fragments (40 frames) -> one message',
    server: [fragments(text, bytewise), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.10',
    description: 'an empty first fragment and an empty last fragment around the payload -> one message',
    server: [fragments(text, [new Uint8Array(0), ack.bytes, new Uint8Array(0)]), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '5.11',
    description: 'a final continuation frame with no message started -> 1002',
    server: [cont(ack.bytes), CLOSE_1000],
    expect: wsFailure(1002, 'WS_UNEXPECTED_CONTINUATION'),
  },
  {
    id: '5.12',
    description: 'a non-final continuation frame with no message started -> 1002',
    server: [cont(ack.bytes, { fin: false }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_UNEXPECTED_CONTINUATION'),
  },
  {
    id: '5.13',
    description: 'a complete fragmented message, then a stray continuation -> the message, then 1002',
    server: [glue(fragments(text, parts2), cont('stray')), CLOSE_1000],
    expect: wsFailure(1002, 'WS_UNEXPECTED_CONTINUATION', { payloads: [ack.payload] }),
  },
  {
    id: '5.14',
    description: 'a new text message (final) inside a fragmented one -> 1002',
    server: [glue(text(parts2[0]!, { fin: false }), text(ack.bytes)), CLOSE_1000],
    expect: wsFailure(1002, 'WS_EXPECTED_CONTINUATION'),
  },
  {
    id: '5.15',
    description: 'a new binary message (non-final) inside a fragmented text -> 1002',
    server: [glue(text(parts2[0]!, { fin: false }), binary(parts2[1]!, { fin: false })), CLOSE_1000],
    expect: wsFailure(1002, 'WS_EXPECTED_CONTINUATION'),
  },
  {
    id: '5.16',
    description: 'two fragmented messages back to back, with pings inside both -> two pongs, two messages',
    server: [
      glue(text(parts2[0]!, { fin: false }), ping('1'), cont(parts2[1]!), binary(parts3[0]!, { fin: false }), cont(parts3[1]!, { fin: false }), ping('2'), cont(parts3[2]!)),
      CLOSE_1000,
    ],
    expect: { replies: [pongOf('1'), pongOf('2'), echo(1000)], payloads: [ack.payload, ack.payload], ...cleanEnd },
  },
]);
