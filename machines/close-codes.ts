/**
 * The gateway close-code policy as data: what each code means and what the client does next.
 * `fatal` never reconnects, `new-session` reconnects with IDENTIFY, `resume` reconnects with RESUME.
 * Data and lookups only: the machine's guards read them; nothing here acts on a close.
 */

/** What the machine does after the server closes with a code. */
export type CloseAction = 'resume' | 'new-session' | 'fatal';

/** One row of the close-code table. */
export interface CloseCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
  readonly action: CloseAction;
}

/** Discord's gateway close codes (v10), checked against "Opcodes and Status Codes". */
export const CLOSE_CODES: readonly CloseCodeInfo[] = [
  { code: 4000, name: 'UnknownError', meaning: 'unknown error', action: 'resume' },
  { code: 4001, name: 'UnknownOpcode', meaning: 'an invalid opcode or payload was sent', action: 'resume' },
  { code: 4002, name: 'DecodeError', meaning: 'an invalid or over-4096-byte payload was sent', action: 'resume' },
  { code: 4003, name: 'NotAuthenticated', meaning: 'a payload was sent before IDENTIFY', action: 'resume' },
  { code: 4004, name: 'AuthenticationFailed', meaning: 'the token is invalid', action: 'fatal' },
  { code: 4005, name: 'AlreadyAuthenticated', meaning: 'more than one IDENTIFY was sent', action: 'resume' },
  { code: 4007, name: 'InvalidSeq', meaning: 'the sequence sent with RESUME was invalid', action: 'new-session' },
  { code: 4008, name: 'RateLimited', meaning: 'payloads were sent too quickly', action: 'resume' },
  { code: 4009, name: 'SessionTimedOut', meaning: 'the session timed out', action: 'new-session' },
  { code: 4010, name: 'InvalidShard', meaning: 'an invalid shard was sent with IDENTIFY', action: 'fatal' },
  { code: 4011, name: 'ShardingRequired', meaning: 'the bot is in too many guilds for one shard', action: 'fatal' },
  { code: 4012, name: 'InvalidAPIVersion', meaning: 'the gateway version is invalid', action: 'fatal' },
  { code: 4013, name: 'InvalidIntents', meaning: 'the intents value is invalid', action: 'fatal' },
  { code: 4014, name: 'DisallowedIntents', meaning: 'a privileged intent is not enabled for this bot', action: 'fatal' },
];

const BY_CODE = new Map(CLOSE_CODES.map((row) => [row.code, row]));

/** Looks a close code up in the table; unknown codes (and `null`, a lost connection) resume. */
export function closeAction(code: number | null): CloseAction {
  return (code !== null && BY_CODE.get(code)?.action) || 'resume';
}

/** A short human meaning for a close code, for errors and logs. */
export function describeCloseCode(code: number | null): string {
  if (code === null) return 'the connection was lost without a close frame';
  return BY_CODE.get(code)?.meaning ?? `close code ${code}`;
}

/** A client closing with one of these ends its session: Discord shows the bot offline at once. */
export function closeEndsSession(code: number): boolean {
  return code === 1000 || code === 1001;
}

/**
 * The code this client sends when it closes to reconnect (zombie connection, op 7, op 9):
 * anything but 1000/1001 keeps the session resumable. 4000-4999 are free for applications.
 */
export const RECONNECT_CLOSE_CODE = 4900;
