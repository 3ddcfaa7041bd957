/**
 * The machine's inputs: one discriminated union with dotted names. Every event carries `now`
 * (milliseconds on any monotonic clock) so the machine never reads a clock itself.
 */
import type { GatewayIdentifyData } from 'discord-api-types/v10';
import type { GatewayPayload } from '../codec/encoding/payload.js';
import type { TimerName } from './timers.js';

/** Fields every event has. */
interface Timed {
  /** The adapter's clock when the event happened, in milliseconds. */
  readonly now: number;
}

/** IDENTIFY's `d` without the token: the token never enters the machine. */
export type IdentifyData = Omit<GatewayIdentifyData, 'token'>;

/** Start (or restart, e.g. after restoring a persisted snapshot) a connection. */
export interface ConnectEvent extends Timed { readonly type: 'connect' }
/** The transport is up and the WebSocket upgrade succeeded. */
export interface SocketOpenedEvent extends Timed { readonly type: 'socket.opened' }
/** The transport is gone. `code` is the server's close code, or null when no close frame came. */
export interface SocketClosedEvent extends Timed {
  readonly type: 'socket.closed';
  readonly code: number | null;
  readonly reason: string;
}
/** op 10 HELLO. */
export interface HelloEvent extends Timed { readonly type: 'gateway.hello'; readonly heartbeatInterval: number }
/** op 0 DISPATCH: the whole payload, delivered to the application if its sequence is new. */
export interface DispatchEvent extends Timed { readonly type: 'gateway.dispatch'; readonly payload: GatewayPayload }
/**
 * Dispatches the adapter delivered on the ready state's fast path (tag `streaming`): only the
 * highest sequence number among them. The adapter applied `isNewSequence` to each one.
 */
export interface SequenceEvent extends Timed { readonly type: 'gateway.sequence'; readonly sequence: number }
/** op 1 from the server: a heartbeat is due now. */
export interface HeartbeatRequestEvent extends Timed { readonly type: 'gateway.heartbeatRequest' }
/** op 11 HEARTBEAT_ACK. */
export interface HeartbeatAckEvent extends Timed { readonly type: 'gateway.heartbeatAck' }
/** op 7 RECONNECT. */
export interface ReconnectRequestEvent extends Timed { readonly type: 'gateway.reconnect' }
/** op 9 INVALID_SESSION; `resumable` is its `d`. */
export interface InvalidSessionEvent extends Timed { readonly type: 'gateway.invalidSession'; readonly resumable: boolean }
/** A timer the machine set has fired. */
export interface TimerEvent extends Timed { readonly type: `timer.${TimerName}` }
/** The shared IDENTIFY limiter lets this shard identify now. */
export interface IdentifyGrantedEvent extends Timed { readonly type: 'identify.granted' }
/** The application identifies by hand (the seed's `identify()`); only after HELLO. */
export interface UserIdentifyEvent extends Timed { readonly type: 'user.identify'; readonly data: IdentifyData }
/** The application resumes by hand (the seed's `resume()`); only after HELLO, with a session. */
export interface UserResumeEvent extends Timed { readonly type: 'user.resume' }
/** The application sends a payload; `id` correlates the `send.payload` or `send.rejected` answer. */
export interface UserSendEvent extends Timed {
  readonly type: 'user.send';
  readonly id: number;
  readonly payload: GatewayPayload;
  /** Wait for a rate-limit slot (true) or be refused at once when none is free (false). */
  readonly queue: boolean;
}
/** The application closes the connection; 1000/1001 end the session, other codes keep it resumable. */
export interface UserCloseEvent extends Timed { readonly type: 'user.close'; readonly code: number; readonly reason: string }

/** Every input the gateway machine accepts. */
export type GatewayEvent =
  | ConnectEvent
  | SocketOpenedEvent
  | SocketClosedEvent
  | HelloEvent
  | DispatchEvent
  | SequenceEvent
  | HeartbeatRequestEvent
  | HeartbeatAckEvent
  | ReconnectRequestEvent
  | InvalidSessionEvent
  | TimerEvent
  | IdentifyGrantedEvent
  | UserIdentifyEvent
  | UserResumeEvent
  | UserSendEvent
  | UserCloseEvent;
