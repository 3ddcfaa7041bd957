/**
 * What a gateway client tells its application: event names and listener arguments, with
 * dispatches typed by `discord-api-types/v10`.
 */
import type { GatewayDispatchPayload, GatewayReadyDispatchData } from 'discord-api-types/v10';
import type { DiscordGatewayError } from '../../codec/errors.js';

/** The name of a dispatch (`t`), as a plain string literal: `'MESSAGE_CREATE'`, `'READY'`, ... */
export type DispatchName = `${GatewayDispatchPayload['t']}`;

/** The dispatch payload whose `t` is `T`. */
export type DispatchOf<T extends DispatchName> = Extract<GatewayDispatchPayload, { t: T }>;

/** The machine moved from one state to another (dotted names such as `connected.ready`). */
export interface StateChange {
  readonly from: string;
  readonly to: string;
}

/** A heartbeat was acknowledged after `latencyMs`. */
export interface HeartbeatInfo {
  readonly latencyMs: number;
}

/** A WebSocket connection closed: the server's code (or ours, echoed) and reason; `code` null when it just dropped. */
export interface CloseInfo {
  readonly code: number | null;
  readonly reason: string;
}

/** The client's own events and their listener arguments. */
export type GatewayClientCoreEvents = {
  /** Every new dispatch, exactly once and in order, across reconnects and resumes. */
  dispatch: [payload: GatewayDispatchPayload];
  /** READY: a new session started (also delivered as a `dispatch`). */
  ready: [data: GatewayReadyDispatchData];
  /** RESUMED: the session continued after a reconnect; missed dispatches came before this. */
  resumed: [];
  /** The machine changed state. */
  state: [change: StateChange];
  /** A heartbeat was acknowledged. */
  heartbeat: [info: HeartbeatInfo];
  /** A WebSocket connection closed (the client decides alone whether to reconnect). */
  close: [info: CloseInfo];
  /** Something failed: a transport, a decode, a rejected upgrade, a fatal close code, a listener. */
  error: [error: DiscordGatewayError];
};

/** `dispatch:MESSAGE_CREATE`-style events, one per dispatch name, typed by its payload. */
export type GatewayClientDispatchEvents = { [T in DispatchName as `dispatch:${T}`]: [payload: DispatchOf<T>] };

/** Every event a gateway client emits. */
export type GatewayClientEvents = GatewayClientCoreEvents & GatewayClientDispatchEvents;
