/**
 * Errors thrown by the fake gateway. They deliberately do not extend the library's own
 * `DiscordGatewayError` (nothing here imports `codec/`), but follow the same shape: a stable
 * upper-snake `code` and a message that says what to do.
 */

/** Stable codes of {@link FakeGatewayError}. */
export type FakeGatewayErrorCode =
  | 'FAKE_GATEWAY_ETF_DECODE'
  | 'FAKE_GATEWAY_ETF_ENCODE'
  | 'FAKE_GATEWAY_NO_CONNECTION'
  | 'FAKE_GATEWAY_NO_SESSION'
  | 'FAKE_GATEWAY_TIMEOUT'
  | 'FAKE_GATEWAY_CLOSED';

/** The one error class of the fake gateway: branch on `code`, never on the message. */
export class FakeGatewayError extends Error {
  /** A stable, machine-readable identifier. */
  readonly code: FakeGatewayErrorCode;

  constructor(code: FakeGatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FakeGatewayError';
    this.code = code;
  }
}
