/**
 * A 32-bit digest of a dispatch payload. Cassettes store dispatches as (sequence, digest) rather
 * than the whole payload: the payload is already in the recorded input bytes, still compressed,
 * so storing it again would double the file. Replays compare digests of what they decoded.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';

/** FNV-1a over the UTF-16 code units of the payload's JSON text, as an unsigned 32-bit number. */
export function dispatchDigest(payload: GatewayPayload): number {
  const text = JSON.stringify(payload) ?? '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
