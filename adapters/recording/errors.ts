/**
 * The errors of recording and replay. Each has a stable `code`; none ever contains a secret
 * (recorded data is redacted before it can reach a message).
 */
import { DiscordGatewayError } from '../../codec/errors.js';

/** Why a cassette could not be read. */
export type CassetteErrorCode =
  | 'CASSETTE_BAD_MAGIC'
  | 'CASSETTE_UNSUPPORTED_VERSION'
  | 'CASSETTE_TRUNCATED'
  | 'CASSETTE_CORRUPT'
  | 'CASSETTE_TOO_LARGE';

/** A cassette file is not readable: wrong magic, a future version, cut short, or damaged. */
export class CassetteError extends DiscordGatewayError {
  declare readonly code: CassetteErrorCode;
  /** Byte offset in the file where the problem was found. */
  readonly offset: number;

  constructor(code: CassetteErrorCode, message: string, offset: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.offset = offset;
  }
}

/** Why a recorder refused a call or failed. */
export type RecorderErrorCode = 'RECORDER_ALREADY_WRAPPED' | 'RECORDER_CLOSED' | 'RECORDER_WRITE_FAILED' | 'RECORDER_INVALID_OPTION';

/** The recorder was misused (wrapped twice, used after close) or could not write its sink. */
export class RecorderError extends DiscordGatewayError {
  declare readonly code: RecorderErrorCode;

  constructor(code: RecorderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * `driveEngine`'s `until` gave up: the engine did not reach the awaited condition in time. `state`
 * says where the machine stood, which usually tells why (still `connecting`: the gateway is not
 * reachable).
 */
export class DriveTimeoutError extends DiscordGatewayError {
  declare readonly code: 'DRIVE_TIMEOUT';
  /** The machine state when the wait gave up. */
  readonly state: string;

  constructor(timeoutMs: number, state: string) {
    super('DRIVE_TIMEOUT', `The awaited condition did not hold within ${timeoutMs} ms (the machine is in ${state}); check that the gateway is reachable, or pass until() a longer timeout.`);
    this.state = state;
  }
}

/**
 * A replay produced different outputs than the recording at one step. `message` is the full
 * readable report; `expected` and `actual` hold the step's outputs as text lines, so test
 * runners that diff them (vitest does) show the difference too.
 */
export class ReplayMismatchError extends DiscordGatewayError {
  /** The step (1-based; 0 is the engine's construction) where the outputs first differ. */
  readonly step: number;
  /** The recorded outputs of that step, one line each. */
  readonly expected: string;
  /** The replayed outputs of that step, one line each. */
  readonly actual: string;

  constructor(message: string, step: number, expected: string, actual: string) {
    super('REPLAY_MISMATCH', message);
    this.step = step;
    this.expected = expected;
    this.actual = actual;
  }
}
