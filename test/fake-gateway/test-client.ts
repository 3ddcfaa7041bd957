/**
 * A bare-bones gateway client for testing the fake gateway: the `ws` client, `node:zlib` for
 * zlib-stream, `fzstd` for zstd-stream and the fake gateway's own ETF codec. No library code.
 */

import { createInflate } from 'node:zlib';
import { Decompress } from 'fzstd';
import WebSocket from 'ws';
import { decodeEtf } from '../../adapters/fake-gateway/etf-decoder.js';
import { encodeEtf } from '../../adapters/fake-gateway/etf-encoder.js';
import { endsWithSyncFlush } from '../helpers/sync-flush.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary payload fields
export type Payload = { op: number; d: any; s: number | null; t: string | null };

export interface TestClientOptions {
  encoding?: 'json' | 'etf';
  compress?: 'zlib-stream' | 'zstd-stream';
  ca?: string;
}

export class TestClient {
  /** Every WebSocket message as received (before decompression). */
  readonly wire: Buffer[] = [];
  /** Decoded payload texts/bytes, one per payload (after decompression). */
  readonly decodedBytes: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly queue: Payload[] = [];
  private readonly waiting: ((p: Payload) => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private zlibBuffer: Buffer[] = [];
  private readonly inflate = createInflate();
  private readonly zstd: Decompress;
  private zstdOut: Buffer[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly options: TestClientOptions,
  ) {
    this.zstd = new Decompress((chunk) => this.zstdOut.push(Buffer.from(chunk)));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => {
      this.wire.push(data);
      this.chain = this.chain.then(() => this.onMessage(data));
    });
    ws.on('error', () => {});
  }

  static connect(url: string, options: TestClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { ca: options.ca });
    const client = new TestClient(ws, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** The next payload, waiting up to `timeoutMs`. */
  next(timeoutMs = 2000): Promise<Payload> {
    const ready = this.queue.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no payload within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
  }

  /** The next payload with this op (skipping others, e.g. ACKs). */
  async nextOp(op: number, timeoutMs = 2000): Promise<Payload> {
    for (;;) {
      const p = await this.next(timeoutMs);
      if (p.op === op) return p;
    }
  }

  /** Payloads received and not yet taken. */
  get pending(): readonly Payload[] {
    return this.queue;
  }

  send(payload: unknown): void {
    this.ws.send(this.options.encoding === 'etf' ? encodeEtf(payload) : JSON.stringify(payload));
  }

  identify(token: string, extra: Record<string, unknown> = {}): void {
    this.send({ op: 2, d: { token, intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra } });
  }

  /** IDENTIFY, then wait for READY. */
  async ready(token: string, extra: Record<string, unknown> = {}): Promise<Payload> {
    await this.nextOp(10);
    this.identify(token, extra);
    return this.nextOp(0);
  }

  close(code?: number, reason?: string): Promise<{ code: number; reason: string }> {
    this.ws.close(code, reason);
    return this.closed;
  }

  private async onMessage(data: Buffer): Promise<void> {
    if (this.options.compress === 'zlib-stream') {
      this.zlibBuffer.push(data);
      if (!endsWithSyncFlush(data)) return;
      const whole = Buffer.concat(this.zlibBuffer);
      this.zlibBuffer = [];
      const out: Buffer[] = [];
      const onData = (chunk: Buffer) => out.push(chunk);
      this.inflate.on('data', onData);
      await new Promise<void>((resolve) => this.inflate.write(whole, () => this.inflate.flush(() => resolve())));
      this.inflate.off('data', onData);
      this.deliver(Buffer.concat(out));
    } else if (this.options.compress === 'zstd-stream') {
      this.zstd.push(data);
      this.deliver(Buffer.concat(this.zstdOut.splice(0)));
    } else {
      this.deliver(data);
    }
  }

  private deliver(bytes: Buffer): void {
    this.decodedBytes.push(bytes);
    const payload = (this.options.encoding === 'etf' ? decodeEtf(bytes, { allowAtomKeys: true }) : JSON.parse(bytes.toString())) as Payload;
    const waiter = this.waiting.shift();
    if (waiter) waiter(payload);
    else this.queue.push(payload);
  }
}
