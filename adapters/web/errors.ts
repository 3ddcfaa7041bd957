/**
 * The errors of the WHATWG WebSocket adapter. Each has a stable `code`; none contains the token
 * (the adapter sees URLs and message types, never a payload).
 */
import { DiscordGatewayError } from '../../codec/errors.js';

/** There is no `WebSocket` to use: the global is missing (Node 20 and older) and none was passed. */
export class WebSocketUnavailableError extends DiscordGatewayError {
  constructor() {
    super(
      'WEBSOCKET_UNAVAILABLE',
      'No global WebSocket on this platform. Use Node 22 or later, a browser, Deno or Bun; pass a WHATWG-compatible class as `webSocket`; or use the Node adapter (`createGatewayClient` from the package root on Node).',
    );
  }
}

/**
 * The platform delivered a message the adapter cannot read synchronously (a `Blob`: it ignored
 * `binaryType = 'arraybuffer'`). The connection is closed with 4903 and the session resumes.
 */
export class UnsupportedMessageError extends DiscordGatewayError {
  /** What the platform delivered (`Blob`, `object`...). */
  readonly dataType: string;

  constructor(dataType: string) {
    super(
      'WEBSOCKET_UNSUPPORTED_MESSAGE',
      `The platform's WebSocket delivered a ${dataType} message; only strings and ArrayBuffers can be read in order. Its WebSocket ignores \`binaryType = 'arraybuffer'\`: pass a compatible class as \`webSocket\`.`,
    );
    this.dataType = dataType;
  }
}
