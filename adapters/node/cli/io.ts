/** Where a command writes and what it knows of its process, injectable so tests run commands in-process. */

/** A writable text stream (process.stdout / process.stderr or a test double). */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A command's surroundings. */
export interface CommandIO {
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the user asks to stop (Ctrl-C). */
  readonly signal: AbortSignal;
}
