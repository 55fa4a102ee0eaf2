/**
 * The one tolerance check of the tests, API.md's: |a - b| <= 1e-4 + 1e-4 |b| per element, NaN
 * matches NaN only, an infinity only itself. `b` is the expected (float64 reference) value.
 */

/** Whether `a` (got) is within API.md's tolerance of `b` (expected). */
export function closeEnough(a: number, b: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(b);
}

/** Describes the mismatches, or returns null when every element is close. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!closeEnough(actual[i], expected[i])) {
      if (first < 0) first = i;
      bad++;
      const e = Math.abs(actual[i] - expected[i]);
      if (e > worst || Number.isNaN(e)) worst = e;
    }
  }
  if (bad === 0) return null;
  return `${bad} of ${expected.length} elements differ; first at index ${first}: got ${actual[first]}, expected ${expected[first]}; worst |diff| ${worst}`;
}

/**
 * Throws (failing the test) unless every element is within API.md's tolerance; the message
 * names the context, the first bad index, its values and how many are bad.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, ctx = ''): void {
  const msg = compare(actual, expected);
  if (msg !== null) throw new Error(`${ctx ? ctx + ': ' : ''}${msg}`);
}

/** Shape and values in one check. */
export function expectTensorClose(
  actual: { data: ArrayLike<number>; shape: number[] }, expected: { data: ArrayLike<number>; shape: number[] }, ctx = '',
): void {
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    throw new Error(`${ctx ? ctx + ': ' : ''}shape ${JSON.stringify(actual.shape)}, expected ${JSON.stringify(expected.shape)}`);
  }
  expectClose(actual.data, expected.data, ctx);
}
