/**
 * pointwiseConv2d: 1x1 convolution, a matrix product over channels at every pixel.
 * Thin public wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * Pointwise (1x1) convolution. Weights [Cout, Cin, 1, 1] / [Cout, Cin] (NCHW) or [1, 1, Cin, Cout] / [Cin, Cout] (NHWC); stride allowed, padding must be 0.
 * @param x input [N, C, H, W] (NCHW, default) or [N, H, W, C] (NHWC)
 * @returns a new tensor in the input's layout, or one whose data is `opts.out`
 * @throws ConvError (API.md, "Errors")
 */
export function pointwiseConv2d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('pointwiseConv2d', x, [w], opts);
}

/**
 * Validates and packs the weights once: a layer to run(x) many times, then dispose().
 * @throws ConvError (API.md, "Errors")
 */
export function createPointwiseConv2d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('pointwiseConv2d', [w], opts);
}

/** Output shape of pointwiseConv2d on inputs of these shapes (the options' layout). @throws ConvError */
export function pointwiseConv2dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('pointwiseConv2d', xShape, [wShape], opts);
}

/** Multiply-accumulates of pointwiseConv2d on inputs of these shapes. @throws ConvError */
export function pointwiseConv2dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('pointwiseConv2d', xShape, [wShape], opts);
}
