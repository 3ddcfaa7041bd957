/** Shared helpers of the compression tests: a real zlib peer, generated payloads, crafted streams. */
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { CompressionError } from '../../codec/compression/index.js';
import { DiscordGatewayError } from '../../codec/errors.js';

/** Runs `action` and returns the CompressionError (a DiscordGatewayError) it threw; fails the test if it threw none. */
export function thrownCompressionError(action: () => unknown): CompressionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CompressionError);
    expect(error).toBeInstanceOf(DiscordGatewayError);
    return error as CompressionError;
  }
  throw new Error('expected an error');
}

/**
 * The contract for any input, valid or not: each push of `chunks` gives bytes or null, or throws
 * a CompressionError (and the stream ends there). Anything else fails the test.
 */
export function expectResultsOrCompressionError(decompressor: { push(chunk: Uint8Array): Uint8Array | null }, chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    let result: unknown;
    try {
      result = decompressor.push(chunk);
    } catch (error) {
      expect(error).toBeInstanceOf(CompressionError);
      return;
    }
    expect(result === null || result instanceof Uint8Array).toBe(true);
  }
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

/** A scenario of test/fixtures/zstd, written by scripts/fixtures/make-zstd-fixtures.py. */
export interface ZstdFixture {
  readonly name: string;
  readonly note: string;
  /** What the server sent: one WebSocket message per gateway message. */
  readonly segments: Uint8Array[];
  /** The payloads those messages decompress to. */
  readonly messages: Uint8Array[];
}

/** Splits length-prefixed records (4-byte little-endian length, then the bytes). */
function records(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view.getUint32(at, true);
    out.push(bytes.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** Reads every committed zstd fixture (no python needed at run time). */
export function zstdFixtures(): ZstdFixture[] {
  const dir = new URL('../fixtures/zstd/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
    name: string;
    note: string;
    segments: string;
    messages: string;
  }[];
  return manifest.map((entry) => ({
    name: entry.name,
    note: entry.note,
    segments: records(new Uint8Array(readFileSync(new URL(entry.segments, dir)))),
    messages: records(new Uint8Array(zlib.gunzipSync(readFileSync(new URL(entry.messages, dir))))),
  }));
}

/** Little-endian bytes of `value` in `size` bytes. */
export function le(value: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 255);
  return out;
}

/** A zstd frame header: magic, descriptor, then the fields the options ask for. */
export function zstdFrameHeader(options: {
  windowDescriptor?: number;
  contentSize?: { value: number; bytes: 1 | 2 | 4 | 8 };
  singleSegment?: boolean;
  checksum?: boolean;
  dictionaryId?: { value: number; bytes: 1 | 2 | 4 };
  reservedBit?: boolean;
}): Uint8Array {
  const fcsFlag = options.contentSize ? { 1: 0, 2: 1, 4: 2, 8: 3 }[options.contentSize.bytes] : 0;
  const didFlag = options.dictionaryId ? { 1: 1, 2: 2, 4: 3 }[options.dictionaryId.bytes] : 0;
  const descriptor =
    (fcsFlag << 6) |
    (options.singleSegment ? 0x20 : 0) |
    (options.reservedBit ? 0x08 : 0) |
    (options.checksum ? 0x04 : 0) |
    didFlag;
  const bytes = [0x28, 0xb5, 0x2f, 0xfd, descriptor];
  // Default window descriptor 0x58: exponent 11, mantissa 0, a 2 MiB window.
  if (!options.singleSegment) bytes.push(options.windowDescriptor ?? 0x58);
  if (options.dictionaryId) bytes.push(...le(options.dictionaryId.value, options.dictionaryId.bytes));
  if (options.contentSize) {
    const { value, bytes: size } = options.contentSize;
    bytes.push(...le(size === 2 ? value - 256 : value, size));
  }
  return new Uint8Array(bytes);
}

/** A zstd block: 3-byte header (last flag, type 0 raw / 1 RLE / 2 compressed, size) and content. */
export function zstdBlock(type: 0 | 1 | 2 | 3, content: ArrayLike<number>, options: { last?: boolean; size?: number } = {}): Uint8Array {
  const size = options.size ?? content.length;
  const header = (size << 3) | (type << 1) | (options.last ? 1 : 0);
  return new Uint8Array([header & 255, (header >>> 8) & 255, header >>> 16, ...Array.from(content)]);
}
