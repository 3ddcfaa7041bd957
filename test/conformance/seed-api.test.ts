/**
 * The same conformance table through the seed-style API: a DiscordConnection in the seed guide's
 * own loop (write `connect()`, pass every read to `receive()` and write what it returns; on
 * CloseDiscordConnection write its `data`, shut down, read to EOF). The server must see the same
 * frames as with the engine, the application the same payloads, and every WebSocket that ends
 * must end the loop with CloseDiscordConnection (or the handshake error) so that the loop stops.
 */
import { describe, expect, it } from 'vitest';
import { CloseDiscordConnection } from '../../adapters/sans-io/errors.js';
import { OP, parseClientFrames, readClose } from '../helpers/ws-wire.js';
import { CATEGORIES } from './case.js';
import { CASES } from './cases/index.js';
import { checkServerSide } from './check.js';
import { runSeed } from './clients.js';
import { serveCase } from './raw-server.js';


for (const category of CATEGORIES) {
  describe(`conformance: ${category} (DiscordConnection, the seed's loop)`, () => {
    for (const c of CASES.filter((row) => row.category === category)) {
      const bug = c.bug ?? null;
      const test = bug && !process.env.SHOW_BUGS ? it.fails : it;
      test(`${bug ? `BUG ${bug}: ` : ''}${c.id} ${c.description}`, async () => {
        const server = await serveCase(c.server, c.handshake);
        const [client, seen] = await Promise.all([runSeed(server.url, c.client), server.done]);
        checkServerSide(c, seen);
        expect(client.payloads, 'the payloads events() gave').toEqual(c.expect.payloads ?? []);
        expect(client.state).toBe(c.expect.state ?? 'backoff');
        if (c.expect.error?.effect === 'rejected') {
          expect(client.thrown).toBeInstanceOf(c.expect.error.type);
          expect((client.thrown as { code: string }).code).toBe(c.expect.error.code);
          return;
        }
        expect(client.thrown, 'receive() threw something else').toBeNull();
        expect(client.eofWithoutClose, 'end of stream came and the loop never heard the connection close').toBe(false);
        expect(client.close).toBeInstanceOf(CloseDiscordConnection);
        expect(client.close!.closeCode).toBe(c.expect.closed ?? null);
        // `data` is what the application must still write: our close frame, when one is due.
        const last = c.expect.replies[c.expect.replies.length - 1];
        const written = client.close!.data ? parseClientFrames(client.close!.data).frames : [];
        const closeFrame = written.find((f) => f.opcode === OP.close);
        expect(closeFrame ? readClose(closeFrame.payload).code : 'none').toBe(last?.op === 'close' ? last.code : 'none');
      });
    }
  });
}
