/**
 * Error constructors shared by the zstd decoder's modules, so messages stay consistent. Builds
 * errors only: the modules that read the stream decide what is corrupt, and throw.
 */
import { CompressionError } from './errors.js';

/** Corrupt zstd data: `reason` says which rule of RFC 8878 the stream broke. */
export function zstdCorrupt(reason: string): CompressionError {
  return new CompressionError('ZSTD_BAD_DATA', `corrupt zstd-stream data: ${reason}`);
}

/** A valid zstd feature this decoder does not implement (dictionaries). */
export function zstdUnsupported(reason: string): CompressionError {
  return new CompressionError('ZSTD_UNSUPPORTED', `unsupported zstd-stream feature: ${reason}`);
}
