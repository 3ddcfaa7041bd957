/**
 * ETF's compressed term (tag 80), deflated by node:zlib (a real peer, not our inflater's mirror):
 * what Discord's payload compression sends, and, with a lying declared size, what bounds refuse.
 */
import { constants, deflateSync } from 'node:zlib';

/**
 * `131, 80`, the declared inflated size (big-endian, default the true one), then `body` (a term
 * without its version byte) deflated at `level` (default zlib's own, 6).
 */
export function compressedEtf(body: Uint8Array, options: { declared?: number; level?: number } = {}): Uint8Array {
  const { declared = body.length, level = constants.Z_DEFAULT_COMPRESSION } = options;
  const deflated = deflateSync(body, { level });
  const out = new Uint8Array(6 + deflated.length);
  out[0] = 131;
  out[1] = 80;
  new DataView(out.buffer).setUint32(2, declared);
  out.set(deflated, 6);
  return out;
}
