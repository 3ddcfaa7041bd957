/**
 * A minimal zstd stream writer (RFC 8878) for the fake gateway's `zstd-stream`: one frame per
 * connection, its header written once, then every message as one or more RAW blocks, and no
 * last-block flag until {@link ZstdRawFrameWriter.end}. Node 20 has no zstd, and this needs
 * none: the output is valid zstd that a streaming decoder must handle the way it handles
 * Discord's flushed frames, but it is not compressed at all (RAW blocks store the bytes as
 * they are). Use it to test decoders, never to measure compression.
 */

/** zstd's frame magic number, 0xFD2FB528, little-endian. */
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/**
 * Frame header descriptor 0x00: no content size (the stream has no end yet), not single
 * segment (so a window descriptor follows), no checksum, no dictionary.
 */
const FRAME_HEADER_DESCRIPTOR = 0x00;
/** Window descriptor: exponent 7, mantissa 0 -> a 2^(10+7) = 128 KiB window. */
const WINDOW_DESCRIPTOR = 7 << 3;
/** Largest block: min(window size, 128 KiB). */
export const ZSTD_MAX_BLOCK_SIZE = 128 * 1024;
const BLOCK_TYPE_RAW = 0;

/** Writes one endless zstd frame made of RAW blocks; keep one per connection. */
export class ZstdRawFrameWriter {
  private started = false;

  /** Returns the bytes of one WebSocket message holding all of `data`. */
  write(data: Uint8Array): Uint8Array {
    const blocks = Math.max(1, Math.ceil(data.length / ZSTD_MAX_BLOCK_SIZE));
    const header = this.started ? 0 : MAGIC.length + 2;
    const out = new Uint8Array(header + blocks * 3 + data.length);
    let at = 0;
    if (!this.started) {
      out.set(MAGIC, 0);
      out[4] = FRAME_HEADER_DESCRIPTOR;
      out[5] = WINDOW_DESCRIPTOR;
      at = header;
      this.started = true;
    }
    for (let i = 0; i < blocks; i++) {
      const chunk = data.subarray(i * ZSTD_MAX_BLOCK_SIZE, (i + 1) * ZSTD_MAX_BLOCK_SIZE);
      writeBlockHeader(out, at, chunk.length, false);
      out.set(chunk, at + 3);
      at += 3 + chunk.length;
    }
    return out;
  }

  /** Returns the bytes that end the frame: an empty RAW block with the last-block flag. */
  end(): Uint8Array {
    const start = this.write(new Uint8Array(0));
    start[start.length - 3]! |= 1;
    return start;
  }
}

function writeBlockHeader(out: Uint8Array, at: number, size: number, last: boolean): void {
  const header = (size << 3) | (BLOCK_TYPE_RAW << 1) | (last ? 1 : 0);
  out[at] = header & 0xff;
  out[at + 1] = (header >>> 8) & 0xff;
  out[at + 2] = (header >>> 16) & 0xff;
}
