/**
 * Valid server traffic for whole-connection fuzzing: scripts of gateway payloads (HELLO, READY,
 * dispatches, ACKs, op 1, op 7, op 9, unknown opcodes) encoded as JSON or ETF and compressed the
 * way Discord does it (node:zlib with a sync flush per payload, sometimes split over several
 * messages; zstd as one endless frame of raw blocks). Built once per file, from a fixed seed.
 */
import fc from 'fast-check';
import { createTransportCompressor } from '../../../adapters/fake-gateway/transport-compressor.js';
import { ZstdRawFrameWriter } from '../../../adapters/fake-gateway/zstd-raw-writer.js';
import { encodeEtf } from '../../../codec/encoding/index.js';
import type { GatewayPayload } from '../../../codec/encoding/payload.js';
import { compressedEtf } from '../../helpers/compressed-etf.js';

/** `encoding` and `compress` of one connection. */
export interface TrafficKind {
  readonly encoding: 'json' | 'etf';
  readonly compress: 'zlib-stream' | 'zstd-stream' | null;
}

/** Every combination the engine supports. */
export const TRAFFIC_KINDS: readonly TrafficKind[] = (['json', 'etf'] as const).flatMap((encoding) =>
  ([null, 'zlib-stream', 'zstd-stream'] as const).map((compress) => ({ encoding, compress })),
);

/** One WebSocket message as the server sends it. */
export interface ServerMessage {
  readonly binary: boolean;
  readonly data: Uint8Array;
}

const dispatchArb = (t: string, d: fc.Arbitrary<unknown>) =>
  fc.record({ op: fc.constant(0), t: fc.constant(t), s: fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 40 }) }, { weight: 1, arbitrary: fc.constant(null) }), d });

const payloadArb: fc.Arbitrary<GatewayPayload> = fc.oneof(
  { weight: 8, arbitrary: dispatchArb('MESSAGE_CREATE', fc.record({ id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String), content: fc.string({ maxLength: 40 }), n: fc.integer() })) },
  { weight: 1, arbitrary: dispatchArb('READY', fc.record({ session_id: fc.stringMatching(/^[0-9a-f]{4,8}$/), resume_gateway_url: fc.constantFrom('ws://127.0.0.1:9/', 'wss://resume.example/', 'not a url') })) },
  { weight: 1, arbitrary: dispatchArb('RESUMED', fc.constant(null)) },
  { weight: 3, arbitrary: fc.constant({ op: 11, d: null }) },
  { weight: 1, arbitrary: fc.constant({ op: 1, d: null }) },
  { weight: 1, arbitrary: fc.constant({ op: 7, d: null }) },
  { weight: 1, arbitrary: fc.boolean().map((d) => ({ op: 9, d })) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant(10), d: fc.record({ heartbeat_interval: fc.oneof(fc.constant(41250), fc.nat({ max: 100 }), fc.constant(-1)) }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom(3, 42, 255), d: fc.jsonValue({ maxDepth: 2 }) }) },
);

/** A session script: HELLO, usually READY, then a few random payloads. */
const scriptArb: fc.Arbitrary<GatewayPayload[]> = fc
  .tuple(fc.boolean(), fc.array(payloadArb, { maxLength: 8 }))
  .map(([ready, rest]) => [
    { op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null },
    ...(ready ? [{ op: 0, t: 'READY', s: 1, d: { session_id: 'abc', resume_gateway_url: 'ws://127.0.0.1:9/' } }] : []),
    ...rest,
  ]);

const utf8 = new TextEncoder();

/** A payload as ETF, now and then compressed into a tag 80 term as Discord's payload compression does. */
function etfPayload(payload: GatewayPayload, compressTerm: boolean): Uint8Array {
  const plain = encodeEtf(payload);
  return compressTerm ? compressedEtf(plain.subarray(1)) : plain;
}

/** The messages a server of `kind` sends for `script`. */
export async function serverMessages(kind: TrafficKind, script: readonly GatewayPayload[], split: boolean): Promise<ServerMessage[]> {
  const encoded = script.map((payload, i) => (kind.encoding === 'json' ? utf8.encode(JSON.stringify(payload)) : etfPayload(payload, i % 3 === 2)));
  if (kind.compress === null) return encoded.map((data) => ({ binary: kind.encoding === 'etf', data }));
  if (kind.compress === 'zstd-stream') {
    const writer = new ZstdRawFrameWriter();
    return encoded.map((data) => ({ binary: true, data: writer.write(data) }));
  }
  const compressor = createTransportCompressor('zlib-stream', { split });
  const messages: ServerMessage[] = [];
  for (const data of encoded) for (const part of await compressor.compress(data)) messages.push({ binary: true, data: part });
  compressor.close();
  return messages;
}

/** `count` sessions of `kind` from a fixed seed. */
export async function sessionsOf(kind: TrafficKind, count: number, seed: number): Promise<ServerMessage[][]> {
  const scripts = fc.sample(scriptArb, { seed, numRuns: count });
  return Promise.all(scripts.map((script, i) => serverMessages(kind, script, i % 2 === 1)));
}
