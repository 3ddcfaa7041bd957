/**
 * Per-connection transport compression (the `compress` query parameter). Owns the one zlib or
 * zstd context a connection keeps for its whole life; knows nothing about payloads or sockets.
 */

import { type Deflate, constants as zlibConstants, createDeflate } from 'node:zlib';
import { ZstdRawFrameWriter } from './zstd-raw-writer.js';

/** The `compress` query parameter values Discord accepts. */
export type TransportCompression = 'zlib-stream' | 'zstd-stream';

/** Turns each encoded payload into the WebSocket messages that carry it. */
export interface TransportCompressor {
  /** The binary messages for one payload, in order. Calls must not overlap. */
  compress(data: Uint8Array): Promise<Uint8Array[]>;
  /** Frees the context. */
  close(): void;
}

/** Options of {@link createTransportCompressor}. */
export interface CompressorOptions {
  /** zlib-stream only: spread each payload over 2 or 3 WebSocket messages, alternately. */
  split?: boolean;
}

/** Creates the compressor for one connection. */
export function createTransportCompressor(kind: TransportCompression, options: CompressorOptions = {}): TransportCompressor {
  return kind === 'zlib-stream' ? new ZlibStreamCompressor(options.split ?? false) : new ZstdStreamCompressor();
}

const SYNC_FLUSH_SUFFIX = [0x00, 0x00, 0xff, 0xff];

/** One `createDeflate()` for the connection; each payload is flushed with Z_SYNC_FLUSH. */
class ZlibStreamCompressor implements TransportCompressor {
  private readonly deflate: Deflate = createDeflate();
  private readonly pending: Buffer[] = [];
  private count = 0;

  constructor(private readonly split: boolean) {
    this.deflate.on('data', (chunk: Buffer) => this.pending.push(chunk));
  }

  compress(data: Uint8Array): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      this.deflate.write(data, (error) => {
        if (error) reject(error);
      });
      this.deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        const message = Buffer.concat(this.pending.splice(0));
        this.count++;
        resolve(this.split ? splitMessage(message, this.count % 2 === 0 ? 3 : 2) : [message]);
      });
    });
  }

  close(): void {
    this.deflate.close();
  }
}

/**
 * Cuts a flushed message into `parts` pieces. No piece but the last may end with the sync-flush
 * suffix, or a client that (rightly) inflates at every suffix would see a false end.
 */
export function splitMessage(message: Uint8Array, parts: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 1; i < parts; i++) {
    let cut = Math.floor((message.length * i) / parts);
    while (cut > start && cut < message.length && endsWithSuffix(message, cut)) cut++;
    if (cut <= start || cut >= message.length) continue;
    out.push(message.subarray(start, cut));
    start = cut;
  }
  out.push(message.subarray(start));
  return out;
}

function endsWithSuffix(message: Uint8Array, end: number): boolean {
  if (end < 4) return false;
  return SYNC_FLUSH_SUFFIX.every((b, i) => message[end - 4 + i] === b);
}

/** One zstd frame for the connection, one message per payload (as Discord sends it). */
class ZstdStreamCompressor implements TransportCompressor {
  private readonly writer = new ZstdRawFrameWriter();

  compress(data: Uint8Array): Promise<Uint8Array[]> {
    return Promise.resolve([this.writer.write(data)]);
  }

  close(): void {}
}
