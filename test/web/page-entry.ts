/**
 * The test page's script, bundled for the browser with the library's `web.ts` entry: it runs a
 * gateway client in the page and reports what it saw. The Node side drives it through
 * `window.harness` (see chromium.test.ts); nothing here knows about the fake gateway.
 */
import { createGatewayClient, type GatewayClient } from '../../web.js';

/** What the page saw, as plain data the test reads back with `page.evaluate`. */
export interface PageReport {
  readonly dispatches: Array<{ s: number | null; t: string }>;
  readonly states: string[];
  /** `close` events, with the client's sequence at that moment (what a RESUME must carry). */
  readonly closes: Array<{ code: number | null; reason: string; sequence: number | null }>;
  readonly errors: Array<{ code: string; message: string }>;
  readonly heartbeats: number[];
  readonly ready: Array<{ sessionId: string; resumeGatewayUrl: string }>;
  readonly resumed: number;
  readonly logs: string[];
  readonly state: string;
  readonly sequence: number | null;
  /** The platform the client ran on, to prove it was a browser. */
  readonly platform: { userAgent: string; hasBuffer: boolean; hasProcess: boolean; nativeWebSocket: boolean };
}

/** How the Node side starts the page's client. */
export interface PageConfig {
  readonly url: string;
  readonly token: string;
  readonly encoding: 'json' | 'etf';
  readonly compress: 'zlib-stream' | 'zstd-stream' | null;
}

/** What the page exposes as `window.harness`. */
export interface PageHarness {
  /** Creates the client and starts connecting (without waiting for READY). */
  begin(config: PageConfig): void;
  /** `begin`, then waits for READY. */
  start(config: PageConfig): Promise<PageReport>;
  report(): PageReport;
  sendPresence(status: 'online' | 'idle' | 'dnd'): Promise<void>;
  close(code: number): Promise<PageReport>;
}

let client: GatewayClient | null = null;
const seen = {
  dispatches: [] as PageReport['dispatches'],
  states: [] as string[],
  closes: [] as PageReport['closes'],
  errors: [] as PageReport['errors'],
  heartbeats: [] as number[],
  ready: [] as PageReport['ready'],
  resumed: 0,
  logs: [] as string[],
};

function report(): PageReport {
  const scope = globalThis as { Buffer?: unknown; process?: unknown; WebSocket?: unknown };
  return {
    ...structuredClone(seen),
    state: client?.state ?? 'none',
    sequence: client?.sequence ?? null,
    platform: {
      userAgent: navigator.userAgent,
      hasBuffer: scope.Buffer !== undefined,
      hasProcess: scope.process !== undefined,
      nativeWebSocket: typeof scope.WebSocket === 'function' && /\[native code\]/.test(String(scope.WebSocket)),
    },
  };
}

function line(level: string) {
  return (message: string, fields?: Record<string, unknown>) => {
    seen.logs.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  };
}

const harness: PageHarness = {
  begin(config) {
    const c = createGatewayClient({
      token: config.token,
      intents: 513,
      url: config.url,
      encoding: config.encoding,
      compress: config.compress,
      identifyQueue: null,
      policies: { backoff: { baseMs: 20, capMs: 100 } },
      logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    });
    client = c;
    c.on('dispatch', (payload) => seen.dispatches.push({ s: payload.s, t: payload.t }));
    c.on('state', ({ to }) => seen.states.push(to));
    c.on('close', ({ code, reason }) => seen.closes.push({ code, reason, sequence: c.sequence }));
    c.on('error', (error) => seen.errors.push({ code: error.code, message: error.message }));
    c.on('heartbeat', ({ latencyMs }) => seen.heartbeats.push(latencyMs));
    c.on('ready', (data) => seen.ready.push({ sessionId: data.session_id, resumeGatewayUrl: data.resume_gateway_url }));
    c.on('resumed', () => {
      seen.resumed++;
    });
    // Failures are in `errors` (and a rejected connect is fine: the test reads the report).
    c.connect().catch(() => {});
  },
  async start(config) {
    harness.begin(config);
    await client!.connect();
    return report();
  },
  report,
  async sendPresence(status) {
    await client!.send({ op: 3, d: { since: null, activities: [], status, afk: false } });
  },
  async close(code) {
    await client!.close(code);
    return report();
  },
};

(globalThis as { harness?: PageHarness }).harness = harness;
