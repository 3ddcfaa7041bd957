/**
 * One direction of one proxied TCP connection, with seeded misbehaviour: it re-cuts the byte
 * stream (preferring cuts inside WebSocket frame headers), delays pieces, and stalls (stops
 * reading its source, so real TCP backpressure builds up). It never drops, duplicates or reorders
 * a byte: losing bytes is the proxy's `kill`, which ends the whole connection.
 */
import type net from 'node:net';
import { FrameBoundaryTracker } from './frame-boundaries.js';
import type { Prng } from './prng.js';

/** How a pipe re-cuts the stream. */
export interface ChunkingPolicy {
  /** Probability that a chunk is cut at all. */
  readonly splitChance: number;
  /** Most pieces one chunk is cut into. */
  readonly maxPieces: number;
  /** Probability that a cut is placed inside a frame header when the chunk has one. */
  readonly headerCutChance: number;
}

/** Counters shared by every pipe of a proxy. */
export interface PipeStats {
  chunks: number;
  bytes: number;
  /** Chunks that were cut. */
  cutChunks: number;
  /** Pieces written (a chunk not cut is one piece). */
  pieces: number;
  /** Cuts that fell strictly inside a frame header (between its first and last byte). */
  headerCuts: number;
  /** Pieces that waited for a delay fault. */
  delayedPieces: number;
}

/** A per-piece delay range in ms, or null for none; read at the moment a chunk arrives. */
export type DelaySource = () => { minMs: number; maxMs: number } | null;

interface Piece {
  readonly data: Buffer;
  readonly releaseAt: number;
  /** Give the event loop a turn before writing, so the receiver reads it on its own. */
  readonly separate: boolean;
}

/** Pieces queued before the pipe stops reading its source. */
const HIGH_WATER_PIECES = 512;

/** Copies `source` to `sink` through the misbehaviour above. */
export class FaultPipe {
  readonly #source: net.Socket;
  readonly #sink: net.Socket;
  readonly #rng: Prng;
  readonly #policy: ChunkingPolicy;
  readonly #stats: PipeStats;
  readonly #delay: DelaySource;
  readonly #tracker = new FrameBoundaryTracker();
  readonly #queue: Piece[] = [];
  #stalledUntil = 0;
  #stallTimer: NodeJS.Timeout | null = null;
  #pumping = false;
  #sourceEnded = false;
  #dead = false;
  #lastRelease = 0;

  constructor(source: net.Socket, sink: net.Socket, rng: Prng, policy: ChunkingPolicy, stats: PipeStats, delay: DelaySource) {
    this.#source = source;
    this.#sink = sink;
    this.#rng = rng;
    this.#policy = policy;
    this.#stats = stats;
    this.#delay = delay;
    source.on('data', (chunk: Buffer) => this.#push(chunk));
    source.on('end', () => {
      this.#sourceEnded = true;
      void this.#pump();
    });
  }

  /** Stops reading and writing for `ms` (extends a stall in progress). */
  stall(ms: number): void {
    if (this.#dead) return;
    this.#stalledUntil = Math.max(this.#stalledUntil, performance.now() + ms);
    this.#source.pause();
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = null;
      this.#stalledUntil = 0;
      this.#resumeSource();
      void this.#pump();
    }, ms);
  }

  /** The connection is gone: forget what is queued. */
  kill(): void {
    this.#dead = true;
    this.#queue.length = 0;
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
  }

  #push(chunk: Buffer): void {
    if (this.#dead) return;
    const stats = this.#stats;
    stats.chunks++;
    stats.bytes += chunk.length;
    const headers = this.#tracker.feed(chunk);
    const cuts = this.#cutPoints(chunk.length, headers);
    const range = this.#delay();
    const now = performance.now();
    // Each piece is due at its arrival plus a delay, never before the previous one: delays
    // stretch the stream in time without reordering it or piling up.
    const releaseAt = range ? Math.max(this.#lastRelease, now + range.minMs + this.#rng.next() * (range.maxMs - range.minMs)) : now;
    this.#lastRelease = releaseAt;
    let from = 0;
    for (const [index, to] of [...cuts, chunk.length].entries()) {
      this.#queue.push({ data: chunk.subarray(from, to), releaseAt, separate: index > 0 });
      from = to;
    }
    stats.pieces += cuts.length + 1;
    if (cuts.length > 0) stats.cutChunks++;
    if (range) stats.delayedPieces += cuts.length + 1;
    for (const cut of cuts) if (headers.some((h) => cut > h.start && cut < h.end)) stats.headerCuts++;
    if (this.#queue.length > HIGH_WATER_PIECES) this.#source.pause();
    void this.#pump();
  }

  /** Sorted distinct cut offsets in (0, length). */
  #cutPoints(length: number, headers: readonly { start: number; end: number }[]): number[] {
    const rng = this.#rng;
    if (length < 2 || !rng.chance(this.#policy.splitChance)) return [];
    const inner = headers.filter((h) => h.end - h.start >= 2);
    const count = rng.int(1, Math.min(this.#policy.maxPieces - 1, length - 1));
    const cuts = new Set<number>();
    for (let i = 0; i < count; i++) {
      if (inner.length > 0 && rng.chance(this.#policy.headerCutChance)) {
        const header = rng.pick(inner);
        cuts.add(rng.int(header.start + 1, header.end - 1));
      } else {
        cuts.add(rng.int(1, length - 1));
      }
    }
    return [...cuts].sort((a, b) => a - b);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#dead) {
        const now = performance.now();
        if (this.#stalledUntil > now) return; // the stall's timer pumps again
        const piece = this.#queue[0];
        if (!piece) break;
        if (piece.releaseAt > now + 0.5) {
          await sleep(piece.releaseAt - now);
          continue;
        }
        if (piece.separate) await new Promise((resolve) => setImmediate(resolve));
        if (this.#dead || this.#stalledUntil > performance.now()) continue;
        this.#queue.shift();
        if (this.#sink.destroyed) return this.kill();
        if (!this.#sink.write(piece.data)) await drained(this.#sink);
        if (this.#queue.length < HIGH_WATER_PIECES / 2) this.#resumeSource();
      }
      if (!this.#dead && this.#queue.length === 0 && this.#sourceEnded && !this.#sink.destroyed) this.#sink.end();
    } finally {
      this.#pumping = false;
    }
  }

  #resumeSource(): void {
    if (!this.#dead && this.#stalledUntil <= performance.now() && this.#queue.length < HIGH_WATER_PIECES && !this.#source.destroyed) {
      this.#source.resume();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves at `drain`, or when the socket closes (no drain would ever come). */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
