/**
 * Tensor checks shared by every op: plain `{data: Float32Array, shape: number[]}` objects,
 * row-major and dense (API.md, "Tensors").
 */
import { ConvError, isFloat32Array, readingUserValues, show } from '../errors.js';

/** A dense row-major float32 tensor. Activations are 4-D, NCHW or NHWC. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** Largest element count a tensor may have: beyond it no backend could address it. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks that `t` is a Tensor of rank `ranks` whose data length matches its shape. Every user
 * value is read once: the returned tensor holds the checked copy of the shape.
 * @throws ConvError BAD_TENSOR | BAD_RANK | SHAPE_MISMATCH | BAD_KERNEL
 */
export function checkTensor(
  fn: string, arg: string, t: unknown, ranks: readonly number[], kernelAxes?: (rank: number) => readonly number[],
): Tensor {
  return readingUserValues(fn, 'BAD_TENSOR', arg, () => {
    if (t === null || typeof t !== 'object') {
      throw new ConvError('BAD_TENSOR', `${fn}: ${arg} (${show(t)}) must be a tensor {data: Float32Array, shape: number[]}`);
    }
    const data: unknown = (t as { data?: unknown }).data;
    const shapeIn: unknown = (t as { shape?: unknown }).shape;
    if (!isFloat32Array(data)) {
      throw new ConvError('BAD_TENSOR', `${fn}: ${arg}.data (${show(data)}) must be a Float32Array`);
    }
    const shape = checkShape(fn, `${arg}.shape`, shapeIn, ranks, kernelAxes);
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) {
      throw new ConvError('SHAPE_MISMATCH', `${fn}: ${arg}.data.length (${data.length}) must equal the product of ${arg}.shape ${show(shape)} (${n})`);
    }
    return { data, shape };
  });
}

/**
 * Checks a shape (an array of positive integers of one of `ranks`) and returns a checked copy,
 * each entry read once. `kernelAxes` names the two kernel axes of a rank-4 weight shape: a zero
 * there is BAD_KERNEL.
 * @throws ConvError BAD_TENSOR | BAD_RANK | BAD_KERNEL | SHAPE_MISMATCH
 */
export function checkShape(
  fn: string, name: string, shapeIn: unknown, ranks: readonly number[], kernelAxes?: (rank: number) => readonly number[],
): number[] {
  return readingUserValues(fn, 'BAD_TENSOR', name, () => {
    if (!Array.isArray(shapeIn)) {
      throw new ConvError('BAD_TENSOR', `${fn}: ${name} (${show(shapeIn)}) must be an array of positive integers`);
    }
    const rank: number = shapeIn.length;
    if (!ranks.includes(rank)) {
      throw new ConvError('BAD_RANK', `${fn}: ${name} ${show(shapeIn)} has rank ${rank}, expected rank ${ranks.join(' or ')}`);
    }
    const shape: unknown[] = [];
    for (let i = 0; i < rank; i++) shape.push(shapeIn[i]);
    let n = 1;
    for (let i = 0; i < rank; i++) {
      const d = shape[i];
      if (d === 0 && rank >= 3 && kernelAxes?.(rank).includes(i)) {
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
    return shape as number[];
  });
}
