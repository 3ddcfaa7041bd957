/**
 * Entry `<package>/recording/node`: everything in the platform-neutral `recording` entry, plus
 * cassette files (`createRecorder({ path })`, `replaySession('x.cassette')`), the TCP driver and
 * the CLI commands.
 */
export * from './index.js';
export { type CommandResult, recordCommand, replayCommand, timelineCommand } from './cli.js';
export { type DriveEngineOptions, driveEngine, type EngineDriver } from './drive-engine.js';
export { fileSink } from './file-sink.js';
export { createRecorder, type NodeRecorderOptions, readCassetteFile, replaySession } from './node-files.js';
