/**
 * Options of the fake gateway and their defaults. Defaults follow Discord's documented values,
 * except where a test needs speed; every option can be tightened for a test.
 */

import { ALL_INTENTS } from './protocol-tables.js';

/**
 * A fake bot token: shaped like a real one (base64 user id, timestamp, HMAC), valid for this
 * fake gateway only. The user id it encodes is {@link FAKE_BOT_USER_ID}.
 */
export const FAKE_GATEWAY_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE0.fake-gateway-token-for-tests-only-0000';

/** The bot user id READY reports by default (the one encoded in {@link FAKE_GATEWAY_TOKEN}). */
export const FAKE_BOT_USER_ID = '1100000000000000001';

/** Everything `startFakeGateway` accepts. All fields are optional. */
export interface FakeGatewayOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Serve `wss://` with this PEM key and certificate (e.g. `test/fixtures/tls/`). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The one valid token. Default {@link FAKE_GATEWAY_TOKEN}. */
  token?: string;
  /** `heartbeat_interval` sent in HELLO, in ms. Default 41250; tests use small values. */
  heartbeatInterval?: number;
  /**
   * Close connections that stop heartbeating. Off by default. `afterMs` defaults to
   * 1.5 x the interval; `closeCode` to 4000 (Discord documents that a late heartbeat forces
   * a resume, so the code must be a resumable one).
   */
  heartbeatTimeout?: false | { afterMs?: number; closeCode?: number };
  /** Shard count recommended by `GET /gateway/bot`. Default 1. */
  shardCount?: number;
  /** Close an IDENTIFY whose shard count is below this with 4011. Default: no minimum. */
  minShardCount?: number;
  /** `max_concurrency`: the number of IDENTIFY buckets (`shard_id % maxConcurrency`). Default 1. */
  maxConcurrency?: number;
  /** One IDENTIFY per bucket per this many ms, else op 9 `d=false`. Default 5000; 0 disables. */
  identifyWindowMs?: number;
  /** Payloads a client may send per window, heartbeats included, else close 4008. Default 120 per 60 s. */
  rateLimit?: { limit: number; windowMs: number };
  /** Largest client payload in bytes; anything bigger is closed with 4002. Default 4096. */
  maxPayloadBytes?: number;
  /** How long a disconnected session stays resumable, in ms. Default 180000. */
  sessionTimeoutMs?: number;
  /** Path of `resume_gateway_url` on this same server, so tests can see it was used. Default `/resume`. */
  resumePath?: string;
  /** zlib-stream: send each payload over 2 or 3 WebSocket messages (alternately). Default false. */
  splitCompressedMessages?: boolean;
  /** Guild ids listed as unavailable in READY. Default none. */
  readyGuilds?: string[];
  /** After READY, dispatch a small GUILD_CREATE for each ready guild, as Discord does. Default false. */
  guildCreates?: boolean;
  /** Intent bits accepted; a documented but missing bit is closed with 4014. Default: all. */
  allowedIntents?: number;
  /** The bot user in READY. Default a bot named `fake-bot` with id {@link FAKE_BOT_USER_ID}. */
  user?: Record<string, unknown>;
  /** The application in READY. Default `{ id: FAKE_BOT_USER_ID, flags: 0 }`. */
  application?: { id: string; flags: number };
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  port: number;
  host: string;
  tls: { key: string | Buffer; cert: string | Buffer } | undefined;
  token: string;
  heartbeatInterval: number;
  heartbeatTimeout: { afterMs: number; closeCode: number } | undefined;
  shardCount: number;
  minShardCount: number;
  maxConcurrency: number;
  identifyWindowMs: number;
  rateLimit: { limit: number; windowMs: number };
  maxPayloadBytes: number;
  sessionTimeoutMs: number;
  resumePath: string;
  splitCompressedMessages: boolean;
  readyGuilds: string[];
  guildCreates: boolean;
  allowedIntents: number;
  user: Record<string, unknown>;
  application: { id: string; flags: number };
}

/** Fills in the defaults. */
export function resolveOptions(options: FakeGatewayOptions = {}): ResolvedOptions {
  const heartbeatInterval = options.heartbeatInterval ?? 41250;
  const timeout = options.heartbeatTimeout;
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tls: options.tls,
    token: options.token ?? FAKE_GATEWAY_TOKEN,
    heartbeatInterval,
    heartbeatTimeout: timeout
      ? { afterMs: timeout.afterMs ?? heartbeatInterval * 1.5, closeCode: timeout.closeCode ?? 4000 }
      : undefined,
    shardCount: options.shardCount ?? 1,
    minShardCount: options.minShardCount ?? 1,
    maxConcurrency: Math.max(1, options.maxConcurrency ?? 1),
    identifyWindowMs: options.identifyWindowMs ?? 5000,
    rateLimit: options.rateLimit ?? { limit: 120, windowMs: 60_000 },
    maxPayloadBytes: options.maxPayloadBytes ?? 4096,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 180_000,
    resumePath: normalizePath(options.resumePath ?? '/resume'),
    splitCompressedMessages: options.splitCompressedMessages ?? false,
    readyGuilds: options.readyGuilds ?? [],
    guildCreates: options.guildCreates ?? false,
    allowedIntents: options.allowedIntents ?? ALL_INTENTS,
    user: options.user ?? {
      id: FAKE_BOT_USER_ID,
      username: 'fake-bot',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      verified: true,
      mfa_enabled: false,
      flags: 0,
      email: null,
    },
    application: options.application ?? { id: FAKE_BOT_USER_ID, flags: 0 },
  };
}

/** `/resume/` and `/resume` are the same path; `''` is `/`. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
