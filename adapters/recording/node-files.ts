/**
 * Cassettes as files, Node only: a recorder writing to a path, reading a cassette file, and
 * replaying one by its path.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReadCassetteOptions, readCassette } from './cassette-reader.js';
import { RecorderError } from './errors.js';
import type { Cassette } from './format.js';
import { createRecorder as createSinkRecorder, type RecorderOptions, type SessionRecorder } from './recorder.js';
import { type ReplayOptions, type ReplayReport, replayCassette } from './replay.js';
import { fileSink } from './file-sink.js';

/** Options of the Node {@link createRecorder}: a file `path`, or any `sink`. */
export type NodeRecorderOptions = Omit<RecorderOptions, 'sink'> & ({ readonly path: string | URL; readonly sink?: undefined } | { readonly sink: RecorderOptions['sink']; readonly path?: undefined });

/** Creates a recorder writing to the file at `path` (created or truncated at once), or to `sink`. */
export function createRecorder(options: NodeRecorderOptions): SessionRecorder {
  if (options.path !== undefined) {
    const { path, ...rest } = options;
    let sink: RecorderOptions['sink'];
    try {
      sink = fileSink(path);
    } catch (error) {
      throw new RecorderError('RECORDER_WRITE_FAILED', `Cannot create the cassette file ${String(path)}: ${(error as Error).message}`, { cause: error });
    }
    return createSinkRecorder({ ...rest, sink });
  }
  return createSinkRecorder(options as RecorderOptions);
}

/** Reads and decodes a cassette file. */
export async function readCassetteFile(path: string | URL, options: ReadCassetteOptions = {}): Promise<Cassette> {
  return readCassette(await readFile(path), options);
}

/**
 * Replays a cassette file (or its bytes) and checks every output. Throws `ReplayMismatchError`
 * with a readable diff at the first difference (unless `throwOnMismatch: false`), and
 * `CassetteError` for a damaged file. A test is `await replaySession('test/fixtures/sessions/zombie.cassette')`.
 */
export async function replaySession(source: string | URL | Uint8Array, options: ReplayOptions = {}): Promise<ReplayReport> {
  if (source instanceof Uint8Array) return replayCassette(source, options);
  const name = options.name ?? basename(typeof source === 'string' ? source : fileURLToPath(source));
  return replayCassette(await readFile(source), { ...options, name });
}
