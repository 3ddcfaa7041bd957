/**
 * Autobahn 9.x in spirit: the client's bounds. With `limits.maxMessageSize` set to 1024, a message
 * of 1024 bytes passes and one byte more fails with 1009, decided from the frame header (the
 * server waits for the close before sending the payload). Control frames do not count.
 */
import zlib from 'node:zlib';
import { CompressionLimitError } from '../../../codec/compression/index.js';
import { frame, OP } from '../../helpers/ws-wire.js';
import { ackOf, binary, CLOSE_1000, cleanEnd, cont, echo, glue, payloadFailure, ping, pongOf, splitAt, table, text, wsFailure } from '../case.js';

const small = { maxMessageSize: 1024 };
const exact = ackOf(1024);
const over = ackOf(1025);
const [head, tail] = splitAt(over.bytes, 600);

export const limits = table('limits', [
  {
    id: '9.1',
    description: 'maxMessageSize 1024: a 1024-byte message -> delivered',
    client: small,
    server: [text(exact.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [exact.payload], ...cleanEnd },
  },
  {
    id: '9.2',
    description: 'maxMessageSize 1024: a 1025-byte message -> 1009 from its header, before the payload is sent',
    client: small,
    server: [text(over.bytes).subarray(0, 4), 'await-close', text(over.bytes).subarray(4), CLOSE_1000],
    expect: { ...wsFailure(1009, 'WS_MESSAGE_TOO_BIG'), failFast: true },
  },
  {
    id: '9.3',
    description: 'maxMessageSize 1024: fragments of 600 and 425 bytes -> 1009 at the second header',
    client: small,
    server: [glue(text(head!, { fin: false }), cont(tail!).subarray(0, 4)), 'await-close', cont(tail!).subarray(4), CLOSE_1000],
    expect: { ...wsFailure(1009, 'WS_MESSAGE_TOO_BIG'), failFast: true },
  },
  {
    id: '9.4',
    description: 'default bound (32 MiB): a frame declaring 2^31 bytes -> 1009 from its header alone',
    server: [frame({ opcode: OP.binary, declaredLength: 2 ** 31 }), 'await-close', CLOSE_1000],
    expect: { ...wsFailure(1009, 'WS_MESSAGE_TOO_BIG'), failFast: true },
  },
  {
    id: '9.5',
    description: 'maxMessageSize 100: a 125-byte ping is not a message -> identical pong',
    client: { maxMessageSize: 100 },
    server: [ping('p'.repeat(125)), CLOSE_1000],
    expect: { replies: [pongOf('p'.repeat(125)), echo(1000)], ...cleanEnd },
  },
  {
    id: '9.6',
    description: 'zlib-stream, maxInflatedSize 4096: 100 KB inflated from 120 bytes -> 1009 INFLATED_TOO_LARGE (payload layer)',
    client: { compress: 'zlib-stream', maxInflatedSize: 4096 },
    server: [binary(zlib.deflateSync(Buffer.from(`{"op":11,"d":"${'x'.repeat(100_000)}"}`), { finishFlush: zlib.constants.Z_SYNC_FLUSH }))],
    expect: payloadFailure(1009, CompressionLimitError, 'INFLATED_TOO_LARGE'),
  },
]);
