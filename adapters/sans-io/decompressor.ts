/**
 * Picks the transport decompressor for a connection's `compress` setting. Owns the choice only:
 * the codecs own decoding and its bounds, the engine owns when a context is reset.
 */
import { ZlibStreamInflater } from '../../codec/compression/zlib-stream-inflater.js';
import { ZstdStreamDecompressor } from '../../codec/compression/zstd-stream-decompressor.js';
import { InvalidOptionError } from './errors.js';
import type { TransportCompressionName } from './gateway-url.js';

/** The shape both stream decompressors share: one context per connection, `reset()` for the next. */
export interface StreamDecompressor {
  push(bytes: Uint8Array): Uint8Array | null;
  reset(): void;
}

/** A decompressor for `compress`, or null for an uncompressed connection. */
export function createDecompressor(
  compress: TransportCompressionName | null,
  maxMessageSize?: number,
  maxWindowSize?: number,
): StreamDecompressor | null {
  switch (compress) {
    case null:
      return null;
    case 'zlib-stream':
      return new ZlibStreamInflater({ maxMessageSize });
    case 'zstd-stream':
      return new ZstdStreamDecompressor({ maxMessageSize, maxWindowSize });
    default:
      throw new InvalidOptionError(`compress must be "zlib-stream", "zstd-stream" or null, not ${JSON.stringify(compress)}.`);
  }
}
