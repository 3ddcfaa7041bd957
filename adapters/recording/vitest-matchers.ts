/**
 * Entry `<package>/recording/vitest` (kept out of the main entries: it augments vitest's types).
 * A `toMatchReplay()` matcher for vitest (or Jest): `expect.extend(replayMatchers)` once, then
 * `expect(await replaySession(file, { throwOnMismatch: false })).toMatchReplay()`. Only vitest's
 * types are imported (to add the matcher to them); nothing runs from the test framework.
 */
import type {} from 'vitest';
import type { ReplayReport } from './replay.js';

/** The matcher result shape vitest and Jest share. */
interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/** Matchers to pass to `expect.extend`. */
export const replayMatchers = {
  /** Passes when a replay report has no mismatch; fails with the readable diff of the first one. */
  toMatchReplay(received: ReplayReport): MatcherResult {
    if (typeof received !== 'object' || received === null || !('ok' in received)) {
      return { pass: false, message: () => 'toMatchReplay() expects the report of replaySession(file, { throwOnMismatch: false }).' };
    }
    const mismatch = received.mismatch;
    if (mismatch === null) {
      return { pass: true, message: () => `Expected the replay to differ from the recording, but all ${received.replayed} steps matched.` };
    }
    return { pass: false, message: () => mismatch.report };
  },
};

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge with it.
  interface Matchers<T = any> {
    /** The replay reproduced the recording exactly (see `replayMatchers`). */
    toMatchReplay(): T;
  }
}
