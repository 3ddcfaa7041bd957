/**
 * The sequence-number rule in one place: a dispatch is new only when its `s` is above the last one
 * seen in the session. The machine's guard and the ready state's fast path both call this.
 */

/** Whether a dispatch with sequence `s` is new after `last` (a dispatch without `s` always is). */
export function isNewSequence(last: number | null, s: number | null | undefined): boolean {
  return typeof s !== 'number' || last === null || s > last;
}
