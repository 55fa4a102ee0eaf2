/**
 * The planning every split of split.ts shares: how many tasks a split aims at, when a pass around
 * the kernels is worth splitting, and runs of a range. Its own module so that the kernel families
 * (split-gemm.ts, split-conv.ts, split-passes.ts) and split.ts, which calls them, import it
 * without importing each other.
 */

/** Tasks per thread a split aims at, so that threads that start late or run slower still balance (XNNPACK's figure). */
export const TASKS_PER_THREAD = 5;

/**
 * Bytes a pass around the kernels (a transpose, the expansion, the activation) must move before
 * it splits; below, the run's dispatch costs more than the other threads save (docs/performance.md#threads).
 */
export const SPLIT_MIN_BYTES = 1 << 16;
/** Tunable by tests (every pass split) and benches; SPLIT_MIN_BYTES by default. */
export const passTuning = { minBytes: SPLIT_MIN_BYTES };

/**
 * Runs of a range of `len` units in steps of `step`: [start, end) pairs, at least `runs` of them
 * where the range has that many steps (steps per run rounded down), fewer than 2 * runs.
 */
export function runsOf(len: number, step: number, runs: number): number[] {
  const steps = Math.ceil(len / step);
  const per = Math.max(1, Math.floor(steps / Math.max(1, runs))) * step;
  const out: number[] = [];
  for (let a = 0; a < len; a += per) out.push(a, Math.min(len, a + per));
  return out;
}
