/**
 * The errors of the gateway connection (as opposed to the codecs'). Each has a stable `code`;
 * none ever contains the token.
 */
import { DiscordGatewayError } from '../../codec/errors.js';
import type { SendRejectedCommand } from '../../machines/commands.js';

/** An option passed to the connection or client is unusable. */
export class InvalidOptionError extends DiscordGatewayError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** The call is not legal in the connection's current state (e.g. `identify()` before HELLO). */
export class InvalidStateError extends DiscordGatewayError {
  /** The machine state when the call was made. */
  readonly state: string;

  constructor(message: string, state: string) {
    super('INVALID_STATE', message);
    this.state = state;
  }
}

/** The gateway closes connections that send more than 4096 bytes; this payload was not sent. */
export class PayloadTooLargeError extends DiscordGatewayError {
  /** The encoded size in bytes. */
  readonly size: number;
  /** The gateway's limit in bytes. */
  readonly limit: number;

  constructor(size: number, limit: number, op: number) {
    super('PAYLOAD_TOO_LARGE', `The op ${op} payload encodes to ${size} bytes; the gateway accepts at most ${limit}. Split it or send less data.`);
    this.size = size;
    this.limit = limit;
  }
}

/** A payload given to `send()` contains the bot token; the token goes out in IDENTIFY and RESUME only. */
export class PayloadContainsTokenError extends DiscordGatewayError {
  constructor(op: number) {
    super('PAYLOAD_CONTAINS_TOKEN', `The op ${op} payload contains the bot token; it was not sent. The token is only ever sent in IDENTIFY and RESUME.`);
  }
}

const REJECTION_MESSAGES: Record<SendRejectedCommand['reason'], string> = {
  'not-ready': 'The session is not ready; wait for the ready event before sending.',
  'rate-limited': 'No rate-limit slot is free (120 payloads per 60 s); retry later or let it queue.',
  'queue-full': 'Too many payloads are already waiting for a rate-limit slot.',
  disconnected: 'The connection closed before the payload could be sent.',
  'opcode-reserved': 'This opcode is sent by the connection itself (IDENTIFY, RESUME, HEARTBEAT); use identify()/resume()/heartbeat().',
};

/** A payload given to `send()` was not sent; `reason` says why. */
export class SendRejectedError extends DiscordGatewayError {
  /** Why the payload was refused. */
  readonly reason: SendRejectedCommand['reason'];

  constructor(reason: SendRejectedCommand['reason']) {
    super(`SEND_${reason.toUpperCase().replace('-', '_')}`, REJECTION_MESSAGES[reason]);
    this.reason = reason;
  }
}

/** The gateway closed with a code that forbids reconnecting (4004, 4010-4014). */
export class FatalCloseError extends DiscordGatewayError {
  /** The close code the gateway sent. */
  readonly closeCode: number;

  constructor(closeCode: number, meaning: string) {
    super('GATEWAY_FATAL_CLOSE', `The gateway closed the connection with ${closeCode}: ${meaning}. Reconnecting would fail again; fix the cause first.`);
    this.closeCode = closeCode;
  }
}

/**
 * The WebSocket is closed (the seed's `CloseDiscordConnection`). `data` holds the bytes still to
 * write (our answer to the server's close frame), or null when there is nothing to send.
 */
export class CloseDiscordConnection extends DiscordGatewayError {
  /** Bytes to write before shutting the socket down, or null. */
  readonly data: Uint8Array | null;
  /** The close code the server sent, or null when the connection ended without one. */
  readonly closeCode: number | null;
  /** The close reason the server sent. */
  readonly reason: string;

  constructor(data: Uint8Array | null, closeCode: number | null, reason: string) {
    super('CONNECTION_CLOSED', closeCode === null ? 'The connection ended without a close frame.' : `The WebSocket closed with ${closeCode}${reason ? ` (${reason})` : ''}.`);
    this.data = data;
    this.closeCode = closeCode;
    this.reason = reason;
  }
}
