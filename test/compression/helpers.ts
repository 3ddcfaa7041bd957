/** Shared helpers of the compression tests: a real zlib peer, seeded randomness, chunking. */
import zlib from 'node:zlib';

/** A deterministic PRNG (mulberry32) so random chunkings are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Compresses `messages` the way Discord does: one node:zlib deflate stream, each message written
 * and followed by a Z_SYNC_FLUSH. Returns each message's segment (the first carries the header).
 */
export async function zlibStreamSegments(
  messages: readonly Uint8Array[],
  options: zlib.ZlibOptions = {},
): Promise<Uint8Array[]> {
  const deflate = zlib.createDeflate(options);
  const segments: Uint8Array[] = [];
  for (const message of messages) {
    const parts: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      parts.push(chunk);
    };
    deflate.on('data', onData);
    if (message.length > 0) deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    deflate.off('data', onData);
    segments.push(new Uint8Array(Buffer.concat(parts)));
  }
  deflate.close();
  return segments;
}

/** Splits `bytes` into chunks of random sizes (1..maxChunk), reproducibly. */
export function randomChunks(bytes: Uint8Array, random: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** Random bytes (incompressible: forces stored blocks). */
export function randomBytes(length: number, random: () => number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

const WORDS = 'the a gateway shard guild channel role member presence voice ping pong hello world'.split(' ');

/** JSON-like text resembling gateway dispatches, `approxLength` bytes long. */
export function gatewayText(approxLength: number, random: () => number): Uint8Array {
  let text = '';
  let seq = 0;
  while (text.length < approxLength) {
    const id = String(100000000000000000n + BigInt(Math.floor(random() * 1e12)));
    const words = Array.from({ length: 2 + Math.floor(random() * 12) }, () => WORDS[Math.floor(random() * WORDS.length)]);
    text += JSON.stringify({ op: 0, s: ++seq, t: 'MESSAGE_CREATE', d: { id, content: words.join(' '), n: random() } });
  }
  return new TextEncoder().encode(text.slice(0, approxLength));
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes from a hex string (whitespace ignored). */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** A copy of bytes (the inflater's result is a view into a reused buffer). */
export function copy(bytes: Uint8Array | null): Uint8Array | null {
  return bytes === null ? null : bytes.slice();
}

/** Writes a DEFLATE bit stream by hand, to craft blocks no real compressor would emit. */
export class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;

  /** Writes `count` bits of `value`, least significant first (header fields, extra bits). */
  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.push((value >>> i) & 1);
    return this;
  }

  /** Writes a Huffman code of `length` bits, most significant first (as DEFLATE packs codes). */
  code(value: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.push((value >>> i) & 1);
    return this;
  }

  /** Pads to a byte boundary with zero bits. */
  align(): this {
    while (this.bit !== 0) this.push(0);
    return this;
  }

  /** Appends whole bytes (call after align). */
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.bits(bytes[i]!, 8);
    return this;
  }

  /** An empty non-final stored block: what Z_SYNC_FLUSH writes. */
  syncFlush(): this {
    return this.bits(0, 3).align().raw([0, 0, 0xff, 0xff]);
  }

  finish(): Uint8Array {
    return new Uint8Array(this.bytes);
  }

  private push(bit: number): void {
    if (this.bit === 0) this.bytes.push(0);
    this.bytes[this.bytes.length - 1]! |= bit << this.bit;
    this.bit = (this.bit + 1) & 7;
  }
}

/** The zlib header node:zlib writes at the default level: 78 9c. */
export const ZLIB_HEADER = new Uint8Array([0x78, 0x9c]);
