/**
 * Turns a decoded gateway payload into the machine's event. This is where opcode numbers meet
 * event names; adapters call it and never branch on `op` themselves.
 */
import type { GatewayPayload } from '../codec/encoding/payload.js';
import type { GatewayEvent } from './events.js';
import { GatewayOpcode } from './opcodes.js';

/** The machine event for a payload the server sent, or null for opcodes a client ignores. */
export function eventFromPayload(payload: GatewayPayload, now: number): GatewayEvent | null {
  switch (payload.op) {
    case GatewayOpcode.Dispatch:
      return { type: 'gateway.dispatch', payload, now };
    case GatewayOpcode.Heartbeat:
      return { type: 'gateway.heartbeatRequest', now };
    case GatewayOpcode.HeartbeatAck:
      return { type: 'gateway.heartbeatAck', now };
    case GatewayOpcode.Hello: {
      const interval = (payload.d as { heartbeat_interval?: unknown } | null)?.heartbeat_interval;
      // A HELLO without a usable interval cannot be honoured; treat it as noise and let the hello timer fire.
      if (typeof interval !== 'number' || !(interval > 0)) return null;
      return { type: 'gateway.hello', heartbeatInterval: interval, now };
    }
    case GatewayOpcode.Reconnect:
      return { type: 'gateway.reconnect', now };
    case GatewayOpcode.InvalidSession:
      return { type: 'gateway.invalidSession', resumable: payload.d === true, now };
    default:
      return null;
  }
}
