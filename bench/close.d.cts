/** Types of close.cjs: API.md's tolerance, the one check of the tests, the benchmarks and the long fuzz. */

/** Whether `a` (got) is within API.md's tolerance of `b` (expected). */
export declare function closeEnough(a: number, b: number): boolean;

/** What check() finds over two arrays (close.cjs says how NaN, infinities and lengths count). */
export interface CloseCheck {
  ok: boolean;
  /** Elements out of tolerance, and the first of them (-1 when none). */
  bad: number;
  first: number;
  /** The largest |a - b| / (1e-4 + 1e-4 |b|) and its index (-1 when every element is exact). */
  worst: number;
  at: number;
  /** The largest |a - b|. */
  maxAbs: number;
}

/** Every element of `actual` against `expected`. */
export declare function check(actual: ArrayLike<number>, expected: ArrayLike<number>): CloseCheck;

/** Describes the elements out of tolerance, or returns null when there are none. */
export declare function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null;
