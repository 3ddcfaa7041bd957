/**
 * The checks Discord runs on an IDENTIFY, in order, each with the close code it earns.
 * Pure: no connection, no clock. The concurrency limit (op 9) is checked by the caller after
 * these pass, since only a valid IDENTIFY takes a bucket.
 */

import type { ResolvedOptions } from './options.js';
import { ALL_INTENTS, CloseCode } from './protocol-tables.js';

/** The outcome of {@link checkIdentify}. */
export type IdentifyCheck =
  | { ok: true; shard: [number, number] | undefined; intents: number }
  | { ok: false; code: number };

/** Checks an IDENTIFY's `d`: 4002 shape, 4004 token, 4013/4014 intents, 4010/4011 shard. */
export function checkIdentify(d: unknown, options: ResolvedOptions): IdentifyCheck {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return { ok: false, code: CloseCode.DECODE_ERROR };
  const { token, intents, shard } = d as { token?: unknown; intents?: unknown; shard?: unknown };
  if (token !== options.token) return { ok: false, code: CloseCode.AUTHENTICATION_FAILED };
  if (typeof intents !== 'number' || !Number.isSafeInteger(intents) || intents < 0 || intents > 0x7fffffff || (intents & ~ALL_INTENTS) !== 0) {
    return { ok: false, code: CloseCode.INVALID_INTENTS };
  }
  if ((intents & ~options.allowedIntents) !== 0) return { ok: false, code: CloseCode.DISALLOWED_INTENTS };
  if (shard === undefined || shard === null) {
    return options.minShardCount > 1 ? { ok: false, code: CloseCode.SHARDING_REQUIRED } : { ok: true, shard: undefined, intents };
  }
  if (!Array.isArray(shard) || shard.length !== 2 || !shard.every((n) => Number.isSafeInteger(n))) {
    return { ok: false, code: CloseCode.INVALID_SHARD };
  }
  const [id, count] = shard as [number, number];
  if (count < 1 || id < 0 || id >= count) return { ok: false, code: CloseCode.INVALID_SHARD };
  if (count < options.minShardCount) return { ok: false, code: CloseCode.SHARDING_REQUIRED };
  return { ok: true, shard: [id, count], intents };
}
