/**
 * What the soak runner and its client child process say to each other over IPC. The client runs
 * alone in its own process so its heap and RSS can be measured without the fake gateway's
 * (which keeps every dispatch for replay). Times are epoch ms (`performance.timeOrigin + now()`),
 * comparable across the two processes.
 */

/** How the child builds its client. */
export interface SoakClientConfig {
  /** The fake gateway's URL; the client asks for it (and for READY's resume URL)... */
  readonly gatewayUrl: string;
  /** ...but every TCP connection goes to the fault proxy on this port. */
  readonly proxyPort: number;
  readonly token: string;
  readonly encoding: 'json' | 'etf';
  readonly compress: 'zlib-stream' | 'zstd-stream' | null;
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  readonly timeouts: { readonly connectMs: number; readonly helloMs: number; readonly readyMs: number; readonly closeMs: number };
  /** The client's IDENTIFY limiter window (its queue adds 5%). */
  readonly identifyWindowMs: number;
  /** Seed of the machine's jitter. */
  readonly seed: number;
  /** How often the child sends its batched events, in ms. */
  readonly flushMs: number;
}

/**
 * One thing the client did, as a compact tuple:
 * `d` dispatch (sequence, name, digest of `d`), `s` state change, `b` backoff chosen (its logged
 * delay, whether it will RESUME, the attempt number after it), `h` heartbeat ACK, `c` WebSocket
 * closed (code or null), `e` error.
 */
export type ClientEvent =
  | readonly ['d', s: number, t: string, digest: number]
  | readonly ['s', at: number, from: string, to: string]
  | readonly ['b', at: number, delayMs: number, resume: boolean, attempt: number]
  | readonly ['h', at: number]
  | readonly ['c', at: number, code: number | null]
  | readonly ['e', at: number, code: string];

/** Memory of the child after two forced GCs. */
export interface MemorySample {
  readonly at: number;
  /** Dispatches delivered so far. */
  readonly delivered: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Whether a real GC ran before the sample (the child was started with --expose-gc). */
  readonly gc: boolean;
}

/** What the child reports once its client has closed. */
export interface ChildSummary {
  readonly delivered: number;
  /** Dispatches the `dispatches()` iterator yielded, and how many differed from the events. */
  readonly iterated: number;
  readonly iteratorMismatches: number;
  /** Peak RSS of the child's whole life, in bytes (`process.resourceUsage().maxRSS`). */
  readonly maxRss: number;
}

/** Runner to child. */
export type ParentMessage =
  | { readonly type: 'start'; readonly config: SoakClientConfig }
  | { readonly type: 'sample'; readonly id: number }
  | { readonly type: 'close' };

/** Child to runner. */
export type ChildMessage =
  | { readonly type: 'events'; readonly events: ClientEvent[] }
  | { readonly type: 'connected' }
  | { readonly type: 'memory'; readonly id: number; readonly sample: MemorySample }
  | { readonly type: 'closed'; readonly summary: ChildSummary }
  | { readonly type: 'crashed'; readonly message: string };

/** Epoch ms with sub-ms precision, the same clock in both processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** FNV-1a over a string's UTF-16 units: a cheap digest to check a dispatch arrived intact. */
export function digestOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
