/**
 * pointwiseConv2d: both weight forms (4-D and 2-D) in both layouts, stride, channel counts
 * across the gemm tails, batch, bias and activations, against the float64 reference.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

const cases = makeCases([
  { op: 'pointwise', c: 1, cout: 1 },
  { op: 'pointwise', c: 1, cout: 5, pwRank: 2 },
  { op: 'pointwise', c: 3, cout: 8, bias: true },
  { op: 'pointwise', c: 5, cout: 7, pwRank: 2, bias: true, activation: 'relu' },
  { op: 'pointwise', c: 7, cout: 13 },
  { op: 'pointwise', c: 13, cout: 17, pwRank: 2 },
  { op: 'pointwise', c: 17, cout: 3, activation: 'relu6', bias: true },
  { op: 'pointwise', c: 16, cout: 16, h: 4 },
  { op: 'pointwise', c: 64, cout: 64, h: 3 },
  { op: 'pointwise', c: 65, cout: 67, h: 3, bias: true },
  { op: 'pointwise', c: 130, cout: 9, h: 3, pwRank: 2 },
  { op: 'pointwise', c: 9, cout: 129, h: 3, activation: 'relu6' },
  { op: 'pointwise', c: 128, cout: 128, h: 2 },
  { op: 'pointwise', c: 4, cout: 6, stride: 2, h: 7 },
  { op: 'pointwise', c: 4, cout: 6, stride: [1, 2], h: 4, w: 7, pwRank: 2 },
  { op: 'pointwise', c: 4, cout: 6, stride: [3, 1], h: 7, w: 3 },
  { op: 'pointwise', c: 4, cout: 6, stride: 5, h: 4 },
  { op: 'pointwise', c: 3, cout: 5, n: 3, h: 4, bias: true },
  { op: 'pointwise', c: 6, cout: 5, n: 2, h: 5, stride: 2, pwRank: 2 },
  { op: 'pointwise', c: 3, cout: 4, h: 1, w: 1 },
  { op: 'pointwise', c: 3, cout: 4, h: 1, w: 9, activation: 'relu' },
  { op: 'pointwise', c: 3, cout: 4, padding: 0, h: 3 },
  { op: 'pointwise', c: 3, cout: 4, padding: 'valid', h: 4 },
  // medium spatial sizes: many gemm row tiles
  { op: 'pointwise', c: 19, cout: 21, h: 11, w: 13, bias: true },
  { op: 'pointwise', c: 32, cout: 24, h: 9, w: 9, stride: 2, pwRank: 2 },
  // deep and wide
  { op: 'pointwise', c: 1030, cout: 9, h: 2, w: 3, bias: true },
  { op: 'pointwise', c: 5, cout: 1027, h: 2, w: 2 },
  { op: 'pointwise', c: 24, cout: 40, h: 33, w: 31 },
]);

defineOpSuite('pointwiseConv2d', cases);
