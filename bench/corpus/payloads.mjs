// Discord-like gateway payloads (API v10 field names and shapes) as plain objects, with
// snowflakes as decimal strings exactly as the JSON gateway sends them. Deterministic: every
// value comes from the seeded dice. Owns the shapes only; encoding and framing are in wire.mjs.
import { Dice } from './random.mjs';

const DISCORD_EPOCH = 1420070400000;
// "Now" of the recorded session: 2025-06-01T12:00:00Z. Fixed so the corpus never changes.
const SESSION_START = 1748779200000;

const WORDS = (
  'the a an and of to in is it you that he was for on are with as his they be at one have this from or had by ' +
  'hot word but what some we can out other were all there when up use your how said each she which do their time ' +
  'gateway shard bot voice guild channel role ping pong hello world raid tonight patch notes queue ranked build ' +
  'lol gg nice thanks anyone know why does server down again update meme stream clip vote poll event giveaway'
).split(' ');
// Some text outside ASCII, so UTF-8 validation and decoding do real work on a share of messages.
const NON_ASCII = ['héllo', 'ça', 'größe', 'naïve', 'señor', '😀', '🎉', '👍', '🔥', 'こんにちは', '世界', 'привет', 'Zoë'];
const USER_WORDS = ['shadow', 'pixel', 'frost', 'nova', 'echo', 'drift', 'ember', 'luna', 'byte', 'raven', 'sage', 'orbit'];
const GAMES = ['Minecraft', 'Valorant', 'League of Legends', 'Spotify', 'Visual Studio Code', 'Counter-Strike 2', 'Fortnite'];
const FEATURES = ['COMMUNITY', 'NEWS', 'INVITE_SPLASH', 'ANIMATED_ICON', 'BANNER', 'ROLE_ICONS', 'VANITY_URL', 'AUTO_MODERATION', 'SOUNDBOARD', 'GUILD_ONBOARDING', 'MEMBER_VERIFICATION_GATE_ENABLED', 'PREVIEW_ENABLED', 'THREADS_ENABLED', 'WELCOME_SCREEN_ENABLED'];
const STATUSES = ['online', 'online', 'online', 'idle', 'idle', 'dnd'];

/** Makes the payloads of one session; one instance per connection's worth of traffic. */
export class PayloadFactory {
  constructor(seed) {
    this.dice = new Dice(seed);
    this.clock = SESSION_START;
    this.increment = 0;
    this.seq = 0;
    this.users = [];
    for (let i = 0; i < 400; i++) this.users.push(this.user());
    this.guildId = this.snowflakeAt(SESSION_START - 3e10);
    this.channelIds = Array.from({ length: 30 }, () => this.snowflakeAt(SESSION_START - 2e10));
    this.roleIds = Array.from({ length: 25 }, () => this.snowflakeAt(SESSION_START - 2e10));
  }

  /** A snowflake for a moment `ms` (Unix ms): timestamp, worker, process and increment bits. */
  snowflakeAt(ms) {
    const d = this.dice;
    this.increment = (this.increment + 1) & 0xfff;
    const bits =
      (BigInt(Math.floor(ms) - DISCORD_EPOCH) << 22n) |
      (BigInt(d.int(0, 31)) << 17n) |
      (BigInt(d.int(0, 31)) << 12n) |
      BigInt(this.increment);
    return bits.toString();
  }

  /** A snowflake for the session's current time, which advances a little per event. */
  snowflakeNow() {
    this.clock += this.dice.int(5, 400);
    return this.snowflakeAt(this.clock);
  }

  /** Discord's ISO timestamp with microseconds and an explicit offset. */
  isoTime(ms) {
    return new Date(Math.floor(ms)).toISOString().replace('Z', '000+00:00');
  }

  words(n) {
    const d = this.dice;
    const out = [];
    for (let i = 0; i < n; i++) out.push(d.chance(0.04) ? d.pick(NON_ASCII) : d.pick(WORDS));
    return out.join(' ');
  }

  user() {
    const d = this.dice;
    const name = d.pick(USER_WORDS) + (d.chance(0.5) ? '_' + d.pick(USER_WORDS) : '') + (d.chance(0.6) ? d.int(1, 9999) : '');
    const bot = d.chance(0.05);
    const user = {
      username: name,
      public_flags: d.pick([0, 0, 0, 64, 128, 256, 4194304]),
      primary_guild: null,
      id: this.snowflakeAt(DISCORD_EPOCH + 3e10 + d.next() * 2.9e11),
      global_name: d.chance(0.8) ? (d.chance(0.1) ? d.pick(NON_ASCII) + ' ' : '') + name.replace(/_/g, ' ') : null,
      discriminator: bot ? String(d.int(1000, 9999)) : '0',
      clan: null,
      avatar_decoration_data: null,
      avatar: d.chance(0.85) ? (d.chance(0.1) ? 'a_' : '') + d.hex(32) : null,
    };
    if (bot) user.bot = true;
    return user;
  }

  member(user, withUser) {
    const d = this.dice;
    const roles = [];
    for (let i = d.int(0, 4); i > 0; i--) roles.push(d.pick(this.roleIds));
    const member = {
      roles,
      premium_since: d.chance(0.05) ? this.isoTime(SESSION_START - d.next() * 3e10) : null,
      pending: false,
      nick: d.chance(0.15) ? this.words(d.int(1, 2)) : null,
      mute: false,
      joined_at: this.isoTime(SESSION_START - d.next() * 1.5e11),
      flags: d.pick([0, 0, 0, 2, 10]),
      deaf: false,
      communication_disabled_until: null,
      banner: null,
      avatar: null,
    };
    if (withUser) member.user = user;
    return member;
  }

  activity() {
    const d = this.dice;
    const name = d.pick(GAMES);
    const activity = {
      type: name === 'Spotify' ? 2 : d.pick([0, 0, 4]),
      timestamps: { start: Math.floor(this.clock - d.next() * 7.2e6) },
      name,
      id: d.hex(16),
      created_at: Math.floor(this.clock - d.next() * 6e5),
    };
    if (d.chance(0.6)) {
      activity.application_id = this.snowflakeAt(DISCORD_EPOCH + 1e11);
      activity.details = this.words(d.int(2, 6));
      activity.state = this.words(d.int(1, 4));
      activity.assets = { large_image: d.hex(18), large_text: this.words(d.int(1, 3)) };
    }
    return activity;
  }

  presence(user, guildId) {
    const d = this.dice;
    const status = d.pick(STATUSES);
    const presence = {
      user: { id: user.id },
      status,
      client_status: d.chance(0.7) ? { desktop: status } : { mobile: status, web: status },
      broadcast: null,
      activities: d.chance(0.45) ? [this.activity()] : [],
    };
    if (guildId !== undefined) presence.guild_id = guildId;
    return presence;
  }

  dispatch(t, d) {
    return { t, s: ++this.seq, op: 0, d };
  }

  /** op 10 HELLO, the first message of every connection. */
  hello() {
    return { t: null, s: null, op: 10, d: { heartbeat_interval: 41250, _trace: ['["gateway-prd-us-east1-c-7mzq",{"micros":0.0}]'] } };
  }

  /** op 11 HEARTBEAT_ACK. */
  heartbeatAck() {
    return { t: null, s: null, op: 11, d: null };
  }

  /** READY for a bot on one shard of about `guildCount` guilds, all still unavailable. */
  ready(guildCount) {
    const d = this.dice;
    const me = { ...this.user(), bot: true, verified: true, mfa_enabled: false, flags: 0, email: null, discriminator: '0' };
    const guilds = [];
    for (let i = 0; i < guildCount; i++) guilds.push({ unavailable: true, id: this.snowflakeAt(DISCORD_EPOCH + 3e10 + d.next() * 3e11) });
    return this.dispatch('READY', {
      v: 10,
      user_settings: {},
      user: me,
      session_type: 'normal',
      session_id: d.hex(32),
      resume_gateway_url: 'wss://gateway-us-east1-c.discord.gg',
      relationships: [],
      private_channels: [],
      presences: [],
      guilds,
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east', 'us-central', 'atlanta', 'us-south', 'newark'],
      application: { id: me.id, flags: 8953856 },
      auth: {},
      _trace: [`["gateway-prd-us-east1-c-7mzq",{"micros":${d.int(20000, 90000)},"calls":["id_created",{"micros":${d.int(500, 2000)},"calls":[]},"session_lookup_time",{"micros":${d.int(200, 900)},"calls":[]}]}]`],
    });
  }

  channel(position, parentId) {
    const d = this.dice;
    const type = parentId === null ? 4 : d.pick([0, 0, 0, 0, 2, 5, 15]);
    const channel = {
      version: Math.floor(this.clock - d.next() * 1e10),
      type,
      topic: type === 0 || type === 5 || type === 15 ? (d.chance(0.5) ? this.words(d.int(4, 20)) : null) : undefined,
      rate_limit_per_user: type === 0 ? d.pick([0, 0, 0, 5, 30]) : undefined,
      position,
      permission_overwrites: Array.from({ length: d.int(0, 4) }, () => ({
        type: d.int(0, 1),
        id: d.pick(this.roleIds),
        deny: String(d.pick([0, 1024, 2048, 1049600, 377957124096])),
        allow: String(d.pick([0, 1024, 3072, 68608, 1071698660929])),
      })),
      parent_id: parentId,
      nsfw: false,
      name: this.words(d.int(1, 2)).replace(/ /g, '-'),
      last_message_id: type === 4 ? undefined : this.snowflakeAt(this.clock - d.next() * 1e9),
      id: this.snowflakeAt(SESSION_START - 2e10 - d.next() * 1e10),
      icon_emoji: type === 0 ? { name: d.pick(['💬', '📢', '🎮', '🎵']), id: null } : undefined,
      flags: 0,
    };
    if (type === 2) Object.assign(channel, { user_limit: d.pick([0, 10, 99]), rtc_region: null, bitrate: 64000 });
    for (const key of Object.keys(channel)) if (channel[key] === undefined) delete channel[key];
    return channel;
  }

  role(position) {
    const d = this.dice;
    const color = d.chance(0.6) ? d.int(0, 0xffffff) : 0;
    const role = {
      version: Math.floor(this.clock - d.next() * 1e10),
      unicode_emoji: null,
      tags: {},
      position,
      permissions: String(d.pick([0, 104324673, 1071698660929, 2251799813685247, 137411140436544])),
      name: this.words(d.int(1, 3)),
      mentionable: d.chance(0.3),
      managed: false,
      id: position === 0 ? this.guildId : d.pick(this.roleIds),
      icon: null,
      hoist: d.chance(0.3),
      flags: 0,
      description: null,
      colors: { tertiary_color: null, secondary_color: null, primary_color: color },
      color,
    };
    if (d.chance(0.1)) role.tags = { bot_id: this.snowflakeAt(DISCORD_EPOCH + 2e11) };
    return role;
  }

  /** GUILD_CREATE of about `targetBytes` of JSON: channels, roles, emojis, members, presences. */
  guildCreate(targetBytes) {
    const d = this.dice;
    const guildId = this.snowflakeAt(DISCORD_EPOCH + 5e10 + d.next() * 2e11);
    const scale = Math.min(1, targetBytes / 500_000);
    const channels = [];
    const categories = Math.max(1, Math.round(3 + scale * 12));
    const perCategory = Math.max(2, Math.round(4 + scale * 8));
    for (let c = 0; c < categories; c++) {
      const category = this.channel(c, null);
      channels.push(category);
      for (let i = 0; i < perCategory; i++) channels.push(this.channel(i, category.id));
    }
    const roles = [];
    for (let i = 0, n = Math.round(5 + scale * 80); i < n; i++) roles.push(this.role(i));
    const emojis = [];
    for (let i = 0, n = Math.round(scale * 60); i < n; i++) {
      emojis.push({ roles: [], require_colons: true, name: d.pick(USER_WORDS) + d.int(1, 99), managed: false, id: this.snowflakeAt(SESSION_START - d.next() * 1e11), available: true, animated: d.chance(0.2) });
    }
    const members = [];
    const presences = [];
    const guild = {
      version: Math.floor(this.clock),
      threads: [],
      stickers: [],
      owner_id: d.pick(this.users).id,
      premium_progress_bar_enabled: false,
      features: FEATURES.filter(() => d.chance(0.4)),
      system_channel_flags: 0,
      icon: d.hex(32),
      max_stage_video_channel_users: 50,
      discovery_splash: null,
      latest_onboarding_question_id: null,
      incidents_data: null,
      members,
      max_members: 500000,
      stage_instances: [],
      safety_alerts_channel_id: null,
      explicit_content_filter: 2,
      application_command_counts: {},
      embedded_activities: [],
      nsfw_level: 0,
      max_video_channel_users: 25,
      rules_channel_id: channels[1].id,
      preferred_locale: 'en-US',
      vanity_url_code: d.chance(0.3) ? d.pick(USER_WORDS) : null,
      premium_subscription_count: d.int(0, 30),
      emojis,
      channels,
      hub_type: null,
      soundboard_sounds: [],
      large: targetBytes > 100_000,
      lazy: true,
      afk_timeout: 300,
      system_channel_id: channels[1].id,
      mfa_level: 0,
      verification_level: 1,
      guild_scheduled_events: [],
      splash: null,
      joined_at: this.isoTime(SESSION_START - d.next() * 1e11),
      default_message_notifications: 1,
      voice_states: [],
      name: this.words(d.int(1, 4)),
      id: guildId,
      activity_instances: [],
      afk_channel_id: null,
      public_updates_channel_id: channels[1].id,
      description: d.chance(0.5) ? this.words(d.int(5, 25)) : null,
      unavailable: false,
      presences,
      banner: null,
      application_id: null,
      roles,
      premium_tier: d.int(0, 3),
      member_count: 0,
    };
    // Members (a third of them with a presence) until the message reaches its size.
    let size = JSON.stringify(guild).length;
    while (size < targetBytes) {
      const user = { ...d.pick(this.users), id: this.snowflakeAt(DISCORD_EPOCH + 3e10 + d.next() * 3e11) };
      const member = this.member(user, true);
      members.push(member);
      size += JSON.stringify(member).length + 1;
      if (d.chance(0.33)) {
        const presence = this.presence(user);
        presences.push(presence);
        size += JSON.stringify(presence).length + 1;
      }
    }
    guild.member_count = members.length + d.int(0, members.length * 20);
    return this.dispatch('GUILD_CREATE', guild);
  }

  messageCreate() {
    const d = this.dice;
    const author = d.pick(this.users);
    const id = this.snowflakeNow();
    const message = {
      type: d.chance(0.9) ? 0 : 19,
      tts: false,
      timestamp: this.isoTime(this.clock),
      pinned: false,
      nonce: d.chance(0.8) ? this.snowflakeAt(this.clock - 300) : undefined,
      mentions: d.chance(0.15) ? [{ ...d.pick(this.users), member: this.member(null, false) }] : [],
      mention_roles: d.chance(0.05) ? [d.pick(this.roleIds)] : [],
      mention_everyone: false,
      member: this.member(author, false),
      id,
      flags: 0,
      embeds: [],
      edited_timestamp: null,
      content: this.words(d.chance(0.9) ? d.int(1, 25) : d.int(40, 200)),
      components: [],
      channel_type: 0,
      channel_id: d.pick(this.channelIds),
      author,
      attachments: [],
      guild_id: this.guildId,
    };
    if (message.nonce === undefined) delete message.nonce;
    if (d.chance(0.08)) {
      message.embeds.push({
        type: 'rich',
        url: `https://example.com/${d.hex(12)}`,
        title: this.words(d.int(3, 10)),
        description: this.words(d.int(10, 60)),
        color: d.int(0, 0xffffff),
        content_scan_version: 1,
        thumbnail: { url: `https://example.com/${d.hex(16)}.png`, proxy_url: `https://images-ext-1.discordapp.net/external/${d.hex(43)}/https/example.com/${d.hex(16)}.png`, width: 400, height: 400, flags: 0 },
      });
    }
    if (d.chance(0.06)) {
      const name = `${d.hex(8)}.png`;
      message.attachments.push({
        width: d.int(200, 1920),
        url: `https://cdn.discordapp.com/attachments/${message.channel_id}/${id}/${name}?ex=${d.hex(8)}&is=${d.hex(8)}&hm=${d.hex(64)}&`,
        size: d.int(10_000, 5_000_000),
        proxy_url: `https://media.discordapp.net/attachments/${message.channel_id}/${id}/${name}?ex=${d.hex(8)}&is=${d.hex(8)}&hm=${d.hex(64)}&`,
        placeholder_version: 1,
        placeholder: d.hex(22),
        id: this.snowflakeAt(this.clock),
        height: d.int(200, 1080),
        filename: name,
        content_type: 'image/png',
        content_scan_version: 1,
      });
    }
    return this.dispatch('MESSAGE_CREATE', message);
  }

  presenceUpdate() {
    return this.dispatch('PRESENCE_UPDATE', this.presence(this.dice.pick(this.users), this.guildId));
  }

  typingStart() {
    const user = this.dice.pick(this.users);
    this.clock += this.dice.int(5, 400);
    return this.dispatch('TYPING_START', {
      user_id: user.id,
      timestamp: Math.floor(this.clock / 1000),
      member: this.member(user, true),
      channel_id: this.dice.pick(this.channelIds),
      guild_id: this.guildId,
    });
  }

  /** One of the small dispatches a busy bot sees, in a plausible mix. */
  smallDispatch() {
    const r = this.dice.next();
    if (r < 0.55) return this.messageCreate();
    if (r < 0.85) return this.presenceUpdate();
    return this.typingStart();
  }
}
