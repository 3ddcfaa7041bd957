/**
 * The errors of the transport-compression codecs. Every failure of `zlib-stream` or
 * `zstd-stream` decoding is a {@link CompressionError}; crossing a size bound is its subclass
 * {@link CompressionLimitError}. Each carries the WebSocket close code a client should use.
 */
import { DiscordGatewayError } from '../errors.js';

/** Stable codes of {@link CompressionError}: the data the server sent is not valid. */
export type CompressionDataErrorCode =
  | 'ZLIB_BAD_HEADER'
  | 'ZLIB_BAD_DATA'
  | 'ZLIB_TRUNCATED'
  | 'ZLIB_STREAM_ENDED'
  | 'ZSTD_BAD_DATA'
  | 'ZSTD_UNSUPPORTED'
  | 'COMPRESSION_CONTEXT_FAILED';

/** Stable codes of {@link CompressionLimitError}: a bound of this library was crossed. */
export type CompressionLimitErrorCode =
  | 'INFLATED_TOO_LARGE'
  | 'COMPRESSED_TOO_LARGE'
  | 'ZSTD_WINDOW_TOO_LARGE';

/** Every code a compression codec throws with. */
export type CompressionErrorCode = CompressionDataErrorCode | CompressionLimitErrorCode;

/**
 * The compressed stream could not be decoded: corrupt or truncated data, a feature this codec
 * does not support, or use of a context that already failed. The connection should be closed
 * with {@link CompressionError.closeCode} and a new one opened (with a new context).
 */
export class CompressionError extends DiscordGatewayError {
  declare readonly code: CompressionErrorCode;
  /** The WebSocket close code to fail the connection with: 1007 for bad data, 1009 for size. */
  readonly closeCode: 1007 | 1009;

  constructor(
    code: CompressionErrorCode,
    message: string,
    options?: { cause?: unknown; closeCode?: 1007 | 1009 },
  ) {
    super(code, message, options);
    this.closeCode = options?.closeCode ?? 1007;
  }
}

/**
 * A size bound was crossed: one decompressed message larger than `maxMessageSize`, buffered
 * compressed input larger than `maxCompressedSize`, or a zstd window larger than
 * `maxWindowSize`. Raised before anything beyond the bound was allocated.
 */
export class CompressionLimitError extends CompressionError {
  declare readonly code: CompressionLimitErrorCode;
  /** The bound that was crossed, in bytes. */
  readonly limit: number;

  constructor(code: CompressionLimitErrorCode, limit: number, message: string) {
    super(code, message, { closeCode: 1009 });
    this.limit = limit;
  }
}

/** A compression codec was constructed with an invalid option (a caller's mistake). */
export class CompressionOptionError extends DiscordGatewayError {
  declare readonly code: 'COMPRESSION_INVALID_OPTION';

  constructor(message: string) {
    super('COMPRESSION_INVALID_OPTION', message);
  }
}

/** The error every call on a failed context throws; `cause` is the original failure. */
export function contextFailed(cause: CompressionError): CompressionError {
  return new CompressionError(
    'COMPRESSION_CONTEXT_FAILED',
    `this decompression context already failed (${cause.code}); call reset() for a new connection`,
    { cause, closeCode: cause.closeCode },
  );
}
