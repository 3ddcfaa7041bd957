/**
 * One-line descriptions of engine inputs and received payloads, for timelines and replay reports.
 * Text only, from data a cassette already holds (redacted before it was written).
 */
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { EngineInput } from '../sans-io/gateway-engine.js';
import { compactJson, opcodeName } from './outputs.js';

/** E.g. `receive 129 bytes`, `timer heartbeat`, `close 1000`, `send PRESENCE_UPDATE {...}`. */
export function describeInput(input: EngineInput | null, max = 120): string {
  if (input === null) return '(engine created)';
  switch (input.type) {
    case 'receive':
      return input.bytes === null ? 'receive end of stream' : `receive ${input.bytes.byteLength} bytes`;
    case 'message':
      return `message ${input.data.byteLength} bytes`;
    case 'timer':
      return `timer ${input.name}`;
    case 'send':
      return `send ${opcodeName(input.payload.op)} ${compactJson(input.payload, max)}${input.queue ? '' : ' (no queue)'}`;
    case 'close':
      return `close ${input.code}${input.reason ? ` "${input.reason}"` : ''}`;
    case 'transport.closed':
      return `transport.closed${input.code ? ` ${input.code}` : ''} "${input.reason}"`;
    case 'identify':
      return `identify ${compactJson(input.data, max)}`;
    default:
      return input.type;
  }
}

/** E.g. `HELLO`, `DISPATCH READY s=1`, `INVALID_SESSION false`. */
export function describePayload(payload: GatewayPayload): string {
  if (payload.op === 0) return `${payload.t ?? 'DISPATCH'} s=${payload.s ?? 'null'}`;
  if (payload.op === 9) return `INVALID_SESSION ${String(payload.d)}`;
  return opcodeName(payload.op);
}

/** Several payloads on one line, runs of the same event collapsed: `MESSAGE_CREATE s=3..9 (x7)`. */
export function describePayloads(payloads: readonly GatewayPayload[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < payloads.length) {
    const first = payloads[i]!;
    let j = i + 1;
    while (j < payloads.length && payloads[j]!.op === first.op && payloads[j]!.t === first.t && first.op === 0) j++;
    if (j - i > 2) parts.push(`${first.t ?? 'DISPATCH'} s=${first.s}..${payloads[j - 1]!.s} (x${j - i})`);
    else for (let k = i; k < j; k++) parts.push(describePayload(payloads[k]!));
    i = j;
  }
  return parts.join(', ');
}
