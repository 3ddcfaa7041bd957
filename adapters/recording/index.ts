/**
 * Session recording and replay, platform-neutral (no `node:` imports): record an engine's
 * session to a cassette, replay it deterministically, draw its timeline. File paths, the TCP
 * driver and the CLI pieces are in `node.ts`.
 */
export { type BenchmarkReplayResult, benchmarkReplay } from './bench-replay.js';
export { type ReadCassetteOptions, readCassette } from './cassette-reader.js';
export { CassetteWriter } from './cassette-writer.js';
export { describeInput, describePayload, describePayloads } from './describe.js';
export { dispatchDigest } from './dispatch-digest.js';
export { CassetteError, type CassetteErrorCode, DriveTimeoutError, RecorderError, type RecorderErrorCode, ReplayMismatchError } from './errors.js';
export {
  CASSETTE_FORMAT,
  CASSETTE_MAGIC,
  CASSETTE_VERSION,
  type Cassette,
  type CassetteEngineOptions,
  type CassetteHeader,
  type CassetteStep,
  MAX_RECORD_BYTES,
  type StepOutput,
} from './format.js';
export { describeOutput } from './outputs.js';
export { createRecorder, type RecorderOptions, type SessionRecorder } from './recorder.js';
export { Redactor } from './redact.js';
export {
  REPLAY_TOKEN,
  type ReplayedStep,
  type ReplayEngineOverrides,
  type ReplayMismatch,
  type ReplayOptions,
  type ReplayReport,
  replayCassette,
  replaySteps,
} from './replay.js';
export { type CassetteSink, type MemorySink, memorySink } from './sink.js';
export { formatTimeline, type TimelineOptions } from './timeline-text.js';
export { buildTimeline, type Timeline, type TimelineRow } from './timeline.js';
export { renderTimelineSvg, type TimelineSvgOptions } from './timeline-svg.js';
