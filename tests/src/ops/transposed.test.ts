/**
 * convTranspose2d: stride, padding crop (every form, asymmetric), outputPadding (below the
 * stride, or below the dilation), dilation, groups, 'same' and 'valid', batch, bias and
 * activations, in both layouts on every backend, against the float64 reference.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

const cases = makeCases([
  { op: 'transposed', c: 1, cout: 1, k: 3, h: 3 },
  { op: 'transposed', c: 3, cout: 5, k: 4, stride: 2, padding: 1, h: 4, bias: true },
  { op: 'transposed', c: 5, cout: 3, k: 3, stride: 2, padding: 1, outputPadding: 1, h: 4 },
  { op: 'transposed', c: 7, cout: 13, k: 2, stride: 2, h: 3 },
  { op: 'transposed', c: 13, cout: 7, k: 3, padding: 1, h: 3, bias: true, activation: 'relu' },
  { op: 'transposed', c: 17, cout: 17, k: 4, stride: 2, padding: 1, h: 3, activation: 'relu6', bias: true },
  { op: 'transposed', c: 64, cout: 3, k: 4, stride: 2, padding: 1, h: 3 },
  { op: 'transposed', c: 3, cout: 67, k: 3, stride: 2, h: 3, bias: true },
  { op: 'transposed', c: 65, cout: 66, k: 2, stride: 2, h: 2 },
  { op: 'transposed', c: 130, cout: 5, k: 3, padding: 1, h: 2 },
  // stride = kernel (taps tile the output): on NCHW data the wasm backends write the planes from
  // the col buffer directly; odd channel counts, crops, outputPadding, batch, activations
  { op: 'transposed', c: 5, cout: 7, k: 2, stride: 2, h: 5, w: 6, bias: true },
  { op: 'transposed', c: 3, cout: 13, k: 2, stride: 2, h: 4, w: 9, n: 2, bias: true, activation: 'relu6' },
  { op: 'transposed', c: 4, cout: 17, k: 3, stride: 3, padding: [1, 2, 0, 1], outputPadding: [2, 1], h: 3, w: 5, bias: true, activation: 'relu' },
  { op: 'transposed', c: 6, cout: 1, k: [2, 3], stride: [2, 3], padding: 1, outputPadding: 1, h: 4, w: 3 },
  { op: 'transposed', c: 8, cout: 8, k: 4, stride: 4, h: 2, w: 3, bias: true },
  // strides, kernels
  { op: 'transposed', c: 2, cout: 3, k: 3, stride: [3, 2], h: 3, w: 4 },
  { op: 'transposed', c: 2, cout: 3, k: [3, 2], stride: [1, 3], h: 3, w: 3 },
  { op: 'transposed', c: 2, cout: 3, k: 1, stride: 2, h: 3 },
  { op: 'transposed', c: 2, cout: 2, k: 2, stride: 3, h: 3 },
  { op: 'transposed', c: 3, cout: 2, k: 5, stride: 2, padding: 2, outputPadding: 1, h: 3 },
  { op: 'transposed', c: 4, cout: 4, k: 4, stride: 2, padding: 1, outputPadding: 1, h: 3 },
  { op: 'transposed', c: 2, cout: 3, k: 3, stride: [3, 2], outputPadding: [2, 1], h: 3 },
  { op: 'transposed', c: 2, cout: 3, k: 3, stride: [3, 2], outputPadding: [1, 0], padding: [1, 2], h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 1, h: 1, w: 1 },
  // padding crops
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 2, padding: [1, 0, 0, 1], h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 4, stride: 2, padding: [0, 2, 1, 0], outputPadding: 1, h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 3, padding: [2, 1], h: 4 },
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 2, padding: 'valid', h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 2, padding: 'same', h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 4, stride: 2, padding: 'same', h: 3, w: 4 },
  { op: 'transposed', c: 3, cout: 4, k: 2, stride: 2, padding: 'same', h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 1, padding: 'same', h: 4 },
  { op: 'transposed', c: 3, cout: 4, k: [4, 3], stride: [3, 1], padding: 'same', h: 3 },
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 2, dilation: 2, padding: 'same', h: 3 },
  // dilation, outputPadding below the dilation
  { op: 'transposed', c: 2, cout: 3, k: 3, dilation: 2, h: 3 },
  { op: 'transposed', c: 2, cout: 3, k: 2, dilation: 3, outputPadding: 2, h: 3 },
  { op: 'transposed', c: 2, cout: 3, k: 3, dilation: [2, 1], stride: [1, 2], padding: [1, 1, 2, 0], outputPadding: [1, 1], h: 3, w: 4 },
  // groups
  { op: 'transposed', c: 4, cout: 6, k: 3, groups: 2, stride: 2, padding: 1, h: 3 },
  { op: 'transposed', c: 6, cout: 3, k: 4, groups: 3, stride: 2, padding: 1, h: 3, bias: true },
  { op: 'transposed', c: 5, cout: 5, k: 3, groups: 5, stride: 2, outputPadding: 1, h: 3 },
  { op: 'transposed', c: 8, cout: 12, k: 2, groups: 4, stride: 2, h: 3, activation: 'relu' },
  { op: 'transposed', c: 4, cout: 8, k: [3, 2], groups: 2, stride: [2, 3], dilation: [1, 2], padding: [1, 0, 0, 1], outputPadding: [1, 2], h: 3, bias: true, activation: 'relu6' },
  // batch
  { op: 'transposed', c: 3, cout: 4, k: 3, stride: 2, padding: 1, n: 2, h: 3, bias: true },
  { op: 'transposed', c: 16, cout: 8, k: 4, stride: 2, padding: 1, n: 3, h: 2 },
  // medium spatial sizes
  { op: 'transposed', c: 16, cout: 8, k: 4, stride: 2, padding: 1, h: 9, w: 7, bias: true },
  { op: 'transposed', c: 6, cout: 9, k: 3, stride: 2, padding: 1, outputPadding: 1, groups: 3, h: 8, w: 10 },
  // deep and wide
  { op: 'transposed', c: 520, cout: 3, k: 4, stride: 2, padding: 1, h: 2, w: 3 },
  { op: 'transposed', c: 3, cout: 260, k: 3, stride: 2, padding: 1, outputPadding: 1, h: 2 },
  { op: 'transposed', c: 8, cout: 4, k: 4, stride: 2, padding: 1, h: 24, w: 21 },
]);

defineOpSuite('convTranspose2d', cases);
