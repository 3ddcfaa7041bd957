/**
 * The machine's context and input. The context is small and JSON-safe (no class instances,
 * no sockets, no timers, never the token), so a persisted snapshot can resume a session later.
 */
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { IdentifyData } from './events.js';
import { DEFAULT_IDENTIFY_BUDGET, type IdentifyBudgetPolicy } from './identify-budget.js';
import { seedRandom } from './random.js';
import { DEFAULT_RATE_LIMIT, defaultMarginMs, type RateLimitPolicy } from './rate-limit.js';
import { DEFAULT_TIMEOUTS, type TimeoutPolicy } from './timers.js';
import type { GatewayPayload } from '../codec/encoding/payload.js';

/** Everything that tunes the machine; each part has a default. */
export interface GatewayPolicies {
  readonly backoff: BackoffPolicy;
  readonly identifyBudget: IdentifyBudgetPolicy;
  readonly rateLimit: RateLimitPolicy;
  readonly timeouts: TimeoutPolicy;
}

/** How the machine is started. */
export interface GatewayInput {
  /** The gateway URL with its query (`v`, `encoding`, `compress`). */
  readonly url: string;
  /**
   * IDENTIFY data without the token. Given: the machine identifies or resumes by itself after
   * HELLO. Absent: it waits for `user.identify` / `user.resume` (the seed's manual style).
   */
  readonly identify?: IdentifyData | null;
  /** Seed for the jitter generator; pass 32 random bits (e.g. from `crypto.getRandomValues`). */
  readonly seed: number;
  /** Overrides for the default policies. */
  readonly policies?: {
    readonly backoff?: Partial<BackoffPolicy>;
    readonly identifyBudget?: Partial<IdentifyBudgetPolicy>;
    readonly rateLimit?: Partial<RateLimitPolicy>;
    readonly timeouts?: Partial<TimeoutPolicy>;
  };
}

/** Why the last connection ended, as far as the machine knows. */
export interface LastClose {
  readonly code: number | null;
  readonly reason: string;
}

/** A user payload waiting for a rate-limit slot. */
export interface QueuedPayload {
  readonly id: number;
  readonly payload: GatewayPayload;
}

/** What to do once the close handshake we started has finished. */
export type AfterClose = 'stop' | 'reconnect' | 'reconnect-after-invalid-session';

/** The machine's whole state besides its state value. */
export interface GatewayContext {
  /** The URL a new session connects to (the input's `url`). */
  readonly gatewayUrl: string;
  /** IDENTIFY's data without the token; null when the application identifies by hand. */
  readonly identify: IdentifyData | null;
  /** The input's policies with every default filled in. */
  readonly policies: GatewayPolicies;
  /** The session this client can RESUME, if any. */
  readonly sessionId: string | null;
  /** READY's `resume_gateway_url` with our query; RESUME connects there. */
  readonly resumeGatewayUrl: string | null;
  /** The last dispatch sequence number seen in this session. */
  readonly sequence: number | null;
  /** HELLO's heartbeat interval on this connection; null before HELLO. */
  readonly heartbeatIntervalMs: number | null;
  /** Whether the last heartbeat we sent has been acknowledged. */
  readonly heartbeatAcked: boolean;
  /** When the last heartbeat was sent (the events' clock), for its latency. */
  readonly lastHeartbeatAt: number | null;
  /** Time from the last acknowledged heartbeat to its ACK, in ms. */
  readonly latencyMs: number | null;
  /** Reconnects since the last healthy session; the backoff exponent. */
  readonly reconnectAttempt: number;
  /** The delay chosen for the pending reconnect, in ms. */
  readonly reconnectDelayMs: number | null;
  /** Whether the backoff may reset: the session is ready but no heartbeat has been acked yet. */
  readonly awaitingHealthyAck: boolean;
  /** What follows the close handshake in progress. */
  readonly afterClose: AfterClose;
  /** The code and reason of the last close, sent or received. */
  readonly lastClose: LastClose | null;
  /** Set in the `failed` state: the fatal close code and its meaning. */
  readonly failure: { readonly code: number; readonly reason: string } | null;
  /** The jitter generator's state. */
  readonly random: number;
  /** IDENTIFY times inside the identify budget's window, oldest first. */
  readonly identifyLog: readonly number[];
  /** Send times inside the rate-limit window, oldest first. */
  readonly sendLog: readonly number[];
  /** User payloads waiting for a rate-limit slot, in order. */
  readonly queue: readonly QueuedPayload[];
}

/** The rate-limit policy with defaults; the margin defaults to 2% of the window actually used. */
function rateLimitPolicy(overrides: Partial<RateLimitPolicy> | undefined): RateLimitPolicy {
  const windowMs = overrides?.windowMs ?? DEFAULT_RATE_LIMIT.windowMs;
  return { ...DEFAULT_RATE_LIMIT, marginMs: defaultMarginMs(windowMs), ...overrides };
}

/** Builds the first context from the input. */
export function createContext(input: GatewayInput): GatewayContext {
  return {
    gatewayUrl: input.url,
    identify: input.identify ?? null,
    policies: {
      backoff: { ...DEFAULT_BACKOFF, ...input.policies?.backoff },
      identifyBudget: { ...DEFAULT_IDENTIFY_BUDGET, ...input.policies?.identifyBudget },
      rateLimit: rateLimitPolicy(input.policies?.rateLimit),
      timeouts: { ...DEFAULT_TIMEOUTS, ...input.policies?.timeouts },
    },
    sessionId: null,
    resumeGatewayUrl: null,
    sequence: null,
    heartbeatIntervalMs: null,
    heartbeatAcked: true,
    lastHeartbeatAt: null,
    latencyMs: null,
    reconnectAttempt: 0,
    reconnectDelayMs: null,
    awaitingHealthyAck: false,
    afterClose: 'reconnect',
    lastClose: null,
    failure: null,
    random: seedRandom(input.seed),
    identifyLog: [],
    sendLog: [],
    queue: [],
  };
}
