/**
 * The cases of tests/robustness/memory*.test.ts: one of each op (both layouts, with their inputs
 * and float64 references), expectCode, and describeWasm (a suite on the wasm backends of the run).
 */
import { ConvError } from '../../src/index';
import { makeCases, materialise, referenceOf } from '../helpers/cases';
import { BACKENDS } from '../helpers/testers';
import { WASM_BACKENDS } from '../helpers/backends';
import type { BackendName } from '../../src/index';

export const CASES = makeCases([
  { op: 'conv2d', c: 5, cout: 7, k: 3, stride: 2, padding: 'same', bias: true, activation: 'relu', h: 9, w: 7 },
  { op: 'conv2d', c: 6, cout: 4, k: [3, 2], groups: 2, dilation: 2, padding: [2, 1, 0, 1], bias: true, h: 8, w: 6 },
  { op: 'depthwise', c: 13, k: 3, multiplier: 2, padding: 'same', bias: true, h: 6, w: 6 },
  { op: 'depthwise', c: 8, k: 3, stride: 2, padding: 1, activation: 'relu6', h: 10, w: 9 },
  { op: 'pointwise', c: 17, cout: 9, bias: true, activation: 'relu6', h: 4, w: 5 },
  { op: 'pointwise', c: 6, cout: 10, stride: 2, pwRank: 2, h: 7, w: 7 },
  { op: 'separable', c: 6, cout: 10, k: 3, padding: 'same', stride: 2, depthwiseBias: true, depthwiseActivation: 'relu', bias: true, h: 8, w: 8 },
  { op: 'transposed', c: 4, cout: 6, k: 4, stride: 2, groups: 2, padding: 'same', bias: true, h: 4, w: 5 },
  { op: 'transposed', c: 3, cout: 5, k: 3, stride: 2, dilation: 2, padding: 1, outputPadding: 1, h: 3, w: 4 },
]);
export const LAYOUT_OF = (i: number): 'NCHW' | 'NHWC' => (i % 2 ? 'NHWC' : 'NCHW');
export const DATA = CASES.map((c, i) => {
  const inp = materialise(c, LAYOUT_OF(i));
  return { c, inp, ref: referenceOf(c, inp) };
});

export function expectCode(f: () => unknown, code: string): ConvError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof ConvError)) throw new Error(`expected ConvError ${code}, got ${err === undefined ? 'a result' : String(err)}`);
  expect(err.code).toBe(code);
  return err;
}

/** Suites on the wasm backends (the heap and memory.grow are theirs). */
export const WASM = BACKENDS.filter((b) => WASM_BACKENDS.includes(b));
export const describeWasm = WASM.length ? describe.each(WASM) : describe.skip.each(['none' as BackendName]);
