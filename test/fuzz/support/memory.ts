/**
 * Allocation checks for fuzz runs. ArrayBuffer backing stores are freed only by a GC, so the growth
 * of `process.memoryUsage().arrayBuffers` across one call is at least what the call allocated and
 * still held, or dropped, since no GC can have freed its own buffers before they became garbage;
 * a GC in the middle only makes the figure smaller. The check is therefore: no single call grows
 * it by more than its configured bounds allow, and after a batch and a forced GC nothing is left.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** A forced full GC (exposed at run time; vitest's workers start without --expose-gc). */
export const gc = vm.runInNewContext('gc') as () => void;

/** Bytes held in ArrayBuffers right now (including garbage not yet collected). */
export function arrayBuffers(): number {
  return process.memoryUsage().arrayBuffers;
}

/** Runs `fn` and fails if ArrayBuffer memory grew by more than `bound` bytes while it ran. */
export function withinAllocationBound<T>(bound: number, fn: () => T, label = 'one call'): T {
  const before = arrayBuffers();
  const value = fn();
  const grown = arrayBuffers() - before;
  if (grown > bound) {
    throw new Error(`${label} grew ArrayBuffer memory by ${mib(grown)} (bound ${mib(bound)})`);
  }
  return value;
}

/** Tracks retained ArrayBuffer memory across a batch: call `check()` after the batch. */
export class RetainedMemory {
  private readonly baseline: number;
  constructor(private readonly bound: number) {
    gc();
    this.baseline = arrayBuffers();
  }

  /**
   * Fails if, after full GCs, ArrayBuffer memory stays more than `bound` above the baseline. V8
   * frees backing stores on a background sweeper, so a few GCs a turn apart are allowed to settle.
   */
  async check(): Promise<number> {
    let retained = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 5 && retained > this.bound; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
      retained = arrayBuffers() - this.baseline;
    }
    if (retained > this.bound) throw new Error(`the batch retained ${mib(retained)} of ArrayBuffers (bound ${mib(this.bound)})`);
    return retained;
  }
}

/** Bytes as a short MiB figure for messages. */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(2)} MiB`;
}
