/**
 * The gateway envelope `{op, d, s, t}` and its shape check. Owns only the envelope; what `d`
 * holds for each opcode is the machine's business, and bytes are the encodings' business.
 */
import { PayloadDecodeError } from './errors.js';

/**
 * One gateway message as both encodings decode it: `op` is the opcode, `d` its data, and
 * `s` / `t` the sequence number and event name (dispatches only; null or absent otherwise).
 */
export interface GatewayPayload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/**
 * Checks that a decoded value is a gateway envelope and returns it typed. Throws
 * {@link PayloadDecodeError} `PAYLOAD_INVALID_SHAPE` for anything else.
 */
export function asGatewayPayload(value: unknown): GatewayPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw shapeError('is not an object');
  }
  const payload = value as Record<string, unknown>;
  const op = payload.op;
  if (typeof op !== 'number' || !Number.isInteger(op)) {
    throw shapeError('has no integer "op"');
  }
  if (!isSequence(payload.s)) {
    throw shapeError('has an "s" that is neither an integer nor null');
  }
  if (!isEventName(payload.t)) {
    throw shapeError('has a "t" that is neither a string nor null');
  }
  return payload as unknown as GatewayPayload;
}

// The envelope rules for `s` and `t`, shared with the lazy readers through dispatchEnvelope.
function isSequence(s: unknown): s is number | null | undefined {
  return s === undefined || s === null || (typeof s === 'number' && Number.isInteger(s));
}

function isEventName(t: unknown): t is string | null | undefined {
  return t === undefined || t === null || typeof t === 'string';
}

function shapeError(fault: string): PayloadDecodeError {
  return new PayloadDecodeError(
    'PAYLOAD_INVALID_SHAPE',
    `The gateway payload ${fault}; expected {op: integer, d, s?: integer | null, t?: string | null}.`,
  );
}

/**
 * What a lazy reader learns of a dispatch it does not decode: its sequence number and event
 * name, with the shapes {@link asGatewayPayload} allows (`s`/`t` undefined when absent).
 */
export interface DispatchEnvelope {
  readonly op: 0;
  readonly s: number | null | undefined;
  readonly t: string | null | undefined;
}

/**
 * The envelope a lazy reader found (`op`, `s`, `t`, undefined when absent) if it is a dispatch
 * {@link asGatewayPayload} would accept; null otherwise, and the caller decodes in full.
 */
export function dispatchEnvelope(op: unknown, s: unknown, t: unknown): DispatchEnvelope | null {
  if (op !== 0 || !isSequence(s) || !isEventName(t)) return null;
  return { op: 0, s, t };
}
