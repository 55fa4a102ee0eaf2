/**
 * conv3d and convTranspose3d: 3-D convolutions (video, volumes). conv3d runs the igemm over a
 * 3-D indirection buffer, convTranspose3d the gemm and a 3-D col2im. Thin public wrappers:
 * validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * 3-D convolution (PyTorch conv3d semantics): stride, padding (number, [padD, padH, padW],
 * [front, top, left, back, bottom, right], 'valid', 'same'), paddingMode, dilation, groups, bias,
 * activation. Weights [Cout, Cin/g, kD, kH, kW] (NCDHW) or [kD, kH, kW, Cin/g, Cout] (NDHWC).
 * @param x input [N, C, D, H, W] (NCDHW, default) or [N, D, H, W, C] (NDHWC)
 * @throws ConvError (API.md, "Errors")
 */
export function conv3d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('conv3d', x, [w], opts);
}

/** A prepared conv3d layer: the weights packed once. @throws ConvError */
export function createConv3d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('conv3d', [w], opts);
}

/** Output shape of conv3d on inputs of these shapes (the options' layout). @throws ConvError */
export function conv3dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('conv3d', xShape, [wShape], opts);
}

/** Multiply-accumulates of conv3d: Cout * (Cin/g) * kD*kH*kW * Dout*Hout*Wout * N. @throws ConvError */
export function conv3dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('conv3d', xShape, [wShape], opts);
}

/**
 * 3-D transposed convolution (PyTorch conv_transpose3d semantics): stride, padding crop,
 * outputPadding, dilation, groups. Weights [Cin, Cout/g, kD, kH, kW] (NCDHW) or
 * [kD, kH, kW, Cout/g, Cin] (NDHWC).
 * @throws ConvError (API.md, "Errors")
 */
export function convTranspose3d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('convTranspose3d', x, [w], opts);
}

/** A prepared convTranspose3d layer. @throws ConvError */
export function createConvTranspose3d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('convTranspose3d', [w], opts);
}

/** Output shape of convTranspose3d. @throws ConvError */
export function convTranspose3dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('convTranspose3d', xShape, [wShape], opts);
}

/** Multiply-accumulates of convTranspose3d: Cin * (Cout/g) * kD*kH*kW * Din*Hin*Win * N. @throws ConvError */
export function convTranspose3dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('convTranspose3d', xShape, [wShape], opts);
}
