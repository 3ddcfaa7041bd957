// Compares zlib-stream inflaters on Discord-like traffic: ours (codec/compression), node:zlib
// (inflateRawSync with the window as dictionary, and the async stream), and fflate (streaming
// Inflate, and inflateSync with dictionary + out); then zstd-stream on the committed
// python-zstandard fixtures: ours against fzstd's streaming Decompress. (bench/run.mjs, the
// project's harness, also compares against zlib-sync and libzstd.)
// Run: `node bench/compression.bench.mjs` (bundles the TS with esbuild).
// Figures are the best of several rounds of process CPU time, in ms, for the whole workload.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { Inflate, inflateSync } from 'fflate';
import { Decompress as FzstdDecompress } from 'fzstd';
import { readFileSync } from 'node:fs';
import { seededRandom } from './corpus/random.mjs';
import { importBundled } from './lib/bundle.mjs';

const dir = mkdtempSync(join(tmpdir(), 'compression-bench-'));
const { compression } = await importBundled({ compression: 'codec/compression/index.ts' }, dir);
const { ZlibStreamInflater, ZstdStreamDecompressor } = compression;
rmSync(dir, { recursive: true, force: true });

// ---- workload -------------------------------------------------------------------------------
const rand = seededRandom(1);
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = 'the a gateway shard bot voice guild channel role ping pong hello world lorem ipsum dolor sit amet'.split(' ');
const snowflake = () => String(1000000000000000000n + BigInt(Math.floor(rand() * 1e15)) * 1000n);
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
const users = Array.from({ length: 300 }, () => ({
  id: snowflake(), username: words(1) + Math.floor(rand() * 1000), global_name: words(2), avatar: hex(32),
  discriminator: '0', public_flags: Math.floor(rand() * 64), bot: rand() < 0.1,
}));
const guildId = snowflake();
const channels = Array.from({ length: 40 }, () => snowflake());
let seq = 0;
function messageCreate() {
  return {
    op: 0, s: ++seq, t: 'MESSAGE_CREATE',
    d: {
      id: snowflake(), channel_id: pick(channels), guild_id: guildId, author: pick(users),
      content: words(3 + Math.floor(rand() * 40)), timestamp: new Date(1.7e12 + rand() * 1e9).toISOString(),
      edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
      attachments: [], embeds: [], pinned: false, type: 0, flags: 0, nonce: snowflake(),
      member: { roles: [snowflake()], joined_at: new Date(1.6e12).toISOString(), deaf: false, mute: false },
    },
  };
}
function presence() {
  return { op: 0, s: ++seq, t: 'PRESENCE_UPDATE', d: { user: { id: pick(users).id }, status: pick(['online', 'idle', 'dnd']), guild_id: guildId, activities: [], client_status: { desktop: 'online' } } };
}
function guildCreate(members) {
  return {
    op: 0, s: ++seq, t: 'GUILD_CREATE',
    d: {
      id: snowflake(), name: words(3), icon: hex(32), member_count: members,
      channels: Array.from({ length: 200 }, (_, i) => ({ id: snowflake(), name: words(2), type: i % 3, position: i, permission_overwrites: [{ id: snowflake(), type: 0, allow: '1024', deny: '0' }], topic: words(8), nsfw: false, last_message_id: snowflake(), rate_limit_per_user: 0 })),
      roles: Array.from({ length: 100 }, (_, i) => ({ id: snowflake(), name: words(2), color: Math.floor(rand() * 0xffffff), position: i, permissions: String(Math.floor(rand() * 2 ** 40)), hoist: false, managed: false, mentionable: true })),
      members: Array.from({ length: members }, () => ({ user: { ...pick(users), id: snowflake() }, roles: [snowflake(), snowflake()], joined_at: new Date(1.6e12 + rand() * 1e11).toISOString(), deaf: false, mute: false, flags: 0 })),
      presences: [], voice_states: [], threads: [], stickers: [], emojis: [],
    },
  };
}
const enc = new TextEncoder();
const small = [];
for (let i = 0; i < 20000; i++) {
  const r = rand();
  small.push(enc.encode(JSON.stringify(r < 0.6 ? messageCreate() : r < 0.9 ? presence() : { op: 11, d: null })));
}
const large = [];
for (let i = 0; i < 12; i++) large.push(enc.encode(JSON.stringify(guildCreate(2000 + i * 1500))));

async function deflateSegments(messages) {
  const d = zlib.createDeflate();
  const segments = [];
  for (const m of messages) {
    const parts = [];
    const onData = (c) => parts.push(c);
    d.on('data', onData);
    d.write(m);
    await new Promise((resolve) => d.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
    d.off('data', onData);
    segments.push(new Uint8Array(Buffer.concat(parts)));
  }
  d.close();
  return segments;
}

// ---- contenders ------------------------------------------------------------------------------
const WINDOW = 32768;
function nativeDictionary() {
  let window = Buffer.alloc(0);
  let first = true;
  return (segment) => {
    const raw = first ? segment.subarray(2) : segment;
    first = false;
    const out = zlib.inflateRawSync(raw, window.length ? { dictionary: window, finishFlush: zlib.constants.Z_SYNC_FLUSH } : { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    window = out.length >= WINDOW ? out.subarray(out.length - WINDOW) : Buffer.concat([window, out]).subarray(-WINDOW);
    return out;
  };
}
function fflateStreaming() {
  let parts = [];
  const inflater = new Inflate((chunk) => parts.push(chunk));
  let first = true;
  return (segment) => {
    parts = [];
    inflater.push(first ? segment.subarray(2) : segment);
    first = false;
    if (parts.length === 1) return parts[0];
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    n = 0;
    for (const p of parts) {
      out.set(p, n);
      n += p.length;
    }
    return out;
  };
}
function fflateDictionary() {
  let scratch = new Uint8Array(1 << 16);
  let out = new Uint8Array(1 << 20);
  const window = new Uint8Array(WINDOW);
  let windowLength = 0;
  let first = true;
  return (segment) => {
    const raw = first ? segment.subarray(2) : segment;
    first = false;
    if (scratch.length < raw.length + 2) scratch = new Uint8Array(raw.length * 2);
    scratch.set(raw);
    scratch[raw.length] = 3; // an empty final block, or inflateSync reports EOF after a sync flush
    scratch[raw.length + 1] = 0;
    const input = scratch.subarray(0, raw.length + 2);
    let result;
    for (;;) {
      try {
        result = inflateSync(input, { out, dictionary: window.subarray(WINDOW - windowLength) });
        if (result.length < out.length) break;
      } catch (error) {
        if (!(error instanceof RangeError)) throw error; // a stored block overflowed `out`
      }
      out = new Uint8Array(out.length * 2); // full buffer: maybe truncated, retry larger
    }
    if (result.length >= WINDOW) window.set(result.subarray(result.length - WINDOW));
    else {
      window.copyWithin(0, result.length);
      window.set(result, WINDOW - result.length);
    }
    windowLength = Math.min(WINDOW, windowLength + result.length);
    return result;
  };
}
function ours() {
  const inflater = new ZlibStreamInflater();
  return (segment) => inflater.push(segment);
}
async function nativeAsync(segments) {
  const inflater = zlib.createInflate();
  let parts = [];
  inflater.on('data', (c) => parts.push(c));
  const t0 = cpuMs();
  for (const s of segments) {
    parts = [];
    inflater.write(s);
    await new Promise((resolve) => inflater.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
  }
  const ms = cpuMs() - t0;
  inflater.close();
  return ms;
}

function verify(name, make, segments, messages) {
  const run = make();
  for (let i = 0; i < segments.length; i++) {
    const out = run(segments[i]);
    if (Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.length), Buffer.from(messages[i])) !== 0) {
      throw new Error(`${name} produced wrong bytes for message ${i}`);
    }
  }
}
// CPU time of this process (all threads), in ms: steadier than wall time on a shared machine.
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
function time(make, segments, rounds) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const run = make();
    const t0 = cpuMs();
    for (const s of segments) run(s);
    best = Math.min(best, cpuMs() - t0);
  }
  return best;
}

const contenders = {
  'ours (ZlibStreamInflater)': ours,
  'node:zlib inflateRawSync + dictionary': nativeDictionary,
  'fflate Inflate (streaming)': fflateStreaming,
  'fflate inflateSync + dictionary + out': fflateDictionary,
};
for (const [label, messages] of [['small messages', small], ['large messages', large]]) {
  const segments = await deflateSegments(messages);
  const rawBytes = messages.reduce((n, m) => n + m.length, 0);
  const zBytes = segments.reduce((n, s) => n + s.length, 0);
  console.log(`\n${label}: ${messages.length} messages, ${(rawBytes / 1e6).toFixed(1)} MB inflated, ${(zBytes / 1e6).toFixed(1)} MB compressed`);
  for (const [name, make] of Object.entries(contenders)) {
    verify(name, make, segments, messages);
    time(make, segments, 2);
    const ms = time(make, segments, 7);
    console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms  ${(rawBytes / 1e3 / ms).toFixed(0).padStart(5)} MB/s  ${((ms * 1000) / messages.length).toFixed(2).padStart(8)} us/msg`);
  }
  let best = Infinity;
  for (let r = 0; r < 3; r++) best = Math.min(best, await nativeAsync(segments));
  console.log(`  ${'node:zlib createInflate (async stream)'.padEnd(40)} ${best.toFixed(1).padStart(8)} ms  ${(rawBytes / 1e3 / best).toFixed(0).padStart(5)} MB/s  ${((best * 1000) / messages.length).toFixed(2).padStart(8)} us/msg`);
}

// ---- zstd-stream on the committed fixtures ----------------------------------------------------
const fixtureDir = new URL('../test/fixtures/zstd/', import.meta.url);
function records(bytes) {
  const out = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    out.push(new Uint8Array(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return out;
}
const zstdContenders = {
  'ours (ZstdStreamDecompressor)': () => {
    const decompressor = new ZstdStreamDecompressor();
    return (segment) => decompressor.push(segment);
  },
  'fzstd Decompress (streaming)': () => {
    let parts = [];
    const decompressor = new FzstdDecompress((chunk) => parts.push(chunk));
    return (segment) => {
      parts = [];
      decompressor.push(segment);
      return parts.length === 1 ? parts[0] : Buffer.concat(parts);
    };
  },
};
for (const name of ['small-level3', 'mixed-level19']) {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', fixtureDir), 'utf8')).find((f) => f.name === name);
  const segments = records(readFileSync(new URL(manifest.segments, fixtureDir)));
  const messages = records(zlib.gunzipSync(readFileSync(new URL(manifest.messages, fixtureDir))));
  const rawBytes = messages.reduce((n, m) => n + m.length, 0);
  console.log(`\nzstd fixture ${name}: ${messages.length} messages, ${(rawBytes / 1e6).toFixed(2)} MB`);
  for (const [label, make] of Object.entries(zstdContenders)) {
    verify(label, make, segments, messages);
    time(make, segments, 3);
    const ms = time(make, segments, 15);
    console.log(`  ${label.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms  ${(rawBytes / 1e3 / ms).toFixed(0).padStart(5)} MB/s  ${((ms * 1000) / messages.length).toFixed(2).padStart(8)} us/msg`);
  }
}
