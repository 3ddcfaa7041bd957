/**
 * The two ways a user drives the library's client over real TCP, as small loops: a GatewayEngine
 * whose effects are performed on a node:net socket, and the seed-style DiscordConnection (the
 * application owns the loop: write `connect()`, pass reads to `receive()`, write what it returns,
 * and on CloseDiscordConnection write its `data` and shut down). Both report what happened.
 */
import net from 'node:net';
import { CloseDiscordConnection } from '../../adapters/sans-io/errors.js';
import { DiscordConnection } from '../../adapters/sans-io/discord-connection.js';
import { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { DiscordGatewayError } from '../../codec/errors.js';

/** Client settings a case may change. */
export interface ClientOptions {
  readonly encoding?: 'json' | 'etf';
  readonly compress?: 'zlib-stream' | 'zstd-stream' | null;
  readonly maxMessageSize?: number;
  readonly maxInflatedSize?: number;
}

/** What the engine reported. */
export interface EngineObservation {
  readonly payloads: GatewayPayload[];
  /** `error`, `rejected` and `failed` effects, in order. */
  readonly errors: { readonly effect: 'error' | 'rejected' | 'failed'; readonly error: DiscordGatewayError }[];
  /** The `closed` effects (the WebSocket closed: the server's code, or null when it failed). */
  readonly closed: { readonly code: number | null; readonly reason: string }[];
  /** How the engine let go of the transport: `end` (clean close) or `destroy`. */
  readonly transport: 'end' | 'destroy' | null;
  readonly state: string;
}

const CLIENT_GIVE_UP_MS = 1500;

function limitsOf(options: ClientOptions) {
  return { maxMessageSize: options.maxMessageSize, maxInflatedSize: options.maxInflatedSize };
}

/** Drives a GatewayEngine over TCP until the socket closes (timers are never fired: cases are short). */
export function runEngine(url: string, options: ClientOptions = {}): Promise<EngineObservation> {
  const engine = new GatewayEngine({
    url,
    encoding: options.encoding ?? 'json',
    compress: options.compress ?? null,
    limits: limitsOf(options),
    emitPayloads: true,
  });
  const payloads: GatewayPayload[] = [];
  const errors: EngineObservation['errors'] = [];
  const closed: EngineObservation['closed'] = [];
  let transport: EngineObservation['transport'] = null;
  return new Promise((resolve) => {
    let socket: net.Socket | null = null;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      socket?.destroy();
      engine.stop();
      resolve({ payloads, errors, closed, transport, state: engine.state });
    };
    const giveUp = setTimeout(settle, CLIENT_GIVE_UP_MS);
    const perform = () => {
      for (const effect of engine.takeEffects()) {
        switch (effect.type) {
          case 'transport.open': {
            const s = net.connect({ host: effect.destination.host, port: effect.destination.port, noDelay: true });
            socket = s;
            s.on('connect', () => {
              engine.transportConnected();
              perform();
            });
            s.on('data', (chunk: Buffer) => {
              engine.receive(new Uint8Array(chunk));
              perform();
            });
            s.on('end', () => {
              engine.receive(null);
              perform();
            });
            s.on('error', () => {});
            s.on('close', settle);
            break;
          }
          case 'transport.write':
            socket?.write(effect.bytes);
            break;
          case 'transport.end':
            transport ??= 'end';
            socket?.end();
            break;
          case 'transport.destroy': {
            transport ??= 'destroy';
            // Let the bytes already written (the close frame) go out, then drop the connection.
            const s = socket;
            s?.end(() => s.destroy());
            break;
          }
          case 'payload':
            payloads.push(effect.payload);
            break;
          case 'error':
          case 'rejected':
          case 'failed':
            errors.push({ effect: effect.type, error: effect.error });
            break;
          case 'closed':
            closed.push({ code: effect.code, reason: effect.reason });
            break;
          default:
            break;
        }
      }
    };
    engine.connect();
    perform();
  });
}

/** What a seed-style application saw. */
export interface SeedObservation {
  readonly payloads: GatewayPayload[];
  /** The CloseDiscordConnection that ended the loop, or null. */
  readonly close: CloseDiscordConnection | null;
  /** Any other error `receive()` threw (ConnectionRejected, HandshakeError, ...). */
  readonly thrown: unknown;
  /** The loop saw end of stream without the library ever saying the connection closed. */
  readonly eofWithoutClose: boolean;
  readonly state: string;
}

/** A socket whose reads are awaited one at a time, as the seed's blocking socket. */
class Reader {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | null = null;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(new Uint8Array(chunk));
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }
  /** The next chunk, an empty array at end of stream, or null after `ms` without data. */
  async recv(ms: number): Promise<Uint8Array | null> {
    if (this.chunks.length === 0 && !this.ended) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), new Promise((resolve) => setTimeout(resolve, ms))]);
      this.wake = null;
    }
    if (this.chunks.length > 0) return this.chunks.shift()!;
    return this.ended ? new Uint8Array(0) : null;
  }
}

/** The seed guide's loop around a DiscordConnection, over TCP. */
export async function runSeed(url: string, options: ClientOptions = {}): Promise<SeedObservation> {
  const conn = new DiscordConnection(url, { encoding: options.encoding ?? 'json', compress: options.compress ?? null, limits: limitsOf(options) });
  const [host, port] = conn.destination;
  const socket = net.connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const reader = new Reader(socket);
  const payloads: GatewayPayload[] = [];
  let close: CloseDiscordConnection | null = null;
  let thrown: unknown = null;
  let eofWithoutClose = false;
  socket.write(conn.connect());
  const deadline = Date.now() + CLIENT_GIVE_UP_MS;
  while (Date.now() < deadline) {
    const data = await reader.recv(deadline - Date.now());
    if (data === null) break;
    try {
      for (const out of conn.receive(data)) socket.write(out);
    } catch (error) {
      if (error instanceof CloseDiscordConnection) {
        close = error;
        if (error.data) socket.write(error.data);
      } else {
        thrown = error;
      }
      break;
    } finally {
      payloads.push(...conn.events());
    }
    if (data.length === 0) {
      eofWithoutClose = true;
      break;
    }
  }
  // The guide's ending: shut down our side, read until the server closes, close.
  socket.end();
  while ((await reader.recv(500))?.length) {}
  socket.destroy();
  return { payloads, close, thrown, eofWithoutClose, state: conn.state };
}
