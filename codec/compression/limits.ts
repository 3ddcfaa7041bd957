/**
 * The size bounds of the compression codecs and their defaults, in one place so the numbers a
 * reader checks against Discord's traffic are not scattered through the decoders.
 */
import { CompressionOptionError } from './errors.js';

/**
 * Default bound on one decompressed gateway message: 64 MiB. READY and GUILD_CREATE for large
 * bots and guilds reach several MB, rarely tens of MB; 64 MiB leaves a wide margin while still
 * stopping a decompression bomb long before it hurts a process.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * Default bound on a zstd frame's window: 8 MiB, the size RFC 8878 asks every decoder to support.
 * The decoder allocates the whole window up front, so a larger value is accepted only on request.
 */
export const DEFAULT_MAX_ZSTD_WINDOW_SIZE = 8 * 1024 * 1024;

/** Bounds shared by {@link ZlibStreamInflater} and {@link ZstdStreamDecompressor}. */
export interface StreamDecompressorOptions {
  /**
   * Largest decompressed message, in bytes (default {@link DEFAULT_MAX_MESSAGE_SIZE}). A larger
   * one is a `CompressionLimitError` with code `INFLATED_TOO_LARGE`.
   */
  maxMessageSize?: number;
  /**
   * Largest amount of compressed input buffered for one message, in bytes (default:
   * {@link defaultMaxCompressedSize} of `maxMessageSize`, enough for incompressible data).
   * More is a `CompressionLimitError` with code `COMPRESSED_TOO_LARGE`.
   */
  maxCompressedSize?: number;
}

/** Resolved, validated bounds. */
export interface ResolvedLimits {
  readonly maxMessageSize: number;
  readonly maxCompressedSize: number;
}

/** Checks user-supplied bounds: each must be a positive safe integer. */
export function resolveLimits(options: StreamDecompressorOptions | undefined): ResolvedLimits {
  const maxMessageSize = checkBound('maxMessageSize', options?.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
  const maxCompressedSize = checkBound(
    'maxCompressedSize',
    options?.maxCompressedSize,
    defaultMaxCompressedSize(maxMessageSize),
  );
  return { maxMessageSize, maxCompressedSize };
}

/**
 * The default bound on buffered compressed input: `maxMessageSize` plus 1/16 of it plus 1 KiB,
 * which covers the expansion of incompressible data under any zlib setting (at memLevel 1 zlib
 * stores 128-byte blocks at 5 bytes each, under 4%) and zstd's raw blocks (3 bytes per 128 KiB).
 */
export function defaultMaxCompressedSize(maxMessageSize: number): number {
  return maxMessageSize + Math.ceil(maxMessageSize / 16) + 1024;
}

/**
 * Returns `value` (or `fallback` when undefined) after checking it is an integer from 1 to
 * `max` (default just under 1 GiB: larger buffers are not sensible in one process, and byte positions stay
 * small integers).
 */
export function checkBound(name: string, value: number | undefined, fallback: number, max = MAX_BOUND): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new CompressionOptionError(
      `${name} must be an integer number of bytes from 1 to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Largest value any size bound accepts: just under 1 GiB (so it stays a small integer in V8). */
export const MAX_BOUND = 0x3fffffff;
