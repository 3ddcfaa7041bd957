/**
 * The gateway layer on top of a sound WebSocket: what a payload-level failure looks like. The
 * frames are valid, so the WebSocket codec delivers the message; the payload decoder (or the
 * transport decompressor) refuses it, and the connection closes itself with 1007 (1009 for size),
 * the error's code as the close reason, and an `error` effect with the typed error.
 */
import zlib from 'node:zlib';
import { CompressionError } from '../../../codec/compression/index.js';
import { encodeEtf, EtfDecodeError, PayloadDecodeError } from '../../../codec/encoding/index.js';
import { ackAround, ackOf, binary, CLOSE_1000, cleanEnd, echo, glue, payloadFailure, table, text } from '../case.js';

const ack = ackOf(32);
const hello = { op: 10, d: { heartbeat_interval: 41250 } };
const flushed = (data: Uint8Array) => new Uint8Array(zlib.deflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
const helloZ = flushed(new TextEncoder().encode(JSON.stringify(hello)));

export const payloads = table('gateway payloads', [
  {
    id: '10.1',
    description: 'JSON in a binary frame (encoding=json) -> delivered',
    server: [binary(ack.bytes), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ack.payload], ...cleanEnd },
  },
  {
    id: '10.2',
    description: 'valid UTF-8 text that is not JSON -> 1007 PAYLOAD_INVALID_JSON',
    server: [text('hello, not json')],
    expect: payloadFailure(1007, PayloadDecodeError, 'PAYLOAD_INVALID_JSON'),
  },
  {
    id: '10.3',
    description: 'JSON without an integer op -> 1007 PAYLOAD_INVALID_SHAPE',
    server: [text('{"t":null,"d":{}}')],
    expect: payloadFailure(1007, PayloadDecodeError, 'PAYLOAD_INVALID_SHAPE'),
  },
  {
    id: '10.4',
    description: 'invalid UTF-8 in a binary frame: the WebSocket passes it, the JSON decoder refuses it -> 1007 PAYLOAD_INVALID_UTF8',
    server: [binary(ackAround([0xc0, 0xaf]))],
    expect: payloadFailure(1007, PayloadDecodeError, 'PAYLOAD_INVALID_UTF8'),
  },
  {
    id: '10.5',
    description: 'zlib-stream: HELLO compressed and split over two WebSocket messages -> delivered once',
    client: { compress: 'zlib-stream' },
    server: [binary(helloZ.subarray(0, 10)), binary(helloZ.subarray(10)), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [hello], ...cleanEnd },
  },
  {
    id: '10.6',
    description: 'zlib-stream: a message that is not zlib -> 1007 ZLIB_BAD_HEADER',
    client: { compress: 'zlib-stream' },
    server: [binary(Uint8Array.of(0x12, 0x34, 0, 0, 0xff, 0xff))],
    expect: payloadFailure(1007, CompressionError, 'ZLIB_BAD_HEADER'),
  },
  {
    id: '10.7',
    description: 'encoding=etf: HELLO as ETF in a binary frame -> delivered',
    client: { encoding: 'etf' },
    server: [binary(encodeEtf(hello)), CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [hello], ...cleanEnd },
  },
  {
    id: '10.8',
    description: 'encoding=etf: JSON text instead of ETF -> 1007 ETF_BAD_VERSION',
    client: { encoding: 'etf' },
    server: [text(ack.bytes)],
    expect: payloadFailure(1007, EtfDecodeError, 'ETF_BAD_VERSION'),
  },
  {
    id: '10.9',
    description: "a message that is no payload and the server's close frame in one TCP write -> one close frame back (1007)",
    server: [glue(text('hello, not json'), CLOSE_1000)],
    expect: payloadFailure(1007, PayloadDecodeError, 'PAYLOAD_INVALID_JSON'),
  },
]);
