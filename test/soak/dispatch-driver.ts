/**
 * Streams MESSAGE_CREATE dispatches into whichever session is newest, through `session.stream`
 * so that streaming goes on while the client is away (the session stores them; RESUME replays
 * them). When a session ends, it waits for the next one and carries on until `total` are made.
 * Now and then a dispatch is large (above 64 KiB), so frames with 64-bit lengths go through too.
 */
import type { FakeGateway, FakeSession } from '../../adapters/fake-gateway/index.js';
import { messageCreateData, SnowflakeSource } from '../../adapters/fake-gateway/fake-data.js';
import type { Prng } from './prng.js';

/** How the driver streams. */
export interface DriverOptions {
  readonly total: number;
  readonly perSecond: number;
  /** Dispatches per `stream()` call: how soon a new session is picked up. */
  readonly chunk: number;
  /** One dispatch in this many carries ~100 KB of content (0: never). */
  readonly largeEvery: number;
}

const CONTEXT = { guildId: '1100000000000000010', channelId: '1100000000000000011', authorId: '1100000000000000012' };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?';

/** Streams dispatches; {@link DispatchDriver.made} counts what the sessions accepted. */
export class DispatchDriver {
  /** MESSAGE_CREATE dispatches made so far. */
  made = 0;
  /** Of which large ones. */
  large = 0;
  readonly #gateway: FakeGateway;
  readonly #sessions: readonly FakeSession[];
  readonly #rng: Prng;
  readonly #options: DriverOptions;
  readonly #snowflakes = new SnowflakeSource();

  constructor(gateway: FakeGateway, sessions: readonly FakeSession[], rng: Prng, options: DriverOptions) {
    this.#gateway = gateway;
    this.#sessions = sessions;
    this.#rng = rng;
    this.#options = options;
  }

  /** Streams until `total` dispatches are made. */
  async run(): Promise<void> {
    const { total, perSecond, chunk } = this.#options;
    while (this.made < total) {
      const session = this.#sessions.at(-1);
      if (!session || session.status === 'ended') {
        await this.#gateway.waitUntil(() => this.#sessions.at(-1) !== session, { timeoutMs: 60_000 });
        continue;
      }
      try {
        await session.stream({ count: Math.min(chunk, total - this.made), perSecond, data: () => this.#next() });
      } catch {
        // A write raced a connection going away; the dispatch is stored and will be replayed.
      }
    }
  }

  #next(): unknown {
    const data = messageCreateData(this.#snowflakes.next(), this.made, CONTEXT);
    this.made++;
    const every = this.#options.largeEvery;
    if (every > 0 && this.#rng.int(1, every) === 1) {
      this.large++;
      let content = '';
      for (let i = 0; i < 100_000; i++) content += ALPHABET[this.#rng.int(0, ALPHABET.length - 1)];
      data.content = content;
    }
    return data;
  }
}
