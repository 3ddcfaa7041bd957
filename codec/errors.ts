/**
 * The root of the library's errors, imported by every layer. Owns the `code` contract only; it
 * knows no codec, machine or adapter, and runs anywhere.
 */

/**
 * The base of every error this library throws. `code` is stable across versions, so
 * programs branch on it rather than on the message; messages never contain a secret.
 */
export class DiscordGatewayError extends Error {
  /** A stable, machine-readable identifier such as `ETF_TRUNCATED` or `WS_INVALID_UTF8`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
