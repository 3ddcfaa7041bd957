/**
 * The runner's handle on the client child process: forks it with `--expose-gc`, starts its
 * client, hands its batched events to a listener, and asks it for memory samples and to close.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { ChildMessage, ChildSummary, ClientEvent, MemorySample, SoakClientConfig } from './soak-protocol.js';

/** A running client child. */
export class ClientChild {
  readonly #child: ChildProcess;
  readonly #samples = new Map<number, (sample: MemorySample) => void>();
  #nextSample = 1;
  #closed: Promise<ChildSummary>;
  #crash: string | null = null;
  #onEvents: (events: readonly ClientEvent[]) => void;
  #onConnected: (() => void) | null = null;
  #onCrash: ((message: string) => void) | null = null;

  private constructor(child: ChildProcess, onEvents: (events: readonly ClientEvent[]) => void) {
    this.#child = child;
    this.#onEvents = onEvents;
    let resolveClosed!: (summary: ChildSummary) => void;
    let rejectClosed!: (error: Error) => void;
    this.#closed = new Promise((resolve, reject) => {
      resolveClosed = resolve;
      rejectClosed = reject;
    });
    this.#closed.catch(() => {});
    child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'events':
          this.#onEvents(message.events);
          break;
        case 'connected':
          this.#onConnected?.();
          break;
        case 'memory':
          this.#samples.get(message.id)?.(message.sample);
          this.#samples.delete(message.id);
          break;
        case 'closed':
          resolveClosed(message.summary);
          break;
        case 'crashed':
          this.#crash = message.message;
          this.#onCrash?.(message.message);
          break;
      }
    });
    child.on('exit', (code, signal) => {
      rejectClosed(new Error(`the soak client exited early (code ${code}, signal ${signal})${this.#crash ? `: ${this.#crash}` : ''}`));
    });
  }

  /** Forks `script` (the bundled `client-process.ts`) and starts its client; resolves at READY. */
  static async start(script: string, config: SoakClientConfig, onEvents: (events: readonly ClientEvent[]) => void): Promise<ClientChild> {
    const child = fork(script, [], { execArgv: ['--expose-gc'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const handle = new ClientChild(child, onEvents);
    const connected = new Promise<void>((resolve, reject) => {
      handle.#onConnected = resolve;
      handle.#onCrash = (message) => reject(new Error(message));
      handle.#closed.catch(reject);
    });
    child.send({ type: 'start', config });
    await connected;
    return handle;
  }

  /** The crash the child reported, if any (an uncaught exception in the client process). */
  get crash(): string | null {
    return this.#crash;
  }

  /** The child's memory after two forced GCs. */
  sample(): Promise<MemorySample> {
    const id = this.#nextSample++;
    return new Promise((resolve, reject) => {
      this.#samples.set(id, resolve);
      this.#closed.catch(reject);
      this.#child.send({ type: 'sample', id });
    });
  }

  /** Closes the client (code 1000) and waits for the child's summary. */
  async close(): Promise<ChildSummary> {
    this.#child.send({ type: 'close' });
    return this.#closed;
  }

  /** Kills the child if it is still running (after a failure). */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill();
  }
}
