/**
 * The machine's outputs (its `emitted` events): everything an adapter must do, as plain data.
 * Nothing here holds the token; `auth` tells the encoder to add it to IDENTIFY or RESUME.
 */
import type { GatewayPayload } from '../codec/encoding/payload.js';
import type { TimerName } from './timers.js';

/** Open a new transport to `url` and upgrade it to a WebSocket (new codec contexts). */
export interface OpenSocketCommand { readonly type: 'socket.open'; readonly url: string }
/** Send a close frame with `code` and wait for the server's close frame. */
export interface CloseSocketCommand { readonly type: 'socket.close'; readonly code: number; readonly reason: string }
/** Drop the transport now, without waiting for anything. */
export interface TerminateSocketCommand { readonly type: 'socket.terminate' }
/** Encode and send `payload`; `auth` asks the encoder to put the token into `d`. */
export interface SendPayloadCommand {
  readonly type: 'send.payload';
  readonly payload: GatewayPayload;
  readonly auth?: 'identify' | 'resume';
  /** The `user.send` id this answers, if the application sent it. */
  readonly id?: number;
}
/** A `user.send` that will not be sent, and why. */
export interface SendRejectedCommand {
  readonly type: 'send.rejected';
  readonly id: number;
  readonly reason: 'not-ready' | 'rate-limited' | 'queue-full' | 'disconnected' | 'opcode-reserved';
}
/** Arm (or re-arm) the named timer to fire `timer.<name>` after `ms`. */
export interface SetTimerCommand { readonly type: 'timer.set'; readonly name: TimerName; readonly ms: number }
/** Disarm the named timer. */
export interface ClearTimerCommand { readonly type: 'timer.clear'; readonly name: TimerName }
/** Wait for the shared IDENTIFY limiter, then answer `identify.granted`. */
export interface RequestIdentifyCommand { readonly type: 'identify.request'; readonly shardId: number }
/** Deliver a dispatch to the application (duplicates are already dropped). */
export interface DeliverDispatchCommand { readonly type: 'gateway.dispatch'; readonly payload: GatewayPayload }
/** A heartbeat was acknowledged after `latencyMs`. */
export interface HeartbeatAckedCommand { readonly type: 'heartbeat.acked'; readonly latencyMs: number }
/** The session cannot go on (a fatal close code); the machine has stopped. */
export interface SessionFailedCommand { readonly type: 'session.failed'; readonly code: number; readonly reason: string }

/** Every output of the gateway machine. */
export type GatewayCommand =
  | OpenSocketCommand
  | CloseSocketCommand
  | TerminateSocketCommand
  | SendPayloadCommand
  | SendRejectedCommand
  | SetTimerCommand
  | ClearTimerCommand
  | RequestIdentifyCommand
  | DeliverDispatchCommand
  | HeartbeatAckedCommand
  | SessionFailedCommand;
