/**
 * Draws faults from the seeded plan at random times and carries them out, in the proxy or in the
 * fake gateway. Transport faults strike whatever the client is doing (connecting, resuming,
 * replaying); gateway faults need a live, healthy session to act on. A session-ending fault waits
 * for the client's next READY before anything else strikes, so nothing can cut the ended
 * session's last dispatches short and the IDENTIFY count stays exact.
 */
import type { FakeGateway, FakeGatewayConnection, FakeSession } from '../../adapters/fake-gateway/index.js';
import { DEFAULT_FAULT_WEIGHTS, type FaultKind, isGatewayFault, OTHER_CLOSE_CODES, SESSION_ENDING_FAULTS } from './fault-plan.js';
import type { FaultProxy, StallDirection } from './fault-proxy.js';
import type { Prng } from './prng.js';
import { epochNow } from './soak-protocol.js';

/** How the injector draws and paces faults. */
export interface InjectorOptions {
  /** Random pause between two faults, in ms. */
  readonly gapMs: readonly [min: number, max: number];
  /** Draw weights; a kind with weight 0 is never drawn. */
  readonly weights?: Partial<Record<FaultKind, number>>;
  /** At most this many faults of a kind (op 9 d=false costs the client 1-5 s each). */
  readonly limits?: Partial<Record<FaultKind, number>>;
  /** The gateway's heartbeat interval: stalls are sized from it. */
  readonly heartbeatIntervalMs: number;
  /** Give up on a fault whose precondition does not come within this many ms. */
  readonly waitMs: number;
  /**
   * Filled with each session a fault ended and its last sequence number when it struck: the
   * client must get everything up to it. (The fake gateway still records dispatches made between
   * `closeWith(4009)` and the socket's close, which no client can receive; see findings.test.ts.)
   */
  readonly sessionEnds: Map<FakeSession, number>;
}

/** What the client is doing, as the runner last heard. */
export interface ClientView {
  /** The client's current state. */
  state(): string;
  /** Index of the session the client is in (grows at each READY it delivers). */
  sessionIndex(): number;
}

/** One fault carried out. */
export interface InjectedFault {
  readonly kind: FaultKind;
  /** Epoch ms. */
  readonly at: number;
  /** Extra detail (stall direction and length, close code). */
  readonly detail?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs faults until stopped. */
export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  /** Draws that found nothing to act on in time (no live connection or session), by kind. */
  readonly skipped = new Map<FaultKind, number>();
  /** Session-ending faults after which the client had no new session within 30 s. */
  unrecovered = 0;
  readonly #gateway: FakeGateway;
  readonly #proxy: FaultProxy;
  readonly #rng: Prng;
  readonly #client: ClientView;
  readonly #options: InjectorOptions;
  readonly #zombies = new Set<number>();
  #stopped = false;
  #loop: Promise<void> | null = null;

  constructor(gateway: FakeGateway, proxy: FaultProxy, rng: Prng, client: ClientView, options: InjectorOptions) {
    this.#gateway = gateway;
    this.#proxy = proxy;
    this.#rng = rng;
    this.#client = client;
    this.#options = options;
  }

  /** Faults carried out, by kind. */
  counts(): Map<FaultKind, number> {
    const counts = new Map<FaultKind, number>();
    for (const fault of this.injected) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
    return counts;
  }

  /** How many session-ending faults were carried out. */
  sessionEnding(): number {
    return this.injected.filter((f) => SESSION_ENDING_FAULTS.has(f.kind)).length;
  }

  /** Starts drawing faults. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops after the fault in progress (and its recovery wait) is over. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  async #run(): Promise<void> {
    const [min, max] = this.#options.gapMs;
    while (!this.#stopped) {
      await sleep(this.#rng.int(min, max));
      if (this.#stopped) break;
      const kind = this.#draw();
      if (kind) await this.#inject(kind);
    }
  }

  #draw(): FaultKind | null {
    const weights: Partial<Record<FaultKind, number>> = {};
    const counts = this.counts();
    for (const [kind, weight] of Object.entries({ ...DEFAULT_FAULT_WEIGHTS, ...this.#options.weights }) as Array<[FaultKind, number]>) {
      const limit = this.#options.limits?.[kind];
      if (weight > 0 && (limit === undefined || (counts.get(kind) ?? 0) < limit)) weights[kind] = weight;
    }
    return Object.keys(weights).length > 0 ? this.#rng.weighted(weights as Record<FaultKind, number>) : null;
  }

  async #inject(kind: FaultKind): Promise<void> {
    const rng = this.#rng;
    const interval = this.#options.heartbeatIntervalMs;
    if (!isGatewayFault(kind)) {
      switch (kind) {
        case 'tcp.kill.fin':
        case 'tcp.kill.rst':
          if (this.#proxy.kill(kind === 'tcp.kill.fin' ? 'fin' : 'rst') === 0) return this.#skip(kind);
          return this.#note(kind);
        case 'tcp.stall.short':
        case 'tcp.stall.long': {
          const direction = rng.pick<StallDirection>(['to-client', 'to-server', 'both']);
          const ms = kind === 'tcp.stall.short' ? rng.int(interval * 0.1, interval * 0.4) : rng.int(interval * 2.2, interval * 3);
          if (this.#proxy.stall(direction, ms) === 0) return this.#skip(kind);
          this.#note(kind, `${direction} ${ms} ms`);
          // A long stall breaks the connection: let it play out before anything else strikes.
          if (kind === 'tcp.stall.long') await sleep(ms);
          return;
        }
        case 'tcp.delay': {
          const maxMs = rng.int(10, 60);
          const forMs = rng.int(500, 2000);
          this.#proxy.delayWrites(1, maxMs, forMs);
          return this.#note(kind, `up to ${maxMs} ms for ${forMs} ms`);
        }
      }
    }
    const connection = await this.#healthyConnection();
    if (!connection) return this.#skip(kind);
    const sessionBefore = this.#client.sessionIndex();
    const session = this.#gateway.sessions.get(connection.sessionId!)!;
    if (SESSION_ENDING_FAULTS.has(kind)) this.#options.sessionEnds.set(session, session.seq);
    switch (kind) {
      case 'gw.zombie':
        this.#zombies.add(connection.id);
        connection.dropAcks();
        this.#note(kind);
        break;
      case 'gw.op1':
        this.#note(kind);
        await connection.requestHeartbeat();
        break;
      case 'gw.op7':
        this.#note(kind);
        await connection.sendReconnect();
        break;
      case 'gw.op9.resumable':
      case 'gw.op9.new-session':
        this.#note(kind);
        await connection.invalidateSession(kind === 'gw.op9.resumable');
        break;
      case 'gw.close.4000':
      case 'gw.close.4007':
      case 'gw.close.4009': {
        const code = Number(kind.slice(-4));
        this.#note(kind, String(code));
        void connection.closeWith(code);
        break;
      }
      case 'gw.close.other': {
        const code = rng.pick(OTHER_CLOSE_CODES);
        this.#note(kind, String(code));
        void connection.closeWith(code);
        break;
      }
      case 'gw.terminate':
        this.#note(kind);
        void connection.terminate();
        break;
    }
    if (SESSION_ENDING_FAULTS.has(kind) && !(await this.#until(() => this.#client.sessionIndex() > sessionBefore, 30_000))) {
      this.unrecovered++;
    }
  }

  /**
   * The connection carrying the client's current session, once the client is ready on it and it
   * is not a zombie we made; null if that does not happen in time.
   */
  async #healthyConnection(): Promise<FakeGatewayConnection | null> {
    let found: FakeGatewayConnection | null = null;
    await this.#until(() => {
      if (this.#client.state() !== 'connected.ready') return false;
      const connection = this.#gateway.connections.at(-1);
      if (!connection?.isOpen || connection.sessionId === undefined || this.#zombies.has(connection.id)) return false;
      const session = this.#gateway.sessions.get(connection.sessionId);
      if (session?.connection !== connection || session.status !== 'connected') return false;
      found = connection;
      return true;
    }, this.#options.waitMs);
    return found;
  }

  async #until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      if (performance.now() > deadline) return false;
      await sleep(5);
    }
    return true;
  }

  #note(kind: FaultKind, detail?: string): void {
    this.injected.push({ kind, at: epochNow(), ...(detail ? { detail } : {}) });
  }

  #skip(kind: FaultKind): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }
}
