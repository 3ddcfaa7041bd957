/** Transport compression for the Discord gateway: `zlib-stream` and `zstd-stream`. */
export {
  CompressionError,
  CompressionLimitError,
  CompressionOptionError,
  type CompressionDataErrorCode,
  type CompressionErrorCode,
  type CompressionLimitErrorCode,
} from './errors.js';
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_ZSTD_WINDOW_SIZE,
  type StreamDecompressorOptions,
} from './limits.js';
export { ZlibStreamInflater, type ZlibStreamInflaterOptions } from './zlib-stream-inflater.js';
export {
  ZstdStreamDecompressor,
  type ZstdStreamDecompressorOptions,
} from './zstd-stream-decompressor.js';
