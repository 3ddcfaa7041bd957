/**
 * The client's transports: one current transport that reports to the engine, and retiring ones
 * that only finish closing after a clean WebSocket close. Owns transport lifetimes; knows nothing
 * of the engine, and drops every report from a transport that is no longer current.
 */
import { DiscordGatewayError } from '../../codec/errors.js';
import type { Logger } from './logger.js';
import type { Transport, TransportConnector, TransportTarget } from './transport.js';

/** What the current transport reports (a retired or destroyed one reports nothing). */
export interface CurrentTransportEvents {
  opened(): void;
  data(data: Uint8Array): void;
  ended(): void;
  error(error: DiscordGatewayError): void;
  closed(reason: string, code: number | null): void;
}

interface Entry {
  transport: Transport | null;
  state: 'current' | 'retiring' | 'dead';
  /** Resolves once the transport is gone (closed, or destroyed by us). */
  readonly gone: Promise<void>;
  readonly markGone: () => void;
  /** Whether writes wait behind backpressure now (logged once per episode). */
  blocked: boolean;
}

/** Opens, writes to, retires and destroys transports in the order the engine asks. */
export class TransportSlot {
  readonly #connector: TransportConnector;
  readonly #logger: Logger;
  readonly #events: CurrentTransportEvents;
  readonly #retiring = new Set<Entry>();
  #current: Entry | null = null;

  constructor(connector: TransportConnector, logger: Logger, events: CurrentTransportEvents) {
    this.#connector = connector;
    this.#logger = logger;
    this.#events = events;
  }

  /** `transport.open`: drops any current transport and opens a new one. */
  open(target: TransportTarget): void {
    this.destroy();
    let markGone!: () => void;
    const gone = new Promise<void>((resolve) => {
      markGone = resolve;
    });
    const entry: Entry = { transport: null, state: 'current', gone, markGone, blocked: false };
    this.#current = entry;
    const { host, port, secure } = target.destination;
    this.#logger.debug('opening transport', { host, port, secure });
    const events = this.#events;
    const handlers = {
      opened: () => {
        if (entry.state === 'current') events.opened();
      },
      data: (data: Uint8Array) => {
        if (entry.state === 'current') events.data(data);
      },
      ended: () => {
        if (entry.state === 'current') events.ended();
      },
      error: (error: DiscordGatewayError) => {
        if (entry.state === 'current') events.error(error);
        else this.#logger.debug('a closing transport failed', { code: error.code });
      },
      closed: (reason: string, code: number | null = null) => {
        const was = entry.state;
        entry.state = 'dead';
        entry.markGone();
        this.#retiring.delete(entry);
        if (was !== 'current') return;
        if (this.#current === entry) this.#current = null;
        this.#logger.debug('transport closed', { reason });
        events.closed(reason, code);
      },
      drain: () => {
        if (!entry.blocked) return;
        entry.blocked = false;
        this.#logger.debug('transport drained');
      },
    };
    try {
      entry.transport = this.#connector.open(target, handlers);
    } catch (error) {
      // A platform that throws instead of reporting: report it the usual way.
      handlers.error(error instanceof DiscordGatewayError ? error : new DiscordGatewayError('TRANSPORT_OPEN_FAILED', 'The transport could not be opened.', { cause: error }));
      handlers.closed('the transport could not be opened');
      return;
    }
    // It may have reported `closed` from inside `open`; then it is already gone.
    if (entry.state === 'dead') entry.transport.destroy();
  }

  /** `transport.write` / `transport.send`: hands data to the current transport, in order. */
  write(data: Uint8Array, binary: boolean): void {
    const entry = this.#current;
    if (!entry?.transport) {
      this.#logger.debug('write dropped: no transport', { bytes: data.byteLength });
      return;
    }
    if (!entry.transport.write(data, binary) && !entry.blocked) {
      entry.blocked = true;
      this.#logger.debug('transport backpressure: writes wait for drain');
    }
  }

  /** `transport.close` (platform framing): starts the WebSocket close handshake; the transport stays current. */
  close(code: number, reason: string): void {
    this.#current?.transport?.close(code, reason);
  }

  /** `transport.end`: the WebSocket closed cleanly; the transport finishes closing on its own. */
  retire(): void {
    const entry = this.#current;
    this.#current = null;
    if (entry?.state !== 'current') return;
    entry.state = 'retiring';
    this.#retiring.add(entry);
    entry.transport?.end();
  }

  /** `transport.destroy`: drops the current transport now. */
  destroy(): void {
    const entry = this.#current;
    this.#current = null;
    if (!entry) return;
    entry.state = 'dead';
    entry.markGone();
    entry.transport?.destroy();
  }

  /** Drops the current transport and resolves once every retiring one has closed. */
  async settle(): Promise<void> {
    this.destroy();
    await Promise.all([...this.#retiring].map((entry) => entry.gone));
  }
}
