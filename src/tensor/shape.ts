/**
 * Output sizes and multiply-accumulate counts: the formulas of API.md ("Shape and cost helpers").
 * These are the plain formulas; the op-level helpers in ops/shapes.ts validate full calls.
 */
import { ConvError, show } from '../errors.js';

function num(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new ConvError('BAD_OPTION', `${fn}: ${name} (${show(v)}) must be an integer >= ${min}`);
  }
  return v;
}

/** The arguments both size formulas share. */
function checkAxis(fn: string, inSize: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number): void {
  num(fn, 'inSize', inSize, 1);
  num(fn, 'kernel', kernel, 1);
  num(fn, 'stride', stride, 1);
  num(fn, 'padBegin', padBegin, 0);
  num(fn, 'padEnd', padEnd, 0);
  num(fn, 'dilation', dilation, 1);
}

/**
 * Output size of a convolution along one axis: floor((I + p0 + p1 - d*(K-1) - 1) / s) + 1.
 * @returns the size; a value below 1 means the output is empty (the ops throw EMPTY_OUTPUT).
 */
export function convOutputSize(inSize: number, kernel: number, stride = 1, padBegin = 0, padEnd = 0, dilation = 1): number {
  checkAxis('convOutputSize', inSize, kernel, stride, padBegin, padEnd, dilation);
  return Math.floor((inSize + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output size of a transposed convolution along one axis:
 * (I-1)*s - p0 - p1 + d*(K-1) + outputPadding + 1.
 */
export function convTransposeOutputSize(
  inSize: number, kernel: number, stride = 1, padBegin = 0, padEnd = 0, dilation = 1, outputPadding = 0,
): number {
  checkAxis('convTransposeOutputSize', inSize, kernel, stride, padBegin, padEnd, dilation);
  num('convTransposeOutputSize', 'outputPadding', outputPadding, 0);
  return (inSize - 1) * stride - padBegin - padEnd + dilation * (kernel - 1) + outputPadding + 1;
}

/** SAME_UPPER padding of one axis (TensorFlow, ONNX): [before, after]. */
export function samePadding(inSize: number, kernel: number, stride: number, dilation: number): [number, number] {
  const total = Math.max((Math.ceil(inSize / stride) - 1) * stride + (kernel - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** 'same' crop of one axis of a transposed convolution (output I*s): [begin, end]. */
export function sameTransposeCrop(kernel: number, stride: number, dilation: number): [number, number] {
  const total = (kernel - 1) * dilation + 1 - stride;
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}
