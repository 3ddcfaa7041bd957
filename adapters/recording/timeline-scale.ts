/**
 * The time axis of the SVG timeline: linear, except that long quiet stretches (a 4 s backoff in
 * a 20 ms session) are cut short and marked as breaks, so the busy parts stay readable. Pure math.
 */

/** A quiet stretch drawn shorter than it was. */
export interface ScaleBreak {
  readonly from: number;
  readonly to: number;
  readonly x0: number;
  readonly x1: number;
}

/** Maps session time (ms) to x, and tells where the axis is broken and where ticks go. */
export interface TimeScale {
  x(t: number): number;
  readonly breaks: readonly ScaleBreak[];
  /** Tick times (ms), chosen per unbroken stretch. */
  readonly ticks: readonly number[];
  /** Formats a tick time. */
  label(t: number): string;
}

/** Gaps longer than this share of the session, and longer than {@link MIN_BREAK_MS}, become breaks. */
const BREAK_SHARE = 0.25;
const MIN_BREAK_MS = 250;
/** A break's drawn width, relative to the drawn width of everything else. */
const BREAK_WEIGHT = 0.12;

/** Builds the scale from the times something happened, over `[0, end]`, drawn on `[left, left + width]`. */
export function timeScale(times: readonly number[], end: number, left: number, width: number): TimeScale {
  const points = [...new Set([0, ...times.filter((t) => t >= 0 && t <= end), end])].sort((a, b) => a - b);
  const gaps = points.slice(1).map((t, i) => t - points[i]!);
  const broken = gaps.map((gap) => gap > end * BREAK_SHARE && gap > MIN_BREAK_MS);
  const plain = gaps.reduce((sum, gap, i) => sum + (broken[i] ? 0 : gap), 0);
  const breakLength = Math.max(plain, 1e-6) * BREAK_WEIGHT;
  const drawn = gaps.map((gap, i) => (broken[i] ? breakLength : gap));
  const total = drawn.reduce((sum, d) => sum + d, 0) || 1;
  const starts: number[] = [0];
  for (const d of drawn) starts.push(starts[starts.length - 1]! + d);

  const x = (t: number): number => {
    if (t <= points[0]!) return left;
    if (t >= points[points.length - 1]!) return left + width;
    let lo = 0;
    let hi = points.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (points[mid]! <= t) lo = mid;
      else hi = mid;
    }
    const gap = gaps[lo]!;
    const within = gap === 0 ? 0 : ((t - points[lo]!) / gap) * drawn[lo]!;
    return left + ((starts[lo]! + within) / total) * width;
  };

  const breaks: ScaleBreak[] = [];
  gaps.forEach((_, i) => {
    if (broken[i]) breaks.push({ from: points[i]!, to: points[i + 1]!, x0: x(points[i]!), x1: x(points[i + 1]!) });
  });

  // Ticks per unbroken stretch, about one per 110 px of it.
  const ticks: number[] = [];
  let stretchStart = 0;
  let smallestStep = Infinity;
  for (const stretch of [...breaks, { from: end, to: end, x0: left + width, x1: left + width }]) {
    const from = stretchStart;
    const to = stretch.from;
    const pixels = x(to) - x(from);
    if (to > from && pixels > 30) {
      const step = niceStep((to - from) / Math.max(1, Math.floor(pixels / 110)));
      smallestStep = Math.min(smallestStep, step);
      for (let k = Math.ceil(from / step - 1e-9); k * step <= to + 1e-9; k++) ticks.push(k * step);
    } else ticks.push(from);
    stretchStart = stretch.to;
  }
  const unique = [...new Set(ticks.map((t) => Number(t.toPrecision(12))))].sort((a, b) => a - b);
  const inSeconds = end >= 2000;
  const decimals = Number.isFinite(smallestStep) ? Math.max(0, -Math.floor(Math.log10(inSeconds ? smallestStep / 1000 : smallestStep) + 1e-9)) : 0;
  const label = (t: number) => (inSeconds ? `${(t / 1000).toFixed(Math.min(decimals, 3))} s` : `${t.toFixed(Math.min(decimals, 3))} ms`);
  return { x, breaks, ticks: unique, label };
}

/** The 1-2-5 step nearest above `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw - 1e-12) ?? power * 10;
}
