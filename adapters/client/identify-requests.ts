/**
 * Asks the identify queue for a slot on the engine's behalf and answers with `grant`. Owns one
 * pending request at a time and its cancellation; never decides whether to IDENTIFY.
 */
import { DiscordGatewayError } from '../../codec/errors.js';
import type { IdentifyQueue } from './identify-queue.js';

/** How long to wait before asking a failing identify queue again, in ms. */
const IDENTIFY_RETRY_MS = 5000;

/** One `identify.request` at a time: granted, cancelled, or retried when the queue fails. */
export class IdentifyRequests {
  readonly #queue: IdentifyQueue;
  readonly #grant: () => void;
  readonly #fail: (error: DiscordGatewayError) => void;
  #pending: AbortController | null = null;

  /** `grant` answers the engine; `fail` reports a queue failure (the request is retried). */
  constructor(queue: IdentifyQueue, grant: () => void, fail: (error: DiscordGatewayError) => void) {
    this.#queue = queue;
    this.#grant = grant;
    this.#fail = fail;
  }

  /** Asks for a slot for `shardId`, replacing any earlier request. */
  request(shardId: number): void {
    this.cancel();
    const abort = new AbortController();
    this.#pending = abort;
    this.#queue.acquire(shardId, abort.signal).then(
      () => {
        if (this.#pending !== abort) return;
        this.#pending = null;
        this.#grant();
      },
      (error: unknown) => {
        if (this.#pending !== abort) return;
        this.#fail(new DiscordGatewayError('IDENTIFY_QUEUE_FAILED', `The identify queue failed; asking again in ${IDENTIFY_RETRY_MS} ms.`, { cause: error }));
        const retry = setTimeout(() => {
          if (this.#pending === abort) this.request(shardId);
        }, IDENTIFY_RETRY_MS);
        // The connection waiting for the slot keeps the process alive, not this timer.
        (retry as { unref?: () => void }).unref?.();
      },
    );
  }

  /** Gives the place in the queue up (the connection moved on or closed). */
  cancel(): void {
    const pending = this.#pending;
    this.#pending = null;
    pending?.abort();
  }
}
