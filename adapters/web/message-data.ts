/**
 * Whole WebSocket messages between a WHATWG `WebSocket` and the engine: the engine reads and
 * writes bytes (it decodes JSON from UTF-8 bytes), the platform hands out strings for text
 * messages. Pure conversions; no socket, no state.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The bytes of one received message (`MessageEvent.data`): a text message as its UTF-8 bytes, a
 * binary one (`ArrayBuffer`, or a view on some platforms) as a `Uint8Array` over the same memory
 * (no copy). Null for anything else (a `Blob`: the platform ignored `binaryType = 'arraybuffer'`).
 */
export function messageBytes(data: unknown): Uint8Array | null {
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/**
 * What to pass to `WebSocket.send` for bytes the engine wants sent: a string for a text message
 * (the engine's bytes are UTF-8 JSON), the bytes themselves for a binary one.
 */
export function outgoingMessage(data: Uint8Array, binary: boolean): string | Uint8Array {
  return binary ? data : decoder.decode(data);
}
