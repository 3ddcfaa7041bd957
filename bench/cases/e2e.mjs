// End to end, 16 KiB socket reads -> what an application receives, for every workload, JSON and
// ETF, zlib-stream and zstd-stream (and JSON without transport compression):
// - ours: the real client path, GatewayEngine.receive() + takeEffects() dispatch effects (frames,
//   inflate, decode, the machine's sequence rule and the ready state's fast path), after a real
//   upgrade (done before the timed part, as is building the engine). HELLO, IDENTIFY and READY
//   are inside the timed part. Once with full decoding, once with `wantedDispatches:
//   ['MESSAGE_CREATE']` (lazy: every other dispatch is only scanned for op, s and t);
// - ours, codecs alone (FrameDecoder -> ZlibStreamInflater -> decode): what the engine adds;
// - ws Receiver -> zlib-sync -> JSON.parse (zlib-sync writing a string, as @discordjs/ws asks),
//   or -> erlpack.unpack for ETF: the fastest way to put those native peers together;
// - @discordjs/ws's own WebSocketShard.unpackMessage behind ws's Receiver, with zlib-sync and
//   with node:zlib's streaming Inflate (what it does when zlib-sync is not installed);
// - ws Receiver -> zstd-napi (libzstd) -> JSON.parse / erlpack.unpack for zstd-stream;
// - floors, which are no client: node:zlib inflating the whole connection in one call (inflate
//   only), JSON.parse of the pre-inflated text and erlpack.unpack of the pre-inflated bytes
//   (decode only).
// Peers output every payload; our engine outputs dispatches (HELLO and ACKs are the machine's).
import { isDeepStrictEqual } from 'node:util';
import zlib from 'node:zlib';
import { feedEngine, openEngine } from '../lib/engine-session.mjs';
import { zlibSyncInflate } from './zlib.mjs';
import { zstdNapiPush } from './zstd.mjs';
import { asBuffer, unavailable } from './shared.mjs';

const WS_MAX_PAYLOAD = 100 * 1024 * 1024;
/** What the lazy row wants: the one dispatch type a message bot typically needs. */
export const LAZY_WANTED = ['MESSAGE_CREATE'];

function engineRow(label, GatewayEngine, engineOptions, reads, expected) {
  return {
    label,
    role: 'ours',
    setup: () => openEngine(GatewayEngine, engineOptions),
    run: (onMessage, engine) => feedEngine(engine, reads, onMessage),
    count: expected.length,
    check: (payload, i) => isDeepStrictEqual(payload, expected[i]),
  };
}

/** Our engine twice: decoding everything, and lazily (`wantedDispatches: LAZY_WANTED`, checked against `lazy`). */
function engineRows(GatewayEngine, engineOptions, reads, dispatches, lazy) {
  return [
    engineRow('ours: GatewayEngine (full decode)', GatewayEngine, engineOptions, reads, dispatches),
    {
      ...engineRow(`ours: GatewayEngine, wantedDispatches ${JSON.stringify(LAZY_WANTED)}`, GatewayEngine, { ...engineOptions, wantedDispatches: LAZY_WANTED }, reads, lazy),
      role: 'lazy',
    },
  ];
}

function codecChain(websocket, compression, encoding, reads) {
  return {
    setup: () => ({ frames: new websocket.FrameDecoder(), inflater: new compression.ZlibStreamInflater() }),
    run: (onMessage, { frames, inflater }) => {
      for (const read of reads) {
        frames.push(read);
        for (let event = frames.next(); event !== null; event = frames.next()) {
          if (event.type !== 'message') continue;
          const inflated = inflater.push(event.data);
          if (inflated !== null) onMessage(encoding.decode(inflated));
        }
      }
    },
  };
}

function receiver(Receiver, onData) {
  const rx = new Receiver({ isServer: false, maxPayload: WS_MAX_PAYLOAD, allowSynchronousEvents: true });
  rx.on('message', onData);
  rx.on('error', (error) => {
    throw error;
  });
  return rx;
}

/** ws Receiver -> a per-message decompressor -> decode; `makePush()` builds the decompressor. */
function wsPipeline(Receiver, makePush, decode, buffers) {
  return {
    setup: () => ({ push: makePush() }),
    run: (onMessage, state) => {
      const rx = receiver(Receiver, (data) => {
        const inflated = state.push(data);
        if (inflated !== null) onMessage(decode(inflated));
      });
      for (const buffer of buffers) rx.write(buffer);
    },
  };
}

/** @discordjs/ws's WebSocketShard.unpackMessage behind ws's Receiver, inflating as `method` says. */
function discordjsShard(ws, ZlibSync, WebSocketShard, method, buffers) {
  return {
    setup: () => {
      // compression 0 = node:zlib, 1 = zlib-sync: the contexts its connect() would build.
      const shard = new WebSocketShard({ options: { compression: method === 'zlib-sync' ? 1 : 0 } }, 0);
      if (method === 'zlib-sync') {
        shard.zLibSyncInflate = new ZlibSync.Inflate({ chunkSize: 65535, to: 'string' });
      } else {
        shard.inflateBuffer = [];
        const inflate = zlib.createInflate({ chunkSize: 65535, flush: zlib.constants.Z_SYNC_FLUSH });
        inflate.on('data', (chunk) => shard.inflateBuffer.push(chunk));
        shard.nativeInflate = inflate;
      }
      return shard;
    },
    run: async (onMessage, shard) => {
      const pending = [];
      const rx = receiver(ws.Receiver, (data, isBinary) => {
        pending.push(shard.unpackMessage(data, isBinary));
      });
      for (const buffer of buffers) rx.write(buffer);
      for (const payload of await Promise.all(pending)) if (payload !== null) onMessage(payload);
      shard.nativeInflate?.close();
    },
  };
}

function wholeInflateFloor(segments, count) {
  const whole = Buffer.concat(segments.map(asBuffer));
  return {
    label: 'floor: node:zlib inflateSync of the whole stream (inflate only)',
    role: 'floor',
    run: (onMessage) => {
      const all = zlib.inflateSync(whole, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1 << 20 });
      // One output for the whole connection; reported as its messages so counts line up.
      for (let i = 0; i < count; i++) onMessage(all);
    },
    check: () => true,
  };
}

function decodeFloor(label, decode, inputs) {
  return {
    label,
    role: 'floor',
    run: (onMessage) => {
      for (const input of inputs) onMessage(decode(input));
    },
  };
}

function lazyExpected(w) {
  const wanted = new Set(LAZY_WANTED);
  return w.dispatches.filter((p) => p.t === 'READY' || p.t === 'RESUMED' || wanted.has(p.t));
}

/** The end-to-end case: JSON and ETF over zlib-stream and zstd-stream, for every workload. */
export function e2eCase(ours_, peers, corpus) {
  const { ws, zlibSync, erlpack, discordjsWs, zstdNapi } = peers;
  const { websocket, compression, encoding, engine } = ours_;
  const { GatewayEngine } = engine;
  const groups = [];
  for (const w of corpus) {
    const check = (payload, i) => payload.op === w.parsed[i].op && payload.s === w.parsed[i].s && payload.t === w.parsed[i].t;
    const lazy = lazyExpected(w);
    const jsonTexts = w.json.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
    const etfBuffers = w.etf.map(asBuffer);
    for (const [name, enc, label] of [
      ['json', encoding.jsonEncoding, 'JSON'],
      ['etf', encoding.etfEncoding, 'ETF'],
    ]) {
      const isJson = name === 'json';
      const decode = isJson ? JSON.parse : erlpack.available ? erlpack.module.unpack : null;
      const decodeName = isJson ? 'JSON.parse' : 'erlpack.unpack';
      const decoderPeer = isJson ? null : erlpack;
      // zlib-stream
      const zl = isJson ? w.wire.zlibJson : w.wire.zlibEtf;
      const zlSegments = isJson ? w.zlibJson : w.zlibEtf;
      const zlBytes = isJson ? w.bytes.zlibJson : w.bytes.zlibEtf;
      const missingZl = !ws.available ? ws : !zlibSync.available ? zlibSync : decoderPeer && !decoderPeer.available ? decoderPeer : null;
      const zlibContenders = [
        ...engineRows(GatewayEngine, { encoding: name, compress: 'zlib-stream' }, zl.reads, w.dispatches, lazy),
        { label: 'ours, codecs alone: FrameDecoder + ZlibStreamInflater + decode', role: 'info', ...codecChain(websocket, compression, enc, zl.reads) },
        missingZl
          ? unavailable(`ws Receiver + zlib-sync + ${decodeName}`, 'reference', missingZl)
          : {
              label: `ws Receiver + zlib-sync${isJson ? ' (to: string)' : ''} + ${decodeName}`,
              role: 'reference',
              ...wsPipeline(ws.module.Receiver, () => zlibSyncInflate(zlibSync.module, isJson ? 'string' : undefined), decode, zl.buffers),
            },
      ];
      if (isJson) {
        const missingDjs = !discordjsWs.available ? discordjsWs : !ws.available ? ws : null;
        zlibContenders.push(
          missingDjs
            ? unavailable('@discordjs/ws unpackMessage, node:zlib stream', 'peer', missingDjs)
            : {
                label: 'ws + node:zlib streaming (@discordjs/ws unpackMessage, no zlib-sync)',
                role: 'peer',
                ...discordjsShard(ws.module, null, discordjsWs.module.WebSocketShard, 'node:zlib', zl.buffers),
              },
          missingDjs || !zlibSync.available
            ? unavailable('@discordjs/ws unpackMessage, zlib-sync', 'peer', missingDjs ?? zlibSync)
            : {
                label: '@discordjs/ws unpackMessage with zlib-sync',
                role: 'peer',
                ...discordjsShard(ws.module, zlibSync.module, discordjsWs.module.WebSocketShard, 'zlib-sync', zl.buffers),
              },
        );
      }
      zlibContenders.push(wholeInflateFloor(zlSegments, w.count));
      zlibContenders.push(
        isJson
          ? decodeFloor('floor: JSON.parse of the pre-inflated text (decode only)', JSON.parse, jsonTexts)
          : erlpack.available
            ? decodeFloor('floor: erlpack.unpack of the pre-inflated bytes (decode only)', erlpack.module.unpack, etfBuffers)
            : unavailable('floor: erlpack.unpack of the pre-inflated bytes', 'floor', erlpack),
      );
      groups.push({
        workload: `${w.name}: ${label} + zlib-stream, ${(zlBytes / 1e3).toFixed(0)} KB on the wire -> ${((isJson ? w.bytes.json : w.bytes.etf) / 1e6).toFixed(2)} MB`,
        kind: `${name}+zlib`,
        count: w.count,
        bytes: isJson ? w.bytes.json : w.bytes.etf,
        check,
        contenders: zlibContenders,
      });
      // No transport compression (JSON only: text frames, checked as UTF-8 by everyone)
      if (isJson) {
        const text = w.wire.textJson;
        const missingDjs = !discordjsWs.available ? discordjsWs : !ws.available ? ws : null;
        groups.push({
          workload: `${w.name}: JSON, uncompressed text frames, ${(w.bytes.json / 1e6).toFixed(2)} MB`,
          kind: 'json+none',
          count: w.count,
          bytes: w.bytes.json,
          check,
          contenders: [
            ...engineRows(GatewayEngine, { encoding: name }, text.reads, w.dispatches, lazy),
            ws.available
              ? {
                  label: 'ws Receiver (UTF-8 checked) + JSON.parse',
                  role: 'reference',
                  ...wsPipeline(ws.module.Receiver, () => (data) => data, (data) => JSON.parse(data.toString('utf8')), text.buffers),
                }
              : unavailable('ws Receiver + JSON.parse', 'reference', ws),
            missingDjs
              ? unavailable('@discordjs/ws unpackMessage', 'peer', missingDjs)
              : {
                  label: '@discordjs/ws unpackMessage (text: JSON.parse)',
                  role: 'peer',
                  setup: () => new discordjsWs.module.WebSocketShard({ options: { compression: null } }, 0),
                  run: async (onMessage, shard) => {
                    const pending = [];
                    const rx = receiver(ws.module.Receiver, (data, isBinary) => pending.push(shard.unpackMessage(data, isBinary)));
                    for (const buffer of text.buffers) rx.write(buffer);
                    for (const payload of await Promise.all(pending)) if (payload !== null) onMessage(payload);
                  },
                },
            decodeFloor('floor: JSON.parse of the text (decode only)', JSON.parse, jsonTexts),
          ],
        });
      }
      // zstd-stream
      const zs = isJson ? w.wire.zstdJson : w.wire.zstdEtf;
      if (!zs) continue;
      const missingZs = !ws.available ? ws : decoderPeer && !decoderPeer.available ? decoderPeer : null;
      groups.push({
        workload: `${w.name}: ${label} + zstd-stream, ${((isJson ? w.bytes.zstdJson : w.bytes.zstdEtf) / 1e3).toFixed(0)} KB on the wire -> ${((isJson ? w.bytes.json : w.bytes.etf) / 1e6).toFixed(2)} MB`,
        kind: `${name}+zstd`,
        count: w.count,
        bytes: isJson ? w.bytes.json : w.bytes.etf,
        check,
        contenders: [
          ...engineRows(GatewayEngine, { encoding: name, compress: 'zstd-stream' }, zs.reads, w.dispatches, lazy),
          missingZs
            ? unavailable(`ws Receiver + zstd-napi + ${decodeName}`, 'reference', missingZs)
            : {
                label: `ws Receiver + zstd-napi (libzstd) + ${decodeName}`,
                role: 'reference',
                ...wsPipeline(
                  ws.module.Receiver,
                  () => zstdNapiPush(zstdNapi.module),
                  isJson ? (bytes) => JSON.parse(bytes.toString('utf8')) : decode,
                  zs.buffers,
                ),
              },
        ],
      });
    }
  }
  return { id: 'e2e', title: 'End to end: 16 KiB socket reads -> what the application receives', basis: 'decoded payload bytes', groups };
}
