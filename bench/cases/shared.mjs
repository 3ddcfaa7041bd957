// Small helpers the cases share.

/** Byte-for-byte equality of two Uint8Arrays (Buffers included). */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** A row for a contender whose package did not install or load. */
export function unavailable(label, role, peer) {
  return { label, role, run: null, missing: `${peer.name}: not available` };
}

/** A Buffer view of a Uint8Array, for peers that want Buffers; no copy. */
export function asBuffer(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** True when a zlib-stream WebSocket message ends a gateway message (the 00 00 ff ff marker). */
export function endsWithSyncFlush(b) {
  const n = b.length;
  return n >= 4 && b[n - 4] === 0 && b[n - 3] === 0 && b[n - 2] === 0xff && b[n - 1] === 0xff;
}

/**
 * One of our stream decompressors as a contender: a fresh `new Context()` per run, each WebSocket
 * message pushed in order, each message it completes reported.
 */
export function oursPerMessage(Context, segments) {
  return (onMessage) => {
    const context = new Context();
    for (const segment of segments) {
      const message = context.push(segment);
      if (message !== null) onMessage(message);
    }
  };
}
