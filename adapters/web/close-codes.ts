/**
 * Close codes between the engine and a WHATWG `WebSocket`, as tables. `WebSocket.close()` accepts
 * only 1000 and 3000-4999 and throws on anything else, so codes the engine sends for protocol
 * failures are mapped to private 49xx codes that keep the session; pure data and two functions.
 */
import { MAX_CLOSE_REASON_BYTES } from '../../codec/websocket/frame-encoder.js';
import { RECONNECT_CLOSE_CODE } from '../../machines/close-codes.js';

/**
 * Codes the engine may send that `WebSocket.close()` refuses, and what is sent instead. 1001 ends
 * the session like 1000 does, so it becomes 1000. The others become 4900 + (code - 1000): Discord
 * treats every code but 1000/1001 as "keep the session", and the last digits still say which
 * WebSocket failure it was (a server log shows 4907 for bad data, 4909 for a message too big).
 */
export const PLATFORM_CLOSE_CODES: ReadonlyMap<number, number> = new Map([
  [1001, 1000], // going away: ends the session, as 1000 does
  [1002, 4902], // protocol error
  [1003, 4903], // unsupported data
  [1007, 4907], // invalid payload data (bad UTF-8, a corrupt compressed stream)
  [1008, 4908], // policy violation
  [1009, 4909], // message too big
  [1010, 4910], // missing extension
  [1011, 4911], // internal error
  [1012, 4912], // service restart
  [1013, 4913], // try again later
  [1014, 4914], // bad gateway
]);

/**
 * The code to pass to `WebSocket.close()` for a code the engine asked for: 1000 and 3000-4999 as
 * they are, the {@link PLATFORM_CLOSE_CODES} table for the others, and {@link RECONNECT_CLOSE_CODE}
 * (4900, keeps the session) for anything else.
 */
export function platformCloseCode(code: number): number {
  if (code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999)) return code;
  return PLATFORM_CLOSE_CODES.get(code) ?? RECONNECT_CLOSE_CODE;
}

/**
 * The server's close code as the engine wants it: null when no code was received. 1005 (no status
 * in the close frame), 1006 (no close frame) and 1015 (TLS failed) are never sent on the wire; a
 * platform reports them for a connection that ended without a code.
 */
export function serverCloseCode(code: number): number | null {
  return code === 1005 || code === 1006 || code === 1015 ? null : code;
}

/** `reason` cut to at most 123 UTF-8 bytes (`MAX_CLOSE_REASON_BYTES`) at a character boundary (`close()` throws on longer ones). */
export function platformCloseReason(reason: string): string {
  if (reason.length * 3 <= MAX_CLOSE_REASON_BYTES) return reason;
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const point = char.codePointAt(0)!;
    // A lone surrogate counts 3: the platform sends it as U+FFFD.
    const size = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return reason.slice(0, end);
}
