/**
 * The base of every error this library throws. `code` is stable across versions, so
 * programs branch on it rather than on the message; messages never contain a secret.
 */
export class DiscordGatewayError extends Error {
  /** A stable, machine-readable identifier such as `ETF_DECODE` or `WS_PROTOCOL`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
