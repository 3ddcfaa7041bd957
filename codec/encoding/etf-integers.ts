/**
 * Bignum digits -> JSON-shaped integers for the ETF decoder: a number when it is a safe
 * integer, else an exact decimal string (or a bigint when asked). Pure arithmetic on the
 * digit bytes; the caller has already checked that they are present.
 */

const TWO_POW_32 = 4294967296;
// hi * 2^32 + lo stays a safe integer while hi < 2^21.
const SAFE_HIGH_LIMIT = 0x200000;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Decimal digits of the unsigned 64-bit integer hi * 2^32 + lo (hi, lo < 2^32), without BigInt:
 * one long division by 1e8 over 16-bit chunks keeps every intermediate below 2^53.
 */
export function uint64ToDecimal(hi: number, lo: number): string {
  const q2 = Math.floor(hi / 1e8);
  let r = hi - q2 * 1e8;
  let cur = r * 65536 + (lo >>> 16);
  const q1 = Math.floor(cur / 1e8);
  r = cur - q1 * 1e8;
  cur = r * 65536 + (lo & 0xffff);
  const q0 = Math.floor(cur / 1e8);
  r = cur - q0 * 1e8;
  const q = (q2 * 65536 + q1) * 65536 + q0;
  const low = String(r);
  if (q === 0) return low;
  return String(q) + '00000000'.slice(low.length) + low;
}

/**
 * The integer stored as `length` little-endian digit bytes at `start` (SMALL_BIG_EXT and
 * LARGE_BIG_EXT), negative when `negative`. Safe integers come back as numbers; others as
 * decimal strings, or as bigints when `asBigint`.
 */
export function bigDigitsToValue(
  bytes: Uint8Array,
  start: number,
  length: number,
  negative: boolean,
  asBigint: boolean,
): number | string | bigint {
  if (length <= 8) {
    let lo = 0;
    let hi = 0;
    let scale = 1;
    for (let i = 0; i < length; i++) {
      if (i === 4) scale = 1;
      if (i < 4) lo += bytes[start + i]! * scale;
      else hi += bytes[start + i]! * scale;
      scale *= 256;
    }
    if (hi < SAFE_HIGH_LIMIT) {
      const value = hi * TWO_POW_32 + lo;
      return negative && value !== 0 ? -value : value;
    }
    if (asBigint) {
      const value = (BigInt(hi) << 32n) | BigInt(lo);
      return negative ? -value : value;
    }
    const digits = uint64ToDecimal(hi, lo);
    return negative ? '-' + digits : digits;
  }
  let hex = '';
  for (let i = start + length - 1; i >= start; i--) {
    const byte = bytes[i]!;
    hex += (byte < 16 ? '0' : '') + byte.toString(16);
  }
  let value = BigInt('0x' + hex);
  if (value <= MAX_SAFE_BIG) {
    const small = Number(value);
    return negative && small !== 0 ? -small : small;
  }
  if (negative) value = -value;
  return asBigint ? value : value.toString();
}
