/**
 * depthwiseConv2d: one kH x kW filter per input channel, with a channel multiplier.
 * Thin public wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * Depthwise convolution: output channel c*m + j reads input channel c. Weights [C*m, 1, kH, kW] (NCHW) or [kH, kW, C, m] (NHWC).
 * @param x input [N, C, H, W] (NCHW, default) or [N, H, W, C] (NHWC)
 * @returns a new tensor in the input's layout, or one whose data is `opts.out`
 * @throws ConvError (API.md, "Errors")
 */
export function depthwiseConv2d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('depthwiseConv2d', x, [w], opts);
}

/**
 * Validates and packs the weights once: a layer to run(x) many times, then dispose().
 * @throws ConvError (API.md, "Errors")
 */
export function createDepthwiseConv2d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('depthwiseConv2d', [w], opts);
}

/** Output shape of depthwiseConv2d on inputs of these shapes (the options' layout). @throws ConvError */
export function depthwiseConv2dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('depthwiseConv2d', xShape, [wShape], opts);
}

/** Multiply-accumulates of depthwiseConv2d on inputs of these shapes. @throws ConvError */
export function depthwiseConv2dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('depthwiseConv2d', xShape, [wShape], opts);
}
