// Lazy dispatch decoding (`wantedDispatches`) through the real engine: only wanted dispatches are
// delivered (READY and RESUMED always), the others are never decoded, and the sequence stays
// exact: heartbeats carry it, the snapshot holds it, a new connection RESUMEs with it. Bad input
// inside a skipped dispatch is still the typed error (and close code) it always was.
import { constants as zlibConstants, createDeflate } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { encodePayload } from '../../adapters/fake-gateway/payload-codec.js';
import type { EngineEffect } from '../../adapters/sans-io/effects.js';
import { InvalidOptionError } from '../../adapters/sans-io/errors.js';
import { GatewayEngine, type GatewayEngineOptions } from '../../adapters/sans-io/gateway-engine.js';
import { EtfDecodeError, PayloadDecodeError } from '../../codec/encoding/errors.js';
import { concat } from '../helpers/bytes.js';
import { openWebSocket, writtenFrames } from '../helpers/engine-wire.js';
import { frame, OP, readClose } from '../helpers/ws-wire.js';

type Encoding = 'json' | 'etf';
type Compress = 'zlib-stream' | null;
interface Wire {
  readonly op: number;
  readonly s?: number | null;
  readonly t?: string | null;
  readonly d?: unknown;
}

const IDENTIFY = { intents: 1, properties: { os: 'linux', browser: 'test', device: 'test' } };
const HELLO: Wire = { op: 10, d: { heartbeat_interval: 41250 } };
const READY: Wire = { op: 0, t: 'READY', s: 1, d: { session_id: 'sess', resume_gateway_url: 'wss://resume.example' } };
const message = (s: number, content = 'hi'): Wire => ({ op: 0, t: 'MESSAGE_CREATE', s, d: { id: String(1e17 + s), content, author: { id: '9' } } });
const presence = (s: number): Wire => ({ op: 0, t: 'PRESENCE_UPDATE', s, d: { user: { id: '42' }, status: 'online', activities: [{ name: 'x', type: 0 }] } });
const typing = (s: number): Wire => ({ op: 0, t: 'TYPING_START', s, d: { user_id: '42', channel_id: '7', timestamp: 1 } });

/** The server side of one connection: payloads as the fake gateway encodes them, framed (and compressed). */
class Server {
  readonly #encoding: Encoding;
  readonly #deflate: ReturnType<typeof createDeflate> | null;
  readonly #chunks: Buffer[] = [];

  constructor(encoding: Encoding, compress: Compress) {
    this.#encoding = encoding;
    this.#deflate = compress ? createDeflate() : null;
    this.#deflate?.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
  }

  /** One WebSocket message carrying raw payload bytes (for malformed payloads). */
  async raw(bytes: Uint8Array): Promise<Uint8Array> {
    if (!this.#deflate) return frame({ opcode: this.#encoding === 'json' ? OP.text : OP.binary, payload: bytes });
    const deflate = this.#deflate;
    deflate.write(bytes);
    await new Promise<void>((resolve) => deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve()));
    const data = Buffer.concat(this.#chunks.splice(0));
    return frame({ opcode: OP.binary, payload: new Uint8Array(data) });
  }

  async send(...payloads: Wire[]): Promise<Uint8Array> {
    const frames: Uint8Array[] = [];
    for (const payload of payloads) {
      const encoded = encodePayload(payload, this.#encoding);
      frames.push(await this.raw(typeof encoded === 'string' ? new TextEncoder().encode(encoded) : encoded));
    }
    return concat(frames);
  }
}

async function readyEngine(encoding: Encoding, compress: Compress, options: Partial<GatewayEngineOptions> = {}) {
  const engine = new GatewayEngine({
    url: 'ws://127.0.0.1:9/',
    token: 'token',
    identify: IDENTIFY,
    encoding,
    compress,
    seed: 1,
    now: () => 0,
    random: (bytes) => bytes.fill(3),
    wantedDispatches: ['MESSAGE_CREATE'],
    ...options,
  });
  const server = new Server(encoding, compress);
  openWebSocket(engine);
  engine.receive(await server.send(HELLO, READY));
  const effects = engine.takeEffects();
  expect(engine.state).toBe('connected.ready');
  expect(dispatches(effects).map((p) => p.t)).toEqual(['READY']);
  return { engine, server };
}

const dispatches = (effects: EngineEffect[]) => effects.flatMap((e) => (e.type === 'dispatch' ? [e.payload] : []));
const sentPayloads = (effects: EngineEffect[], encoding: Encoding) =>
  writtenFrames(effects).map((f) =>
    encoding === 'json' ? JSON.parse(new TextDecoder().decode(f.payload)) : f.payload,
  );

const MODES: [Encoding, Compress][] = [
  ['json', null],
  ['json', 'zlib-stream'],
  ['etf', null],
  ['etf', 'zlib-stream'],
];

describe.each(MODES)('wantedDispatches, %s over %s', (encoding, compress) => {
  it('delivers only wanted dispatches, decoded in full, in order', async () => {
    const { engine, server } = await readyEngine(encoding, compress);
    engine.receive(await server.send(presence(2), message(3, 'first'), typing(4), message(5, 'héllo 😀'), presence(6)));
    const got = dispatches(engine.takeEffects());
    expect(got.map((p) => [p.t, p.s])).toEqual([
      ['MESSAGE_CREATE', 3],
      ['MESSAGE_CREATE', 5],
    ]);
    expect((got[1]!.d as { content: string }).content).toBe('héllo 😀');
  });

  it('keeps the sequence exact: the heartbeat carries the last skipped dispatch, and so do the snapshot and RESUME', async () => {
    const { engine, server } = await readyEngine(encoding, compress);
    engine.receive(await server.send(message(2), presence(3), typing(4), presence(5)));
    engine.takeEffects();
    engine.heartbeat();
    const beat = sentPayloads(engine.takeEffects(), encoding);
    if (encoding === 'json') expect(beat).toEqual([{ op: 1, d: 5 }]);
    else expect(Array.from(beat[0] as Uint8Array)).toEqual([131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 2, 0x6f, 0x70, 97, 1, 109, 0, 0, 0, 1, 0x64, 97, 5]);
    expect(engine.snapshot.context.sequence).toBe(5);

    const resumed = new GatewayEngine({ url: 'ws://127.0.0.1:9/', token: 'token', identify: IDENTIFY, encoding, compress, seed: 1, now: () => 0, snapshot: engine.persist(), wantedDispatches: ['MESSAGE_CREATE'] });
    openWebSocket(resumed);
    resumed.receive(await new Server(encoding, compress).send(HELLO));
    const sent = sentPayloads(resumed.takeEffects(), encoding);
    if (encoding === 'json') expect(sent).toEqual([{ op: 6, d: { token: 'token', session_id: 'sess', seq: 5 } }]);
    else expect(sent).toHaveLength(1);
  });

  it('drops stale dispatches, wanted or not, and never moves the sequence back', async () => {
    const { engine, server } = await readyEngine(encoding, compress);
    engine.receive(await server.send(presence(10), message(9), presence(8), message(11), typing(10)));
    expect(dispatches(engine.takeEffects()).map((p) => p.s)).toEqual([11]);
    expect(engine.snapshot.context.sequence).toBe(11);
  });

  it('malformed data inside a dispatch nobody wants is still the typed error that closes the connection', async () => {
    const { engine, server } = await readyEngine(encoding, compress);
    const bad =
      encoding === 'json'
        ? new TextEncoder().encode('{"t":"PRESENCE_UPDATE","s":2,"op":0,"d":{"user":{"id":"42"},,}}')
        : // A map whose second value is a pid: no JSON shape.
          new Uint8Array([131, 116, 0, 0, 0, 2, 100, 0, 1, 0x74, 100, 0, 15, ...new TextEncoder().encode('PRESENCE_UPDATE'), 100, 0, 1, 0x64, 103]);
    engine.receive(await server.raw(bad));
    const effects = engine.takeEffects();
    const error = (effects.find((e) => e.type === 'error') as { error: unknown } | undefined)?.error;
    expect(error).toBeInstanceOf(encoding === 'json' ? PayloadDecodeError : EtfDecodeError);
    expect((error as { code: string }).code).toBe(encoding === 'json' ? 'PAYLOAD_INVALID_JSON' : 'ETF_UNSUPPORTED_TAG');
    const closes = sentPayloads(effects, 'etf').map((bytes) => readClose(bytes as Uint8Array));
    expect(closes[0]?.code).toBe(1007);
    expect(effects.some((e) => e.type === 'transport.destroy')).toBe(true);
  });

  it('with an observer (a recorder) every dispatch is decoded and observed, but only wanted ones delivered', async () => {
    const observed: string[] = [];
    const { engine, server } = await readyEngine(encoding, compress, {
      observer: { command: (command) => command.type === 'gateway.dispatch' && observed.push(command.payload.t as string) },
    });
    engine.receive(await server.send(presence(2), message(3)));
    expect(dispatches(engine.takeEffects()).map((p) => p.t)).toEqual(['MESSAGE_CREATE']);
    expect(observed).toEqual(['READY', 'PRESENCE_UPDATE', 'MESSAGE_CREATE']);
  });
});

describe('wantedDispatches: the rest', () => {
  it('never parses a skipped JSON dispatch (no JSON.parse, no UTF-8 decode)', async () => {
    const { engine, server } = await readyEngine('json', 'zlib-stream');
    const wire = await server.send(presence(2), typing(3), presence(4));
    const parse = vi.spyOn(JSON, 'parse');
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    try {
      engine.receive(wire);
      expect(dispatches(engine.takeEffects())).toEqual([]);
      expect(parse).not.toHaveBeenCalled();
      expect(decode).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
      decode.mockRestore();
    }
    expect(engine.snapshot.context.sequence).toBe(4);
  });

  it('delivers every dispatch when not given', async () => {
    const { engine, server } = await readyEngine('json', 'zlib-stream', { wantedDispatches: undefined });
    engine.receive(await server.send(presence(2), message(3)));
    expect(dispatches(engine.takeEffects()).map((p) => p.t)).toEqual(['PRESENCE_UPDATE', 'MESSAGE_CREATE']);
  });

  it('delivers RESUMED and filters replayed dispatches during a RESUME', async () => {
    const { engine, server } = await readyEngine('json', null);
    engine.receive(await server.send(presence(2)));
    engine.takeEffects();
    const resumed = new GatewayEngine({ url: 'ws://127.0.0.1:9/', token: 'token', identify: IDENTIFY, seed: 1, now: () => 0, snapshot: engine.persist(), wantedDispatches: ['MESSAGE_CREATE'] });
    openWebSocket(resumed);
    resumed.receive(await new Server('json', null).send(HELLO, typing(3), message(4), { op: 0, t: 'RESUMED', s: 5, d: {} }, presence(6), message(7)));
    const effects = resumed.takeEffects();
    expect(resumed.state).toBe('connected.ready');
    expect(dispatches(effects).map((p) => [p.t, p.s])).toEqual([
      ['MESSAGE_CREATE', 4],
      ['RESUMED', 5],
      ['MESSAGE_CREATE', 7],
    ]);
    expect(resumed.snapshot.context.sequence).toBe(7);
  });

  it('uncompressed JSON: invalid UTF-8 in a skipped dispatch still fails the WebSocket with 1007 WS_INVALID_UTF8', async () => {
    const { engine } = await readyEngine('json', null);
    const bad = new Uint8Array([...new TextEncoder().encode('{"t":"PRESENCE_UPDATE","s":2,"op":0,"d":"'), 0xc3, 0x28, ...new TextEncoder().encode('"}')]);
    engine.receive(frame({ opcode: OP.text, payload: bad }));
    const effects = engine.takeEffects();
    expect((effects.find((e) => e.type === 'error') as unknown as { error: { code: string; closeCode: number } }).error).toMatchObject({ code: 'WS_INVALID_UTF8', closeCode: 1007 });
  });

  it('refuses a wantedDispatches that is not a list of names', () => {
    expect(() => new GatewayEngine({ url: 'ws://127.0.0.1:9/', wantedDispatches: 'MESSAGE_CREATE' as unknown as string[] })).toThrow(InvalidOptionError);
    expect(() => new GatewayEngine({ url: 'ws://127.0.0.1:9/', wantedDispatches: [1] as unknown as string[] })).toThrow(InvalidOptionError);
  });

  it('with emitPayloads every payload is still decoded and emitted', async () => {
    const { engine, server } = await readyEngine('etf', 'zlib-stream', { emitPayloads: true });
    engine.receive(await server.send(presence(2), message(3)));
    const effects = engine.takeEffects();
    expect(effects.filter((e) => e.type === 'payload').map((e) => (e as { payload: { t: string } }).payload.t)).toEqual(['PRESENCE_UPDATE', 'MESSAGE_CREATE']);
    expect(dispatches(effects).map((p) => p.t)).toEqual(['MESSAGE_CREATE']);
  });
});
