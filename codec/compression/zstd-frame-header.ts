/**
 * zstd frame and skippable-frame headers (RFC 8878 sections 3.1.1.1 and 3.1.2): sizes, window
 * size and content size, checked against the decoder's window bound before anything is
 * allocated. Parsing only; no state.
 */
import { CompressionLimitError } from './errors.js';
import { zstdCorrupt, zstdUnsupported } from './zstd-errors.js';

/** Magic number of a zstd frame, little-endian. */
export const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use any magic number from 0x184D2A50 to 0x184D2A5F. */
export const SKIPPABLE_MAGIC_HIGH = 0x184d2a5;

/** What a zstd frame header declares. */
export interface ZstdFrameHeader {
  /** How far back matches may reach, in bytes (the frame content size for single-segment frames). */
  readonly windowSize: number;
  /** Declared size of the whole frame's content, or -1 when not declared. */
  readonly contentSize: number;
  /** Whether a 4-byte checksum follows the last block. */
  readonly hasChecksum: boolean;
}

const DICTIONARY_ID_SIZE = [0, 1, 2, 4];
const CONTENT_SIZE_SIZE = [0, 2, 4, 8];

/** Size of the header after the magic number, from its first byte (the descriptor). */
export function frameHeaderSize(descriptor: number): number {
  const singleSegment = (descriptor >>> 5) & 1;
  const contentSizeFlag = descriptor >>> 6;
  const contentSizeSize = contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_SIZE[contentSizeFlag]!;
  return 1 + (singleSegment ? 0 : 1) + DICTIONARY_ID_SIZE[descriptor & 3]! + contentSizeSize;
}

/** Reads the header at `data[pos]` (after the magic); all `frameHeaderSize` bytes must be there. */
export function parseFrameHeader(data: Uint8Array, pos: number, maxWindowSize: number): ZstdFrameHeader {
  const descriptor = data[pos++]!;
  if (descriptor & 0x08) throw zstdCorrupt('the reserved bit of the frame header is set');
  const singleSegment = (descriptor >>> 5) & 1;
  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = data[pos++]!;
    const base = 2 ** (10 + (windowDescriptor >>> 3));
    windowSize = base + (base / 8) * (windowDescriptor & 7);
  }
  const dictionaryIdSize = DICTIONARY_ID_SIZE[descriptor & 3]!;
  let dictionaryId = 0;
  for (let i = dictionaryIdSize - 1; i >= 0; i--) dictionaryId = dictionaryId * 256 + data[pos + i]!;
  pos += dictionaryIdSize;
  if (dictionaryId !== 0) throw zstdUnsupported(`the frame needs dictionary ${dictionaryId}`);
  const contentSizeFlag = descriptor >>> 6;
  const contentSizeSize = contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_SIZE[contentSizeFlag]!;
  let contentSize = -1;
  if (contentSizeSize > 0) {
    contentSize = 0;
    for (let i = contentSizeSize - 1; i >= 0; i--) contentSize = contentSize * 256 + data[pos + i]!;
    if (contentSizeSize === 2) contentSize += 256;
  }
  if (singleSegment) windowSize = contentSize;
  if (windowSize > maxWindowSize) {
    throw new CompressionLimitError(
      'ZSTD_WINDOW_TOO_LARGE',
      maxWindowSize,
      `a zstd frame asks for a ${windowSize}-byte window, over maxWindowSize (${maxWindowSize} bytes)`,
    );
  }
  return { windowSize: asInteger(windowSize), contentSize: asInteger(contentSize), hasChecksum: (descriptor & 0x04) !== 0 };
}

// `2 ** n` and `x * 256` make heap doubles; stored in an object field, one of those changes the
// field's representation and so the object's shape, which costs V8 its optimized code. Small
// integers go back to the integer representation.
function asInteger(value: number): number {
  return value >= -0x40000000 && value < 0x40000000 ? value | 0 : value;
}
