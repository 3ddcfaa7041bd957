/**
 * The token never leaves the engine: across a busy session (resumes, a zombie, refused sends, a
 * throwing listener, transport failures, a fatal close), nothing the client emitted, logged at any
 * level, threw or rejected with, nor `util.inspect(client)`, contains it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, expectNoToken, harness, SECRET_TOKEN, startGateway, until, untilCaughtUp } from '../node/harness.js';

afterEach(cleanup);

describe('the token', () => {
  it('appears in no event, log line (any level), error or rejection of a busy session', async () => {
    const gateway = await startGateway({ heartbeatInterval: 100 });
    const h = harness(gateway, { url: gateway.url });
    const thrown: unknown[] = [];
    h.client.on('dispatch:TYPING_START', () => {
      throw new Error('listener bug');
    });
    await h.client.connect();
    gateway.dispatch('TYPING_START', { channel_id: '1', user_id: '2', timestamp: 3 });
    await gateway.stream({ count: 20 });
    await gateway.sendReconnect();
    await until(() => h.events.filter(([name]) => name === 'resumed').length === 1, 'a RESUME');
    gateway.dropAcks();
    await until(() => h.events.filter(([name]) => name === 'resumed').length === 2, 'a second RESUME');
    await gateway.invalidateSession(true);
    await until(() => h.events.filter(([name]) => name === 'resumed').length === 3, 'a third RESUME');
    await untilCaughtUp(h);
    for (const payload of [
      { op: 2, d: { token: SECRET_TOKEN } },
      { op: 6, d: { token: SECRET_TOKEN } },
      { op: 3, d: { since: null, activities: [{ name: 'x'.repeat(5000), type: 0 }], status: 'online', afk: false } },
    ]) {
      await h.client.send(payload).catch((error: unknown) => thrown.push(error));
    }
    await h.client.close();
    await h.client.send({ op: 3, d: {} }).catch((error: unknown) => thrown.push(error));
    await h.client.connect().catch((error: unknown) => thrown.push(error));
    expect(thrown).toHaveLength(5);

    const failing = harness(await startGateway({ token: 'the-gateway-wants-another-token' }));
    await failing.client.connect().catch((error: unknown) => thrown.push(error));
    const refused = harness(gateway, { url: 'ws://127.0.0.1:1' });
    void refused.client.connect().catch((error: unknown) => thrown.push(error));
    await until(() => refused.errors.length >= 2, 'refused attempts');
    const untrusted = harness(await startGateway({ tls: true }), { tls: {} });
    void untrusted.client.connect().catch((error: unknown) => thrown.push(error));
    await until(() => untrusted.errors.length >= 1, 'a TLS failure');

    const levels = new Set([...h.logs, ...failing.logs, ...refused.logs].map((l) => l.level));
    expect([...levels].sort()).toEqual(['debug', 'error', 'info', 'warn']);
    for (const each of [h, failing, refused, untrusted]) expectNoToken(each, thrown);
  });
});
