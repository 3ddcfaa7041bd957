/**
 * A Node TCP/TLS socket with the seed's blocking-socket shape (`recv`, `send`, `shutdownWrite`,
 * `close`), so the Python guide's loops read almost line for line in tests.
 */
import net from 'node:net';
import tls from 'node:tls';

/** A socket whose `recv()` resolves with the next chunk, or an empty array at EOF. */
export class BlockingSocket {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(new Uint8Array(chunk));
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Connects to host:port over TCP, or TLS when `ca` is given. */
  static connect([host, port]: [string, number], options: { ca?: string | Buffer } = {}): Promise<BlockingSocket> {
    return new Promise((resolve, reject) => {
      const socket = options.ca
        ? tls.connect({ host, port, ca: options.ca, servername: host === '127.0.0.1' ? undefined : host })
        : net.connect({ host, port });
      socket.once(options.ca ? 'secureConnect' : 'connect', () => resolve(new BlockingSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** The next chunk read (at most `size` bytes), or an empty array at EOF. */
  async recv(size = 65_536): Promise<Uint8Array> {
    while (this.chunks.length === 0 && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    if (this.chunks.length > 0) {
      const chunk = this.chunks.shift()!;
      if (chunk.byteLength <= size) return chunk;
      this.chunks.unshift(chunk.subarray(size));
      return chunk.subarray(0, size);
    }
    if (this.failure) throw this.failure;
    return new Uint8Array(0);
  }

  /** Writes bytes. */
  send(bytes: Uint8Array): void {
    if (bytes.byteLength > 0) this.socket.write(bytes);
  }

  /** Half-closes: no more writes (the seed's `sock.shutdown(socket.SHUT_WR)`). */
  shutdownWrite(): void {
    this.socket.end();
  }

  /** Closes the socket. */
  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
