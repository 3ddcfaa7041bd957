// Timing: warm-up, then samples taken round-robin across a case's contenders (so drift on a
// shared machine hits them all alike), and order statistics (median, p25, p75) rather than
// means, which outliers skew. One forced GC (node --expose-gc) clears the previous group's
// garbage before a group starts, never before each sample: a full GC shrinks V8's young
// generation, and the scavenges while it grows back doubled the time of allocation-heavy
// decoders (decodeEtf: 5.5 -> 10.4 ms a pass), which a long-running client never pays.
// A sample repeats one pass over the workload until it lasts at least `minSampleMs`.
// Both clocks are kept: wall time (the figure that counts, what a throughput is) and the
// process's CPU time over all threads, which adds work moved off the main thread (parallel and
// concurrent GC, libuv's pool for node:zlib's stream) and hides time lost to other processes.

const wallNow = () => process.hrtime.bigint();
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

/** The q-quantile of sorted numbers, linearly interpolated. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

// A contender may have `setup()`, run before each pass and outside the timing (a connection's
// handshake, building a client); its result is passed to `run` as the second argument.
async function pass(contender, expected, state) {
  let n = 0;
  const count = () => {
    n++;
  };
  const result = contender.run(count, state);
  if (result !== undefined && typeof result.then === 'function') await result;
  if (n !== expected) throw new Error(`${contender.label}: ${n} messages out, expected ${expected}`);
}

/** One sample: `reps` passes; returns CPU and wall milliseconds per pass (setups not counted). */
async function timePasses(contender, expected, reps) {
  if (contender.setup) {
    let wall = 0n;
    let cpu = 0;
    for (let i = 0; i < reps; i++) {
      const state = await contender.setup();
      const wall0 = wallNow();
      const cpu0 = cpuNow();
      await pass(contender, expected, state);
      cpu += cpuNow() - cpu0;
      wall += wallNow() - wall0;
    }
    return { cpu: cpu / 1e3 / reps, wall: Number(wall) / 1e6 / reps };
  }
  const wall = wallNow();
  const cpu = cpuNow();
  for (let i = 0; i < reps; i++) await pass(contender, expected);
  const cpuMs = (cpuNow() - cpu) / 1e3 / reps;
  const wallMs = Number(wallNow() - wall) / 1e6 / reps;
  return { cpu: cpuMs, wall: wallMs };
}

/**
 * Measures every available contender of one workload. Each contender is
 * `{ label, run(onMessage) }`, where `run` processes the whole workload once, calls
 * `onMessage` per output message, and may return a promise. Returns per-pass times in ms:
 * `stats = { median, p25, p75 }` of wall time, and the same of CPU time in `stats.cpu`.
 */
export async function measure(contenders, expected, { warmup, samples, minSampleMs }) {
  const live = contenders.filter((c) => c.run);
  gc();
  const reps = new Map();
  // A contender may expect its own number of outputs (a client delivers dispatches, not every payload).
  const want = (c) => c.count ?? expected;
  for (const c of live) {
    for (let i = 0; i < warmup; i++) await timePasses(c, want(c), 1);
    const once = (await timePasses(c, want(c), 1)).wall;
    reps.set(c, Math.max(1, Math.min(1000, Math.ceil(minSampleMs / Math.max(once, 1e-3)))));
  }
  const times = new Map(live.map((c) => [c, []]));
  for (let round = 0; round < samples; round++) {
    for (let i = 0; i < live.length; i++) {
      const c = live[(i + round) % live.length];
      times.get(c).push(await timePasses(c, want(c), reps.get(c)));
    }
  }
  return contenders.map((c) => {
    if (!c.run) return { ...c, stats: null };
    const summary = (key) => {
      const sorted = times.get(c).map((t) => t[key]).sort((a, b) => a - b);
      return { median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
    };
    return { ...c, stats: { ...summary('wall'), cpu: summary('cpu'), reps: reps.get(c), samples: times.get(c).length } };
  });
}

/**
 * Runs a contender once and checks each output message as it comes (outputs may be views into
 * reused buffers, valid only until the next one): `check(message, index)` returns true when
 * right. Throws on the first wrong message or a wrong count.
 */
export async function verify(contender, expected, check) {
  let index = 0;
  let wrong = -1;
  expected = contender.count ?? expected;
  const state = contender.setup ? await contender.setup() : undefined;
  const result = contender.run((message) => {
    if (wrong < 0 && !check(message, index)) wrong = index;
    index++;
  }, state);
  if (result !== undefined && typeof result.then === 'function') await result;
  if (wrong >= 0) throw new Error(`${contender.label}: message ${wrong} is wrong`);
  if (index !== expected) throw new Error(`${contender.label}: ${index} messages out, expected ${expected}`);
}
