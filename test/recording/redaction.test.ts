/**
 * No secret is ever written: the token and every string passed as `secrets` are searched for in
 * the raw file bytes, in every decoded record, and in everything the stored inbound bytes
 * inflate (node:zlib) and decode (JSON.parse, the fake gateway's own ETF decoder) to.
 */
import { constants, createDeflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FAKE_GATEWAY_TOKEN } from '../../adapters/fake-gateway/index.js';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import { createRecorder } from '../../adapters/recording/recorder.js';
import { Redactor } from '../../adapters/recording/redact.js';
import { replayCassette } from '../../adapters/recording/replay.js';
import { memorySink } from '../../adapters/recording/sink.js';
import { GatewayEngine } from '../../adapters/sans-io/gateway-engine.js';
import { containsBytes, decodeInbound, findSecret, fixtureBytes, fixtureFiles } from './helpers.js';
import { recordScenario, type SessionScenario } from './scenarios.js';

const EXTRA_SECRET = 'hunter2-extra-secret-value';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Records a session in which the server dispatches a message carrying EXTRA_SECRET; returns the cassette. */
async function recordEchoedSecret(compress: 'zlib-stream' | null): Promise<Uint8Array> {
  const sink = memorySink();
  const scenario: SessionScenario = {
    name: compress ? 'server-echoes-secret-compressed' : 'server-echoes-secret',
    description: `a${compress ? ' compressed' : ''} dispatch that carries a secret`,
    compress,
    async run(session) {
      session.gateway.dispatch('MESSAGE_CREATE', { content: `the secret is ${EXTRA_SECRET}!` });
      await session.until(() => session.counts.dispatches >= 2);
    },
  };
  await recordScenario(scenario, sink, { secrets: [EXTRA_SECRET] });
  return sink.bytes();
}

/** True when this engine shows its observer the dispatches it delivers on the ready-state fast path. */
function engineReportsFastPathDispatches(): boolean {
  let seen = 0;
  const engine = new GatewayEngine({
    url: 'wss://gateway.discord.gg',
    token: 'probe',
    identify: { intents: 1, properties: { os: 'x', browser: 'x', device: 'x' } },
    framing: 'platform',
    seed: 1,
    now: () => 0,
    observer: { command: (command) => void (command.type === 'gateway.dispatch' && seen++) },
  });
  engine.connect();
  engine.transportOpened();
  engine.receiveMessage(encode({ op: 10, d: { heartbeat_interval: 1000 } }));
  engine.receiveMessage(encode({ op: 0, t: 'READY', s: 1, d: { session_id: 'a', resume_gateway_url: 'wss://r.example' } }));
  engine.receiveMessage(encode({ op: 0, t: 'MESSAGE_CREATE', s: 2, d: {} }));
  return seen === 2;
}

describe('redaction', () => {
  it('the search finds what is there, through compression and ETF (so finding nothing means something)', () => {
    const zlib = fixtureBytes('zlib-stream');
    expect(containsBytes(zlib, 'MESSAGE_CREATE')).toBe(false);
    expect(findSecret(zlib, 'MESSAGE_CREATE')).toContain('connection 1 inbound data');
    const etf = readCassette(fixtureBytes('etf'));
    const sessionId = (decodeInbound(etf)[0]!.payloads.find((p) => (p as { t?: string }).t === 'READY') as { d: { session_id: string } }).d.session_id;
    expect(findSecret(fixtureBytes('etf'), sessionId)).toContain('connection 1 inbound data');
  });

  for (const name of fixtureFiles()) {
    it(`${name} holds no token anywhere`, () => {
      expect(findSecret(fixtureBytes(name), FAKE_GATEWAY_TOKEN)).toEqual([]);
    });
  }

  it('masks the token and extra secrets in what the application sends, and the replay still matches', async () => {
    const sink = memorySink();
    const scenario: SessionScenario = {
      name: 'user-sends-secrets',
      description: 'presence updates naming the token (refused by the engine) and a secret (sent)',
      async run(session) {
        expect(() => session.driver.call((e) => e.send({ op: 3, d: { since: null, activities: [{ name: `token ${FAKE_GATEWAY_TOKEN}`, type: 0 }], status: 'online', afk: false } }))).toThrowError(/contains the bot token/);
        session.driver.call((e) => e.send({ op: 3, d: { since: null, activities: [{ name: EXTRA_SECRET, type: 0, [EXTRA_SECRET]: 1 }], status: 'idle', afk: false } }));
        await session.until(() => session.gateway.received.filter((r) => r.op === 3).length === 1);
      },
    };
    await recordScenario(scenario, sink, { secrets: [EXTRA_SECRET] });
    const bytes = sink.bytes();
    expect(findSecret(bytes, FAKE_GATEWAY_TOKEN)).toEqual([]);
    expect(findSecret(bytes, EXTRA_SECRET)).toEqual([]);
    // Masked to the same length, in the input (the engine refused that one with PAYLOAD_CONTAINS_TOKEN)
    // and in the command the other caused.
    const text = JSON.stringify(readCassette(bytes).steps.filter((s) => s.input.type === 'send'));
    expect(text).toContain('PAYLOAD_CONTAINS_TOKEN');
    expect(text).toContain(`token ${'*'.repeat(FAKE_GATEWAY_TOKEN.length)}`);
    expect(text).toContain(`"${'*'.repeat(EXTRA_SECRET.length)}":1`);
    expect(replayCassette(bytes).ok).toBe(true);
  });

  it('masks a secret the server echoes in uncompressed bytes, in place, and the replay still matches', async () => {
    const bytes = await recordEchoedSecret(null);
    expect(findSecret(bytes, EXTRA_SECRET)).toEqual([]);
    const [connection] = decodeInbound(readCassette(bytes));
    expect(connection!.payloads).toContainEqual(expect.objectContaining({ d: { content: `the secret is ${'*'.repeat(EXTRA_SECRET.length)}!` } }));
    const report = replayCassette(bytes);
    expect(report.ok).toBe(true);
    expect(report.stoppedAtGap).toBeNull();
  });

  it.skipIf(!engineReportsFastPathDispatches())('withholds compressed bytes that decode to a secret; replay stops there', async () => {
    const bytes = await recordEchoedSecret('zlib-stream');
    expect(findSecret(bytes, EXTRA_SECRET)).toEqual([]);
    const cassette = readCassette(bytes);
    expect(cassette.steps.filter((s) => s.gap)).toHaveLength(1);
    const report = replayCassette(cassette);
    expect(report.ok).toBe(true);
    expect(report.stoppedAtGap).toBe(cassette.steps.find((s) => s.gap)!.index);
  });

  it('withholds compressed bytes that decode to a secret the machine saw (READY over zlib-stream from node:zlib)', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, secrets: [EXTRA_SECRET] });
    let clock = 0;
    const engine = new GatewayEngine(
      recorder.wrap({
        url: 'wss://gateway.discord.gg',
        token: 'T0KEN-for-this-test',
        identify: { intents: 1, properties: { os: 'x', browser: 'x', device: 'x' } },
        framing: 'platform',
        compress: 'zlib-stream',
        now: () => clock++,
      }),
    );
    const deflate = createDeflate();
    const compressed = async (value: unknown) => {
      const chunks: Buffer[] = [];
      const onData = (chunk: Buffer) => chunks.push(chunk);
      deflate.on('data', onData);
      deflate.write(JSON.stringify(value));
      await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      deflate.off('data', onData);
      return new Uint8Array(Buffer.concat(chunks));
    };
    engine.connect();
    engine.transportOpened();
    engine.receiveMessage(await compressed({ op: 10, d: { heartbeat_interval: 1000 } }));
    engine.receiveMessage(await compressed({ op: 0, t: 'READY', s: 1, d: { session_id: 'a', note: EXTRA_SECRET } }));
    engine.receiveMessage(await compressed({ op: 11 }));
    expect(engine.state).toBe('connected.ready');
    await recorder.close();
    deflate.close();
    const bytes = sink.bytes();
    expect(findSecret(bytes, EXTRA_SECRET)).toEqual([]);
    const cassette = readCassette(bytes);
    expect(cassette.steps.map((s) => s.gap)).toEqual([false, false, false, true, false]);
    expect(replayCassette(cassette)).toMatchObject({ ok: true, stoppedAtGap: 4, replayed: 3 });
  });

  it('withholds a platform message whose decoded payload holds a secret it cannot mask in the bytes', () => {
    // The secret reaches the machine only JSON-escaped, so the raw bytes do not contain it as is.
    const sink = memorySink();
    const recorder = createRecorder({ sink, secrets: [EXTRA_SECRET] });
    let clock = 0;
    const engine = new GatewayEngine(
      recorder.wrap({ url: 'wss://gateway.discord.gg', token: 'T0KEN-for-this-test', identify: { intents: 1, properties: { os: 'x', browser: 'x', device: 'x' } }, framing: 'platform', now: () => clock++ }),
    );
    engine.connect();
    engine.transportOpened();
    engine.receiveMessage(encode({ op: 10, d: { heartbeat_interval: 1000 } }));
    const escaped = JSON.stringify({ op: 0, t: 'READY', s: 1, d: { session_id: 'a', note: EXTRA_SECRET } }).replace('hunter2', '\\u0068unter2');
    engine.receiveMessage(new TextEncoder().encode(escaped));
    return recorder.close().then(() => {
      const bytes = sink.bytes();
      expect(findSecret(bytes, EXTRA_SECRET)).toEqual([]);
      expect(findSecret(bytes, 'T0KEN-for-this-test')).toEqual([]);
      const cassette = readCassette(bytes);
      expect(cassette.steps.map((s) => s.gap)).toEqual([false, false, false, true]);
      expect(replayCassette(cassette)).toMatchObject({ ok: true, stoppedAtGap: 4 });
    });
  });
});

describe('Redactor', () => {
  it('masks every occurrence in strings, keys and nested values, copying only what changed', () => {
    const redactor = new Redactor(['abc', 'abcdef', '']);
    const shared = { keep: 'x' };
    const value = { a: 'xxabcdefyyabc', list: ['abc', 1, null, shared], abc: true, nested: { deep: ['-abc-'] } };
    const out = redactor.value(value);
    expect(out).toEqual({ a: 'xx******yy***', list: ['***', 1, null, { keep: 'x' }], '***': true, nested: { deep: ['-***-'] } });
    expect(out.list[3]).toBe(shared);
    expect(value.a).toBe('xxabcdefyyabc');
    expect(redactor.hits).toBe(5);
  });

  it('masks UTF-8 bytes in place of the same length, and keeps an own __proto__ key a plain key', () => {
    const redactor = new Redactor(['sécret']);
    const bytes = new TextEncoder().encode('a sécret and sécret');
    const out = redactor.bytes(bytes);
    expect(new TextDecoder().decode(out)).toBe('a ******* and *******');
    expect(new TextDecoder().decode(bytes)).toBe('a sécret and sécret');
    expect(redactor.string('sécret')).toBe('*******');
    const evil = JSON.parse('{"__proto__": "sécret"}');
    const copy = redactor.value(evil) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe('*******');
  });
});
