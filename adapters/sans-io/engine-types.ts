/**
 * The engine's public types: its options, the inputs a recorder stores, and the observer hooks.
 *
 * Rules: types only, no behaviour. Nothing here holds or describes the token beyond the `token`
 * option itself; an `EngineInput` never carries it.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { GatewayCommand } from '../../machines/commands.js';
import type { GatewayInput } from '../../machines/context.js';
import type { IdentifyData } from '../../machines/events.js';
import type { TimerName } from '../../machines/timers.js';
// For the doc links only (a type import: no cycle at run time).
import type { GatewayEngine } from './gateway-engine.js';
import type { GatewayEncodingName, TransportCompressionName } from './gateway-url.js';

/** Options of {@link GatewayEngine}. */
export interface GatewayEngineOptions {
  /** The gateway host or URL (`gateway.discord.gg`, `wss://gateway.discord.gg`, `ws://127.0.0.1:8080`). */
  readonly url: string;
  /** Payload encoding (default `json`). */
  readonly encoding?: GatewayEncodingName;
  /** Transport compression (default none). */
  readonly compress?: TransportCompressionName | null;
  /** The bot token, for a connection that identifies by itself. Kept private; never emitted. */
  readonly token?: string;
  /** IDENTIFY data without the token: when given, the connection identifies and resumes by itself. */
  readonly identify?: IdentifyData | null;
  /** Wait for `grantIdentify()` before each IDENTIFY (a shared `max_concurrency` limiter) instead of identifying at once. */
  readonly identifyGate?: boolean;
  /** Fills bytes with secure random values (default `crypto.getRandomValues`). Used for keys and masks. */
  readonly random?: (bytes: Uint8Array) => Uint8Array;
  /** A monotonic clock in milliseconds (default `performance.now()`). */
  readonly now?: () => number;
  /** Seed of the machine's jitter generator (default: 32 bits from `random`). */
  readonly seed?: number;
  /** Policy overrides (backoff, rate limit, timeouts). */
  readonly policies?: GatewayInput['policies'];
  /** Bounds on one WebSocket message, one inflated message and the zstd window, in bytes. */
  readonly limits?: {
    readonly maxMessageSize?: number;
    readonly maxInflatedSize?: number;
    /** The largest zstd window accepted (default 8 MiB); memory per zstd connection is about this plus `maxInflatedSize`. */
    readonly maxWindowSize?: number;
  };
  /** Extra HTTP headers for the upgrade request (e.g. User-Agent). */
  readonly headers?: Record<string, string>;
  /** An XState inspector (`createBrowserInspector().inspect`, `createInspector(...).inspect`, or a function). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** A persisted machine snapshot to continue from (resumes the session on the next connection). */
  readonly snapshot?: unknown;
  /** Run the machine as an actor (default) or as a pure reducer over `transition()`. */
  readonly runner?: 'actor' | 'reducer';
  /** Also emit a `payload` effect for every payload the server sends (the seed's `events()`). */
  readonly emitPayloads?: boolean;
  /**
   * The dispatch types (`t`) the application wants; by default all. Other dispatches are
   * delivered to nobody, and while the session is ready they are not decoded at all: only their
   * `op`, `s` and `t` are read (sequence tracking, heartbeats and RESUME stay exact). READY and
   * RESUMED are always decoded and delivered, as are non-dispatch payloads. With `emitPayloads`
   * or an `observer` (a recorder) every payload is still decoded, so recordings hold them all.
   */
  readonly wantedDispatches?: readonly string[];
  /** Sees every input (never the token) and every machine command: what a recorder needs. */
  readonly observer?: EngineObserver;
  /**
   * Who speaks RFC 6455: `engine` (default) frames bytes itself over a raw TCP/TLS transport;
   * `platform` leaves the handshake and framing to a WHATWG `WebSocket` and exchanges whole messages.
   */
  readonly framing?: 'engine' | 'platform';
}

/** One call into the engine, as a recorder stores it (the token is never part of it). */
export type EngineInput =
  | { readonly type: 'connect' }
  | { readonly type: 'transport.connected' }
  | { readonly type: 'receive'; readonly bytes: Uint8Array | null }
  | { readonly type: 'transport.closed'; readonly reason: string; readonly code?: number | null }
  | { readonly type: 'transport.opened' }
  | { readonly type: 'message'; readonly data: Uint8Array }
  | { readonly type: 'timer'; readonly name: TimerName }
  | { readonly type: 'identify.granted' }
  | { readonly type: 'send'; readonly payload: GatewayPayload; readonly queue: boolean }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'identify'; readonly data: IdentifyData }
  | { readonly type: 'resume' }
  | { readonly type: 'heartbeat' };

/** Hooks that watch an engine: each input with its time, and each machine command it caused. */
export interface EngineObserver {
  /** Called at the start of every public call, with the clock reading the whole call uses. */
  input?(input: EngineInput, at: number): void;
  /**
   * Called for every output, with the time of the input that caused it: each command the machine
   * emits, and each dispatch the ready state's fast path delivers (as a `gateway.dispatch` command).
   */
  command?(command: GatewayCommand, at: number): void;
  /** Called when a public call throws (e.g. `PayloadTooLargeError`), before the error propagates. */
  thrown?(error: unknown, at: number): void;
}
