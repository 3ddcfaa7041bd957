/**
 * One whole session with a token-shaped secret, and a search of everything the library produced:
 * errors, log lines at every level, the recording, the persisted snapshot, inspector events and
 * the CLI's output. The secret is allowed on the wire only.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../../adapters/fake-gateway/index.js';
import { runCli } from '../../adapters/node/cli/main.js';
import { createGatewayClient } from '../../adapters/node/index.js';
import { createRecorder, memorySink } from '../../adapters/recording/index.js';

const TOKEN = 'MTMxMjM0NTY3ODkwMTIzNDU2Nw.GwXyZ1.sEcReT-part_of-the-token-0123456789abcd';
let gateway: FakeGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

describe('the token, everywhere at once', () => {
  it('is in no error, log line, recording, persisted snapshot, inspector event or CLI output', async () => {
    gateway = await startFakeGateway({ token: TOKEN, heartbeatInterval: 100 });
    const logs: { level: string; message: string; fields: unknown }[] = [];
    const logger = Object.fromEntries(
      ['debug', 'info', 'warn', 'error'].map((level) => [level, (message: string, fields?: unknown) => logs.push({ level, message, fields })]),
    ) as unknown as Parameters<typeof createGatewayClient>[0]['logger'];
    const inspection: StatelyInspectionEvent[] = [];
    const sink = memorySink();
    const errors: unknown[] = [];
    const client = createGatewayClient({
      token: TOKEN,
      intents: 513,
      url: gateway.url,
      logger,
      inspect: createInspector({ send: (event) => inspection.push(event) }).inspect,
      recorder: createRecorder({ sink }),
      identifyQueue: null,
    });
    client.on('error', (error) => errors.push(error));
    await client.connect();
    // A listener that throws is reported (a warning) and the session goes on.
    client.once('dispatch:TYPING_START', () => {
      throw new Error('a bug in the application');
    });
    gateway.dispatch('TYPING_START', { channel_id: '1', user_id: '2', timestamp: 3 });
    await gateway.stream({ count: 50 });
    await gateway.sendReconnect();
    await new Promise<void>((resolve) => client.once('resumed', () => resolve()));
    gateway.dropAcks();
    await new Promise<void>((resolve) => client.once('resumed', () => resolve()));
    // A connection that ends without a close frame (reported as a warning, then RESUMEd).
    const resumedAgain = new Promise<void>((resolve) => client.once('resumed', () => resolve()));
    await gateway.current.terminate();
    await resumedAgain;
    // A payload carrying the token is refused before it reaches the machine (and the recorder masks the call).
    await client.send({ op: 3, d: { since: null, activities: [{ name: TOKEN, type: 0 }], status: 'online', afk: false } }).catch((e: unknown) => errors.push(e));
    await client.send({ op: 3, d: { since: null, activities: [{ name: 'x'.repeat(5000), type: 0 }], status: 'online', afk: false } }).catch((e: unknown) => errors.push(e));
    const persisted = JSON.stringify(client.persist());
    gateway.current.closeWith(4004);
    await vi.waitFor(() => expect(client.state).toBe('failed'));
    await client.close().catch((e: unknown) => errors.push(e));
    await client.send({ op: 3, d: {} }).catch((e: unknown) => errors.push(e));

    // The CLI, with the token in its environment.
    let cli = '';
    const controller = new AbortController();
    const exit = runCli(['connect', '--url', gateway.url, '--json'], {
      stdout: { write: (text: string) => (cli += text) },
      stderr: { write: (text: string) => (cli += text) },
      env: { DISCORD_TOKEN: TOKEN },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(cli).toContain('"t":"READY"'), { timeout: 10_000 });
    controller.abort();
    expect(await exit).toBe(0);
    await vi.waitFor(() => expect(inspection.length).toBeGreaterThan(20));

    expect(new Set(logs.map((l) => l.level))).toEqual(new Set(['debug', 'info', 'warn', 'error']));
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(expect.arrayContaining(['PAYLOAD_CONTAINS_TOKEN', 'PAYLOAD_TOO_LARGE', 'GATEWAY_FATAL_CLOSE']));
    const recording = sink.bytes();
    expect(recording.byteLength).toBeGreaterThan(2000);
    const texts = {
      logs: JSON.stringify(logs),
      errors: JSON.stringify(errors.map((e) => ({ ...(e as object), message: (e as Error).message, stack: (e as Error).stack }))),
      recording: Buffer.from(recording).toString('latin1'),
      persisted,
      inspection: JSON.stringify(inspection),
      cli,
    };
    const leaking = inspection.filter((event) => JSON.stringify(event).includes(TOKEN)).map((event) => JSON.stringify(event).slice(0, 300));
    expect(leaking).toEqual([]);
    for (const [where, text] of Object.entries(texts)) {
      expect(text.length, where).toBeGreaterThan(100);
      expect(text.includes(TOKEN), where).toBe(false);
      expect(text.includes(TOKEN.split('.')[2]!), where).toBe(false);
    }
  });
});
