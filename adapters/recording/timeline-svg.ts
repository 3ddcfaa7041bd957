/**
 * The timeline as an SVG picture: one lane per machine state over time (with the path the
 * machine took between them), dispatch density, heartbeats and their ACKs, and vertical markers
 * for connections and closes, under a title and above a legend. Pure string building; no DOM.
 */
import type { Cassette } from './format.js';
import { buildTimeline, type Timeline, type TimelineEvent } from './timeline.js';
import { timeScale } from './timeline-scale.js';

/** Options of {@link renderTimelineSvg}. */
export interface TimelineSvgOptions {
  /** A name for the session in the title (default: the header's label). */
  readonly name?: string;
  /** Picture width in pixels (default 1200). */
  readonly width?: number;
}

interface StateStyle {
  readonly label: string;
  readonly color: string;
  readonly group: string;
}

/** Lanes in the order a connection goes through them, with a label a person reads and a color per group. */
const STATES: readonly [string, StateStyle][] = [
  ['idle', { label: 'idle', color: '#9aa5b1', group: 'not connected' }],
  ['connecting', { label: 'connecting (TCP + upgrade)', color: '#e8a317', group: 'connecting' }],
  ['connected.waitingForHello', { label: 'waiting for HELLO', color: '#7fb2e5', group: 'handshake' }],
  ['connected.choosingAuthentication', { label: 'choosing IDENTIFY / RESUME', color: '#7fb2e5', group: 'handshake' }],
  ['connected.waitingForIdentifySlot', { label: 'waiting for IDENTIFY slot', color: '#7fb2e5', group: 'handshake' }],
  ['connected.waitingForApplication', { label: 'waiting for the application', color: '#7fb2e5', group: 'handshake' }],
  ['connected.identifying', { label: 'identifying', color: '#3d7fc4', group: 'authenticating' }],
  ['connected.resuming', { label: 'resuming', color: '#3d7fc4', group: 'authenticating' }],
  ['connected.ready', { label: 'ready', color: '#2e9e5b', group: 'ready' }],
  ['closing', { label: 'closing', color: '#ef7f32', group: 'closing' }],
  ['backoff', { label: 'backoff (reconnect delay)', color: '#9b6ad6', group: 'backoff' }],
  ['closed', { label: 'closed', color: '#5f6b76', group: 'closed' }],
  ['failed', { label: 'failed', color: '#d64545', group: 'failed' }],
];
const STATE_STYLES = new Map(STATES);
const UNKNOWN_STYLE: StateStyle = { label: '', color: '#b0b0b0', group: 'other' };

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const LABEL_WIDTH = 200;
const RIGHT_MARGIN = 36;
const LANE_HEIGHT = 22;
const LANE_GAP = 5;
const MARKER_LABEL_ROWS = 3;
const MARKER_LABEL_HEIGHT = 14;

const MARKERS: Record<string, { color: string; dash: string; width: number } | undefined> = {
  connect: { color: '#2f6fb0', dash: '5 3', width: 1.4 },
  'client-close': { color: '#ef7f32', dash: '', width: 1.6 },
  'user-close': { color: '#ef7f32', dash: '', width: 1.6 },
  'server-close': { color: '#c0392b', dash: '', width: 1.6 },
  failed: { color: '#d64545', dash: '', width: 2.5 },
  gap: { color: '#000000', dash: '2 2', width: 1.2 },
};

/** Draws `cassette` (replayed to learn its states) or a built timeline as an SVG document. */
export function renderTimelineSvg(source: Cassette | Timeline, options: TimelineSvgOptions = {}): string {
  const timeline = 'rows' in source ? source : buildTimeline(source, { name: options.name });
  const width = Math.max(700, options.width ?? 1200);
  const chartLeft = LABEL_WIDTH + 10;
  const chartWidth = width - chartLeft - RIGHT_MARGIN;
  const duration = Math.max(timeline.durationMs, 1e-3);
  // The last 28 px are after the last step, so a final state (closed, failed) shows as a bar.
  const tail = 28;
  const scale = timeScale(
    timeline.rows.map((r) => r.t),
    duration,
    chartLeft,
    chartWidth - tail,
  );
  const x = scale.x;
  const out: string[] = [];

  // Title block.
  const name = options.name ?? timeline.name;
  const { header } = timeline;
  out.push(text(24, 34, `Gateway session: ${name}`, { size: 22, weight: 'bold', color: '#1d2733' }));
  const recorded = new Date(header.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  out.push(
    text(
      24,
      56,
      `${header.encoding.toUpperCase()} · ${header.compress ?? 'no compression'} · ${header.url} · recorded ${recorded} · ${header.library.name} ${header.library.version}`,
      { size: 12.5, color: '#56616c' },
    ),
  );
  const summary = `${fmtDuration(timeline.durationMs)} · ${timeline.rows.length - 1} engine calls · ${timeline.connections} connection${timeline.connections === 1 ? '' : 's'} · ${timeline.dispatches} dispatches`;
  const status =
    timeline.divergesAt === null
      ? { text: 'replay matches the recording', color: '#2e7d4f' }
      : { text: `replay differs from the recording at step ${timeline.divergesAt}`, color: '#c0392b' };
  out.push(text(24, 76, summary, { size: 12.5, color: '#56616c' }));
  out.push(text(width - RIGHT_MARGIN, 76, `${status.text}${timeline.complete ? '' : timeline.truncated ? ' · file truncated' : ' · recording not closed'}`, { size: 12.5, color: status.color, anchor: 'end', weight: 'bold' }));

  // Vertical marker labels sit in staggered rows above the lanes.
  const markerTop = 92;
  const lanesTop = markerTop + MARKER_LABEL_ROWS * MARKER_LABEL_HEIGHT + 8;
  const lanes = lanesOf(timeline);
  const laneY = new Map(lanes.map((state, i) => [state, lanesTop + i * (LANE_HEIGHT + LANE_GAP)]));
  const lanesBottom = lanesTop + lanes.length * (LANE_HEIGHT + LANE_GAP) - LANE_GAP;

  // Rows under the lanes.
  const dispatchTop = lanesBottom + 18;
  const dispatchHeight = 44;
  const gatewayTop = dispatchTop + dispatchHeight + 14;
  const gatewayHeight = 62;
  const heartbeatTop = gatewayTop + gatewayHeight + 10;
  const heartbeatHeight = 26;
  const chartBottom = heartbeatTop + heartbeatHeight;
  const axisY = chartBottom + 8;

  // Backgrounds: lane stripes and row panels.
  lanes.forEach((state, i) => {
    const y = laneY.get(state)!;
    if (i % 2 === 0) out.push(rect(chartLeft, y - 2, chartWidth, LANE_HEIGHT + 4, '#f4f6f8'));
    out.push(text(LABEL_WIDTH, y + LANE_HEIGHT / 2 + 4, styleOf(state).label || state, { size: 12, anchor: 'end', color: '#27313b' }));
  });
  out.push(rect(chartLeft, dispatchTop, chartWidth, dispatchHeight, '#f7f9fb'));
  out.push(rect(chartLeft, gatewayTop, chartWidth, gatewayHeight, '#f7f9fb'));
  out.push(rect(chartLeft, heartbeatTop, chartWidth, heartbeatHeight, '#f7f9fb'));
  out.push(text(LABEL_WIDTH, dispatchTop + dispatchHeight / 2 + 2, 'dispatches', { size: 12, anchor: 'end', color: '#27313b', weight: 'bold' }));
  out.push(text(LABEL_WIDTH, gatewayTop + gatewayHeight / 2 + 4, 'gateway opcodes', { size: 12, anchor: 'end', color: '#27313b', weight: 'bold' }));
  out.push(text(LABEL_WIDTH, heartbeatTop + heartbeatHeight / 2 + 4, 'heartbeats', { size: 12, anchor: 'end', color: '#27313b', weight: 'bold' }));
  out.push(text(14, lanesTop - 6, 'machine state', { size: 11, color: '#56616c', weight: 'bold' }));

  // Grid lines at the axis ticks (ticks closer than 48 px to the previous one are dropped).
  const ticks: number[] = [];
  for (const tick of scale.ticks) if (ticks.length === 0 || x(tick) - x(ticks[ticks.length - 1]!) >= 48) ticks.push(tick);
  for (const tick of ticks) out.push(line(x(tick), lanesTop - 4, x(tick), chartBottom, '#e1e5ea', 1));

  // The path the machine took: thin connectors between lanes, then the bars on top.
  // The last state lasts until the end of the picture (the session is still in it).
  const last = timeline.spans.length - 1;
  const spanEnd = (i: number) => (i === last ? chartLeft + chartWidth : x(timeline.spans[i]!.to));
  const spans = timeline.spans;
  const path: string[] = [];
  spans.forEach((span, i) => {
    const y = (laneY.get(span.state) ?? lanesTop) + LANE_HEIGHT / 2;
    path.push(`${path.length ? 'L' : 'M'}${f(x(span.from))} ${f(y)} L${f(spanEnd(i))} ${f(y)}`);
  });
  out.push(`<path d="${path.join(' ')}" fill="none" stroke="#8593a1" stroke-width="1" stroke-dasharray="2 2"/>`);
  spans.forEach((span, i) => {
    const y = laneY.get(span.state) ?? lanesTop;
    const x0 = x(span.from);
    const w = Math.max(3, spanEnd(i) - x0);
    const style = styleOf(span.state);
    out.push(`<rect x="${f(x0)}" y="${f(y)}" width="${f(w)}" height="${LANE_HEIGHT}" rx="3" fill="${style.color}"><title>${esc(`${span.state}: ${fmtMs(span.from)} – ${fmtMs(span.to)} (${fmtMs(span.to - span.from)})`)}</title></rect>`);
    const spanText = fmtMs(span.to - span.from);
    if (i !== last && w > spanText.length * 6.5 + 10) out.push(text(x0 + 5, y + LANE_HEIGHT / 2 + 4, spanText, { size: 10.5, color: '#ffffff' }));
  });

  // Dispatch density: a histogram of dispatches per time bin.
  const dispatchEvents = timeline.events.filter((e) => e.kind === 'dispatch' || e.kind === 'ready' || e.kind === 'resumed');
  if (dispatchEvents.length === 0) {
    out.push(text(chartLeft + 8, dispatchTop + dispatchHeight / 2 + 4, 'none', { size: 11, color: '#8593a1' }));
  } else {
    const binPx = 4;
    const bins = new Array<number>(Math.ceil(chartWidth / binPx)).fill(0);
    for (const event of dispatchEvents) bins[Math.min(bins.length - 1, Math.floor((x(event.t) - chartLeft) / binPx))]!++;
    const max = Math.max(...bins);
    bins.forEach((count, i) => {
      if (count === 0) return;
      const h = Math.max(2, (count / max) * (dispatchHeight - 6));
      out.push(rect(chartLeft + i * binPx, dispatchTop + dispatchHeight - h, binPx - 0.6, h, '#3d7fc4'));
    });
    out.push(text(LABEL_WIDTH, dispatchTop + dispatchHeight / 2 + 17, `${dispatchEvents.length} in all, tallest bar ${max}`, { size: 10, anchor: 'end', color: '#56616c' }));
  }

  // Gateway opcodes: HELLO, IDENTIFY, READY, RESUME, RESUMED, op 7, op 9, as labelled ticks.
  const gatewayKinds = new Set<TimelineEvent['kind']>(['hello', 'identify', 'ready', 'resume', 'resumed', 'reconnect-request', 'invalid-session', 'thrown', 'user-send']);
  // Labels are placed most telling first, so when ticks crowd, HELLO is what loses its label.
  const gatewayEvents = timeline.events.filter((e) => gatewayKinds.has(e.kind)).sort((a, b) => labelPriority(a) - labelPriority(b));
  const gatewayLabels = new LabelRows(4);
  for (const event of gatewayEvents) {
    const ex = x(event.t);
    const color = GATEWAY_COLORS[event.kind] ?? '#27313b';
    out.push(line(ex, gatewayTop + 3, ex, gatewayTop + gatewayHeight - 3, color, 2));
    const label = shortLabel(event);
    const labelWidth = label.length * 6 + 6;
    // Right of the tick if a row has room there, else left of it.
    let left = ex + 3;
    let row = gatewayLabels.place(left, labelWidth);
    if (row === null) {
      left = ex - labelWidth;
      row = gatewayLabels.place(left, labelWidth);
    }
    if (row !== null) out.push(text(left, gatewayTop + 13 + row * 14, label, { size: 10, color }));
  }

  // Heartbeats: sent (triangle: blue when ACKed, red when the next beat came first, gray when the connection ended first), ACKs (dots).
  const beats = timeline.events.filter((e) => e.kind === 'heartbeat' || e.kind === 'ack' || MARKERS[e.kind] !== undefined);
  beats.forEach((event, i) => {
    if (event.kind === 'ack') {
      out.push(`<circle cx="${f(x(event.t))}" cy="${f(heartbeatTop + 19)}" r="3.2" fill="#2e9e5b"><title>${esc(`${event.label} at ${fmtMs(event.t)}`)}</title></circle>`);
      return;
    }
    if (event.kind !== 'heartbeat') return;
    const next = beats[i + 1]?.kind;
    const fate = next === 'ack' ? 'acked' : next === 'heartbeat' || next === 'client-close' ? 'missed' : 'open';
    const color = fate === 'acked' ? '#2f6fb0' : fate === 'missed' ? '#d64545' : '#9aa5b1';
    const note = fate === 'acked' ? '' : fate === 'missed' ? ' — never acknowledged' : ' — the connection ended before an ACK';
    const hx = x(event.t);
    const y = heartbeatTop + 9;
    out.push(`<path d="M${f(hx - 4.5)} ${f(y + 4)} L${f(hx + 4.5)} ${f(y + 4)} L${f(hx)} ${f(y - 4)} Z" fill="${color}"><title>${esc(`${event.label} at ${fmtMs(event.t)}${note}`)}</title></path>`);
  });

  // Vertical markers: connections, closes, failure; labels staggered above the lanes, drawn after every line.
  const markerLabels = new LabelRows(MARKER_LABEL_ROWS);
  const labels: string[] = [];
  for (const event of timeline.events) {
    const style = MARKERS[event.kind];
    if (!style) continue;
    const mx = x(event.t);
    out.push(line(mx, markerTop + 4, mx, chartBottom, style.color, style.width, style.dash));
    const label = truncate(event.label, 64);
    const labelWidth = label.length * 6.1 + 8;
    const left = mx + labelWidth > chartLeft + chartWidth ? mx - labelWidth : mx + 3;
    const row = markerLabels.place(left, labelWidth);
    if (row === null) continue;
    const y = markerTop + 11 + row * MARKER_LABEL_HEIGHT;
    labels.push(rect(left - 1, y - 10, labelWidth - 4, 13, '#ffffff', 0.9));
    labels.push(text(left + 1, y, label, { size: 10.5, color: style.color, weight: 'bold' }));
  }
  out.push(...labels);

  // Axis breaks: quiet stretches drawn shorter than they were.
  for (const cut of scale.breaks) {
    const mid = (cut.x0 + cut.x1) / 2;
    out.push(rect(mid - 7, lanesTop - 4, 14, chartBottom - lanesTop + 4, '#ffffff', 0.9));
    for (const dx of [-5, 5]) {
      const zig: string[] = [];
      for (let y = lanesTop - 4, k = 0; y <= chartBottom; y += 6, k++) zig.push(`${k ? 'L' : 'M'}${f(mid + dx + (k % 2 ? 2 : -2))} ${f(y)}`);
      out.push(`<path d="${zig.join(' ')}" fill="none" stroke="#8593a1" stroke-width="1"/>`);
    }
    out.push(text(mid, axisY + 18, `${fmtMs(cut.to - cut.from)} cut`, { size: 10.5, color: '#8593a1', anchor: 'middle' }));
  }

  // Where the recording ends.
  const endX = x(timeline.durationMs);
  out.push(line(endX, lanesTop - 4, endX, chartBottom, '#1d2733', 1, '1 3'));

  // Time axis.
  out.push(line(chartLeft, axisY, chartLeft + chartWidth, axisY, '#56616c', 1));
  for (const tick of ticks) {
    if (scale.breaks.some((cut) => Math.abs(x(tick) - (cut.x0 + cut.x1) / 2) < 36)) continue;
    out.push(line(x(tick), axisY, x(tick), axisY + 5, '#56616c', 1));
    out.push(text(x(tick), axisY + 18, scale.label(tick), { size: 11, color: '#27313b', anchor: 'middle' }));
  }
  out.push(text(chartLeft + chartWidth / 2, axisY + 36, 'time since the engine was created', { size: 11.5, color: '#56616c', anchor: 'middle' }));

  // Legend.
  const legendTop = axisY + 56;
  const legend: { draw: (lx: number, ly: number) => string; label: string }[] = [];
  const seenGroups = new Set<string>();
  for (const state of lanes) {
    const style = styleOf(state);
    if (seenGroups.has(style.group)) continue;
    seenGroups.add(style.group);
    legend.push({ label: style.group, draw: (lx, ly) => `<rect x="${lx}" y="${ly - 9}" width="16" height="11" rx="2" fill="${style.color}"/>` });
  }
  legend.push({ label: 'heartbeat sent', draw: (lx, ly) => `<path d="M${lx + 3} ${ly + 2} L${lx + 13} ${ly + 2} L${lx + 8} ${ly - 8} Z" fill="#2f6fb0"/>` });
  legend.push({ label: 'heartbeat never ACKed', draw: (lx, ly) => `<path d="M${lx + 3} ${ly + 2} L${lx + 13} ${ly + 2} L${lx + 8} ${ly - 8} Z" fill="#d64545"/>` });
  legend.push({ label: 'ACK', draw: (lx, ly) => `<circle cx="${lx + 8}" cy="${ly - 3}" r="3.5" fill="#2e9e5b"/>` });
  legend.push({ label: 'new connection', draw: (lx, ly) => line(lx + 8, ly - 10, lx + 8, ly + 3, MARKERS.connect!.color, 1.6, MARKERS.connect!.dash) });
  legend.push({ label: 'close sent by the client', draw: (lx, ly) => line(lx + 8, ly - 10, lx + 8, ly + 3, MARKERS['client-close']!.color, 2) });
  legend.push({ label: 'connection closed / lost', draw: (lx, ly) => line(lx + 8, ly - 10, lx + 8, ly + 3, MARKERS['server-close']!.color, 2) });
  let lx = chartLeft;
  let ly = legendTop;
  out.push(text(LABEL_WIDTH, legendTop, 'legend', { size: 12, anchor: 'end', color: '#27313b', weight: 'bold' }));
  for (const item of legend) {
    const itemWidth = 24 + item.label.length * 6.6 + 18;
    if (lx + itemWidth > chartLeft + chartWidth) {
      lx = chartLeft;
      ly += 20;
    }
    out.push(item.draw(lx, ly));
    out.push(text(lx + 22, ly, item.label, { size: 11.5, color: '#27313b' }));
    lx += itemWidth;
  }
  const height = ly + 22;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<title>${esc(`Gateway session: ${name}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

const GATEWAY_COLORS: Partial<Record<TimelineEvent['kind'], string>> = {
  hello: '#56616c',
  identify: '#3d7fc4',
  resume: '#3d7fc4',
  ready: '#2e9e5b',
  resumed: '#2e9e5b',
  'reconnect-request': '#c0392b',
  'invalid-session': '#c0392b',
  thrown: '#d64545',
  'user-send': '#7a4fb8',
};

function labelPriority(event: TimelineEvent): number {
  return event.kind === 'hello' ? 2 : event.kind === 'user-send' || event.kind === 'thrown' ? 1 : 0;
}

function shortLabel(event: TimelineEvent): string {
  switch (event.kind) {
    case 'reconnect-request':
      return 'op 7';
    case 'invalid-session':
      return event.label.replace('INVALID_SESSION ', '');
    case 'thrown':
      return `threw ${event.label}`;
    default:
      return event.label;
  }
}

/** The lanes: states the session visited, in the order a connection goes through them. */
function lanesOf(timeline: Timeline): string[] {
  const visited = new Set(timeline.spans.map((s) => s.state));
  const known = STATES.map(([state]) => state).filter((state) => visited.has(state));
  const unknown = [...visited].filter((state) => !STATE_STYLES.has(state));
  return [...known, ...unknown];
}

function styleOf(state: string): StateStyle {
  return STATE_STYLES.get(state) ?? UNKNOWN_STYLE;
}

/** Greedy placement of labels into a few rows so they do not overlap. */
class LabelRows {
  /** Per row, the x ranges already used. */
  readonly #taken: [number, number][][];

  constructor(rows: number) {
    this.#taken = Array.from({ length: rows }, () => []);
  }

  place(left: number, width: number): number | null {
    for (let row = 0; row < this.#taken.length; row++) {
      const taken = this.#taken[row]!;
      if (taken.some(([a, b]) => left < b && left + width > a)) continue;
      taken.push([left, left + width]);
      return row;
    }
    return null;
  }
}

function fmtMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms >= 1000) return `${trim((ms / 1000).toFixed(2))} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${trim(ms.toFixed(1))} ms`;
}

function fmtDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function trim(number: string): string {
  return number.includes('.') ? number.replace(/\.?0+$/, '') : number;
}

function truncate(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rect(x: number, y: number, w: number, h: number, fill: string, opacity = 1): string {
  return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" fill="${fill}"${opacity < 1 ? ` fill-opacity="${opacity}"` : ''}/>`;
}

function line(x1: number, y1: number, x2: number, y2: number, color: string, width: number, dash = ''): string {
  return `<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x2)}" y2="${f(y2)}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

function text(
  x: number,
  y: number,
  value: string,
  style: { size: number; color: string; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold' },
): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${style.size}" fill="${style.color}"${style.anchor && style.anchor !== 'start' ? ` text-anchor="${style.anchor}"` : ''}${style.weight ? ` font-weight="${style.weight}"` : ''}>${esc(value)}</text>`;
}
