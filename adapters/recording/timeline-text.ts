/** The timeline as text (what `discord-gateway replay FILE` prints): time, state, input, outputs. */
import { describeInput, describePayloads } from './describe.js';
import type { Cassette } from './format.js';
import { describeOutput } from './outputs.js';
import { buildTimeline, type Timeline } from './timeline.js';

/** Options of {@link formatTimeline}. */
export interface TimelineOptions {
  /** A name for the session in the title (default: the header's label). */
  readonly name?: string;
  /** Longest description of one input or output, in characters (default 110). */
  readonly width?: number;
}

/** The whole session as a table: one block per step, state changes marked with `→`. */
export function formatTimeline(source: Cassette | Timeline, options: TimelineOptions = {}): string {
  const timeline = 'rows' in source ? source : buildTimeline(source, { name: options.name });
  const width = options.width ?? 110;
  const { header } = timeline;
  const lines: string[] = [];
  lines.push(`Gateway session "${options.name ?? timeline.name}": ${header.library.name} ${header.library.version}, cassette format v${header.version}`);
  lines.push(
    `  ${header.url} · ${header.encoding} · ${header.compress ?? 'no compression'} · ${header.engine.framing} framing · seed ${header.seed} · recorded ${new Date(header.startedAt).toISOString()}`,
  );
  const status = timeline.divergesAt === null ? 'replay matches the recording' : `replay DIFFERS from step ${timeline.divergesAt}`;
  lines.push(
    `  ${timeline.rows.length - 1} steps over ${seconds(timeline.durationMs)} s · ${timeline.connections} connection(s) · ${timeline.dispatches} dispatches · ` +
      `${timeline.complete ? 'complete' : timeline.truncated ? 'TRUNCATED' : 'not closed (crash?)'} · ${status}`,
  );
  lines.push('');
  const stateWidth = Math.max(5, ...timeline.rows.map((r) => r.state.length)) + 2;
  lines.push(`${'step'.padStart(5)}  ${'time'.padStart(9)}  ${'state'.padEnd(stateWidth)}  input / outputs`);
  for (const row of timeline.rows) {
    const changed = row.state !== row.stateBefore || row.index === 0;
    const state = `${changed ? '→ ' : '  '}${row.state}`.padEnd(stateWidth);
    const carried = row.payloads.length ? `: ${describePayloads(row.payloads)}` : '';
    const marks = `${row.gap ? ' [withheld: replay stops]' : ''}${row.matches ? '' : ' [replay differs]'}`;
    lines.push(`${String(row.index).padStart(5)}  ${`+${seconds(row.t)}`.padStart(9)}  ${state}  ${cut(describeInput(row.input, width) + carried, width)}${marks}`);
    const pad = ' '.repeat(5 + 2 + 9 + 2 + stateWidth + 2);
    for (const output of row.outputs) {
      if (output.kind === 'random') continue;
      lines.push(`${pad}  ⤷ ${cut(describeOutput(output, width), width)}`);
    }
    for (const close of row.closes) lines.push(`${pad}  ⤷ websocket closed ${close.code ?? '(no code)'}${close.reason ? ` "${close.reason}"` : ''}`);
  }
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
