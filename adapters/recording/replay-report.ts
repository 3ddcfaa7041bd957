/**
 * The readable text of a replay mismatch: where, in which state, on what input, and a diff of the
 * outputs. Formatting only: replay.ts finds the mismatch and decides what differs.
 */
import { describeInput, describePayloads } from './describe.js';
import { describeOutput } from './outputs.js';
import type { ReplayMismatch } from './replay.js';
import { diffLines, valueDifferences } from './text-diff.js';

/** What {@link formatMismatch} needs about the step: the mismatch before its report is written. */
export type MismatchFacts = Omit<ReplayMismatch, 'at' | 'firstDifference' | 'report'>;

/** Formats a mismatch as a short report with a `-` recorded / `+` replayed diff. */
export function formatMismatch(facts: MismatchFacts, about: { name?: string; steps: number }): string {
  const where = facts.step === 0 ? "the engine's construction (step 0)" : `step ${facts.step} of ${about.steps}`;
  const lines = [
    `Replay${about.name ? ` of ${about.name}` : ''} differs from the recording at ${where}, t = +${(facts.sinceStart / 1000).toFixed(3)} s.`,
    `  state:   ${facts.stateBefore}${facts.stateAfter !== facts.stateBefore ? ` -> ${facts.stateAfter} (replayed)` : ''}`,
  ];
  const context = Object.entries(facts.context)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  if (context) lines.push(`  context: ${context}`);
  const carried = [
    ...(facts.payloads.length ? [describePayloads(facts.payloads)] : []),
    ...facts.closes.map((c) => (c.code === null ? 'the end of the connection' : `close frame ${c.code}${c.reason ? ` "${c.reason}"` : ''}`)),
  ];
  lines.push(`  input:   ${describeInput(facts.input, 200)}${carried.length ? ` carrying ${carried.join(', ')}` : ''}`);
  lines.push('  outputs (- recorded, + replayed):');
  const expected = facts.expected.map((o) => describeOutput(o, 300));
  const actual = facts.actual.map((o) => describeOutput(o, 300));
  const diff = diffLines(expected, actual);
  for (let k = 0; k < diff.length; k++) {
    const line = diff[k]!;
    lines.push(`    ${line.op} ${line.line}`);
    // A removed command followed by an added one of the same type: name the fields that changed.
    const next = diff[k + 1];
    if (line.op === '-' && next?.op === '+') {
      const before = facts.expected[line.index]!;
      const after = facts.actual[next.index]!;
      if (before.kind === 'command' && after.kind === 'command' && before.command.type === after.command.type) {
        lines.push(`    + ${next.line}`);
        for (const change of valueDifferences(before.command, after.command)) lines.push(`        ${change}`);
        k++;
      }
    }
  }
  if (diff.length === 0) lines.push('    (no outputs on either side)');
  return lines.join('\n');
}
