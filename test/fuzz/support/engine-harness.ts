/**
 * Drives a GatewayEngine the way a transport adapter would (answers `transport.open` at once,
 * writes an upgrade response with the right accept, fires only armed timers) and checks every
 * effect it produces against the engine's contract: well-formed effects, typed errors that hide
 * no crash, client bytes that are valid masked frames and nothing after a close frame or after the
 * transport ended, no buffer over its bound, no state without a timer that gets it out.
 */
import { FatalCloseError } from '../../../adapters/sans-io/errors.js';
import type { EngineEffect } from '../../../adapters/sans-io/effects.js';
import { GatewayEngine, type GatewayEngineOptions } from '../../../adapters/sans-io/gateway-engine.js';
import { decodeEtf } from '../../../codec/encoding/index.js';
import { DiscordGatewayError } from '../../../codec/errors.js';
import { HandshakeError } from '../../../codec/websocket/index.js';
import { TIMER_NAMES, type TimerName } from '../../../machines/timers.js';
import { OP, parseClientFrames, parseUpgradeRequest, readClose, requestKey, upgradeProblem, upgradeResponse } from '../../helpers/ws-wire.js';
import { concat } from '../../helpers/bytes.js';
import { randomBytes, seededRandom } from '../../helpers/seeded-random.js';
import { arrayBuffers, mib } from './memory.js';
import { checkTypedError } from './outcome.js';

/** Every state the machine has, as `engine.state` spells it. */
export const STATES = new Set([
  'idle',
  'connecting',
  'connected.waitingForHello',
  'connected.choosingAuthentication',
  'connected.waitingForIdentifySlot',
  'connected.waitingForApplication',
  'connected.identifying',
  'connected.resuming',
  'connected.ready',
  'closing',
  'backoff',
  'closed',
  'failed',
]);

/** The timer that must be armed in a state at rest, so that no state lasts forever. */
const EXIT_TIMER: Record<string, TimerName | null> = {
  idle: null,
  closed: null,
  failed: null,
  connecting: 'connect',
  'connected.waitingForHello': 'hello',
  'connected.identifying': 'ready',
  'connected.resuming': 'ready',
  'connected.ready': 'heartbeat',
  closing: 'close',
  backoff: 'reconnect',
};

const VALID_CLOSE = (code: number): boolean => (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** FUZZ_TRACE=1 prints every engine call and effect: rerun a failing seed and path with it. */
const TRACE = process.env.FUZZ_TRACE === '1';

function describeEffect(effect: EngineEffect): string {
  switch (effect.type) {
    case 'dispatch':
      return `dispatch ${effect.payload.t} s=${effect.payload.s}`;
    case 'state':
      return `state ${effect.from} -> ${effect.to}`;
    case 'transport.write': {
      const { frames } = parseClientFrames(effect.bytes);
      return frames.length === 0 ? `write ${effect.bytes.length} bytes` : `write ${frames.map((f) => `op${f.opcode}:${new TextDecoder().decode(f.payload).slice(0, 60)}`).join(' ')}`;
    }
    case 'error':
    case 'rejected':
    case 'failed':
      return `${effect.type} ${effect.error.code}: ${effect.error.message}`;
    case 'timer.set':
      return `timer.set ${effect.name} ${effect.ms}`;
    case 'timer.clear':
      return `timer.clear ${effect.name}`;
    case 'closed':
      return `closed ${effect.code} ${effect.reason}`;
    default:
      return effect.type;
  }
}

/** Where, among the effects, the machine decided to IDENTIFY. */
const IDENTIFY_MARK = { type: 'mark.identify' } as const;

/** The token the harness gives the engine; it must never leak into an error or a snapshot. */
export const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0.FuzzEd.fuzz-token-that-must-never-leak-0123';

/** One connection as the harness sees it. */
interface Connection {
  requestSeen: boolean;
  written: Uint8Array;
  closeSent: boolean;
  ended: boolean;
  upgrade: Uint8Array | null;
}

/** Options of one harness run. */
export interface HarnessOptions {
  readonly encoding: 'json' | 'etf';
  readonly compress: 'zlib-stream' | 'zstd-stream' | null;
  readonly limits: { maxMessageSize: number; maxInflatedSize: number };
  readonly runner: 'actor' | 'reducer';
  /** Growth of ArrayBuffer memory allowed in one engine call, beside four times its input. */
  readonly allocationBound: number;
}

/** A GatewayEngine with a checking adapter around it. */
export class EngineHarness {
  readonly engine: GatewayEngine;
  readonly armed = new Set<TimerName>();
  readonly delivered: number[] = [];
  private segment: number[] = [];
  private conn: Connection | null = null;
  private state = 'idle';
  private clock = 1_000;
  /** Masks and keys come from the run's seed, so a run replays exactly. */
  private readonly random: () => number;
  private taken: (EngineEffect | typeof IDENTIFY_MARK)[] = [];
  /** Ids of `send()` calls with no `sent` / `send.failed` effect yet. */
  private readonly unanswered = new Set<number>();
  readonly counts = { writes: 0, errors: 0, closes: 0, connections: 0, dispatches: 0 };
  /** States the engine passed through (for coverage checks over a batch). */
  readonly statesSeen = new Set<string>();

  constructor(private readonly options: HarnessOptions, seed: number) {
    this.random = seededRandom(seed);
    const engineOptions: GatewayEngineOptions = {
      url: 'ws://127.0.0.1:9/',
      encoding: options.encoding,
      compress: options.compress,
      token: TOKEN,
      identify: { intents: 513, properties: { os: 'linux', browser: 'fuzz', device: 'fuzz' } },
      limits: options.limits,
      runner: options.runner,
      // The machine's IDENTIFY starts a new session. Effects taken so far keep their place before it.
      observer: {
        command: (command) => {
          if (command.type !== 'send.payload' || command.auth !== 'identify') return;
          this.taken.push(...this.engine.takeEffects(), IDENTIFY_MARK);
        },
      },
      seed,
      now: () => this.clock,
      random: (bytes) => {
        bytes.set(randomBytes(bytes.length, this.random));
        return bytes;
      },
    };
    this.engine = new GatewayEngine(engineOptions);
    this.check(this.engine.takeEffects());
  }

  /** Starts the first connection. */
  start(): void {
    this.call('connect', 0, () => this.engine.connect());
  }

  /** Server bytes for the current connection; the upgrade response goes first (glued or not). */
  feed(bytes: Uint8Array, glue: boolean): void {
    const upgrade = this.conn?.upgrade ?? null;
    if (upgrade) {
      this.conn!.upgrade = null;
      if (glue) {
        this.call('receive', bytes.length, () => this.engine.receive(concat([upgrade, bytes])));
        return;
      }
      this.call('receive', upgrade.length, () => this.engine.receive(upgrade));
    }
    if (bytes.length > 0) this.call('receive', bytes.length, () => this.engine.receive(bytes));
  }

  /** Fires one armed timer (the `pick`-th), as an adapter's clock would. */
  fireTimer(pick: number): void {
    const names = [...this.armed];
    if (names.length === 0) return;
    const name = names[pick % names.length]!;
    this.armed.delete(name);
    this.clock += 1_000;
    this.call(`timer ${name}`, 0, () => this.engine.fireTimer(name));
  }

  /** The transport reached end of stream, or failed. */
  endOfStream(): void {
    this.call('eof', 0, () => this.engine.receive(null));
  }

  transportClosed(): void {
    this.call('transportClosed', 0, () => this.engine.transportClosed('fuzz: the transport closed'));
  }

  /** The application closes the connection. */
  userClose(code: number): void {
    this.call('close', 0, () => this.engine.close(code, 'fuzz'));
  }

  /** The application sends a payload; a `sent` or `send.failed` effect with its id must follow. */
  userSend(): void {
    this.call('send', 0, () => {
      this.unanswered.add(this.engine.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } }));
    });
  }

  /** Runs one engine call; it must not throw, and its effects must pass the checks. */
  private call(what: string, inputSize: number, fn: () => void): void {
    this.clock += 7;
    if (TRACE) console.log(`${what} (${inputSize} bytes) in ${this.engine.state}`);
    const before = arrayBuffers();
    try {
      fn();
    } catch (error) {
      throw new Error(`engine ${what} threw ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`, { cause: error });
    }
    const grown = arrayBuffers() - before;
    const bound = this.options.allocationBound + 4 * inputSize;
    if (grown > bound) throw new Error(`engine ${what} grew ArrayBuffers by ${mib(grown)} (bound ${mib(bound)})`);
    const effects = [...this.taken, ...this.engine.takeEffects()];
    this.taken = [];
    this.check(effects);
    this.checkAtRest();
  }

  private fail(message: string): never {
    throw new Error(`${message} (state ${this.state})`);
  }

  /** Checks a batch of effects, in order, and performs the transport ones. */
  private check(effects: (EngineEffect | typeof IDENTIFY_MARK)[]): void {
    let opened = false;
    for (const effect of effects) {
      if (effect.type === 'mark.identify') {
        this.segment = [];
        continue;
      }
      if (TRACE) console.log('  ', describeEffect(effect));
      switch (effect.type) {
        case 'transport.open':
          // The host is the server's choice (READY's resume_gateway_url); only its shape is checked.
          if (effect.destination.host === '' || !(effect.destination.port > 0 && effect.destination.port < 65536)) this.fail(`open to ${effect.url}`);
          this.conn = { requestSeen: false, written: new Uint8Array(0), closeSent: false, ended: false, upgrade: null };
          this.counts.connections++;
          this.segment = [];
          opened = true;
          break;
        case 'transport.write':
          this.onWrite(effect.bytes);
          break;
        case 'transport.end':
        case 'transport.destroy':
          if (this.conn) this.conn.ended = true;
          break;
        case 'timer.set':
          if (!TIMER_NAMES.includes(effect.name)) this.fail(`timer.set of unknown timer ${effect.name}`);
          if (!Number.isFinite(effect.ms) || effect.ms < 0) this.fail(`timer.set ${effect.name} for ${effect.ms} ms`);
          this.armed.add(effect.name);
          break;
        case 'timer.clear':
          if (!TIMER_NAMES.includes(effect.name)) this.fail(`timer.clear of unknown timer ${effect.name}`);
          this.armed.delete(effect.name);
          break;
        case 'state':
          if (effect.from !== this.state) this.fail(`state effect from ${effect.from}, but the engine was in ${this.state}`);
          if (!STATES.has(effect.to)) this.fail(`unknown state ${effect.to}`);
          this.state = effect.to;
          this.statesSeen.add(effect.to);
          break;
        case 'dispatch': {
          const { payload } = effect;
          if (payload.op !== 0) this.fail(`dispatch effect with op ${payload.op}`);
          if (payload.t === 'READY') this.segment = [];
          if (typeof payload.s === 'number') {
            const last = this.segment[this.segment.length - 1];
            if (last !== undefined && payload.s <= last) this.fail(`dispatch s=${payload.s} delivered after s=${last} in the same session`);
            this.segment.push(payload.s);
            this.delivered.push(payload.s);
          }
          this.counts.dispatches++;
          break;
        }
        case 'error':
          this.checkError(effect.error, [DiscordGatewayError]);
          this.counts.errors++;
          break;
        case 'rejected':
          this.checkError(effect.error, [HandshakeError]);
          break;
        case 'failed':
          this.checkError(effect.error, [FatalCloseError]);
          break;
        case 'closed':
          if (effect.code !== null && !VALID_CLOSE(effect.code)) this.fail(`closed effect with code ${effect.code}`);
          if (effect.reply !== null && (!(effect.reply instanceof Uint8Array) || effect.reply.length > 131)) this.fail('closed effect with an oversized reply');
          this.counts.closes++;
          break;
        case 'heartbeat':
          if (!Number.isFinite(effect.latencyMs) || effect.latencyMs < 0) this.fail(`heartbeat latency ${effect.latencyMs}`);
          break;
        case 'sent':
        case 'send.failed':
          if (!this.unanswered.delete(effect.id)) this.fail(`a ${effect.type} effect for unknown or answered send ${effect.id}`);
          if (effect.type === 'send.failed') this.checkError(effect.error, [DiscordGatewayError]);
          break;
        case 'payload':
          break;
        default:
          this.fail(`unexpected effect ${effect.type} for an engine-framed connection`);
      }
    }
    if (opened && this.conn && !this.conn.ended) {
      // The adapter connects at once, as a fast network would.
      this.call('transportConnected', 0, () => this.engine.transportConnected());
    }
  }

  private checkError(error: DiscordGatewayError, allowed: Parameters<typeof checkTypedError>[1]): void {
    checkTypedError(error, allowed);
    if (error.code === 'INTERNAL') this.fail(`an INTERNAL error: a crash wrapped by the engine (${String((error.cause as Error)?.stack ?? error.cause)})`);
    if (error.message.includes(TOKEN)) this.fail('an error message holds the token');
  }

  private onWrite(bytes: Uint8Array): void {
    const conn = this.conn;
    if (!conn) this.fail('a write with no transport open');
    if (conn.ended) this.fail('a write after the transport was ended or destroyed');
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) this.fail('an empty or non-byte write');
    this.counts.writes++;
    if (!conn.requestSeen) {
      const request = parseUpgradeRequest(new TextDecoder().decode(bytes));
      if (!request) this.fail('the first write is not an HTTP request');
      const problem = upgradeProblem(request);
      if (problem) this.fail(`bad upgrade request: ${problem}`);
      conn.requestSeen = true;
      conn.upgrade = upgradeResponse(requestKey(bytes));
      return;
    }
    if (bytes.length > 4096 + 14) this.fail(`a ${bytes.length}-byte write (the gateway allows 4096-byte payloads)`);
    const { frames, rest, violation } = parseClientFrames(concat([conn.written, bytes]));
    if (violation) this.fail(`the client wrote an invalid frame: ${violation}`);
    if (rest.length > 0) this.fail('a write ended inside a frame');
    conn.written = new Uint8Array(0);
    for (const frame of frames) {
      // RFC 6455 5.5.1: no data frame (nor a second close) after our close; pongs may still answer pings.
      if (conn.closeSent && frame.opcode !== OP.pong) this.fail(`a frame (opcode ${frame.opcode}) after the client's close frame`);
      if (frame.opcode === OP.close) {
        if (frame.payload.length === 1) this.fail('a close frame with a 1-byte payload');
        const { code } = readClose(frame.payload);
        if (code !== null && !VALID_CLOSE(code)) this.fail(`the client closed with code ${code}`);
        conn.closeSent = true;
      } else if (frame.opcode === OP.text || frame.opcode === OP.binary) {
        if (!frame.fin) this.fail('the client fragmented a message');
        this.checkPayload(frame.opcode, frame.payload);
      } else if (frame.opcode !== OP.pong && frame.opcode !== OP.ping) {
        this.fail(`the client sent opcode ${frame.opcode}`);
      }
    }
  }

  private checkPayload(opcode: number, payload: Uint8Array): void {
    let value: { op?: unknown; d?: { token?: unknown } } | null;
    if (this.options.encoding === 'json') {
      if (opcode !== OP.text) this.fail('a JSON payload in a binary frame');
      value = JSON.parse(utf8.decode(payload));
    } else {
      if (opcode !== OP.binary) this.fail('an ETF payload in a text frame');
      value = decodeEtf(payload) as typeof value;
    }
    if (typeof value?.op !== 'number') this.fail('a payload without op');
    if ((value.op === 2 || value.op === 6) && value.d?.token !== TOKEN) this.fail('IDENTIFY/RESUME without the token');
  }

  /** Between calls: a known state, and a timer armed that will move it on. */
  private checkAtRest(): void {
    const state = this.engine.state;
    if (state !== this.state) this.fail(`engine.state is ${state} but the state effects say ${this.state}`);
    if (!(state in EXIT_TIMER)) this.fail(`the engine rests in transient state ${state}`);
    const timer = EXIT_TIMER[state];
    if (timer && !this.armed.has(timer)) this.fail(`no ${timer} timer armed: the engine could stay in ${state} forever`);
    if (this.conn?.ended && (state.startsWith('connected') || state === 'closing')) this.fail('the transport is gone but the machine thinks it is connected');
  }

  /** The checks at the end of a run: a sane, persistable machine. */
  finish(): void {
    const snapshot = this.engine.snapshot;
    const { sequence } = snapshot.context;
    if (sequence !== null && !this.delivered.includes(sequence)) this.fail(`context.sequence ${sequence} was never delivered`);
    // Every send() is answered, or still waits in the rate-limit queue.
    const queued = new Set(snapshot.context.queue.map((item) => item.id));
    for (const id of this.unanswered) if (!queued.has(id)) this.fail(`send ${id} was never answered (no sent or send.failed effect)`);
    const persisted = JSON.stringify(this.engine.persist());
    if (persisted.includes(TOKEN)) this.fail('the persisted snapshot holds the token');
    this.engine.stop();
  }
}
