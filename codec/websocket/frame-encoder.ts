/**
 * Encodes client frames (RFC 6455 section 5.2): always masked, with the shortest length form.
 * Pure functions of their arguments: the mask is injected, never generated here.
 */
import { isValidCloseCode } from './close-codes.js';
import { LocalProtocolError } from './errors.js';
import { isControlOpcode, MAX_CONTROL_PAYLOAD, Opcode } from './opcode.js';

/** The longest close reason that fits a control frame beside its 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

const OPCODES = new Set<number>(Object.values(Opcode));

/**
 * Encodes one masked frame carrying `payload` (which is not modified). `fin = false` starts or
 * continues a fragmented message; control frames must be final and at most 125 bytes.
 */
export function encodeFrame(opcode: Opcode, payload: Uint8Array, mask: Uint8Array, fin = true): Uint8Array {
  if (!OPCODES.has(opcode)) {
    throw new LocalProtocolError('WS_INVALID_ARGUMENT', `${opcode} is not a WebSocket opcode.`);
  }
  if (mask.length !== 4) {
    throw new LocalProtocolError('WS_INVALID_ARGUMENT', `A frame mask is 4 bytes, got ${mask.length}.`);
  }
  const length = payload.length;
  if (isControlOpcode(opcode) && (!fin || length > MAX_CONTROL_PAYLOAD)) {
    throw new LocalProtocolError(
      'WS_INVALID_ARGUMENT',
      `A control frame must be final and carry at most ${MAX_CONTROL_PAYLOAD} bytes (got ${length}).`,
    );
  }
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const offset = 6 + lengthBytes;
  const frame = new Uint8Array(offset + length);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    const view = new DataView(frame.buffer);
    view.setUint32(2, Math.floor(length / 0x100000000));
    view.setUint32(6, length >>> 0);
  }
  const m0 = mask[0]!;
  const m1 = mask[1]!;
  const m2 = mask[2]!;
  const m3 = mask[3]!;
  frame[offset - 4] = m0;
  frame[offset - 3] = m1;
  frame[offset - 2] = m2;
  frame[offset - 1] = m3;
  const whole = length & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    frame[offset + i] = payload[i]! ^ m0;
    frame[offset + i + 1] = payload[i + 1]! ^ m1;
    frame[offset + i + 2] = payload[i + 2]! ^ m2;
    frame[offset + i + 3] = payload[i + 3]! ^ m3;
  }
  for (; i < length; i++) frame[offset + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/**
 * Encodes a masked close frame. Without a code the payload is empty (and `reason` must be
 * empty too); the reason is cut on a UTF-8 boundary so the frame stays within 125 bytes.
 */
export function encodeCloseFrame(code: number | undefined, reason: string, mask: Uint8Array): Uint8Array {
  return encodeFrame(Opcode.Close, closePayload(code, reason), mask);
}

/** The payload of a close frame: the 2-byte code and the truncated UTF-8 reason. */
export function closePayload(code: number | undefined, reason: string): Uint8Array {
  if (code === undefined) {
    if (reason !== '') {
      throw new LocalProtocolError('WS_INVALID_ARGUMENT', 'A close reason can only be sent with a close code.');
    }
    return new Uint8Array(0);
  }
  if (!isValidCloseCode(code)) {
    throw new LocalProtocolError(
      'WS_INVALID_ARGUMENT',
      `${code} may not be sent as a close code; use 1000-1003, 1007-1014 or 3000-4999.`,
    );
  }
  // TextEncoder turns lone surrogates into U+FFFD, so the bytes are always valid UTF-8.
  const text = new TextEncoder().encode(reason);
  let end = Math.min(text.length, MAX_CLOSE_REASON_BYTES);
  // Step back over continuation bytes so a multi-byte character is not cut in half.
  if (end < text.length) while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
  const payload = new Uint8Array(2 + end);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text.subarray(0, end), 2);
  return payload;
}
