// End to end, 16 KiB socket reads -> gateway payloads: frames, zlib-stream inflate, decode.
// - ours: FrameDecoder -> ZlibStreamInflater -> jsonEncoding / etfEncoding.decode;
// - ws Receiver -> zlib-sync -> JSON.parse (zlib-sync writing a string, as @discordjs/ws asks),
//   or -> erlpack.unpack for ETF: the fastest way to put those peers together;
// - ws Receiver -> @discordjs/ws's own WebSocketShard.unpackMessage with zlib-sync: the code a
//   discord.js bot runs (asynchronous, and it copies each message twice before inflating).
import { zlibSyncInflate } from './zlib.mjs';
import { unavailable } from './shared.mjs';

const WS_MAX_PAYLOAD = 100 * 1024 * 1024;

function ours(websocket, compression, encoding, reads) {
  return (onMessage) => {
    const frames = new websocket.FrameDecoder();
    const inflater = new compression.ZlibStreamInflater();
    for (const read of reads) {
      frames.push(read);
      for (let event = frames.next(); event !== null; event = frames.next()) {
        if (event.type !== 'message') continue;
        const inflated = inflater.push(event.data);
        if (inflated !== null) onMessage(encoding.decode(inflated));
      }
    }
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

function wsZlibSync(ws, ZlibSync, decode, to, buffers) {
  return (onMessage) => {
    const push = zlibSyncInflate(ZlibSync, to);
    const rx = receiver(ws.Receiver, (data) => {
      const inflated = push(data);
      if (inflated !== null) onMessage(decode(inflated));
    });
    for (const buffer of buffers) rx.write(buffer);
  };
}

function discordjsShard(ws, ZlibSync, WebSocketShard, buffers) {
  return async (onMessage) => {
    const shard = new WebSocketShard({ options: { compression: 1 } }, 0);
    shard.zLibSyncInflate = new ZlibSync.Inflate({ chunkSize: 65535, to: 'string' });
    const pending = [];
    const rx = receiver(ws.Receiver, (data, isBinary) => {
      pending.push(shard.unpackMessage(data, isBinary));
    });
    for (const buffer of buffers) rx.write(buffer);
    for (const payload of await Promise.all(pending)) if (payload !== null) onMessage(payload);
  };
}

/** The end-to-end case: JSON and ETF over zlib-stream, for every workload. */
export function e2eCase(ours_, peers, corpus) {
  const { ws, zlibSync, erlpack, discordjsWs } = peers;
  const { websocket, compression, encoding } = ours_;
  const groups = [];
  for (const w of corpus) {
    const check = (payload, i) => payload.op === w.parsed[i].op && payload.s === w.parsed[i].s && payload.t === w.parsed[i].t;
    const json = w.wire.zlibJson;
    const missingJson = !ws.available ? ws : zlibSync;
    groups.push({
      workload: `${w.name}: JSON, ${(w.bytes.zlibJson / 1e3).toFixed(0)} KB on the wire -> ${(w.bytes.json / 1e6).toFixed(2)} MB`,
      count: w.count,
      bytes: w.bytes.json,
      check,
      contenders: [
        { label: 'ours: FrameDecoder + ZlibStreamInflater + jsonEncoding', role: 'ours', run: ours(websocket, compression, encoding.jsonEncoding, json.reads) },
        ws.available && zlibSync.available
          ? {
              label: 'ws Receiver + zlib-sync (to: string) + JSON.parse',
              role: 'reference',
              run: wsZlibSync(ws.module, zlibSync.module, JSON.parse, 'string', json.buffers),
            }
          : unavailable('ws Receiver + zlib-sync + JSON.parse', 'reference', missingJson),
        ws.available && zlibSync.available && discordjsWs.available
          ? {
              label: '@discordjs/ws WebSocketShard.unpackMessage (zlib-sync)',
              role: 'peer',
              run: discordjsShard(ws.module, zlibSync.module, discordjsWs.module.WebSocketShard, json.buffers),
            }
          : unavailable('@discordjs/ws WebSocketShard.unpackMessage', 'peer', discordjsWs.available ? missingJson : discordjsWs),
      ],
    });
    const etf = w.wire.zlibEtf;
    groups.push({
      workload: `${w.name}: ETF, ${(w.bytes.zlibEtf / 1e3).toFixed(0)} KB on the wire -> ${(w.bytes.etf / 1e6).toFixed(2)} MB`,
      count: w.count,
      bytes: w.bytes.etf,
      check,
      contenders: [
        { label: 'ours: FrameDecoder + ZlibStreamInflater + etfEncoding', role: 'ours', run: ours(websocket, compression, encoding.etfEncoding, etf.reads) },
        ws.available && zlibSync.available && erlpack.available
          ? { label: 'ws Receiver + zlib-sync + erlpack.unpack', role: 'reference', run: wsZlibSync(ws.module, zlibSync.module, erlpack.module.unpack, undefined, etf.buffers) }
          : unavailable('ws Receiver + zlib-sync + erlpack.unpack', 'reference', !erlpack.available ? erlpack : missingJson),
      ],
    });
  }
  return { id: 'e2e', title: 'End to end: socket reads -> frames -> zlib-stream -> payloads', basis: 'inflated payload bytes', groups };
}
