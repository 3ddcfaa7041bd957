// zstd-stream decompression, one WebSocket message at a time over one connection's frame:
// - ours: ZstdStreamDecompressor (its row says so when the codec is not there yet);
// - zstd-napi's DCtx.decompressStream (libzstd through Node-API), output into a reused buffer;
// - fzstd's streaming Decompress (pure JS), the zstd peer a browser build would use.
// The corpus needs zstd-napi to compress (Node 20 has no zstd); without it the case is skipped.
import { asBuffer, bytesEqual, oursPerMessage, unavailable } from './shared.mjs';

/** zstd-napi's streaming context; each WebSocket message decodes to one whole payload. */
export function zstdNapiPush(binding) {
  const dctx = new binding.DCtx();
  let out = Buffer.allocUnsafe(1 << 20);
  return (input) => {
    let read = 0;
    let written = 0;
    for (;;) {
      const [, produced, consumed] = dctx.decompressStream(out.subarray(written), input.subarray(read));
      read += consumed;
      written += produced;
      if (written < out.length && read === input.length) break;
      if (written === out.length) {
        const grown = Buffer.allocUnsafe(out.length * 2);
        out.copy(grown, 0, 0, written);
        out = grown;
      }
    }
    return out.subarray(0, written);
  };
}

function zstdNapi(binding, buffers) {
  return (onMessage) => {
    const push = zstdNapiPush(binding);
    for (const input of buffers) onMessage(push(input));
  };
}

function fzstdStream(fzstd, segments) {
  return (onMessage) => {
    let parts = [];
    const decompress = new fzstd.Decompress((chunk) => parts.push(chunk));
    for (const segment of segments) {
      decompress.push(segment);
      onMessage(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      parts = [];
    }
  };
}

/** The zstd-stream case; without zstd-napi its rows say why nothing was measured. */
export function zstdCase(ours_, peers, corpus) {
  const Ours = ours_.zstd?.ZstdStreamDecompressor;
  if (!peers.zstdNapi.available) {
    const missing = `no zstd corpus: ${peers.zstdNapi.name} not available to compress it`;
    const groups = corpus.map((w) => ({
      workload: w.name,
      count: w.count,
      bytes: w.bytes.json,
      contenders: [{ label: 'ours: ZstdStreamDecompressor', role: 'ours', run: null, missing }],
    }));
    return { id: 'zstd', title: 'zstd-stream decompress (per WebSocket message, one context)', basis: 'inflated bytes', groups };
  }
  const groups = corpus.map((w) => {
    const segments = w.zstdJson;
    const buffers = segments.map(asBuffer);
    return {
      workload: `${w.name}: ${w.count} messages, ${(w.bytes.zstdJson / 1e3).toFixed(0)} KB -> ${(w.bytes.json / 1e6).toFixed(2)} MB`,
      count: w.count,
      bytes: w.bytes.json,
      check: (message, i) => bytesEqual(message, w.json[i]),
      contenders: [
        Ours
          ? { label: 'ours: ZstdStreamDecompressor', role: 'ours', run: oursPerMessage(Ours, segments) }
          : { label: 'ours: ZstdStreamDecompressor', role: 'ours', run: null, missing: ours_.zstdMissing ?? 'not built yet' },
        { label: 'zstd-napi DCtx.decompressStream (libzstd)', role: 'reference', run: zstdNapi(peers.zstdNapi.module, buffers) },
        peers.fzstd.available
          ? { label: 'fzstd Decompress (pure JS)', role: 'peer', run: fzstdStream(peers.fzstd.module, segments) }
          : unavailable('fzstd Decompress (pure JS)', 'peer', peers.fzstd),
      ],
    };
  });
  return {
    id: 'zstd',
    title: 'zstd-stream decompress (per WebSocket message, one context)',
    note: ours_.zstdNote ? `Ours is ${ours_.zstdNote}.` : undefined,
    basis: 'inflated bytes',
    groups,
  };
}
