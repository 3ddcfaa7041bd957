// Uncompressed JSON: the engine's socket leaves the UTF-8 check of text frames to the JSON
// decoder (a fatal TextDecoder, native). What the server sees must not change: bad text still
// fails the WebSocket with 1007 and WS_INVALID_UTF8, with the same close frame, and nothing after
// the bad message is read or answered.
import { describe, expect, it } from 'vitest';
import { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import type { EngineEffect } from '../../adapters/sans-io/effects.js';
import { WebSocketProtocolError } from '../../codec/websocket/errors.js';
import { concat } from '../helpers/bytes.js';
import { openWebSocket, writtenFrames } from '../helpers/engine-wire.js';
import { closeBody, frame, OP, readClose } from '../helpers/ws-wire.js';

const json = (value: unknown) => JSON.stringify(value);
const HELLO = frame({ opcode: OP.text, payload: json({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }) });
const READY = frame({ opcode: OP.text, payload: json({ op: 0, t: 'READY', s: 1, d: { session_id: 'abc', resume_gateway_url: 'wss://r.example' } }) });
const MESSAGE = frame({ opcode: OP.text, payload: json({ op: 0, t: 'MESSAGE_CREATE', s: 2, d: { content: 'héllo' } }) });
const BAD_TEXT = frame({ opcode: OP.text, payload: Uint8Array.of(0x7b, 0xc3, 0x28, 0x7d) });
const PING = frame({ opcode: OP.ping, payload: 'hi' });
const REASON = 'The server sent invalid UTF-8 in a text message.';

function readyEngine(compress: 'zlib-stream' | null = null): GatewayEngine {
  const engine = new GatewayEngine({
    url: 'ws://127.0.0.1:9/',
    token: 'token',
    identify: { intents: 1, properties: { os: 'linux', browser: 'test', device: 'test' } },
    compress,
    seed: 1,
    now: () => 0,
    random: (bytes) => bytes.fill(9),
  });
  openWebSocket(engine);
  if (compress === null) {
    engine.receive(concat([HELLO, READY]));
    engine.takeEffects();
    expect(engine.state).toBe('connected.ready');
  }
  return engine;
}


describe('uncompressed JSON: text frames checked by the JSON decoder', () => {
  it('bad text fails the WebSocket with 1007 WS_INVALID_UTF8, and nothing after it is read or answered', () => {
    const engine = readyEngine();
    engine.receive(concat([MESSAGE, BAD_TEXT, PING, MESSAGE]));
    const effects = engine.takeEffects();
    expect(effects.filter((e) => e.type === 'dispatch').map((e) => (e as { payload: { s: number } }).payload.s)).toEqual([2]);
    const frames = writtenFrames(effects);
    // One close frame back, and no pong for the ping after the bad message.
    expect(frames.map((f) => f.opcode)).toEqual([OP.close]);
    expect(readClose(frames[0]!.payload)).toEqual({ code: 1007, reason: REASON });
    const error = effects.find((e) => e.type === 'error') as unknown as { error: WebSocketProtocolError };
    expect(error.error).toBeInstanceOf(WebSocketProtocolError);
    expect(error.error).toMatchObject({ code: 'WS_INVALID_UTF8', closeCode: 1007, message: REASON });
    expect(effects.find((e) => e.type === 'closed')).toEqual({ type: 'closed', code: null, reason: REASON, reply: expect.any(Uint8Array) });
    expect(effects.some((e) => e.type === 'transport.destroy')).toBe(true);
  });

  it('the close frame is byte for byte the one a client that checks text itself writes', () => {
    // The same bad text inside a fragmented message is still checked by the socket itself.
    const fragmented = concat([frame({ opcode: OP.text, fin: false, payload: Uint8Array.of(0x7b) }), frame({ opcode: OP.cont, payload: Uint8Array.of(0xc3, 0x28, 0x7d) })]);
    const a = readyEngine();
    a.receive(BAD_TEXT);
    const b = readyEngine();
    b.receive(fragmented);
    const bytesOf = (effects: EngineEffect[]) => effects.filter((e) => e.type === 'transport.write').map((e) => (e as { bytes: Uint8Array }).bytes);
    const kinds = (effects: EngineEffect[]) => effects.map((e) => (e.type === 'error' ? `error:${e.error.code}` : e.type));
    const ea = a.takeEffects();
    const eb = b.takeEffects();
    expect(bytesOf(ea)).toEqual(bytesOf(eb));
    expect(kinds(ea)).toEqual(kinds(eb));
  });

  it('a text message that is UTF-8 but not JSON still fails at the payload layer (1007 PAYLOAD_INVALID_JSON)', () => {
    const engine = readyEngine();
    engine.receive(frame({ opcode: OP.text, payload: 'not json' }));
    const effects = engine.takeEffects();
    expect(readClose(writtenFrames(effects)[0]!.payload)).toEqual({ code: 1007, reason: 'PAYLOAD_INVALID_JSON' });
  });

  it("a bad payload and the server's close in one read: one close frame back (1007), the server's close is never read", () => {
    const engine = readyEngine();
    engine.receive(concat([frame({ opcode: OP.text, payload: 'not json' }), frame({ opcode: OP.close, payload: closeBody(1000) })]));
    const frames = writtenFrames(engine.takeEffects());
    expect(frames.map((f) => [f.opcode, readClose(f.payload).code])).toEqual([[OP.close, 1007]]);
  });
});
