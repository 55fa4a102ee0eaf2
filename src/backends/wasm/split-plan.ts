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

/** What the copies of a Feed need of the heap: a view on the current memory. */
interface FloatMemory {
  f32(): Float32Array;
}

/**
 * A stage's input still in the caller's array, copied into wasm memory during the run that reads
 * it (pool.run's `feed`): the caller copies task t's chunk, raises READY past t and goes on with
 * the next chunk while the workers start on the tasks whose input is in, so the copy, which only
 * the caller can do (the array is not shared), overlaps their work. Chunks are in task order and
 * hold what task t reads that no earlier chunk held: 4 numbers per task, `count` segments of
 * `len` floats `stride` apart from float `start` of src, each to the same offset from `at`.
 */
export class Feed {
  constructor(private readonly mem: FloatMemory, readonly src: Float32Array, readonly at: number) {}

  /** Copies chunk t of `chunks` in. */
  copy(chunks: readonly number[], t: number): void {
    const len = chunks[4 * t + 1];
    const count = chunks[4 * t + 2];
    if (len === 0 || count === 0) return;
    const f32 = this.mem.f32();
    const src = this.src;
    const at = this.at >>> 2;
    for (let i = 0, s = chunks[4 * t]; i < count; i++, s += chunks[4 * t + 3]) {
      f32.set(src.subarray(s, s + len), at + s);
    }
  }

  /** Copies all of src in at once (a run on the caller's thread alone). */
  all(): void {
    this.mem.f32().set(this.src, this.at >>> 2);
  }
}

/** Segments shorter than this many floats are not worth a chunk each: such a feed copies all before task 0. */
export const FEED_MIN_SEGMENT = 256;

/**
 * A feed's chunks for tasks over runs of pixels `r` ([start, end) pairs) of every image of n
 * NCHW images, and within a run over blocks of channels `cr` (pairs too; all c by default): each
 * the run's pixels of the block's planes, or, where runs are shorter than FEED_MIN_SEGMENT, all
 * of the input before task 0.
 */
export function pixelRunChunks(r: readonly number[], n: number, c: number, hw: number,
  cr: readonly number[] = [0, c]): number[] {
  if (r[1] - r[0] < FEED_MIN_SEGMENT) {
    const chunks = new Array<number>(2 * n * r.length * (cr.length / 2)).fill(0);
    chunks[1] = n * c * hw;
    chunks[2] = 1;
    return chunks;
  }
  const chunks: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < r.length; i += 2) {
      for (let k = 0; k < cr.length; k += 2) chunks.push(b * c * hw + cr[k] * hw + r[i], r[i + 1] - r[i], cr[k + 1] - cr[k], hw);
    }
  }
  return chunks;
}
