/**
 * separableConv2d: depthwise then pointwise (MobileNets), as one layer.
 * Thin public wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * Depthwise separable convolution: stride/padding/dilation, depthwiseBias and depthwiseActivation apply to the depthwise stage; bias and activation to the pointwise output.
 * @param x input [N, C, H, W] (NCHW, default) or [N, H, W, C] (NHWC)
 * @returns a new tensor in the input's layout, or one whose data is `opts.out`
 * @throws ConvError (API.md, "Errors")
 */
export function separableConv2d(x: Tensor, wDepthwise: Tensor, wPointwise: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('separableConv2d', x, [wDepthwise, wPointwise], opts);
}

/**
 * Validates and packs the weights once: a layer to run(x) many times, then dispose().
 * @throws ConvError (API.md, "Errors")
 */
export function createSeparableConv2d(wDepthwise: Tensor, wPointwise: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('separableConv2d', [wDepthwise, wPointwise], opts);
}

/** Output shape of separableConv2d on inputs of these shapes (the options' layout). @throws ConvError */
export function separableConv2dShape(xShape: number[], dwShape: number[], pwShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('separableConv2d', xShape, [dwShape, pwShape], opts);
}

/** Multiply-accumulates of separableConv2d on inputs of these shapes. @throws ConvError */
export function separableConv2dMacs(xShape: number[], dwShape: number[], pwShape: number[], opts?: ConvOptions): number {
  return macsOfCall('separableConv2d', xShape, [dwShape, pwShape], opts);
}
