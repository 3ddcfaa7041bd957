/**
 * A loopback TCP proxy between a client and the fake gateway that can misbehave on cue: cut a
 * server chunk in the middle (EOF inside a frame) or half-close toward the client. Only
 * 127.0.0.1; each client connection gets its own upstream connection.
 */
import net from 'node:net';

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

/** A proxy listening on 127.0.0.1; `url` is the ws:// URL to give the client. */
export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  #cut: ((chunk: Buffer) => boolean) | null = null;
  /** Connections accepted so far. */
  accepted = 0;
  /** Bytes of the chunk that was cut, forwarded before the EOF. */
  cutAt: { forwarded: number; of: number } | null = null;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  /** Starts a proxy to `port` on 127.0.0.1. */
  static async start(port: number): Promise<TcpProxy> {
    const server = net.createServer({ allowHalfOpen: true });
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.#accept(client, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `ws://127.0.0.1:<port>`. */
  get url(): string {
    return `ws://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
  }

  /**
   * The next server chunk that passes `filter` is forwarded only in part (its first half), then the
   * client gets EOF and the upstream connection is dropped: the client sees a frame cut short.
   */
  cutNextServerChunk(filter: (chunk: Buffer) => boolean = () => true): void {
    this.#cut = filter;
  }

  /** Sends FIN to every client (no more server bytes) while still forwarding what clients send. */
  halfCloseToClients(): void {
    for (const pair of this.#pairs) {
      pair.upstream.pause();
      pair.client.end();
    }
  }

  /** Drops everything and stops listening. */
  async close(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket, port: number): void {
    this.accepted++;
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const cut = this.#cut;
      if (cut?.(chunk)) {
        this.#cut = null;
        const half = Math.max(1, Math.floor(chunk.length / 2));
        this.cutAt = { forwarded: half, of: chunk.length };
        upstream.destroy();
        client.end(chunk.subarray(0, half));
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    client.on('close', drop);
    upstream.on('close', () => {
      if (!client.writableEnded) drop();
    });
    client.on('error', () => {});
    upstream.on('error', () => {});
  }
}
