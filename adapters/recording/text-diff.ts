/**
 * Small diffs for replay reports: a line diff (longest common subsequence) of two output lists,
 * and the paths at which two JSON-like values differ. Inputs are a few dozen lines at most.
 */

/** One line of a diff: kept (` `), only expected (`-`), only actual (`+`). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly index: number;
  readonly line: string;
}

/** The line diff of `expected` against `actual`, in order; `index` is the line's position in its own list. */
export function diffLines(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  const n = expected.length;
  const m = actual.length;
  if (n * m > 250_000) return positional(expected, actual);
  // lcs[i][j]: length of the longest common subsequence of expected[i..] and actual[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push({ op: ' ', index: i, line: expected[i++]! });
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ op: '+', index: j, line: actual[j++]! });
    } else {
      out.push({ op: '-', index: i, line: expected[i++]! });
    }
  }
  return reorderChanges(out);
}

/** Within each run of changes, lists removals before additions, so each `-` sits above its `+`. */
function reorderChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const drain = () => {
    out.push(...run.filter((l) => l.op === '-'), ...run.filter((l) => l.op === '+'));
    run = [];
  };
  for (const line of lines) {
    if (line.op === ' ') {
      drain();
      out.push(line);
    } else run.push(line);
  }
  drain();
  return out;
}

function positional(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i] === actual[i]) out.push({ op: ' ', index: i, line: expected[i]! });
    else {
      if (i < expected.length) out.push({ op: '-', index: i, line: expected[i]! });
      if (i < actual.length) out.push({ op: '+', index: i, line: actual[i]! });
    }
  }
  return out;
}

/** Where two JSON-like values differ, as `path: expected → actual` lines (at most `max`). */
export function valueDifferences(expected: unknown, actual: unknown, max = 8): string[] {
  const out: string[] = [];
  walk(expected, actual, '', out, max);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: string[], max: number): void {
  if (out.length >= max || Object.is(a, b)) return;
  const bothObjects = typeof a === 'object' && typeof b === 'object' && a !== null && b !== null;
  if (bothObjects && !(a instanceof Uint8Array) && !(b instanceof Uint8Array) && Array.isArray(a) === Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      walk(left[key], right[key], Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key, out, max);
    }
    return;
  }
  if (a === undefined && b === undefined) return;
  out.push(`${path || '(value)'}: ${show(a)} → ${show(b)}`);
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
