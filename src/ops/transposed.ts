/**
 * convTranspose2d: transposed convolution (learned upsampling).
 * Thin public wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * Transposed convolution (PyTorch conv_transpose2d semantics): stride, padding crop, outputPadding, dilation, groups. Weights [Cin, Cout/g, kH, kW] (NCHW) or [kH, kW, Cout/g, Cin] (NHWC).
 * @param x input [N, C, H, W] (NCHW, default) or [N, H, W, C] (NHWC)
 * @returns a new tensor in the input's layout, or one whose data is `opts.out`
 * @throws ConvError (API.md, "Errors")
 */
export function convTranspose2d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('convTranspose2d', x, [w], opts);
}

/**
 * Validates and packs the weights once: a layer to run(x) many times, then dispose().
 * @throws ConvError (API.md, "Errors")
 */
export function createConvTranspose2d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('convTranspose2d', [w], opts);
}

/** Output shape of convTranspose2d on inputs of these shapes (the options' layout). @throws ConvError */
export function convTranspose2dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('convTranspose2d', xShape, [wShape], opts);
}

/** Multiply-accumulates of convTranspose2d on inputs of these shapes. @throws ConvError */
export function convTranspose2dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('convTranspose2d', xShape, [wShape], opts);
}
