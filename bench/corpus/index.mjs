// The benchmark corpus: two recorded-looking connections, generated from a fixed seed.
// - startup: HELLO, a ~50 KB READY, then GUILD_CREATEs from 10 KB to 500 KB (throughput-bound);
// - steady: HELLO, then ~2,000 small MESSAGE_CREATE / PRESENCE_UPDATE / TYPING_START dispatches
//   with a few heartbeat ACKs (per-message-overhead-bound).
// Each is encoded as JSON and as ETF, compressed (zlib-stream; zstd-stream when zstd-napi is
// there) with one context per connection, framed as server WebSocket frames and cut into
// 16 KiB socket reads. Every encoding is checked against its peers before anything is timed.
import { isDeepStrictEqual } from 'node:util';
import { PayloadFactory } from './payloads.mjs';
import {
  BINARY,
  concat,
  discordEtf,
  fallbackFrame,
  jsonBytes,
  serverFrame,
  socketReads,
  TEXT,
  zlibStream,
  zstdStream,
} from './wire.mjs';

/** Size of one socket read, as a TLS socket typically hands them to a client. */
export const SOCKET_READ = 16 * 1024;

const SEED = 0x5eed_2025;
const READY_BYTES = 50_000;
const GUILD_SIZES = geometric(10_000, 500_000, 12);
const SMALL_DISPATCHES = 2_000;
const ACK_EVERY = 200;
const STEADY_READY_GUILDS = 20;

function geometric(from, to, count) {
  const ratio = (to / from) ** (1 / (count - 1));
  return Array.from({ length: count }, (_, i) => Math.round(from * ratio ** i));
}

function startupPayloads(factory) {
  // A READY guild stub is about 47 bytes of JSON; the rest of READY is about 1.3 KB.
  const payloads = [factory.hello(), factory.ready(Math.round((READY_BYTES - 1300) / 47))];
  for (const size of GUILD_SIZES) payloads.push(factory.guildCreate(size));
  return payloads;
}

// A small READY (its own dice, so the dispatches stay what they were) puts a client in the ready
// state, as on a real connection; sequence numbers are then renumbered from it.
function steadyPayloads(factory, readyFactory) {
  const payloads = [factory.hello(), readyFactory.ready(STEADY_READY_GUILDS)];
  for (let i = 1; i <= SMALL_DISPATCHES; i++) {
    payloads.push(factory.smallDispatch());
    if (i % ACK_EVERY === 0) payloads.push(factory.heartbeatAck());
  }
  let s = 0;
  for (const payload of payloads) if (payload.op === 0) payload.s = ++s;
  return payloads;
}

function sum(list) {
  let n = 0;
  for (const item of list) n += item.length;
  return n;
}

/** A framed connection: the byte stream, its 16 KiB reads as views and as Buffers for ws. */
function wireStream(segments, opcode, ws) {
  const frames = segments.map((s) => serverFrame(s, opcode, ws?.Sender));
  if (ws) {
    const probe = segments[segments.length - 1];
    if (!isDeepStrictEqual(frames[frames.length - 1], fallbackFrame(probe, opcode))) {
      throw new Error('the fallback framer disagrees with ws Sender.frame');
    }
  }
  const bytes = concat(frames);
  const reads = socketReads(bytes, SOCKET_READ);
  const buffers = reads.map((r) => Buffer.from(r.buffer, r.byteOffset, r.length));
  return { bytes, reads, buffers, messages: segments.length };
}

function checkDecoded(what, decoded, expected, index, same = isDeepStrictEqual) {
  if (!same(decoded, expected)) throw new Error(`${what}: message ${index} does not decode to its JSON twin`);
}

// erlpack.unpack turns every bignum into a decimal string, even a safe one such as a millisecond
// timestamp, where JSON (and decodeEtf) give a number; otherwise it must match exactly.
function sameButBignumStrings(a, b) {
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameButBignumStrings(a[key], b[key])) return false;
  return true;
}

function hasWideInteger(value) {
  if (typeof value === 'number') return Number.isInteger(value) && (value > 0x7fffffff || value < -0x80000000);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasWideInteger);
  return false;
}

/**
 * Builds one workload. `ours` gives encodeEtf/decodeEtf; erlpack and zstd-napi are used when
 * present. Returns the per-message encodings, compressed segments and framed streams.
 */
async function buildWorkload(name, description, payloads, ours, peers) {
  const { encodeEtf, decodeEtf } = ours.encoding;
  const json = payloads.map(jsonBytes);
  const parsed = json.map((bytes) => JSON.parse(Buffer.from(bytes).toString('utf8')));
  // ETF as Discord sends it: atom keys d, op, s, t in that order, the event name an atom, and
  // snowflakes as 64-bit integers. erlpack.pack cannot write bigints (it silently drops them),
  // so our encoder writes `d`; erlpack.unpack must read it all back.
  const etf = payloads.map((p) => discordEtf(p, encodeEtf));
  const notes = [];
  for (let i = 0; i < etf.length; i++) checkDecoded('decodeEtf', decodeEtf(etf[i]), parsed[i], i);
  const erlpack = peers.erlpack.available ? peers.erlpack.module : null;
  let etfErlpack = null;
  if (erlpack) {
    for (let i = 0; i < etf.length; i++) checkDecoded('erlpack.unpack', erlpack.unpack(Buffer.from(etf[i])), parsed[i], i, sameButBignumStrings);
    // A real peer's own bytes (snowflakes as binaries, the only way erlpack writes them).
    etfErlpack = payloads.map((p) => new Uint8Array(erlpack.pack(p)));
    let same = 0;
    let otherwise = 0;
    for (let i = 0; i < payloads.length; i++) {
      checkDecoded('decodeEtf of erlpack.pack', decodeEtf(etfErlpack[i]), parsed[i], i);
      if (isDeepStrictEqual(etfErlpack[i], encodeEtf(payloads[i]))) same++;
      else if (!hasWideInteger(payloads[i])) otherwise++;
    }
    notes.push(
      `${name}: erlpack.pack and our encodeEtf (snowflakes as strings for both) wrote identical bytes for ${same} of ` +
        `${payloads.length} messages; ${payloads.length - same - otherwise} others hold integers past 32 bits ` +
        `(erlpack writes floats, we write SMALL_BIG_EXT), ${otherwise} differ otherwise`,
    );
  }
  const zlibJson = await zlibStream(json);
  const zlibEtf = await zlibStream(etf);
  const zstdJson = peers.zstdNapi.available ? zstdStream(json, peers.zstdNapi.module) : null;
  const zstdEtf = peers.zstdNapi.available ? zstdStream(etf, peers.zstdNapi.module) : null;
  // What a client delivers: the dispatches, in order (READY included).
  const dispatches = parsed.filter((p) => p.op === 0);
  const ws = peers.ws.available ? peers.ws.module : null;
  return {
    name,
    description,
    count: payloads.length,
    parsed,
    json,
    etf,
    etfErlpack,
    zlibJson,
    zlibEtf,
    zstdJson,
    zstdEtf,
    dispatches,
    bytes: {
      json: sum(json),
      etf: sum(etf),
      etfErlpack: etfErlpack ? sum(etfErlpack) : 0,
      zlibJson: sum(zlibJson),
      zlibEtf: sum(zlibEtf),
      zstdJson: zstdJson ? sum(zstdJson) : 0,
      zstdEtf: zstdEtf ? sum(zstdEtf) : 0,
    },
    wire: {
      zlibJson: wireStream(zlibJson, BINARY, ws),
      zlibEtf: wireStream(zlibEtf, BINARY, ws),
      textJson: wireStream(json, TEXT, ws),
      zstdJson: zstdJson ? wireStream(zstdJson, BINARY, ws) : null,
      zstdEtf: zstdEtf ? wireStream(zstdEtf, BINARY, ws) : null,
    },
    notes,
  };
}

/** Generates and checks the whole corpus; deterministic for a given seed. */
export async function buildCorpus(ours, peers) {
  const startup = startupPayloads(new PayloadFactory(SEED));
  const steady = steadyPayloads(new PayloadFactory(SEED + 1), new PayloadFactory(SEED + 2));
  return [
    await buildWorkload(
      'startup',
      `HELLO, READY (~50 KB) and ${GUILD_SIZES.length} GUILD_CREATEs of 10-500 KB`,
      startup,
      ours,
      peers,
    ),
    await buildWorkload(
      'steady',
      `HELLO, a small READY, ${SMALL_DISPATCHES} small MESSAGE_CREATE / PRESENCE_UPDATE / TYPING_START dispatches and ${SMALL_DISPATCHES / ACK_EVERY} ACKs`,
      steady,
      ours,
      peers,
    ),
  ];
}
