'use strict';
/**
 * The seeded generator of the tests, the benchmarks and the long fuzz: mulberry32, a small, fast
 * PRNG (same seed, same sequence). CommonJS so that both jest (CommonJS, tests/**) and the
 * benchmarks' ES modules (bench/cases.mjs) import this one file; types in rng.d.cts.
 */

/** A generator of values uniform in [0, 1) from a seed (taken as an unsigned 32-bit integer). */
function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 with helpers for ranges; `next()` is the sequence of mulberry32(seed). */
class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [lo, hi). */
  uniform(lo = -1, hi = 1) {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi], both ends included. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

/** A seed from a string (FNV-1a), so that a named case always gets the same data. */
function seedOf(name) {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

exports.mulberry32 = mulberry32;
exports.Rng = Rng;
exports.seedOf = seedOf;
