/** Compares what the server saw and what the client reported with a case's expectations. */
import { expect } from 'vitest';
import { toHex } from '../helpers/bytes.js';
import { OP, readClose } from '../helpers/ws-wire.js';
import type { ConformanceCase, Reply } from './case.js';
import type { ServerObservation } from './raw-server.js';

/** A frame the client wrote, in the form the tables use (pong payloads as hex, closes by code). */
export function describeFrames(observation: ServerObservation): unknown[] {
  return observation.frames.map((f) => {
    if (f.opcode === OP.pong) return { op: 'pong', payload: toHex(f.payload) };
    if (f.opcode === OP.close) return { op: 'close', code: readClose(f.payload).code };
    return { op: `opcode ${f.opcode}`, payload: Buffer.from(f.payload).toString('latin1').slice(0, 80) };
  });
}

export function describeReplies(replies: readonly Reply[]): unknown[] {
  return replies.map((r) => (r.op === 'pong' ? { op: 'pong', payload: toHex(r.payload) } : r));
}

/** The server's side of every case: a valid upgrade request, valid client frames, the expected replies, TCP ended. */
export function checkServerSide(c: ConformanceCase, seen: ServerObservation): void {
  expect(seen.requestProblem, 'the upgrade request').toBeNull();
  expect(seen.request!.target.startsWith(`/?v=10&encoding=${c.client?.encoding ?? 'json'}`)).toBe(true);
  expect(seen.violation, 'the client broke a framing rule').toBeNull();
  expect(describeFrames(seen), 'the frames the client wrote').toEqual(describeReplies(c.expect.replies));
  expect(seen.clientEnded, 'the client ended the TCP connection').toBe(true);
  if (c.expect.failFast !== undefined) expect(seen.closedBeforeRest.every((b) => b === c.expect.failFast), 'fail fast').toBe(true);
}

/** The client's close reason names its failure: the error's code, or its message (cut to fit). */
export function checkCloseReason(seen: ServerObservation, error: { code: string; message: string } | undefined): void {
  const closeFrame = seen.frames.find((f) => f.opcode === OP.close);
  if (!closeFrame || !error) return;
  const { reason } = readClose(closeFrame.payload);
  expect(reason === error.code || (reason.length > 0 && error.message.startsWith(reason)), `close reason "${reason}"`).toBe(true);
}
