/**
 * The gateway facts the fake server enforces, as tables to check against Discord's docs
 * (`topics/opcodes-and-status-codes`, `events/gateway`). Data only: no behaviour lives here.
 */

/** Opcodes the fake gateway sends. */
export const ServerOp = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

/** Opcodes a client may send, and whether each is allowed before IDENTIFY or RESUME. */
export const CLIENT_OPS: ReadonlyMap<number, { name: string; beforeAuth: boolean }> = new Map([
  [1, { name: 'HEARTBEAT', beforeAuth: true }],
  [2, { name: 'IDENTIFY', beforeAuth: true }],
  [3, { name: 'PRESENCE_UPDATE', beforeAuth: false }],
  [4, { name: 'VOICE_STATE_UPDATE', beforeAuth: false }],
  [6, { name: 'RESUME', beforeAuth: true }],
  [8, { name: 'REQUEST_GUILD_MEMBERS', beforeAuth: false }],
  [31, { name: 'REQUEST_SOUNDBOARD_SOUNDS', beforeAuth: false }],
]);

/** Close codes the fake gateway sends, with the reason text it puts in the close frame. */
export const CloseCode = {
  UNKNOWN_ERROR: 4000,
  UNKNOWN_OPCODE: 4001,
  DECODE_ERROR: 4002,
  NOT_AUTHENTICATED: 4003,
  AUTHENTICATION_FAILED: 4004,
  ALREADY_AUTHENTICATED: 4005,
  INVALID_SEQ: 4007,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  SHARDING_REQUIRED: 4011,
  INVALID_API_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
} as const;

/** Close-frame reasons, as short as Discord's. */
export const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4000: 'Unknown error.',
  4001: 'Unknown opcode.',
  4002: 'Error while decoding payload.',
  4003: 'Not authenticated.',
  4004: 'Authentication failed.',
  4005: 'Already authenticated.',
  4007: 'Invalid seq.',
  4008: 'Rate limited.',
  4009: 'Session timed out.',
  4010: 'Invalid shard.',
  4011: 'Sharding required.',
  4012: 'Invalid API version.',
  4013: 'Invalid intent(s).',
  4014: 'Disallowed intent(s).',
};

/**
 * Server close codes after which the session cannot be resumed: 4007 and 4009 ask for a new
 * session, and the rest never had one or must not reconnect. Any other server close (and
 * `terminate()`) leaves the session resumable.
 */
export const SERVER_CLOSES_ENDING_SESSION: ReadonlySet<number> = new Set([4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

/** Client close codes that end the session (the bot goes offline); any other keeps it resumable. */
export const CLIENT_CLOSES_ENDING_SESSION: ReadonlySet<number> = new Set([1000, 1001]);

/** Gateway intents as documented (`events/gateway`, "List of Intents"). */
export const Intent = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_MODERATION: 1 << 2,
  GUILD_EXPRESSIONS: 1 << 3,
  GUILD_INTEGRATIONS: 1 << 4,
  GUILD_WEBHOOKS: 1 << 5,
  GUILD_INVITES: 1 << 6,
  GUILD_VOICE_STATES: 1 << 7,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  DIRECT_MESSAGE_TYPING: 1 << 14,
  MESSAGE_CONTENT: 1 << 15,
  GUILD_SCHEDULED_EVENTS: 1 << 16,
  AUTO_MODERATION_CONFIGURATION: 1 << 20,
  AUTO_MODERATION_EXECUTION: 1 << 21,
  GUILD_MESSAGE_POLLS: 1 << 24,
  DIRECT_MESSAGE_POLLS: 1 << 25,
} as const;

/** Every documented intent bit; an IDENTIFY with any other bit set is closed with 4013. */
export const ALL_INTENTS: number = Object.values(Intent).reduce((all, bit) => all | bit, 0);

/** The privileged intents (need enabling in the Developer Portal, else 4014). */
export const PRIVILEGED_INTENTS: number = Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT;
