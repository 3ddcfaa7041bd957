/**
 * A `framing: 'platform'` connector over the `ws` package's WHATWG-style API (`onopen`,
 * `onmessage`, `onclose`, `send`, `close`): what a browser WebSocket adapter does, runnable in
 * Node, so the shared client is tested on its platform path too.
 */
import WebSocket from 'ws';
import { TransportError, type TransportConnector } from '../../adapters/client/index.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Opens `ws` WebSockets; `ca` trusts a test certificate for wss://. */
export function wsPlatformConnector(options: { ca?: string } = {}): TransportConnector {
  return {
    framing: 'platform',
    open(target, handlers) {
      const { host, port } = target.destination;
      const socket = new WebSocket(target.url, { ca: options.ca });
      socket.binaryType = 'arraybuffer';
      let live = true;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        if (live) handlers.opened();
      };
      socket.onmessage = (event) => {
        if (!live) return;
        const data = event.data;
        handlers.data(typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data as ArrayBuffer));
      };
      socket.onerror = (event) => {
        if (live) handlers.error(new TransportError(opened ? 'open' : 'connect', `${host}:${port}`, null, { cause: event.error }));
      };
      socket.onclose = (event) => {
        if (!live) return;
        live = false;
        // WHATWG reports 1005 (no code) and 1006 (no close frame); the engine wants null for both.
        handlers.closed(event.reason || 'the WebSocket closed', event.code === 1005 || event.code === 1006 ? null : event.code);
      };
      return {
        write(data, binary) {
          socket.send(binary ? data : decoder.decode(data));
          return socket.bufferedAmount < 1 << 20;
        },
        end() {
          socket.close(1000);
        },
        close(code, reason) {
          // A browser refuses codes other than 1000 and 3000-4999.
          socket.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 4000, reason);
        },
        destroy() {
          live = false;
          socket.terminate();
        },
      };
    },
  };
}
