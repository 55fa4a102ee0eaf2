/**
 * The timing harness: the one file that knows benchmark.js, so another timer (tinybench, a plain
 * loop) can replace it without touching the suite. `measure()` times a sync or async function and
 * returns plain numbers in milliseconds.
 *
 * benchmark.js collects a sample of cycles; each cycle repeats the function until it has run for
 * `minTime` seconds and records the mean time of one call. Slow functions (a call longer than
 * minTime) therefore give one call per sample entry. Sampling stops once `minSamples` entries exist
 * and `maxTime` seconds of cycles have passed.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Benchmark = (() => {
  try {
    return require('benchmark');
  } catch {
    // Installed simdconv packages ship the suite but not its dev-only timer.
    console.error('simdconv bench: the benchmark package is missing; install it with `npm i -D benchmark`');
    process.exit(2);
  }
})();

// benchmark.js would otherwise recompile the function from its source text, which loses the
// closure (every function here closes over a prepared layer): call the function as it is.
Benchmark.support.decompilation = false;

/**
 * Timing budgets (seconds): `full` for a layer, `short` for a kernel micro-benchmark or a plain
 * copy, `quick` for a smoke run that only proves the wiring. A measure() costs about
 * maxTime + 0.5 s; a full run of the suite stays near 8 minutes on 2 cores.
 */
export const BUDGETS = {
  full: { minSamples: 5, maxTime: 0.5, minTime: 0.05 },
  short: { minSamples: 5, maxTime: 0.25, minTime: 0.025 },
  quick: { minSamples: 2, maxTime: 0.02, minTime: 0.002 },
};

/** A call slower than this (ms) is timed 3 times only: the spread of such calls is small. */
export const SLOW_MS = 250;

/** The q-quantile (0..1) of a sorted array, linear between neighbours. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Time `fn`.
 * @param {() => unknown | Promise<unknown>} fn  the work of one call
 * @param {{ async?: boolean, minSamples?: number, maxTime?: number, minTime?: number, expectedMs?: number }} [opts]
 *   async: fn returns a promise that settles when the call is done; expectedMs: the time of a
 *   call seen before (e.g. the first one): calls over SLOW_MS take 3 samples, not minSamples
 * @returns {Promise<{ medianMs: number, meanMs: number, p10Ms: number, p90Ms: number, rme: number,
 *   samples: number, calls: number, sample: number[] }>} rme is benchmark.js's relative margin of
 *   error in percent; sample the sorted per-call times (ms) of the samples
 */
export function measure(fn, opts = {}) {
  const budget = { ...BUDGETS.full, ...opts };
  if (opts.expectedMs > SLOW_MS) budget.minSamples = Math.min(budget.minSamples, 3);
  return new Promise((resolve, reject) => {
    let failure = null;
    const options = {
      minSamples: budget.minSamples,
      maxTime: budget.maxTime,
      minTime: budget.minTime,
      // Keep the delay between cycles small; it is not counted, but it makes a run longer.
      delay: 0,
      onError(event) { failure = event.target.error ?? new Error(String(event.message)); },
      onComplete(event) {
        const b = event.target;
        if (failure || b.error) { reject(failure ?? b.error); return; }
        const sample = b.stats.sample.map((s) => s * 1e3).sort((x, y) => x - y);
        resolve({
          medianMs: quantile(sample, 0.5),
          meanMs: b.stats.mean * 1e3,
          p10Ms: quantile(sample, 0.1),
          p90Ms: quantile(sample, 0.9),
          rme: b.stats.rme,
          samples: sample.length,
          calls: b.count * sample.length,
          sample,
        });
      },
    };
    let bench;
    if (opts.async) {
      options.defer = true;
      bench = new Benchmark((deferred) => { fn().then(() => deferred.resolve(), (e) => { failure = e; deferred.resolve(); }); }, options);
      bench.run({ async: true });
    } else {
      bench = new Benchmark(fn, options);
      bench.run({ async: false });
    }
  });
}

/**
 * Pools the measures of one contender taken in several rounds: quantiles over all their samples,
 * mean weighted by samples, rme the largest of the rounds'.
 * @param {Awaited<ReturnType<typeof measure>>[]} parts
 */
export function pool(parts) {
  const sample = parts.flatMap((p) => p.sample).sort((x, y) => x - y);
  const samples = sample.length;
  return {
    medianMs: quantile(sample, 0.5),
    meanMs: sample.reduce((a, b) => a + b, 0) / samples,
    p10Ms: quantile(sample, 0.1),
    p90Ms: quantile(sample, 0.9),
    rme: Math.max(...parts.map((p) => p.rme)),
    samples,
    calls: parts.reduce((a, p) => a + p.calls, 0),
    rounds: parts.length,
  };
}

/** Time one call of `fn` (sync or async) with the monotonic clock; for cold, first-call figures. */
export async function timeOnce(fn) {
  const t0 = performance.now();
  const r = fn();
  if (r && typeof r.then === 'function') await r;
  return performance.now() - t0;
}
