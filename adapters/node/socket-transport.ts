/**
 * A {@link Transport} over a Node TCP socket (`ws://`) or TLS socket (`wss://`): bytes in, bytes
 * out, in order, with backpressure. Owns one socket and its close grace; never reads or writes a
 * WebSocket frame or a gateway payload, and never decides to reconnect.
 */
import net from 'node:net';
import tls from 'node:tls';
import { TransportError, type TransportPhase } from '../client/errors.js';
import type { Transport, TransportConnector, TransportHandlers, TransportTarget } from '../client/transport.js';

/** Options of {@link nodeConnector}. */
export interface NodeTransportOptions {
  /**
   * Extra TLS options for `wss://` (`ca` for a private CA, `rejectUnauthorized`, client certs...).
   * `host` and `port` always come from the URL; `servername` defaults to the host unless it is an IP.
   */
  readonly tls?: tls.ConnectionOptions;
  /** After a clean WebSocket close, how long the peer has to close TCP before the socket is dropped (ms, default 2000). */
  readonly endGraceMs?: number;
}

/** The default close grace in ms. */
export const DEFAULT_END_GRACE_MS = 2000;

/** Opens Node TCP/TLS transports for the client (`framing: 'engine'`: the engine speaks RFC 6455). */
export function nodeConnector(options: NodeTransportOptions = {}): TransportConnector {
  return {
    framing: 'engine',
    open: (target, handlers) => new SocketTransport(target, handlers, options),
  };
}

/** One socket. Reports `opened`, `data`, `ended`, `error` and `closed` (once), then nothing after `destroy()`. */
class SocketTransport implements Transport {
  readonly #socket: net.Socket;
  readonly #handlers: TransportHandlers;
  readonly #address: string;
  readonly #endGraceMs: number;
  #phase: TransportPhase = 'connect';
  #failure: NodeJS.ErrnoException | null = null;
  /** Writes that wait for `drain`, oldest first; the socket already holds one chunk over its high-water mark. */
  #backlog: Uint8Array[] = [];
  #waitingForDrain = false;
  #ending = false;
  #detached = false;
  #grace: NodeJS.Timeout | null = null;

  constructor(target: TransportTarget, handlers: TransportHandlers, options: NodeTransportOptions) {
    const { host, port, secure } = target.destination;
    this.#handlers = handlers;
    this.#address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.#endGraceMs = options.endGraceMs ?? DEFAULT_END_GRACE_MS;
    // allowHalfOpen: a peer's EOF is the engine's to judge; the socket must not end our side by itself.
    // (`tls.connect` passes allowHalfOpen to its TLSSocket; Node's types omit it.)
    const tlsOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      ...options.tls,
      host,
      port,
      servername: options.tls?.servername ?? (net.isIP(host) === 0 ? host : undefined),
      allowHalfOpen: true,
    };
    this.#socket = secure ? tls.connect(tlsOptions) : net.connect({ host, port, allowHalfOpen: true });
    const socket = this.#socket;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      if (!secure) this.#open();
      else this.#phase = 'tls';
    });
    if (secure) socket.once('secureConnect', () => this.#open());
    socket.on('data', (chunk: Buffer) => handlers.data(chunk));
    socket.on('end', () => handlers.ended());
    socket.on('drain', () => this.#flush());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#failure ??= error;
    });
    socket.on('close', () => this.#onClose());
  }

  write(data: Uint8Array): boolean {
    if (this.#detached || this.#ending) return false;
    if (this.#waitingForDrain) {
      this.#backlog.push(data);
      return false;
    }
    if (this.#socket.write(data)) return true;
    this.#waitingForDrain = true;
    return false;
  }

  end(): void {
    if (this.#detached || this.#ending) return;
    this.#ending = true;
    this.#grace = setTimeout(() => this.#socket.destroy(), this.#endGraceMs);
    this.#grace.unref();
    if (!this.#waitingForDrain) this.#socket.end();
  }

  /** Node sockets speak bytes; a WebSocket close is the engine's frame, so this only ends the socket. */
  close(): void {
    this.end();
  }

  destroy(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#backlog = [];
    if (this.#grace) clearTimeout(this.#grace);
    const socket = this.#socket;
    socket.removeAllListeners();
    // A late error on a socket nobody listens to would crash the process.
    socket.on('error', () => {});
    socket.destroy();
  }

  #open(): void {
    this.#phase = 'open';
    this.#handlers.opened();
  }

  /** `drain`: hand the backlog over until the socket pushes back again. */
  #flush(): void {
    if (this.#detached) return;
    this.#waitingForDrain = false;
    while (this.#backlog.length > 0) {
      const next = this.#backlog.shift()!;
      if (!this.#socket.write(next)) {
        this.#waitingForDrain = true;
        return;
      }
    }
    if (this.#ending) this.#socket.end();
    else this.#handlers.drain();
  }

  #onClose(): void {
    if (this.#detached) return;
    this.#detached = true;
    if (this.#grace) clearTimeout(this.#grace);
    this.#backlog = [];
    const failure = this.#failure;
    if (failure) {
      const systemCode = typeof failure.code === 'string' ? failure.code : null;
      this.#handlers.error(new TransportError(this.#phase, this.#address, systemCode, { cause: failure }));
      this.#handlers.closed(`${this.#phase} failed${systemCode ? `: ${systemCode}` : ''}`);
      return;
    }
    this.#handlers.closed(this.#phase === 'open' ? 'the connection closed' : 'the connection closed before it was established');
  }
}
