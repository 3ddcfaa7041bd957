/**
 * The options of a gateway client and how they become engine options. Owns validation and
 * defaults only; the token passes straight through to the engine and is kept nowhere else.
 */
import type { GatewayIdentifyProperties, GatewayPresenceUpdateData } from 'discord-api-types/v10';
import { InvalidOptionError } from '../sans-io/errors.js';
import type { GatewayEngineOptions } from '../sans-io/gateway-engine.js';
import type { GatewayEncodingName, TransportCompressionName } from '../sans-io/gateway-url.js';
import type { IdentifyData } from '../../machines/events.js';
import type { DispatchName } from './events.js';
import { defaultIdentifyQueue, type IdentifyQueue } from './identify-queue.js';
import type { Logger } from './logger.js';

/** The npm name of this library: the default `browser` and `device` IDENTIFY properties. */
export const LIBRARY_NAME = 'sansio-discord-gateway';

/** Discord's gateway, the default `url`. */
export const DEFAULT_GATEWAY_URL = 'wss://gateway.discord.gg';

/**
 * Records a session at the engine boundary. The client calls `wrap` once with the engine options
 * (before it builds the engine) and `close` once when it closes for good.
 */
export interface GatewayRecorder {
  /** Returns the options to build the engine with (typically adding an `observer`). */
  wrap(options: GatewayEngineOptions): GatewayEngineOptions;
  /** Flushes and releases the recording. */
  close?(): void | Promise<void>;
}

/** Options of a gateway client (shared by every platform adapter). */
export interface GatewayClientOptions {
  /** The bot token. Handed to the engine and never kept, logged, emitted or put in an error. */
  readonly token: string;
  /** Gateway intents (bit set). */
  readonly intents: number;
  /** Gateway URL (default `wss://gateway.discord.gg`; use the URL from `GET /gateway/bot`). */
  readonly url?: string;
  /** Payload encoding (default `json`). */
  readonly encoding?: GatewayEncodingName;
  /** Transport compression (default none). */
  readonly compress?: TransportCompressionName | null;
  /** `[shard_id, num_shards]`. */
  readonly shard?: readonly [number, number];
  /** IDENTIFY `properties` (default `{ os: <platform>, browser: 'sansio-discord-gateway', device: 'sansio-discord-gateway' }`). */
  readonly properties?: GatewayIdentifyProperties;
  /** The initial presence sent with IDENTIFY. */
  readonly presence?: GatewayPresenceUpdateData;
  /** IDENTIFY `large_threshold` (50-250). */
  readonly largeThreshold?: number;
  /** An XState inspector (`createBrowserInspector().inspect`, `createInspector(...).inspect`, or a function). */
  readonly inspect?: GatewayEngineOptions['inspect'];
  /** Where the client logs (default: nowhere). `console` fits. */
  readonly logger?: Logger;
  /** Records the session (see {@link GatewayRecorder}). */
  readonly recorder?: GatewayRecorder;
  /** Policy overrides: backoff, outgoing rate limit, timeouts. */
  readonly policies?: GatewayEngineOptions['policies'];
  /**
   * The IDENTIFY limiter. Default: {@link defaultIdentifyQueue}, one per process for every client
   * (`max_concurrency` 1). Pass `createIdentifyQueue({ maxConcurrency })` or a cross-process
   * implementation for large bots; `null` identifies at once with no limiter.
   */
  readonly identifyQueue?: IdentifyQueue | null;
  /** A persisted snapshot (`client.persist()`) to resume that session on `connect()`. */
  readonly snapshot?: unknown;
  /** Bounds on one WebSocket message and one inflated message, in bytes. */
  readonly limits?: GatewayEngineOptions['limits'];
  /** Seed of the machine's jitter (backoff, first heartbeat); default random. For reproducible tests. */
  readonly seed?: number;
  /**
   * The dispatch types the application wants (default: all). Others reach no listener or
   * iterator, and are not even decoded: only their `op`, `s` and `t` are read, so sequence
   * tracking (heartbeats, RESUME) stays exact while a busy bot skips most of the decoding work.
   * READY and RESUMED always arrive. With a recorder every dispatch is still decoded (and
   * recorded), but only the wanted ones are delivered.
   */
  readonly wantedDispatches?: readonly DispatchName[];
}

/** The IDENTIFY data (no token) a client's options describe. */
function identifyData(options: GatewayClientOptions, properties: GatewayIdentifyProperties): IdentifyData {
  if (typeof options.token !== 'string' || options.token.length === 0) {
    throw new InvalidOptionError('`token` must be a non-empty string (the bot token from the developer portal).');
  }
  if (!Number.isSafeInteger(options.intents) || options.intents < 0) {
    throw new InvalidOptionError(`\`intents\` must be a non-negative integer bit set, not ${String(options.intents)}.`);
  }
  const shard = options.shard;
  if (shard !== undefined) {
    const [id, count] = shard;
    if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
      throw new InvalidOptionError(`\`shard\` must be [shard_id, num_shards] with 0 <= shard_id < num_shards, not [${id}, ${count}].`);
    }
  }
  return {
    intents: options.intents,
    properties: options.properties ?? properties,
    ...(shard ? { shard: [shard[0], shard[1]] as [number, number] } : {}),
    ...(options.presence ? { presence: options.presence } : {}),
    ...(options.largeThreshold !== undefined ? { large_threshold: options.largeThreshold } : {}),
  };
}

/** The engine options of a client (before any recorder wraps them). */
export function engineOptions(
  options: GatewayClientOptions,
  framing: 'engine' | 'platform',
  properties: GatewayIdentifyProperties,
): GatewayEngineOptions {
  const queue = options.identifyQueue === undefined ? defaultIdentifyQueue : options.identifyQueue;
  return {
    url: options.url ?? DEFAULT_GATEWAY_URL,
    encoding: options.encoding,
    compress: options.compress ?? null,
    token: options.token,
    identify: identifyData(options, properties),
    identifyGate: queue !== null,
    now: () => performance.now(),
    framing,
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.wantedDispatches ? { wantedDispatches: options.wantedDispatches } : {}),
  };
}
