/**
 * The logger the client writes to: console-shaped, so `console` itself fits. The client passes a
 * message and, at most, a small object of plain fields; never the token, never a payload's `d`.
 */

/** A console-like logger. Each method takes a message and optional structured fields. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that drops everything (the default). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
