/**
 * Reads a zstd bit stream backwards (RFC 8878 section 4.1): from the highest bit below the final
 * 1-bit marker of its last byte down to the first bit of its first byte. Knows nothing of what
 * the bits mean. Reading past the start yields zero bits and is reported by `overflowed()`.
 */
import { zstdCorrupt } from './zstd-errors.js';

/** Highest set bit of a byte (0-7); the byte must be non-zero. */
export function highBit(value: number): number {
  return 31 - Math.clz32(value);
}

/** MASK[n] keeps the low n bits. */
export const MASK = new Int32Array(33);
for (let n = 0; n <= 32; n++) MASK[n] = n === 32 ? -1 : (1 << n) - 1;

/**
 * A backward bit reader. `container` holds the next `avail` bits to read in its low bits, the
 * next bit to read being the highest; bytes below are shifted in as it empties. The fields are
 * public so a hot loop can copy them into locals and write them back; nothing else should.
 */
export class BackwardBitReader {
  /** The bytes being read. */
  data: Uint8Array = new Uint8Array(0);
  /** First byte of the stream. */
  start = 0;
  /** Index of the next byte to shift in (counts down to `start`). */
  next = -1;
  /** Unread bits, in the low `avail` bits. */
  container = 0;
  /** Number of valid bits in `container`. */
  avail = 0;
  /** Bits read past the start of the stream (each read as zero). */
  over = 0;

  /** Starts reading `data[start, end)`; throws if the stream is empty or lacks its end marker. */
  init(data: Uint8Array, start: number, end: number): void {
    if (end <= start) throw zstdCorrupt('empty bit stream');
    const last = data[end - 1]!;
    if (last === 0) throw zstdCorrupt('bit stream does not end with a marker bit');
    this.data = data;
    this.start = start;
    this.next = end - 2;
    this.container = last;
    this.avail = highBit(last);
    this.over = 0;
    this.refill();
  }

  /** Reads `n` bits (0..24) as a little-endian value. */
  read(n: number): number {
    if (this.avail < n) {
      this.refill();
      if (this.avail < n) return this.readPastStart(n);
    }
    this.avail -= n;
    return (this.container >>> this.avail) & MASK[n]!;
  }

  /** Bits not yet read (0 once the stream is exactly consumed). */
  remaining(): number {
    return this.avail + (this.next - this.start + 1) * 8;
  }

  /** True if more bits were read than the stream holds. */
  overflowed(): boolean {
    return this.over > 0;
  }

  private refill(): void {
    let avail = this.avail;
    let next = this.next;
    if (avail > 24 || next < this.start) return;
    let container = this.container;
    const data = this.data;
    const start = this.start;
    do {
      container = (container << 8) | data[next--]!;
      avail += 8;
    } while (avail <= 24 && next >= start);
    this.container = container;
    this.avail = avail;
    this.next = next;
  }

  private readPastStart(n: number): number {
    const missing = n - this.avail;
    this.over += missing;
    const value = (this.container << missing) & MASK[n]!;
    this.avail = 0;
    return value;
  }
}
