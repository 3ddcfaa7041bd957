/**
 * A cassette sink writing to a file, Node only. Each record is written with a synchronous
 * `write(2)` as it is produced, so a crash leaves every finished record on disk: a readable prefix.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { RecorderError } from './errors.js';
import type { CassetteSink } from './sink.js';

/** Creates (or truncates) `path` and returns a sink that appends records to it. */
export function fileSink(path: string | URL): CassetteSink {
  const fd = openSync(path, 'w');
  let open = true;
  return {
    write(chunk) {
      if (!open) throw new RecorderError('RECORDER_CLOSED', 'This cassette file is already closed; create a new recorder for a new session.');
      let offset = 0;
      while (offset < chunk.byteLength) offset += writeSync(fd, chunk, offset, chunk.byteLength - offset);
    },
    close() {
      if (!open) return;
      open = false;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
