// Payload objects -> the bytes a Discord client reads: JSON or ETF, one zlib-stream or
// zstd-stream context per connection flushed after every message, server WebSocket frames, and
// 16 KiB socket reads. Peers do the work where they exist (node:zlib, ws's Sender.frame,
// zstd-napi); the fallbacks here are used only when a peer is missing.
import zlib from 'node:zlib';

const utf8 = new TextEncoder();

/** UTF-8 JSON, as the gateway sends with `encoding=json`. */
export function jsonBytes(payload) {
  return utf8.encode(JSON.stringify(payload));
}

// Snowflakes since 2015 have 17 to 20 digits; shorter digit strings (hex ids by chance) stay.
const SNOWFLAKE = /^[0-9]{17,20}$/;
const SNOWFLAKE_LISTS = new Set(['roles', 'mention_roles']);

function isSnowflakeKey(key) {
  return key === 'id' || key.endsWith('_id');
}

/**
 * The same payload with snowflakes as bigints, so an ETF encoder writes them as 64-bit integers
 * (SMALL_BIG_EXT), as Discord's ETF gateway does; decoders turn them back into decimal strings.
 */
export function withIntegerSnowflakes(value, key = '') {
  if (typeof value === 'string') {
    return SNOWFLAKE.test(value) && isSnowflakeKey(key) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const asIds = SNOWFLAKE_LISTS.has(key);
    return value.map((item) => (asIds && typeof item === 'string' && SNOWFLAKE.test(item) ? BigInt(item) : withIntegerSnowflakes(item)));
  }
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = withIntegerSnowflakes(v, k);
    return out;
  }
  return value;
}

const latin1 = (text) => Array.from(text, (c) => c.charCodeAt(0));
// ATOM_EXT, as Discord writes atoms (erlpack, Discord's own decoder, reads no UTF-8 atom tags).
const atom = (name) => [100, 0, name.length, ...latin1(name)];

function etfSmallTerm(value) {
  if (value === null || value === undefined) return atom('nil');
  if (Number.isInteger(value) && value >= 0 && value < 256) return [97, value];
  if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) {
    return [98, (value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  }
  throw new Error(`no small ETF term for ${value}`);
}

/**
 * A payload as Discord's ETF gateway writes it (Erlang's term_to_binary of a map with atom keys):
 * the keys d, op, s, t in Erlang's term order (so `d` comes first and `t` last), ATOM_EXT atoms
 * for the keys and the event name, and `d` written by `encodeEtf` with snowflakes as
 * 64-bit integers.
 */
export function discordEtf(payload, encodeEtf) {
  const d = encodeEtf(withIntegerSnowflakes(payload.d ?? null)).subarray(1);
  const head = [131, 116, 0, 0, 0, 4, ...atom('d')];
  const tail = [
    ...atom('op'),
    ...etfSmallTerm(payload.op),
    ...atom('s'),
    ...etfSmallTerm(payload.s ?? null),
    ...atom('t'),
    ...(payload.t == null ? atom('nil') : atom(payload.t)),
  ];
  const out = new Uint8Array(head.length + d.length + tail.length);
  out.set(head);
  out.set(d, head.length);
  out.set(tail, head.length + d.length);
  return out;
}

/**
 * zlib-stream: one deflate context for the whole connection, Z_SYNC_FLUSH after each message,
 * so each returned segment (one WebSocket message) ends with 00 00 ff ff.
 */
export async function zlibStream(messages) {
  const deflate = zlib.createDeflate();
  const segments = [];
  let parts = [];
  deflate.on('data', (chunk) => parts.push(chunk));
  for (const message of messages) {
    deflate.write(message);
    await new Promise((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
    const segment = new Uint8Array(Buffer.concat(parts));
    parts = [];
    const n = segment.length;
    if (n < 4 || segment[n - 4] !== 0 || segment[n - 3] !== 0 || segment[n - 2] !== 0xff || segment[n - 1] !== 0xff) {
      throw new Error('zlib-stream segment does not end with the sync-flush marker');
    }
    segments.push(segment);
  }
  deflate.close();
  return segments;
}

/**
 * zstd-stream with zstd-napi's streaming context: one frame for the connection, ZSTD_e_flush
 * after each message (zstd's equivalent of a sync flush). Level 3, zstd's default.
 */
export function zstdStream(messages, binding) {
  const cctx = new binding.CCtx();
  cctx.setParameter(binding.CParameter.compressionLevel, 3);
  const out = Buffer.alloc(1 << 17);
  const segments = [];
  for (const message of messages) {
    const parts = [];
    let input = message;
    for (;;) {
      const [remaining, written, consumed] = cctx.compressStream2(out, input, binding.EndDirective.flush);
      parts.push(Buffer.from(out.subarray(0, written)));
      input = input.subarray(consumed);
      if (remaining === 0 && input.length === 0) break;
    }
    segments.push(new Uint8Array(Buffer.concat(parts)));
  }
  return segments;
}

/** Opcodes of the frames we write. */
export const TEXT = 1;
export const BINARY = 2;

/** One unmasked server frame, laid out by ws's Sender.frame when ws is loaded. */
export function serverFrame(payload, opcode, wsSender) {
  if (wsSender) {
    const parts = wsSender.frame(Buffer.from(payload.buffer, payload.byteOffset, payload.length), {
      fin: true,
      opcode,
      mask: false,
      readOnly: true,
      rsv1: false,
    });
    return new Uint8Array(Buffer.concat(parts));
  }
  return fallbackFrame(payload, opcode);
}

// RFC 6455 section 5.2, for runs without ws; checked equal to ws's output when both exist.
export function fallbackFrame(payload, opcode) {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const frame = new Uint8Array(head + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = n;
  else if (n < 0x10000) {
    frame[1] = 126;
    frame[2] = n >>> 8;
    frame[3] = n & 0xff;
  } else {
    frame[1] = 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(n));
  }
  frame.set(payload, head);
  return frame;
}

/** All frames of a connection, back to back, as one byte stream. */
export function concat(parts) {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Socket reads of `size` bytes (the last one shorter): views into `bytes`, no copies. */
export function socketReads(bytes, size) {
  const reads = [];
  for (let i = 0; i < bytes.length; i += size) reads.push(bytes.subarray(i, Math.min(i + size, bytes.length)));
  return reads;
}
