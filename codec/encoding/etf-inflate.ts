/**
 * Inflates the body of a compressed ETF term (tag 80) into a buffer of exactly its declared
 * size. Owns the size bounds and the zlib checks; never decodes terms and never lets a small
 * input make it allocate more than its zlib data could possibly hold.
 */
import { unzlibSync } from 'fflate';
import { EtfDecodeError } from './errors.js';

// DEFLATE's best case is one 258-byte match per 2 bits, so no zlib stream of n bytes can
// inflate to more than 1032 * n bytes: a larger declared size is a lie we refuse up front.
const MAX_DEFLATE_RATIO = 1032;

/**
 * Inflates the zlib data at `bytes[zlibStart..]`, declared to hold `declaredSize` bytes.
 * Throws {@link EtfDecodeError}: `ETF_INFLATE_TOO_LARGE` before allocating when the size is
 * over `maxInflatedSize` or impossible; `ETF_INFLATE_FAILED` for corrupt zlib data or a bad
 * Adler-32; `ETF_INFLATE_SIZE_MISMATCH` when the data inflates to another size.
 */
export function inflateTerm(
  bytes: Uint8Array,
  tagOffset: number,
  zlibStart: number,
  declaredSize: number,
  maxInflatedSize: number,
): Uint8Array {
  const zlib = bytes.subarray(zlibStart);
  if (declaredSize > maxInflatedSize) {
    throw new EtfDecodeError(
      'ETF_INFLATE_TOO_LARGE',
      `The compressed term declares ${declaredSize} bytes, over the ${maxInflatedSize}-byte limit (maxInflatedSize)`,
      tagOffset,
    );
  }
  if (declaredSize > zlib.length * MAX_DEFLATE_RATIO) {
    throw new EtfDecodeError(
      'ETF_INFLATE_TOO_LARGE',
      `The compressed term declares ${declaredSize} bytes, more than ${zlib.length} bytes of zlib data can hold`,
      tagOffset,
    );
  }
  // One spare byte: a stream longer than declared then shows as a longer result.
  const out = new Uint8Array(declaredSize + 1);
  let inflated: Uint8Array;
  try {
    inflated = unzlibSync(zlib, { out });
  } catch (cause) {
    if (cause instanceof RangeError) throw sizeMismatch(declaredSize, zlibStart, cause);
    throw new EtfDecodeError(
      'ETF_INFLATE_FAILED',
      'The compressed term is not valid zlib data',
      zlibStart,
      false,
      { cause },
    );
  }
  if (inflated.length !== declaredSize) throw sizeMismatch(declaredSize, zlibStart);
  const end = zlib.length;
  const expected =
    ((zlib[end - 4]! << 24) | (zlib[end - 3]! << 16) | (zlib[end - 2]! << 8) | zlib[end - 1]!) >>> 0;
  if (adler32(inflated) !== expected) {
    throw new EtfDecodeError(
      'ETF_INFLATE_FAILED',
      'The compressed term fails its Adler-32 checksum',
      zlibStart + end - 4,
    );
  }
  return inflated;
}

function sizeMismatch(declaredSize: number, offset: number, cause?: unknown): EtfDecodeError {
  return new EtfDecodeError(
    'ETF_INFLATE_SIZE_MISMATCH',
    `The compressed term does not inflate to its declared ${declaredSize} bytes`,
    offset,
    false,
    cause === undefined ? undefined : { cause },
  );
}

/** Adler-32 (RFC 1950) of `data`; fflate's unzlibSync skips this check, so we make it. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const length = data.length;
  // 5552 bytes is the most that can be summed before b could pass 2^32 (zlib's NMAX).
  for (let i = 0; i < length; ) {
    const stop = Math.min(i + 5552, length);
    for (; i < stop; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
