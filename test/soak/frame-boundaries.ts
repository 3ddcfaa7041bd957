/**
 * Finds where WebSocket frame headers lie in a byte stream seen one chunk at a time, so the fault
 * proxy can cut frames inside their headers on purpose and count how often it did. It reads the
 * HTTP upgrade (request or response) first, then frames of either direction (masked or not). It
 * only observes: it never changes or holds the bytes.
 */

/** A byte range `[start, end)` of one chunk that belongs to a frame header. */
export interface HeaderRange {
  readonly start: number;
  readonly end: number;
}

const CR = 0x0d;
const LF = 0x0a;

/** Tracks frame headers across chunks of one direction of one connection. */
export class FrameBoundaryTracker {
  /** Bytes of `\r\n\r\n` matched so far, or -1 once the HTTP head is over. */
  #httpMatched = 0;
  /** Header bytes collected so far for the frame being read (at most 14). */
  readonly #header = new Uint8Array(14);
  #headerHave = 0;
  /** Payload bytes still to skip; 0 when the next byte starts (or continues) a header. */
  #payloadLeft = 0;
  /** Frames whose header has been read completely. */
  frames = 0;

  /** Feeds one chunk; returns the ranges of it that are frame-header bytes. */
  feed(chunk: Uint8Array): HeaderRange[] {
    const ranges: HeaderRange[] = [];
    let pos = 0;
    while (this.#httpMatched >= 0 && pos < chunk.length) {
      const byte = chunk[pos++]!;
      const want = this.#httpMatched % 2 === 0 ? CR : LF;
      this.#httpMatched = byte === want ? this.#httpMatched + 1 : byte === CR ? 1 : 0;
      if (this.#httpMatched === 4) this.#httpMatched = -1;
    }
    while (pos < chunk.length) {
      if (this.#payloadLeft > 0) {
        const skip = Math.min(this.#payloadLeft, chunk.length - pos);
        this.#payloadLeft -= skip;
        pos += skip;
        continue;
      }
      const start = pos;
      while (pos < chunk.length) {
        this.#header[this.#headerHave++] = chunk[pos++]!;
        const need = this.#headerLength();
        if (need !== null && this.#headerHave === need) {
          this.#payloadLeft = this.#payloadLength();
          this.#headerHave = 0;
          this.frames++;
          break;
        }
      }
      ranges.push({ start, end: pos });
    }
    return ranges;
  }

  /** The full header length once its first two bytes are known. */
  #headerLength(): number | null {
    if (this.#headerHave < 2) return null;
    const len7 = this.#header[1]! & 0x7f;
    const masked = (this.#header[1]! & 0x80) !== 0;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  #payloadLength(): number {
    const len7 = this.#header[1]! & 0x7f;
    if (len7 < 126) return len7;
    if (len7 === 126) return (this.#header[2]! << 8) | this.#header[3]!;
    let length = 0;
    for (let i = 2; i < 10; i++) length = length * 256 + this.#header[i]!;
    return length;
  }
}
