/**
 * The checks and the token on the way out: payloads over the gateway's 4096-byte limit are
 * refused, the token may appear in IDENTIFY and RESUME only, and is added to them as they are encoded.
 *
 * Rules: pure functions of their arguments. They never keep the token (the engine does, in a
 * private field), push an effect, or touch a socket or the machine.
 */
import type { PayloadEncoding } from '../../codec/encoding/encodings.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import { GatewayOpcode } from '../../machines/opcodes.js';
import { InvalidStateError, PayloadContainsTokenError, PayloadTooLargeError } from './errors.js';

/** The gateway closes connections whose payloads exceed this many bytes. */
export const MAX_OUTGOING_PAYLOAD_BYTES = 4096;

/**
 * Checks a payload the application sends before it is queued: it must encode to at most 4096
 * bytes and must not hold the token (anywhere but IDENTIFY/RESUME it would reach logs and inspectors).
 */
export function checkApplicationPayload(encoding: PayloadEncoding, payload: GatewayPayload, token: string | null): void {
  const bytes = encoding.encode(payload);
  const error = tooLarge(bytes, payload.op);
  if (error) throw error;
  if (token !== null && containsBytes(bytes, textEncoder.encode(token))) throw new PayloadContainsTokenError(payload.op);
}

/** The error for encoded bytes the gateway would refuse (over 4096), or null when they fit. */
export function tooLarge(bytes: Uint8Array, op: number): PayloadTooLargeError | null {
  return bytes.byteLength > MAX_OUTGOING_PAYLOAD_BYTES ? new PayloadTooLargeError(bytes.byteLength, MAX_OUTGOING_PAYLOAD_BYTES, op) : null;
}

/**
 * The IDENTIFY or RESUME the machine built, with the token put in front of its data just before
 * encoding. `state` names the engine's state for the error when there is no token.
 */
export function withToken(payload: GatewayPayload, token: string | null, state: string): GatewayPayload {
  if (token === null) {
    throw new InvalidStateError('No token: pass `token` to the connection, or call identify()/resume() with one.', state);
  }
  const op = payload.op === GatewayOpcode.Identify ? GatewayOpcode.Identify : GatewayOpcode.Resume;
  return { op, d: { token, ...(payload.d as object) } };
}

const textEncoder = new TextEncoder();

/** Whether `needle` occurs in `haystack` (payloads are at most 4096 bytes: a plain scan is enough). */
function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return false;
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first!); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
