/**
 * The opening handshake (RFC 6455 section 4): the client's request is checked by the server on
 * every case; these rows check what the client does with the server's answer.
 */
import { ConnectionRejected } from '../../../codec/websocket/index.js';
import { acceptFor } from '../../helpers/ws-wire.js';
import { ackOf, CLOSE_1000, cleanEnd, echo, glue, table, text } from '../case.js';

const hello = { bytes: new TextEncoder().encode('{"op":10,"d":{"heartbeat_interval":41250}}'), payload: { op: 10, d: { heartbeat_interval: 41250 } } };
const ack = ackOf(20);
const response = (lines: string[]) => new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n`);

export const handshake = table('opening handshake', [
  {
    id: '0.1',
    description: 'a correct 101 with HELLO in the same TCP write as the response head -> HELLO delivered',
    handshake: { response: (key) => glue(response(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptFor(key)}`]), text(hello.bytes)) },
    server: [CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [hello.payload], ...cleanEnd },
  },
  {
    id: '0.2',
    description: 'a 101 whose headers differ in case and order and add unknown ones -> accepted',
    handshake: { response: (key) => response(['HTTP/1.1 101 OK', 'x-served-by: conformance', `sec-websocket-accept: ${acceptFor(key)}`, 'CONNECTION: keep-alive, Upgrade', 'upgrade: WebSocket']) },
    server: [text(ack.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '0.3',
    description: 'a 101 with a wrong Sec-WebSocket-Accept -> ConnectionRejected, nothing sent, TCP dropped',
    handshake: { response: () => response(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptFor('not the key')}`]) },
    server: [text(ack.bytes)],
    expect: { replies: [], error: { type: ConnectionRejected, code: 'WS_CONNECTION_REJECTED', effect: 'rejected' }, transport: 'destroy' },
  },
  {
    id: '0.4',
    description: 'a 101 without Upgrade: websocket -> ConnectionRejected',
    handshake: { response: (key) => response(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptFor(key)}`]) },
    server: [],
    expect: { replies: [], error: { type: ConnectionRejected, code: 'WS_CONNECTION_REJECTED', effect: 'rejected' }, transport: 'destroy' },
  },
  {
    id: '0.5',
    description: 'a 101 enabling an extension the client never offered (permessage-deflate) -> ConnectionRejected',
    handshake: { extra: ['Sec-WebSocket-Extensions: permessage-deflate'] },
    server: [text(ack.bytes)],
    expect: { replies: [], error: { type: ConnectionRejected, code: 'WS_CONNECTION_REJECTED', effect: 'rejected' }, transport: 'destroy' },
  },
  {
    id: '0.6',
    description: 'HTTP 429 with a body -> ConnectionRejected carrying the status',
    handshake: { response: () => glue(response(['HTTP/1.1 429 Too Many Requests', 'Content-Length: 11']), 'slow down!!') },
    server: [],
    expect: { replies: [], error: { type: ConnectionRejected, code: 'WS_CONNECTION_REJECTED', effect: 'rejected' }, transport: 'destroy' },
  },
  {
    id: '0.7',
    description: 'the server drops TCP right after the 101 (no close frame) -> an abnormal close (1006: code null), nothing sent',
    handshake: { endAfter: true },
    server: [],
    expect: { replies: [], closed: null, transport: 'destroy' },
  },
]);
