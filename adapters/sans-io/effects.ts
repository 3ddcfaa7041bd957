/**
 * What the engine asks its adapter to do, or tells it happened: plain data, in order. An adapter
 * performs `transport.*` and `timer.*` effects and reports back; the rest is for the application.
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { DiscordGatewayError } from '../../codec/errors.js';
import type { TimerName } from '../../machines/timers.js';
import type { Destination } from './gateway-url.js';

/** Open a TCP (and, when `secure`, TLS) connection; then call `transportConnected()`. */
export interface TransportOpenEffect { readonly type: 'transport.open'; readonly url: string; readonly destination: Destination }
/** `framing: 'platform'`: send one whole message on the platform's WebSocket. */
export interface TransportSendEffect { readonly type: 'transport.send'; readonly data: Uint8Array; readonly binary: boolean }
/** `framing: 'platform'`: start the platform WebSocket's close handshake (map codes it refuses, e.g. 1001/1007, to 1000/4000). */
export interface TransportCloseEffect { readonly type: 'transport.close'; readonly code: number; readonly reason: string }
/** Write these bytes to the transport, in order. */
export interface TransportWriteEffect { readonly type: 'transport.write'; readonly bytes: Uint8Array }
/** The WebSocket closed cleanly: shut the write side down (the server closes its side). */
export interface TransportEndEffect { readonly type: 'transport.end' }
/** Drop the transport now and report nothing more about it. */
export interface TransportDestroyEffect { readonly type: 'transport.destroy' }
/** Arm (or re-arm) a timer; when it fires call `fireTimer(name)`. */
export interface TimerSetEffect { readonly type: 'timer.set'; readonly name: TimerName; readonly ms: number }
/** Disarm a timer. */
export interface TimerClearEffect { readonly type: 'timer.clear'; readonly name: TimerName }
/** This shard may IDENTIFY once its bucket allows; then call `grantIdentify()`. Only with `identifyGate`. */
export interface IdentifyRequestEffect { readonly type: 'identify.request'; readonly shardId: number }
/** A new dispatch for the application (never a duplicate). */
export interface DispatchEffect { readonly type: 'dispatch'; readonly payload: GatewayPayload }
/** Every payload the server sent, in order (only when `emitPayloads` is on: the seed's `events()`). */
export interface PayloadEffect { readonly type: 'payload'; readonly payload: GatewayPayload }
/** The machine moved to another state (dotted path such as `connected.ready`). */
export interface StateEffect { readonly type: 'state'; readonly from: string; readonly to: string }
/** A heartbeat was acknowledged. */
export interface HeartbeatEffect { readonly type: 'heartbeat'; readonly latencyMs: number }
/** A `send()` payload was written (resolves its promise). */
export interface SentEffect { readonly type: 'sent'; readonly id: number }
/** A `send()` payload will not be written. */
export interface SendFailedEffect { readonly type: 'send.failed'; readonly id: number; readonly error: DiscordGatewayError }
/** The WebSocket is closed: `code`/`reason` from the server, `reply` the bytes written in answer. */
export interface ClosedEffect {
  readonly type: 'closed';
  readonly code: number | null;
  readonly reason: string;
  readonly reply: Uint8Array | null;
}
/** The upgrade was refused (`ConnectionRejected`) or unreadable (`HandshakeError`). */
export interface RejectedEffect { readonly type: 'rejected'; readonly error: DiscordGatewayError }
/** Something went wrong that the application should hear about; the connection handles it. */
export interface ErrorEffect { readonly type: 'error'; readonly error: DiscordGatewayError }
/** The session stopped for good (a fatal close code). */
export interface FailedEffect { readonly type: 'failed'; readonly error: DiscordGatewayError }

/** Everything `takeEffects()` can return. */
export type EngineEffect =
  | TransportOpenEffect
  | TransportWriteEffect
  | TransportSendEffect
  | TransportCloseEffect
  | TransportEndEffect
  | TransportDestroyEffect
  | TimerSetEffect
  | TimerClearEffect
  | IdentifyRequestEffect
  | DispatchEffect
  | PayloadEffect
  | StateEffect
  | HeartbeatEffect
  | SentEffect
  | SendFailedEffect
  | ClosedEffect
  | RejectedEffect
  | ErrorEffect
  | FailedEffect;
