/**
 * JSON text <-> values for the `encoding=json` gateway. Owns UTF-8 decoding and JSON syntax
 * errors only; the envelope check lives in payload.ts. Hot path: one reused TextDecoder, no copies.
 */
import { PayloadDecodeError, PayloadEncodeError } from './errors.js';

// fatal: a compressed stream's inflated bytes are never UTF-8-checked by the WebSocket layer.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one JSON gateway message, given as UTF-8 bytes or as text. Throws
 * {@link PayloadDecodeError} `PAYLOAD_INVALID_UTF8` or `PAYLOAD_INVALID_JSON`.
 */
export function decodeJson(data: Uint8Array | string): unknown {
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else {
    try {
      text = utf8.decode(data);
    } catch (cause) {
      throw new PayloadDecodeError('PAYLOAD_INVALID_UTF8', 'The JSON payload is not valid UTF-8.', {
        cause,
      });
    }
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PayloadDecodeError('PAYLOAD_INVALID_JSON', 'The payload is not valid JSON.', { cause });
  }
}

/**
 * Writes a value as JSON text, as `JSON.stringify` does. Throws {@link PayloadEncodeError}
 * `PAYLOAD_UNSERIALIZABLE` for bigints (send snowflakes as decimal strings), cycles, and values
 * JSON cannot hold at all (undefined, functions, symbols).
 */
export function encodeJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new PayloadEncodeError(
      'PAYLOAD_UNSERIALIZABLE',
      'The payload cannot be written as JSON (a bigint or a cycle); send snowflakes as decimal strings.',
      { cause },
    );
  }
  if (text === undefined) {
    throw new PayloadEncodeError(
      'PAYLOAD_UNSERIALIZABLE',
      `A ${typeof value} cannot be written as JSON; pass an object.`,
    );
  }
  return text;
}
