/**
 * Tensor checks shared by every op: plain `{data: Float32Array, shape: number[]}` objects,
 * row-major and dense (API.md, "Tensors").
 */
import { ConvError, show } from '../errors.js';

/** A dense row-major float32 tensor. Activations are 4-D, NCHW or NHWC. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** Largest element count a tensor may have: beyond it no backend could address it. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks that `t` is a Tensor of rank `ranks` whose data length matches its shape.
 * @throws ConvError BAD_TENSOR | BAD_RANK | SHAPE_MISMATCH
 */
export function checkTensor(
  fn: string, arg: string, t: unknown, ranks: readonly number[], kernelAxes?: readonly [number, number],
): Tensor {
  if (t === null || typeof t !== 'object') {
    throw new ConvError('BAD_TENSOR', `${fn}: ${arg} (${show(t)}) must be a tensor {data: Float32Array, shape: number[]}`);
  }
  const { data, shape } = t as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array)) {
    throw new ConvError('BAD_TENSOR', `${fn}: ${arg}.data (${show(data)}) must be a Float32Array`);
  }
  const n = checkShape(fn, `${arg}.shape`, shape, ranks, kernelAxes);
  if (data.length !== n) {
    throw new ConvError('SHAPE_MISMATCH', `${fn}: ${arg}.data.length (${data.length}) must equal the product of ${arg}.shape ${show(shape)} (${n})`);
  }
  return { data, shape: (shape as number[]).slice() };
}

/**
 * Checks a shape (an array of positive integers of one of `ranks`) and returns its element count.
 * `kernelAxes` names the two kernel axes of a rank-4 weight shape: a zero there is BAD_KERNEL.
 * @throws ConvError BAD_TENSOR | BAD_RANK | BAD_KERNEL | SHAPE_MISMATCH
 */
export function checkShape(
  fn: string, name: string, shape: unknown, ranks: readonly number[], kernelAxes?: readonly [number, number],
): number {
  if (!Array.isArray(shape)) {
    throw new ConvError('BAD_TENSOR', `${fn}: ${name} (${show(shape)}) must be an array of positive integers`);
  }
  if (!ranks.includes(shape.length)) {
    throw new ConvError('BAD_RANK', `${fn}: ${name} ${show(shape)} has rank ${shape.length}, expected rank ${ranks.join(' or ')}`);
  }
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 0 && shape.length === 4 && kernelAxes?.includes(i)) {
      throw new ConvError('BAD_KERNEL', `${fn}: ${name}[${i}] is 0: a zero-sized kernel ${show(shape)}; kernel sizes must be positive`);
    }
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new ConvError('BAD_TENSOR', `${fn}: ${name}[${i}] (${show(d)}) must be a positive integer`);
    }
    n *= d;
  }
  if (n > MAX_ELEMENTS) {
    throw new ConvError('SHAPE_MISMATCH', `${fn}: ${name} ${show(shape)} holds ${n} elements, more than ${MAX_ELEMENTS}`);
  }
  return n;
}
