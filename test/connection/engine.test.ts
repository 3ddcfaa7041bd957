/**
 * The engine on its own, with `framing: 'platform'` (whole messages, as a WHATWG WebSocket gives
 * them): effects out for every input, the 4096-byte rule, and where the token may and may not go.
 */
import { describe, expect, it } from 'vitest';
import { GatewayEngine, type EngineEffect, type EngineInput, type GatewayCommand, PayloadTooLargeError } from '../../index.js';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.GxYz12.abcdefghijklmnopqrstuvwxyz0123456789AB';
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const IDENTIFY = { intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' } };

function platformEngine(observer?: ConstructorParameters<typeof GatewayEngine>[0]['observer']) {
  let clock = 1000;
  const engine = new GatewayEngine({
    url: 'wss://gateway.discord.gg',
    token: TOKEN,
    identify: IDENTIFY,
    framing: 'platform',
    seed: 5,
    now: () => clock,
    observer,
  });
  return { engine, tick: (ms: number) => (clock += ms) };
}

function ready(engine: GatewayEngine): EngineEffect[] {
  engine.connect();
  engine.transportOpened();
  engine.receiveMessage(text({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
  engine.receiveMessage(text({ op: 0, t: 'READY', s: 1, d: { session_id: 'abc', resume_gateway_url: 'wss://resume.example' } }));
  return engine.takeEffects();
}

describe('GatewayEngine with platform framing', () => {
  it('opens, identifies with the token and becomes ready, all as effects', () => {
    const { engine } = platformEngine();
    const effects = ready(engine);
    expect(effects[0]).toEqual({ type: 'transport.open', url: 'wss://gateway.discord.gg/?v=10&encoding=json', destination: { host: 'gateway.discord.gg', port: 443, secure: true } });
    const sends = effects.filter((e) => e.type === 'transport.send');
    expect(sends).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode((sends[0] as { data: Uint8Array }).data))).toEqual({ op: 2, d: { token: TOKEN, ...IDENTIFY } });
    expect(effects.filter((e) => e.type === 'state').map((e) => (e as { to: string }).to)).toEqual([
      'connecting',
      'connected.waitingForHello',
      'connected.waitingForIdentifySlot',
      'connected.identifying',
      'connected.ready',
    ]);
    expect(effects.filter((e) => e.type === 'dispatch')).toHaveLength(1);
    expect(engine.state).toBe('connected.ready');
  });

  it('refuses a payload over 4096 bytes with a typed error before anything is sent', () => {
    const { engine } = platformEngine();
    ready(engine);
    const big = { op: 3, d: { since: null, activities: [{ name: 'x'.repeat(5000), type: 0 }], status: 'online', afk: false } };
    expect(() => engine.send(big)).toThrowError(PayloadTooLargeError);
    try {
      engine.send(big);
    } catch (error) {
      expect((error as PayloadTooLargeError).code).toBe('PAYLOAD_TOO_LARGE');
      expect((error as PayloadTooLargeError).limit).toBe(4096);
    }
    expect(engine.takeEffects()).toEqual([]);
    const id = engine.send({ op: 3, d: { since: null, activities: [], status: 'idle', afk: false } });
    expect(engine.takeEffects().map((e) => e.type)).toEqual(['transport.send', 'sent']);
    expect(id).toBe(1);
  });

  it('closes with the code the application gives, and reports the server close code it hears back', () => {
    const { engine } = platformEngine();
    ready(engine);
    engine.close(4321, 'restart');
    expect(engine.takeEffects()).toContainEqual({ type: 'transport.close', code: 4321, reason: 'restart' });
    engine.transportClosed('closed', 4321);
    expect(engine.state).toBe('closed');
    expect(engine.snapshot.context.sessionId).toBe('abc');
  });

  it('shows its observer every input and command, never the token', () => {
    const inputs: EngineInput[] = [];
    const commands: GatewayCommand[] = [];
    const { engine } = platformEngine({ input: (input) => inputs.push(input), command: (command) => commands.push(command) });
    ready(engine);
    engine.fireTimer('heartbeat');
    expect(inputs.map((input) => input.type)).toEqual(['connect', 'transport.opened', 'message', 'message', 'timer']);
    expect(commands.filter((c) => c.type === 'send.payload')).toEqual([
      { type: 'send.payload', payload: { op: 2, d: IDENTIFY }, auth: 'identify' },
      { type: 'send.payload', payload: { op: 1, d: 1 } },
    ]);
    expect(JSON.stringify({ inputs, commands, snapshot: engine.persist() })).not.toContain(TOKEN);
  });

  it('delivers ready-state dispatches on the fast path with the machine\'s sequence rule, and keeps the machine in step', () => {
    const { engine } = platformEngine();
    ready(engine);
    const dispatch = (s: number) => engine.receiveMessage(text({ op: 0, t: 'MESSAGE_CREATE', s, d: { n: s } }));
    for (let s = 2; s <= 500; s++) dispatch(s);
    dispatch(300);
    dispatch(500);
    dispatch(501);
    const delivered = engine.takeEffects().filter((e) => e.type === 'dispatch').map((e) => (e as { payload: { s: number } }).payload.s);
    expect(delivered).toEqual(Array.from({ length: 500 }, (_, i) => i + 2));
    // The next machine event sees the latest sequence: the heartbeat carries it.
    engine.fireTimer('heartbeat');
    const beat = engine.takeEffects().find((e) => e.type === 'transport.send') as { data: Uint8Array };
    expect(JSON.parse(new TextDecoder().decode(beat.data))).toEqual({ op: 1, d: 501 });
    dispatch(502);
    expect((engine.persist() as { context: { sequence: number } }).context.sequence).toBe(502);
    // After a drop, RESUME asks for everything after the last delivered dispatch.
    engine.transportClosed('lost');
    engine.fireTimer('reconnect');
    engine.transportOpened();
    engine.receiveMessage(text({ op: 10, d: { heartbeat_interval: 41250 } }));
    const resume = engine.takeEffects().find((e) => e.type === 'transport.send') as { data: Uint8Array };
    expect(JSON.parse(new TextDecoder().decode(resume.data))).toEqual({ op: 6, d: { token: TOKEN, session_id: 'abc', seq: 502 } });
  });
});
