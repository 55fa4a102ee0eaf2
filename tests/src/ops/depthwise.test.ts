/**
 * depthwiseConv2d (multiplier 1 and > 1) on every backend and in both layouts, against the
 * float64 reference: channel counts across SIMD tails, 3x3 s1/s2, 5x5, non-square kernels,
 * strides and dilations, every padding form, batch, bias and activations.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

const cases = makeCases([
  { op: 'depthwise', c: 1, k: 3, padding: 1 },
  { op: 'depthwise', c: 3, k: 3, padding: 1, bias: true },
  { op: 'depthwise', c: 4, k: 3, padding: 1, h: 6 },
  { op: 'depthwise', c: 5, k: 3, stride: 2, padding: 1, h: 7 },
  { op: 'depthwise', c: 7, k: 3, padding: 1, bias: true, activation: 'relu' },
  { op: 'depthwise', c: 8, k: 3, stride: 2, padding: 1, h: 6 },
  { op: 'depthwise', c: 13, k: 3, stride: 2, dilation: 1, padding: 1, h: 7 },
  { op: 'depthwise', c: 17, k: 3, padding: 1, h: 4, bias: true, activation: 'relu6' },
  { op: 'depthwise', c: 64, k: 3, padding: 1, h: 4 },
  { op: 'depthwise', c: 67, k: 3, stride: 2, padding: 1, h: 5, bias: true },
  { op: 'depthwise', c: 130, k: 3, padding: 1, h: 3, activation: 'relu6', bias: true },
  { op: 'depthwise', c: 96, k: 5, padding: 2, h: 4 },
  // kernels
  { op: 'depthwise', c: 6, k: 5, padding: 2, h: 6 },
  { op: 'depthwise', c: 5, k: 5, stride: 2, padding: 'same', h: 7 },
  { op: 'depthwise', c: 3, k: 7, padding: 3, h: 5 },
  { op: 'depthwise', c: 4, k: [1, 3], padding: [0, 1] },
  { op: 'depthwise', c: 4, k: [3, 2], h: 6, w: 4 },
  { op: 'depthwise', c: 9, k: 1, stride: 2, h: 5 },
  { op: 'depthwise', c: 3, k: 2, h: 2, w: 2 },
  { op: 'depthwise', c: 3, k: 3, padding: 1, h: 1, w: 1 },
  { op: 'depthwise', c: 5, k: 4, padding: 'same', h: 5 },
  // strides / dilation / padding
  { op: 'depthwise', c: 6, k: 3, stride: [2, 1], padding: 1, h: 7, w: 5 },
  { op: 'depthwise', c: 6, k: 3, stride: 3, h: 8 },
  { op: 'depthwise', c: 6, k: 3, dilation: 2, padding: 2, h: 6 },
  { op: 'depthwise', c: 5, k: 3, dilation: [1, 2], padding: [1, 2], stride: 2, h: 6, w: 7, bias: true },
  { op: 'depthwise', c: 4, k: 3, padding: [0, 1, 2, 1] },
  { op: 'depthwise', c: 4, k: 3, padding: [2, 0, 1, 3], stride: 2, h: 6 },
  { op: 'depthwise', c: 4, k: 3, padding: 'same', stride: 2, h: 6, w: 5 },
  { op: 'depthwise', c: 4, k: 3, padding: 'valid', h: 6 },
  { op: 'depthwise', c: 4, k: 3, padding: [3, 2], h: 3 },
  // multiplier
  { op: 'depthwise', c: 3, k: 3, multiplier: 2, padding: 1 },
  { op: 'depthwise', c: 5, k: 3, multiplier: 3, stride: 2, padding: 1, h: 6, bias: true },
  { op: 'depthwise', c: 1, k: 3, multiplier: 4, padding: 1 },
  { op: 'depthwise', c: 17, k: 3, multiplier: 2, padding: 'same', h: 4, activation: 'relu6' },
  { op: 'depthwise', c: 33, k: [2, 3], multiplier: 2, dilation: 2, padding: [1, 2, 0, 1], h: 5 },
  { op: 'depthwise', c: 2, k: 5, multiplier: 5, padding: 2, h: 4, n: 2 },
  // batch
  { op: 'depthwise', c: 7, k: 3, padding: 1, n: 3, h: 4, bias: true },
  { op: 'depthwise', c: 16, k: 3, stride: 2, padding: 1, n: 2, h: 5 },
  // medium spatial sizes: fast-path row blocks and their tails
  { op: 'depthwise', c: 5, k: 3, padding: 1, h: 17, w: 19, bias: true },
  { op: 'depthwise', c: 12, k: 3, stride: 2, padding: 1, h: 16, w: 15 },
  { op: 'depthwise', c: 9, k: 3, stride: 2, padding: 'same', h: 15, w: 16, activation: 'relu6' },
  { op: 'depthwise', c: 4, k: 5, padding: 2, h: 13, w: 11, multiplier: 2 },
  // many channels, large spatial size
  { op: 'depthwise', c: 1001, k: 3, stride: 2, padding: 1, h: 4, w: 3, bias: true },
  { op: 'depthwise', c: 3, k: 3, padding: 1, h: 48, w: 45 },
]);

defineOpSuite('depthwiseConv2d', cases);
