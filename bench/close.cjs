'use strict';
/**
 * The one tolerance check of the tests, the benchmarks and the long fuzz, API.md's:
 * |a - b| <= 1e-4 + 1e-4 |b| per element, `b` the expected (float64 reference) value; NaN
 * matches NaN only, an infinity only itself. CommonJS, as rng.cjs, so that jest
 * (tests/helpers/close.ts re-exports it) and the benchmarks' ES modules import one file; types
 * in close.d.cts.
 */

// Builtins cached in module scope: under jest's vm context every global lookup in a hot loop
// (Math.abs, Number.isNaN) goes through the context's interceptor, about a microsecond each.
const abs = Math.abs;
const isNaN = Number.isNaN;
const isFinite = Number.isFinite;

/** Whether `a` (got) is within API.md's tolerance of `b` (expected). */
function closeEnough(a, b) {
  if (isNaN(b)) return isNaN(a);
  if (!isFinite(b)) return a === b;
  return abs(a - b) <= 1e-4 + 1e-4 * abs(b);
}

/**
 * Every element of `actual` against `expected`: ok, how many are out of tolerance and the first
 * of them, the largest |a - b| / (1e-4 + 1e-4 |b|) (`worst`, at most 1 when ok) and where, and
 * the largest |a - b| (`maxAbs`). A NaN or infinity that matches counts 0, one that does not
 * Infinity; arrays of different lengths are not ok.
 */
function check(actual, expected) {
  if (actual.length !== expected.length) {
    return { ok: false, bad: actual.length > expected.length ? actual.length : expected.length, first: 0, worst: Infinity, at: 0, maxAbs: Infinity };
  }
  let bad = 0;
  let first = -1;
  let worst = 0;
  let at = -1;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    let d;
    let r;
    if (isFinite(b) && isFinite(a)) {
      d = abs(a - b);
      r = d / (1e-4 + 1e-4 * abs(b));
    } else {
      d = r = closeEnough(a, b) ? 0 : Infinity;
    }
    if (!(r <= 1)) {
      bad++;
      if (first < 0) first = i;
    }
    if (r > worst) {
      worst = r;
      at = i;
    }
    if (d > maxAbs) maxAbs = d;
  }
  return { ok: bad === 0, bad, first, worst, at, maxAbs };
}

/** Describes the elements out of tolerance, or returns null when there are none. */
function compare(actual, expected) {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const c = check(actual, expected);
  if (c.ok) return null;
  return `${c.bad} of ${expected.length} elements differ; first at index ${c.first}: got ${actual[c.first]}, ` +
    `expected ${expected[c.first]}; worst at index ${c.at}, ${c.worst.toPrecision(3)} times the tolerance`;
}

exports.closeEnough = closeEnough;
exports.check = check;
exports.compare = compare;
