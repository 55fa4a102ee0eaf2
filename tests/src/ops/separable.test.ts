/**
 * separableConv2d: depthwise (stride, padding, dilation, multiplier, depthwiseBias,
 * depthwiseActivation) then pointwise (bias, activation; both weight forms), in both layouts
 * on every backend, against the float64 reference.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

const cases = makeCases([
  { op: 'separable', c: 1, cout: 1, k: 3, padding: 1 },
  { op: 'separable', c: 3, cout: 5, k: 3, padding: 1, bias: true },
  { op: 'separable', c: 5, cout: 7, k: 3, stride: 2, padding: 'same', h: 7, depthwiseBias: true },
  { op: 'separable', c: 7, cout: 13, k: 3, padding: 1, depthwiseActivation: 'relu', activation: 'relu', bias: true, depthwiseBias: true },
  { op: 'separable', c: 13, cout: 17, k: 3, padding: 1, h: 4, depthwiseActivation: 'relu6', depthwiseBias: true },
  { op: 'separable', c: 17, cout: 8, k: 3, stride: 2, padding: 1, h: 5, activation: 'relu6', bias: true },
  { op: 'separable', c: 64, cout: 66, k: 3, padding: 1, h: 3, bias: true },
  { op: 'separable', c: 67, cout: 130, k: 3, stride: 2, padding: 1, h: 4, depthwiseBias: true, depthwiseActivation: 'relu6', activation: 'relu6' },
  { op: 'separable', c: 3, cout: 4, k: 3, multiplier: 2, padding: 1 },
  { op: 'separable', c: 5, cout: 6, k: 3, multiplier: 3, stride: 2, padding: [1, 0, 2, 1], h: 6, depthwiseBias: true },
  { op: 'separable', c: 4, cout: 5, k: 3, dilation: 2, padding: 2, h: 6 },
  { op: 'separable', c: 4, cout: 5, k: [3, 2], dilation: [1, 2], stride: [2, 1], padding: 'same', h: 6, w: 5 },
  { op: 'separable', c: 4, cout: 5, k: 5, padding: 2, h: 5, pwRank: 2 },
  { op: 'separable', c: 6, cout: 3, k: 3, padding: 'valid', h: 6, pwRank: 2, bias: true, activation: 'relu' },
  { op: 'separable', c: 3, cout: 4, k: 3, padding: 1, n: 2, h: 4, depthwiseBias: true, depthwiseActivation: 'relu', bias: true },
  { op: 'separable', c: 8, cout: 8, k: 3, padding: 1, n: 3, h: 3, multiplier: 2, pwRank: 2 },
  // medium spatial size
  { op: 'separable', c: 9, cout: 11, k: 3, stride: 2, padding: 1, h: 15, w: 14, depthwiseBias: true, depthwiseActivation: 'relu', bias: true },
  // wide planes (>= 48 output columns, >= 1024 pixels): on NCHW data the wasm backends run both
  // stages on the planes in place (the depthwise row kernel, then the pointwise gemm on planes)
  { op: 'separable', c: 5, cout: 7, k: 3, padding: 1, h: 33, w: 49, depthwiseBias: true, depthwiseActivation: 'relu6', bias: true, activation: 'relu' },
  { op: 'separable', c: 3, cout: 13, k: 3, padding: 1, n: 2, h: 23, w: 50, multiplier: 2, pwRank: 2 },
  { op: 'separable', c: 17, cout: 3, k: 3, stride: 2, padding: 1, h: 47, w: 97, bias: true },
]);

defineOpSuite('separableConv2d', cases);
