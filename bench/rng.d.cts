/** Types of rng.cjs: the one seeded generator of the tests, the benchmarks and the long fuzz. */

/** A generator of values uniform in [0, 1) from a seed (taken as an unsigned 32-bit integer). */
export declare function mulberry32(seed: number): () => number;

/** mulberry32 with helpers for ranges; `next()` is the sequence of mulberry32(seed). */
export declare class Rng {
  constructor(seed: number);
  /** Uniform in [0, 1). */
  readonly next: () => number;
  /** Uniform in [lo, hi). */
  uniform(lo?: number, hi?: number): number;
  /** An integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
}

/** A seed from a string (FNV-1a), so that a named case always gets the same data. */
export declare function seedOf(name: string): number;
