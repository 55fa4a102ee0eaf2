/**
 * conv1d and convTranspose1d: 1-D convolutions (audio, time series). They run as 2-D ones of
 * height 1 on every backend (plan.ts), so every 2-D kernel and path applies. Thin public
 * wrappers: validation, planning and execution live in layers.ts and plan.ts.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ConvOptions } from './options.js';
import { createLayer, PreparedLayer, runOnce } from './layers.js';
import { macsOfCall, shapeOf } from './shapes.js';

/**
 * 1-D convolution (PyTorch conv1d semantics): stride, padding (number, [begin, end], 'valid',
 * 'same', 'causal'), paddingMode, dilation, groups, bias, activation. Weights [Cout, Cin/g, k]
 * (NCW) or [k, Cin/g, Cout] (NWC).
 * @param x input [N, C, W] (NCW, default) or [N, W, C] (NWC)
 * @throws ConvError (API.md, "Errors")
 */
export function conv1d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('conv1d', x, [w], opts);
}

/** A prepared conv1d layer: the weights packed once. @throws ConvError */
export function createConv1d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('conv1d', [w], opts);
}

/** Output shape of conv1d on inputs of these shapes (the options' layout). @throws ConvError */
export function conv1dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('conv1d', xShape, [wShape], opts);
}

/** Multiply-accumulates of conv1d: Cout * (Cin/g) * k * Wout * N. @throws ConvError */
export function conv1dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('conv1d', xShape, [wShape], opts);
}

/**
 * 1-D transposed convolution (PyTorch conv_transpose1d semantics): stride, padding crop,
 * outputPadding, dilation, groups. Weights [Cin, Cout/g, k] (NCW) or [k, Cout/g, Cin] (NWC).
 * @throws ConvError (API.md, "Errors")
 */
export function convTranspose1d(x: Tensor, w: Tensor, opts?: ConvOptions): Tensor {
  return runOnce('convTranspose1d', x, [w], opts);
}

/** A prepared convTranspose1d layer. @throws ConvError */
export function createConvTranspose1d(w: Tensor, opts?: ConvOptions): PreparedLayer {
  return createLayer('convTranspose1d', [w], opts);
}

/** Output shape of convTranspose1d. @throws ConvError */
export function convTranspose1dShape(xShape: number[], wShape: number[], opts?: ConvOptions): number[] {
  return shapeOf('convTranspose1d', xShape, [wShape], opts);
}

/** Multiply-accumulates of convTranspose1d: Cin * (Cout/g) * k * Win * N. @throws ConvError */
export function convTranspose1dMacs(xShape: number[], wShape: number[], opts?: ConvOptions): number {
  return macsOfCall('convTranspose1d', xShape, [wShape], opts);
}
