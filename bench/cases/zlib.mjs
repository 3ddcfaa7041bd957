// zlib-stream inflate, one WebSocket message at a time over one connection's context:
// - ours: ZlibStreamInflater;
// - zlib-sync's Inflate, pushed the way @discordjs/ws pushes it (Z_SYNC_FLUSH when the message
//   ends with 00 00 ff ff, else Z_NO_FLUSH; the result is read after a flush);
// - node:zlib createInflate with Z_SYNC_FLUSH and a write callback per message, as @discordjs/ws
//   does without zlib-sync (asynchronous: the work runs on libuv's thread pool);
// - node:zlib inflateSync of the whole connection in one call: a floor, not a usable client.
import zlib from 'node:zlib';
import { asBuffer, bytesEqual, endsWithSyncFlush, oursPerMessage, unavailable } from './shared.mjs';

/** zlib-sync as @discordjs/ws drives it; `to` is 'string' when the caller wants text. */
export function zlibSyncInflate(ZlibSync, to) {
  const inflate = new ZlibSync.Inflate(to ? { chunkSize: 65535, to } : { chunkSize: 65535 });
  return (buffer) => {
    const flush = endsWithSyncFlush(buffer);
    inflate.push(buffer, flush ? ZlibSync.Z_SYNC_FLUSH : ZlibSync.Z_NO_FLUSH);
    if (inflate.err) throw new Error(`zlib-sync: ${inflate.err} ${inflate.msg ?? ''}`);
    return flush ? inflate.result : null;
  };
}

function zlibSync(ZlibSync, buffers) {
  return (onMessage) => {
    const push = zlibSyncInflate(ZlibSync);
    for (const buffer of buffers) {
      const message = push(buffer);
      if (message !== null) onMessage(message);
    }
  };
}

function nodeStream(buffers) {
  return async (onMessage) => {
    const inflate = zlib.createInflate({ chunkSize: 65535, flush: zlib.constants.Z_SYNC_FLUSH });
    let parts = [];
    inflate.on('data', (chunk) => parts.push(chunk));
    for (const buffer of buffers) {
      await new Promise((resolve, reject) => inflate.write(buffer, (error) => (error ? reject(error) : resolve())));
      if (!endsWithSyncFlush(buffer)) continue;
      const message = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      parts = [];
      onMessage(message);
    }
    inflate.close();
  };
}

function nodeWhole(whole, count) {
  return (onMessage) => {
    const all = zlib.inflateSync(whole, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1 << 20 });
    // One output for the whole connection; report it as its messages so counts line up.
    for (let i = 0; i < count; i++) onMessage(all);
  };
}

/** The zlib-stream case: JSON connections (the ETF ones compress alike). */
export function zlibCase(ours_, peers, corpus) {
  const { ZlibStreamInflater } = ours_.compression;
  const zs = peers.zlibSync;
  const groups = corpus.map((w) => {
    const segments = w.zlibJson;
    const buffers = segments.map(asBuffer);
    const whole = Buffer.concat(buffers);
    const allJson = Buffer.concat(w.json.map(asBuffer));
    return {
      workload: `${w.name}: ${w.count} messages, ${(w.bytes.zlibJson / 1e3).toFixed(0)} KB -> ${(w.bytes.json / 1e6).toFixed(2)} MB`,
      count: w.count,
      bytes: w.bytes.json,
      check: (message, i) => bytesEqual(message, w.json[i]),
      contenders: [
        { label: 'ours: ZlibStreamInflater', role: 'ours', run: oursPerMessage(ZlibStreamInflater, segments) },
        zs.available
          ? { label: 'zlib-sync Inflate (as @discordjs/ws)', role: 'reference', run: zlibSync(zs.module, buffers) }
          : unavailable('zlib-sync Inflate (as @discordjs/ws)', 'reference', zs),
        { label: 'node:zlib createInflate stream (async)', role: 'peer', run: nodeStream(buffers) },
        {
          label: 'node:zlib inflateSync, whole stream (floor)',
          role: 'floor',
          run: nodeWhole(whole, w.count),
          check: (message, i) => i > 0 || bytesEqual(message, allJson),
        },
      ],
    };
  });
  return { id: 'zlib', title: 'zlib-stream inflate (per WebSocket message, one context)', basis: 'inflated bytes', groups };
}
