/**
 * The session recorder: wraps a GatewayEngine's options so every engine call (with its clock
 * reading), every random byte handed out and every machine command is written to a cassette as
 * the session runs. Owns redaction and step grouping; never touches the engine's behaviour (it
 * only watches) and never writes a secret: every string, and uncompressed inbound bytes, are
 * redacted before they are encoded.
 */
import type { GatewayCommand } from '../../machines/commands.js';
import type { EngineInput, EngineObserver, GatewayEngineOptions } from '../sans-io/gateway-engine.js';
import { CassetteWriter, toMicros } from './cassette-writer.js';
import { RecorderError } from './errors.js';
import { CASSETTE_FORMAT, CASSETTE_VERSION, type CassetteHeader, type StepOutput } from './format.js';
import { LIBRARY_NAME, LIBRARY_VERSION } from './library-version.js';
import { outputOfCommand, outputOfThrown } from './outputs.js';
import { Redactor } from './redact.js';
import type { CassetteSink } from './sink.js';

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** Where the cassette goes (`memorySink()`, or a file sink from the Node entry). */
  readonly sink: CassetteSink;
  /** More strings that must never be written (the engine's `token` is always one). */
  readonly secrets?: readonly string[];
  /** The library version for the header (default: this package's version). */
  readonly libraryVersion?: string;
  /** A name for the session, shown in timelines (e.g. the scenario). */
  readonly label?: string;
  /** Wall-clock start for the header, ms since the epoch (default `Date.now()`). */
  readonly startedAt?: number;
}

/** Records one engine's session. Create with {@link createRecorder}. */
export interface SessionRecorder {
  /**
   * Returns the engine options with a recording observer, a recording `random` and `now`, and a
   * fixed `seed`; writes the header. Build exactly one engine from the result.
   */
  wrap(options: GatewayEngineOptions): GatewayEngineOptions;
  /** Marks another string as secret from now on (e.g. a token passed to `identify()` by hand). */
  addSecret(secret: string): void;
  /** Records that the engine call in progress threw (call it from the `catch` around the call). */
  noteThrown(error: unknown): void;
  /** Engine calls recorded so far. */
  readonly steps: number;
  /** Bytes handed to the sink so far. */
  readonly bytesWritten: number;
  /** Writes the end record and closes the sink. Rejects with {@link RecorderError} if any write failed. */
  close(): Promise<void>;
}

interface PendingStep {
  at: number;
  input: EngineInput | null;
  outputs: StepOutput[];
  /** Redactions made in the input's raw bytes. */
  inputHits: number;
  /** Redactions made in the outputs. */
  outputHits: number;
  /** Errors already noted for this step. */
  thrown: Set<unknown>;
}

const defaultRandom = (bytes: Uint8Array): Uint8Array => globalThis.crypto.getRandomValues(bytes);
const defaultNow = (): number => globalThis.performance.now();

/** Creates a recorder writing to `options.sink`. */
export function createRecorder(options: RecorderOptions): SessionRecorder {
  return new Recorder(options);
}

class Recorder implements SessionRecorder {
  readonly #options: RecorderOptions;
  readonly #writer = new CassetteWriter();
  readonly #redactor: Redactor;
  #state: 'new' | 'recording' | 'closed' = 'new';
  #compressed = false;
  #pending: PendingStep | null = null;
  #flushScheduled = false;
  #steps = 0;
  #bytes = 0;
  #lastAt = 0;
  #failure: unknown = null;

  constructor(options: RecorderOptions) {
    if (!options || typeof options.sink?.write !== 'function') {
      throw new RecorderError('RECORDER_INVALID_OPTION', 'createRecorder needs a `sink` with a write(bytes) method (or, from the Node entry, a `path`).');
    }
    this.#options = options;
    this.#redactor = new Redactor(options.secrets ?? []);
  }

  get steps(): number {
    return this.#steps;
  }

  get bytesWritten(): number {
    return this.#bytes;
  }

  addSecret(secret: string): void {
    this.#redactor.add(secret);
  }

  wrap(options: GatewayEngineOptions): GatewayEngineOptions {
    if (this.#state === 'closed') throw new RecorderError('RECORDER_CLOSED', 'This recorder is closed; create a new one for a new session.');
    if (this.#state === 'recording') throw new RecorderError('RECORDER_ALREADY_WRAPPED', 'A recorder records one engine; create one recorder per engine.');
    this.#state = 'recording';
    this.#redactor.add(options.token);
    this.#compressed = (options.compress ?? null) !== null;
    const random = options.random ?? defaultRandom;
    const now = options.now ?? defaultNow;
    // A fixed seed goes into the header, so the replay draws the same jitter; it is not one of the recorded draws.
    const seed = options.seed ?? new Uint32Array(random(new Uint8Array(4)).slice().buffer)[0]!;
    this.#write(this.#writer.preamble());
    this.#write(this.#writer.header(this.#header(options, seed)));
    const inner = options.observer as (EngineObserver & { thrown?(error: unknown, at: number): void }) | undefined;
    let constructed = false;
    const observer = {
      input: (input: EngineInput, at: number) => {
        this.#onInput(input, at);
        inner?.input?.(input, at);
      },
      command: (command: GatewayCommand, at: number) => {
        this.#onCommand(command);
        inner?.command?.(command, at);
      },
      // For an engine that reports its calls' throws itself (proposed); until then callers use noteThrown().
      thrown: (error: unknown, at: number) => {
        this.noteThrown(error);
        inner?.thrown?.(error, at);
      },
    } as EngineObserver;
    return {
      ...options,
      seed,
      observer,
      now: () => {
        // Whole microseconds: stored exactly (as small integer differences), replayed exactly.
        const at = toMicros(now()) / 1000;
        if (!constructed) {
          // The engine's first clock reading is its construction: the start "step" of the cassette.
          constructed = true;
          this.#pending = { at, input: null, outputs: [], inputHits: 0, outputHits: 0, thrown: new Set() };
        }
        return at;
      },
      random: (bytes) => {
        const out = random(bytes);
        this.#pending?.outputs.push({ kind: 'random', bytes: out.slice() });
        return out;
      },
    };
  }

  noteThrown(error: unknown): void {
    const pending = this.#pending;
    if (!pending || this.#state !== 'recording' || pending.thrown.has(error)) return;
    // Noted once, whether the engine reported it or the caller did (or both).
    pending.thrown.add(error);
    const before = this.#redactor.hits;
    pending.outputs.push(outputOfThrown(error, this.#redactor));
    pending.outputHits += this.#redactor.hits - before;
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasRecording = this.#state === 'recording';
    this.#flush();
    this.#state = 'closed';
    if (wasRecording) this.#write(this.#writer.end({ steps: this.#steps, endedAt: this.#lastAt }));
    try {
      await this.#options.sink.close?.();
    } catch (error) {
      this.#failure ??= error;
    }
    if (this.#failure !== null) {
      throw new RecorderError('RECORDER_WRITE_FAILED', 'The recording could not be written completely; the cassette holds a readable prefix at most.', {
        cause: this.#failure,
      });
    }
  }

  #header(options: GatewayEngineOptions, seed: number): CassetteHeader {
    const r = this.#redactor;
    return {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      library: { name: LIBRARY_NAME, version: this.#options.libraryVersion ?? LIBRARY_VERSION },
      label: this.#options.label === undefined ? null : r.string(this.#options.label),
      startedAt: this.#options.startedAt ?? Date.now(),
      url: r.string(options.url),
      encoding: options.encoding ?? 'json',
      compress: options.compress ?? null,
      seed,
      engine: {
        identify: r.value(options.identify ?? null),
        identifyGate: options.identifyGate ?? false,
        policies: r.value(options.policies ?? null),
        limits: options.limits ?? null,
        framing: options.framing ?? 'engine',
        snapshot: r.value(options.snapshot ?? null),
        token: typeof options.token === 'string',
        // The token's masked form: a replay uses it as the token, so a payload the engine refused for
        // carrying the token (masked in the cassette) is refused again.
        tokenMask: typeof options.token === 'string' ? this.#redactor.string(options.token) : null,
      },
    };
  }

  #onInput(input: EngineInput, at: number): void {
    if (this.#state !== 'recording') return;
    this.#flush();
    this.#steps++;
    this.#lastAt = at;
    const before = this.#redactor.hits;
    const stored = this.#storedInput(input);
    this.#pending = { at, input: stored, outputs: [], inputHits: this.#redactor.hits - before, outputHits: 0, thrown: new Set() };
    if (!this.#flushScheduled) {
      // Engine calls are synchronous: by the next microtask this step has all its outputs.
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        this.#flush();
      });
    }
  }

  #storedInput(input: EngineInput): EngineInput {
    const r = this.#redactor;
    switch (input.type) {
      case 'receive':
        return { type: 'receive', bytes: input.bytes === null ? null : r.active ? copyOf(r.bytes(input.bytes), input.bytes) : input.bytes.slice() };
      case 'message':
        return { type: 'message', data: r.active ? copyOf(r.bytes(input.data), input.data) : input.data.slice() };
      default:
        return r.value(input);
    }
  }

  #onCommand(command: GatewayCommand): void {
    const pending = this.#pending;
    if (this.#state !== 'recording' || !pending) return;
    const before = this.#redactor.hits;
    try {
      pending.outputs.push(outputOfCommand(command, this.#redactor));
    } catch (error) {
      this.#failure ??= error;
    }
    pending.outputHits += this.#redactor.hits - before;
  }

  #flush(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    try {
      if (pending.input === null) {
        this.#write(this.#writer.start(toMicros(pending.at), pending.outputs));
        return;
      }
      if (this.#leaksThroughBytes(pending)) {
        this.#write(this.#writer.gap(toMicros(pending.at), pending.input.type, pending.outputs));
        return;
      }
      this.#write(this.#writer.step(toMicros(pending.at), pending.input, pending.outputs));
    } catch (error) {
      // An observer must never break the engine it watches: remember, report at close().
      this.#failure ??= error;
    }
  }

  /**
   * A secret showed up in what inbound bytes decoded to, but could not be masked in the bytes
   * themselves (compressed, escaped, or split across reads): those bytes must not be written.
   */
  #leaksThroughBytes(step: PendingStep): boolean {
    const type = step.input?.type;
    if (type !== 'receive' && type !== 'message') return false;
    return step.outputHits > 0 && (this.#compressed || step.outputHits > step.inputHits);
  }

  #write(chunk: Uint8Array): void {
    if (this.#failure !== null) return;
    try {
      this.#options.sink.write(chunk);
      this.#bytes += chunk.byteLength;
    } catch (error) {
      this.#failure = error;
    }
  }
}

/** `redacted` when redaction already copied, else a copy of `original` (the caller may reuse its buffer). */
function copyOf(redacted: Uint8Array, original: Uint8Array): Uint8Array {
  return redacted === original ? original.slice() : redacted;
}
