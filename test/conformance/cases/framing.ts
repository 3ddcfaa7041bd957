/** Autobahn 1.x: text and binary messages of every length form, and how lengths and masks are read. */
import { PayloadDecodeError } from '../../../codec/encoding/index.js';
import { frame, OP } from '../../helpers/ws-wire.js';
import { ackOf, binary, CLOSE_1000, cleanEnd, echo, glue, payloadFailure, type Row, table, text, wsFailure } from '../case.js';

const lengths = [125, 126, 65535, 65536] as const;

function lengthRows(kind: 'text' | 'binary', major: number): Row[] {
  const make = kind === 'text' ? text : binary;
  const empty: Row = {
    id: `1.${major}.1`,
    description: `${kind} message of 0 bytes: sound framing, but no gateway payload (1007 from the payload layer)`,
    server: [make('')],
    expect: payloadFailure(1007, PayloadDecodeError, 'PAYLOAD_INVALID_JSON'),
  };
  const sized = lengths.map((length, i): Row => {
    const { bytes, payload } = ackOf(length);
    return {
      id: `1.${major}.${i + 2}`,
      description: `${kind} message of ${length} bytes (${length < 126 ? '7-bit' : length < 65536 ? '16-bit' : '64-bit'} length), then close 1000`,
      server: [glue(make(bytes), CLOSE_1000)],
      expect: { replies: [echo(1000)], payloads: [payload], ...cleanEnd },
    };
  });
  const { bytes, payload } = ackOf(65536);
  const chopped: Row = {
    id: `1.${major}.6`,
    description: `${kind} message of 65536 bytes sent in 997-byte TCP pieces`,
    server: [{ chop: 997, bytes: make(bytes) }, CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [payload], ...cleanEnd },
  };
  return [empty, ...sized, chopped];
}

const hello = ackOf(40);

export const framing = table('framing', [
  ...lengthRows('text', 1),
  ...lengthRows('binary', 2),
  {
    id: '1.3.1',
    description: 'a frame header split into single bytes across TCP reads',
    server: [{ chop: 1, bytes: text(ackOf(300).bytes) }, CLOSE_1000],
    expect: { replies: [echo(1000)], payloads: [ackOf(300).payload], ...cleanEnd },
  },
  {
    id: '1.3.2',
    description: 'three messages and a close in one TCP write',
    server: [glue(text(hello.bytes), binary(hello.bytes), text(hello.bytes), CLOSE_1000)],
    expect: { replies: [echo(1000)], payloads: [hello.payload, hello.payload, hello.payload], ...cleanEnd },
  },
  {
    id: '1.3.3',
    description: 'a 40-byte payload with a 16-bit length (non-minimal encoding) -> 1002',
    server: [frame({ opcode: OP.text, payload: hello.bytes, lengthForm: 16 }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_INVALID_LENGTH'),
  },
  {
    id: '1.3.4',
    description: 'a 300-byte payload with a 64-bit length (non-minimal encoding) -> 1002',
    server: [frame({ opcode: OP.text, payload: ackOf(300).bytes, lengthForm: 64 }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_INVALID_LENGTH'),
  },
  {
    id: '1.3.5',
    description: 'a 64-bit length with its most significant bit set -> 1002, from the header alone',
    server: [glue([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0x10]), 'await-close', CLOSE_1000],
    expect: { ...wsFailure(1002, 'WS_INVALID_LENGTH'), failFast: true },
  },
  {
    id: '1.3.6',
    description: 'a masked server frame -> 1002',
    server: [frame({ opcode: OP.text, payload: hello.bytes, mask: Uint8Array.of(1, 2, 3, 4) }), CLOSE_1000],
    expect: wsFailure(1002, 'WS_MASKED_FRAME'),
  },
  {
    id: '1.3.7',
    description: 'a masked server frame after a valid message: the message is delivered, then 1002',
    server: [glue(text(hello.bytes), frame({ opcode: OP.binary, payload: hello.bytes, mask: Uint8Array.of(9, 9, 9, 9) }))],
    expect: wsFailure(1002, 'WS_MASKED_FRAME', { payloads: [hello.payload] }),
  },
]);
