/**
 * conv2d: standard, strided, padded, dilated and grouped convolution.
 * Thin public wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * Standard 2-D convolution (PyTorch conv2d semantics): stride, padding, dilation, groups, bias, activation.
 * @param x input [N, C, H, W] (NCHW, default) or [N, H, W, C] (NHWC)
 * @returns a new tensor in the input's layout, or one whose data is `opts.out`
 * @throws ConvError (API.md, "Errors")
 */
export function conv2d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('conv2d', x, [w], opts);
}

/**
 * Validates and packs the weights once: a layer to run(x) many times, then dispose().
 * @throws ConvError (API.md, "Errors")
 */
export function createConv2d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('conv2d', [w], opts);
}

/** Output shape of conv2d on inputs of these shapes (the options' layout). @throws ConvError */
export function conv2dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('conv2d', xShape, [wShape], opts);
}

/** Multiply-accumulates of conv2d on inputs of these shapes. @throws ConvError */
export function conv2dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('conv2d', xShape, [wShape], opts);
}
