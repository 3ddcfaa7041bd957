/**
 * The marker a zlib Z_SYNC_FLUSH ends with (an empty stored block, 00 00 ff ff): where each of
 * Discord's zlib-stream messages ends. Checked here by hand, not with the library's inflater.
 */

/** The four bytes 00 00 ff ff. */
export const SYNC_FLUSH_MARKER: Uint8Array = Uint8Array.of(0, 0, 0xff, 0xff);

/** True when `bytes` ends with the sync-flush marker (a whole zlib-stream message has arrived). */
export function endsWithSyncFlush(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}
