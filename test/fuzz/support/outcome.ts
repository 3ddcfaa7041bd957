/**
 * What a fuzzed call may end in: a value, or one of the library's typed errors (a subclass of
 * DiscordGatewayError with a stable upper-snake `code`). Anything else, including a typed error
 * that wraps a foreign exception (a crash in disguise), fails the run with a readable message.
 */
import { DiscordGatewayError } from '../../../codec/errors.js';
import { MAX_RUN_MS } from './config.js';

// biome-ignore lint/suspicious/noExplicitAny: error classes take different constructor arguments.
export type ErrorClass = abstract new (...args: any[]) => DiscordGatewayError;

/** A stable error code: upper snake case. */
export const STABLE_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

// Codes whose `cause` may legitimately be a foreign error: the library wraps a platform or
// third-party parser's report (JSON.parse, TextDecoder, fflate). Any other foreign cause is a bug
// that a catch-all turned into a respectable-looking error.
const FOREIGN_CAUSE_ALLOWED: Record<string, (cause: Error) => boolean> = {
  PAYLOAD_INVALID_JSON: (cause) => cause instanceof SyntaxError,
  PAYLOAD_INVALID_UTF8: (cause) => cause instanceof TypeError,
  ETF_INFLATE_FAILED: () => true,
  ETF_INFLATE_SIZE_MISMATCH: () => true,
  ETF_TOO_DEEP: (cause) => cause instanceof RangeError && /call stack/i.test(cause.message),
};

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.constructor.name}${'code' in value ? ` [${String(value.code)}]` : ''}: ${value.message}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks that `error` is one of `allowed`, has a stable code and a message, and does not hide a
 * foreign exception in its cause chain. Throws (failing the property) otherwise.
 */
export function checkTypedError(error: unknown, allowed: readonly ErrorClass[]): DiscordGatewayError {
  if (!(error instanceof DiscordGatewayError)) {
    throw new Error(`expected a typed error, got ${describe(error)}`, { cause: error });
  }
  if (!allowed.some((type) => error instanceof type)) {
    throw new Error(`expected ${allowed.map((t) => t.name).join(' | ')}, got ${describe(error)}`, { cause: error });
  }
  if (typeof error.code !== 'string' || !STABLE_CODE.test(error.code)) {
    throw new Error(`unstable error code ${JSON.stringify(error.code)} on ${error.constructor.name}`, { cause: error });
  }
  if (typeof error.message !== 'string' || error.message.length === 0) {
    throw new Error(`${error.code} has no message`, { cause: error });
  }
  checkCause(error);
  return error;
}

/** Fails if a typed error's cause chain holds a foreign exception its code does not explain. */
export function checkCause(error: DiscordGatewayError): void {
  let current: DiscordGatewayError = error;
  for (let depth = 0; depth < 8; depth++) {
    const cause: unknown = current.cause;
    if (cause === undefined || cause === null) return;
    if (cause instanceof DiscordGatewayError) {
      current = cause;
      continue;
    }
    if (cause instanceof Error && FOREIGN_CAUSE_ALLOWED[current.code]?.(cause)) return;
    throw new Error(`${current.code} hides a crash: ${describe(cause)}`, { cause });
  }
}

/** Runs `fn`; returns its value or the typed error it threw (checked against `allowed`). */
export function outcome<T>(fn: () => T, allowed: readonly ErrorClass[]): { ok: true; value: T } | { ok: false; error: DiscordGatewayError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: checkTypedError(error, allowed) };
  }
}

/** Runs `fn` and fails if it took longer than `limitMs` (a decoder that is slow on small input). */
export function timed<T>(fn: () => T, limitMs = MAX_RUN_MS): T {
  const start = performance.now();
  const value = fn();
  const took = performance.now() - start;
  if (took > limitMs) throw new Error(`one run took ${took.toFixed(0)} ms (limit ${limitMs} ms)`);
  return value;
}
