/**
 * Driving a GatewayEngine by hand in tests: its WebSocket opened with a real 101 answer, and the
 * frames it wrote read back, both through test/helpers/ws-wire.ts (independent of the library).
 */
import type { EngineEffect } from '../../adapters/sans-io/effects.js';
import type { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import { concat } from './bytes.js';
import { type ClientFrame, parseClientFrames, requestKey, upgradeResponse } from './ws-wire.js';

/** Connects `engine` and answers its upgrade request: the WebSocket is open and the machine waits for HELLO. */
export function openWebSocket(engine: GatewayEngine): void {
  engine.connect();
  engine.transportConnected();
  const request = engine.takeEffects().find((e) => e.type === 'transport.write') as { bytes: Uint8Array };
  engine.receive(upgradeResponse(requestKey(request.bytes)));
}

/** The whole frames the engine wrote in `effects`, unmasked (and checked as a client's frames must be). */
export function writtenFrames(effects: readonly EngineEffect[]): ClientFrame[] {
  return parseClientFrames(concat(effects.flatMap((e) => (e.type === 'transport.write' ? [e.bytes] : [])))).frames;
}
