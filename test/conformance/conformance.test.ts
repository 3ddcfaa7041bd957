/**
 * The WebSocket conformance table, client side, in the spirit of the Autobahn test suite: for
 * each row a raw TCP server on 127.0.0.1 completes the upgrade and sends exact bytes, and the
 * library's GatewayEngine (driven by a small node:net loop) must answer with exact frames, report
 * the exact typed error, deliver exactly the expected gateway payloads and end the TCP connection.
 * The cases live in ./cases (one file per category); README reports their counts.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from './case.js';
import { CASES } from './cases/index.js';
import { checkCloseReason, checkServerSide } from './check.js';
import { runEngine } from './clients.js';
import { serveCase } from './raw-server.js';

describe('the conformance table', () => {
  it('has unique ids, every category, and the counts README reports', () => {
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    const counts = Object.fromEntries(CATEGORIES.map((category) => [category, CASES.filter((c) => c.category === category).length]));
    expect(counts).toEqual({
      'opening handshake': 7,
      framing: 19,
      'pings and pongs': 12,
      'reserved bits': 7,
      opcodes: 10,
      fragmentation: 16,
      'UTF-8 handling': 26,
      'close handling': 39,
      limits: 6,
      'gateway payloads': 9,
    });
    expect(CASES.length).toBe(151);
  });
});

for (const category of CATEGORIES) {
  describe(`conformance: ${category} (GatewayEngine over TCP)`, () => {
    for (const c of CASES.filter((row) => row.category === category)) {
      const test = c.bug && !process.env.SHOW_BUGS ? it.fails : it;
      test(`${c.bug ? `BUG ${c.bug}: ` : ''}${c.id} ${c.description}`, async () => {
        const server = await serveCase(c.server, c.handshake);
        const [client, seen] = await Promise.all([runEngine(server.url, c.client), server.done]);
        checkServerSide(c, seen);
        expect(client.payloads, 'the gateway payloads delivered').toEqual(c.expect.payloads ?? []);
        const expected = c.expect.error;
        if (expected) {
          expect(client.errors.map((e) => ({ effect: e.effect, code: e.error.code }))).toEqual([{ effect: expected.effect ?? 'error', code: expected.code }]);
          expect(client.errors[0]!.error).toBeInstanceOf(expected.type);
        } else {
          expect(client.errors.map((e) => e.error.code), 'errors').toEqual([]);
        }
        if ((expected?.effect ?? 'error') === 'error') checkCloseReason(seen, client.errors[0]?.error);
        if (c.expect.closed !== undefined) expect(client.closed.map((e) => e.code)).toEqual([c.expect.closed]);
        expect(client.transport, 'how the client let go of TCP').toBe(c.expect.transport);
        expect(client.state).toBe(c.expect.state ?? 'backoff');
      });
    }
  });
}
