/**
 * The layers of the wrong-results issue: unpadded stride-1 convolutions with small kernels on
 * planes of 512 pixels or more ran the 1x1 NCHW kernel on im2col weights (wrong results, and a
 * trap on [1,4,64,64] x [24,4,2,2]). Each row, and its neighbour below the plane threshold, on
 * every backend and layout against the float64 reference.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

defineOpSuite('valid convolutions on planes across 512 pixels', makeCases([
  { op: 'conv2d', c: 3, cout: 8, k: 3, h: 32, w: 32 },
  { op: 'conv2d', c: 3, cout: 8, k: 3, h: 22, w: 24 },
  { op: 'conv2d', c: 3, cout: 8, k: 3, h: 22, w: 23 },
  { op: 'conv2d', c: 1, cout: 4, k: 5, h: 64, w: 64 },
  { op: 'conv2d', c: 2, cout: 3, k: 3, n: 2, h: 40, w: 40 },
  { op: 'conv2d', c: 8, cout: 4, k: [1, 2], h: 2, w: 2048 },
  { op: 'conv2d', c: 4, cout: 24, k: 2, h: 64, w: 64 },
  { op: 'conv2d', c: 13, cout: 8, k: [3, 1], h: 28, w: 112, bias: true, activation: 'relu6' },
  { op: 'conv2d', c: 3, cout: 8, k: 3, h: 32, w: 32, padding: 1 },
]));
