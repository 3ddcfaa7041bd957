/**
 * Where a recorder's bytes go. A sink receives whole records in order and must take each chunk
 * before `write` returns (the recorder never touches a chunk again). Platform-neutral; the file
 * sink is in `file-sink.ts` (Node only).
 */

/** Receives a cassette's bytes, record by record. */
export interface CassetteSink {
  /** Appends bytes. Throwing marks the recording failed (reported by the recorder's `close()`). */
  write(chunk: Uint8Array): void;
  /** Called once by the recorder's `close()`, after the last write. */
  close?(): void | Promise<void>;
}

/** A sink that keeps the cassette in memory (tests, browsers, uploads). */
export interface MemorySink extends CassetteSink {
  /** Everything written so far, as one array. */
  bytes(): Uint8Array;
}

/** Creates a {@link MemorySink}. */
export function memorySink(): MemorySink {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    write(chunk) {
      chunks.push(chunk);
      size += chunk.byteLength;
    },
    bytes() {
      const out = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return out;
    },
  };
}
