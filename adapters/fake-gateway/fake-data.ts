/**
 * Realistic-looking event data for the fake gateway: snowflakes, READY, GUILD_CREATE and
 * MESSAGE_CREATE bodies. Shapes follow Discord's docs closely enough for client code that
 * reads the common fields; nothing here is a full object model.
 */

import { randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01T00:00:00Z) in ms, the zero of every snowflake's timestamp. */
const DISCORD_EPOCH = 1420070400000n;

/** Hands out increasing snowflakes for the current time (all above 2^53, like real ones). */
export class SnowflakeSource {
  private increment = 0n;

  /** The next snowflake as a decimal string. */
  next(): string {
    const ms = BigInt(Date.now()) - DISCORD_EPOCH;
    this.increment = (this.increment + 1n) & 0xfffn;
    return ((ms << 22n) | (1n << 17n) | this.increment).toString();
  }
}

/** A session id shaped like Discord's: 32 random hex digits. */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

/** The `d` of READY. */
export function readyData(input: {
  user: Record<string, unknown>;
  application: { id: string; flags: number };
  guilds: string[];
  sessionId: string;
  resumeGatewayUrl: string;
  shard: [number, number] | undefined;
}): Record<string, unknown> {
  return {
    v: 10,
    user_settings: {},
    user: input.user,
    session_type: 'normal',
    session_id: input.sessionId,
    resume_gateway_url: input.resumeGatewayUrl,
    relationships: [],
    private_channels: [],
    presences: [],
    guilds: input.guilds.map((id) => ({ id, unavailable: true })),
    guild_join_requests: [],
    geo_ordered_rtc_regions: ['fake-local'],
    auth: {},
    application: input.application,
    ...(input.shard ? { shard: input.shard } : {}),
    _trace: ['["fake-gateway",{"micros":0}]'],
  };
}

/** A small GUILD_CREATE `d` for a guild that has become available. */
export function guildCreateData(id: string, channelId: string, botUser: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    name: `Fake guild ${id.slice(-4)}`,
    icon: null,
    owner_id: botUser.id,
    unavailable: false,
    member_count: 1,
    large: false,
    joined_at: new Date().toISOString(),
    roles: [{ id, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false }],
    channels: [{ id: channelId, type: 0, name: 'general', position: 0, guild_id: id }],
    members: [{ user: botUser, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false }],
    threads: [],
    presences: [],
    voice_states: [],
    emojis: [],
    stickers: [],
  };
}

/** Where {@link messageCreateData} places a message. */
export interface MessageContext {
  guildId: string;
  channelId: string;
  authorId: string;
}

/** A MESSAGE_CREATE `d` numbered `index`, with a fresh snowflake id. */
export function messageCreateData(id: string, index: number, at: MessageContext): Record<string, unknown> {
  return {
    type: 0,
    tts: false,
    timestamp: new Date().toISOString(),
    pinned: false,
    nonce: String(index),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000000+00:00', deaf: false, mute: false, flags: 0 },
    id,
    flags: 0,
    embeds: [],
    edited_timestamp: null,
    content: `fake message ${index}`,
    components: [],
    channel_id: at.channelId,
    author: { username: 'fake-user', public_flags: 0, id: at.authorId, global_name: 'Fake User', discriminator: '0', avatar: null },
    attachments: [],
    guild_id: at.guildId,
  };
}
