/**
 * The demo's live display: one status line rewritten in place on a terminal (printed once a
 * second otherwise), with event lines scrolling above it.
 */
import type { TextOut } from './io.js';

/** Prints events and keeps a status line at the bottom. */
export class LiveView {
  readonly #out: TextOut;
  readonly #tty: boolean;
  #status = '';
  #lastPlainStatus = 0;

  constructor(out: TextOut) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  /** Prints an event line above the status line. */
  event(line: string): void {
    if (this.#tty) this.#out.write(`\r\x1b[K${line}\n${this.#status}`);
    else this.#out.write(`${line}\n`);
  }

  /** Replaces the status line (on a terminal), or prints it at most once a second. */
  status(line: string, now: number): void {
    this.#status = line;
    if (this.#tty) this.#out.write(`\r\x1b[K${line}`);
    else if (now - this.#lastPlainStatus >= 1000) {
      this.#lastPlainStatus = now;
      this.#out.write(`${line}\n`);
    }
  }

  /** Ends the status line so the next output starts on its own line. */
  end(): void {
    if (this.#tty) this.#out.write(`\r\x1b[K`);
  }
}
