/**
 * The one tolerance check of the tests, API.md's: |a - b| <= 1e-4 + 1e-4 |b| per element, NaN
 * matches NaN only, an infinity only itself. `b` is the expected (float64 reference) value.
 * The check itself is bench/close.cjs, shared with the benchmarks and the long fuzz; this file
 * adds the throwing forms the tests call.
 */

import { compare } from '../../bench/close.cjs';

export { check, closeEnough, compare } from '../../bench/close.cjs';

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
