/**
 * A seeded, misbehaving TCP proxy on 127.0.0.1 between the client and the fake gateway. Every
 * connection's two directions go through a {@link FaultPipe} (re-cut, delayed, stallable), and the
 * proxy can kill every live connection at once with a FIN or an RST. Faults are the caller's to
 * schedule; this file only carries them out.
 */
import net from 'node:net';
import { type ChunkingPolicy, FaultPipe, type PipeStats } from './fault-pipe.js';
import type { Prng } from './prng.js';

/** Which way a stall applies: bytes to the client, bytes to the server, or both. */
export type StallDirection = 'to-client' | 'to-server' | 'both';

/** How a kill ends the TCP connections: FIN (orderly EOF mid-stream) or RST (connection reset). */
export type KillMode = 'fin' | 'rst';

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  readonly toClient: FaultPipe;
  readonly toServer: FaultPipe;
}

/** The proxy's counters: connections, kills, and the pipes' shared {@link PipeStats}. */
export interface FaultProxyStats extends PipeStats {
  accepted: number;
  killedConnections: number;
}

/** A running fault proxy; {@link FaultProxy.port} is where the client should connect. */
export class FaultProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  readonly #rng: Prng;
  readonly #chunking: ChunkingPolicy;
  readonly #upstreamPort: number;
  #delay: { minMs: number; maxMs: number; until: number } | null = null;
  /** What went through, summed over every connection. */
  readonly stats: FaultProxyStats = {
    accepted: 0,
    killedConnections: 0,
    chunks: 0,
    bytes: 0,
    cutChunks: 0,
    pieces: 0,
    headerCuts: 0,
    delayedPieces: 0,
  };

  private constructor(server: net.Server, upstreamPort: number, rng: Prng, chunking: ChunkingPolicy) {
    this.#server = server;
    this.#upstreamPort = upstreamPort;
    this.#rng = rng;
    this.#chunking = chunking;
  }

  /** Starts a proxy to `upstreamPort` on 127.0.0.1, driven by `rng`. */
  static async start(upstreamPort: number, rng: Prng, chunking: ChunkingPolicy): Promise<FaultProxy> {
    const server = net.createServer({ allowHalfOpen: true });
    const proxy = new FaultProxy(server, upstreamPort, rng, chunking);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The port clients connect to. */
  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Connections currently carried. */
  get liveConnections(): number {
    return this.#pairs.size;
  }

  /** Drops every live connection in both directions at once; returns how many it dropped. */
  kill(mode: KillMode): number {
    const pairs = [...this.#pairs];
    for (const pair of pairs) this.#drop(pair, mode);
    this.stats.killedConnections += pairs.length;
    return pairs.length;
  }

  /** Stalls the live connections in `direction` for `ms`; returns how many it stalled. */
  stall(direction: StallDirection, ms: number): number {
    for (const pair of this.#pairs) {
      if (direction !== 'to-server') pair.toClient.stall(ms);
      if (direction !== 'to-client') pair.toServer.stall(ms);
    }
    return this.#pairs.size;
  }

  /** Delays every piece written in either direction, new connections included, for `forMs`. */
  delayWrites(minMs: number, maxMs: number, forMs: number): void {
    this.#delay = { minMs, maxMs, until: performance.now() + forMs };
  }

  /** Drops everything and stops listening. */
  async close(): Promise<void> {
    for (const pair of [...this.#pairs]) this.#drop(pair, 'fin');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #currentDelay(): { minMs: number; maxMs: number } | null {
    const delay = this.#delay;
    if (!delay) return null;
    if (performance.now() >= delay.until) {
      this.#delay = null;
      return null;
    }
    return delay;
  }

  #accept(client: net.Socket): void {
    this.stats.accepted++;
    const upstream = net.connect({ host: '127.0.0.1', port: this.#upstreamPort, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const delay = () => this.#currentDelay();
    const pair: Pair = {
      client,
      upstream,
      toClient: new FaultPipe(upstream, client, this.#rng.fork(), this.#chunking, this.stats, delay),
      toServer: new FaultPipe(client, upstream, this.#rng.fork(), this.#chunking, this.stats, delay),
    };
    this.#pairs.add(pair);
    // An error on either side (a reset, a refused upstream) takes the whole connection down.
    client.on('error', () => this.#drop(pair, 'fin'));
    upstream.on('error', () => this.#drop(pair, 'fin'));
    // A side that closes cleanly has ended its stream (its pipe forwards the EOF); once both have, forget the pair.
    const closed = () => {
      if (client.destroyed && upstream.destroyed) this.#pairs.delete(pair);
    };
    // (Writes before the upstream connects are buffered by the socket.)
    client.on('close', () => {
      pair.toClient.kill();
      closed();
    });
    // Bytes still queued for the client are delivered; its pipe ends the client afterwards.
    upstream.on('close', closed);
  }

  #drop(pair: Pair, mode: KillMode): void {
    this.#pairs.delete(pair);
    pair.toClient.kill();
    pair.toServer.kill();
    for (const socket of [pair.client, pair.upstream]) {
      if (socket.destroyed) continue;
      if (mode === 'rst' && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
