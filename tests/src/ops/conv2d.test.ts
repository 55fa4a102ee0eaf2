/**
 * conv2d: standard, strided, padded (every form), dilated, grouped, on every backend and in
 * both layouts, against the float64 reference. Channel counts on the SIMD boundaries (1, 3, 5,
 * 7, 13, 17, 64-130), batch > 1, non-square kernels/strides/dilations, asymmetric padding.
 */
import { makeCases } from '../../helpers/cases';
import { defineOpSuite } from '../../helpers/testers';

const cases = makeCases([
  // channel counts (tails)
  { op: 'conv2d', c: 1, cout: 1, k: 3, padding: 1 },
  { op: 'conv2d', c: 3, cout: 5, k: 3, padding: 1, bias: true },
  { op: 'conv2d', c: 5, cout: 7, k: 3, stride: 2, padding: 1 },
  { op: 'conv2d', c: 7, cout: 13, k: 3, padding: 0, h: 6, w: 4, bias: true, activation: 'relu' },
  { op: 'conv2d', c: 13, cout: 17, k: 3, padding: 1, h: 4 },
  { op: 'conv2d', c: 17, cout: 3, k: 3, stride: 2, padding: 'same', h: 6 },
  { op: 'conv2d', c: 64, cout: 65, k: 3, padding: 1, h: 3, w: 4, bias: true },
  { op: 'conv2d', c: 67, cout: 9, k: 3, padding: 1, h: 4 },
  { op: 'conv2d', c: 3, cout: 130, k: 3, stride: 2, padding: 1, h: 6, bias: true, activation: 'relu6' },
  { op: 'conv2d', c: 129, cout: 4, k: 1, h: 3 },
  { op: 'conv2d', c: 8, cout: 8, k: 3, padding: 1, h: 4 },
  { op: 'conv2d', c: 16, cout: 12, k: 3, padding: 1, h: 4, n: 2 },
  // 1x1 through conv2d, with and without stride
  { op: 'conv2d', c: 6, cout: 10, k: 1, bias: true },
  { op: 'conv2d', c: 6, cout: 10, k: 1, stride: 2, h: 7 },
  // batch
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: 1, n: 3, h: 4, bias: true },
  { op: 'conv2d', c: 2, cout: 3, k: 2, stride: 2, n: 2, h: 6, w: 5 },
  // kernels: non-square, large, equal to the input, larger than the input with padding
  { op: 'conv2d', c: 3, cout: 4, k: [1, 3], padding: [0, 1] },
  { op: 'conv2d', c: 3, cout: 4, k: [3, 1], padding: [1, 0], h: 6, w: 4 },
  { op: 'conv2d', c: 2, cout: 3, k: [2, 5], h: 4, w: 7 },
  { op: 'conv2d', c: 3, cout: 2, k: 5, padding: 2, h: 6 },
  { op: 'conv2d', c: 3, cout: 3, k: 7, stride: 2, padding: 3, h: 9, w: 8, bias: true },
  { op: 'conv2d', c: 2, cout: 3, k: 5, h: 5 },
  { op: 'conv2d', c: 2, cout: 2, k: 5, padding: 2, h: 3, w: 2 },
  { op: 'conv2d', c: 4, cout: 5, k: 2, padding: 0, h: 2, w: 2 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, h: 1, w: 1, padding: 1 },
  // strides
  { op: 'conv2d', c: 3, cout: 4, k: 3, stride: [2, 1], padding: 1, h: 7 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, stride: [1, 3], padding: 1, h: 4, w: 8 },
  { op: 'conv2d', c: 2, cout: 5, k: 3, stride: 3, h: 8 },
  { op: 'conv2d', c: 2, cout: 3, k: 2, stride: 4, padding: 1, h: 9 },
  // padding forms
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: [2, 1] },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: [0, 1, 2, 1], bias: true },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: [2, 0, 0, 3], stride: 2, h: 6 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: [1, 2, 1, 0], stride: [2, 3], h: 7, w: 8 },
  { op: 'conv2d', c: 3, cout: 4, k: 4, padding: 'same', h: 5 },
  { op: 'conv2d', c: 3, cout: 4, k: 2, padding: 'same', stride: 2, h: 5, w: 6 },
  { op: 'conv2d', c: 3, cout: 4, k: [3, 4], padding: 'same', stride: [2, 3], h: 7, w: 7, bias: true },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: 'same', dilation: 2, h: 6 },
  { op: 'conv2d', c: 3, cout: 4, k: 1, padding: 'same', stride: 3, h: 7 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: 'valid', h: 6 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, padding: 4, h: 2 },
  // dilation
  { op: 'conv2d', c: 3, cout: 4, k: 3, dilation: 2, padding: 2, h: 6 },
  { op: 'conv2d', c: 5, cout: 3, k: 3, dilation: [2, 1], padding: [2, 1], h: 7, w: 5 },
  { op: 'conv2d', c: 3, cout: 4, k: [2, 3], dilation: [1, 3], h: 4, w: 9 },
  { op: 'conv2d', c: 3, cout: 4, k: 3, dilation: 2, stride: 2, padding: 1, h: 8, bias: true },
  { op: 'conv2d', c: 2, cout: 2, k: 3, dilation: 3, stride: [1, 2], padding: [3, 0, 1, 2], h: 7 },
  // groups between 1 and C, multiplier via groups = C
  { op: 'conv2d', c: 4, cout: 4, k: 3, groups: 2, padding: 1 },
  { op: 'conv2d', c: 8, cout: 12, k: 3, groups: 4, padding: 1, h: 4 },
  { op: 'conv2d', c: 6, cout: 9, k: 3, groups: 3, stride: 2, padding: 1, h: 6, bias: true, activation: 'relu' },
  { op: 'conv2d', c: 15, cout: 10, k: 3, groups: 5, padding: [1, 0, 0, 1], h: 4 },
  { op: 'conv2d', c: 5, cout: 5, k: 3, groups: 5, padding: 1 },
  { op: 'conv2d', c: 3, cout: 6, k: 3, groups: 3, padding: 1, dilation: 2, h: 6 },
  { op: 'conv2d', c: 12, cout: 6, k: 1, groups: 2, h: 3 },
  { op: 'conv2d', c: 68, cout: 68, k: 3, groups: 4, padding: 1, h: 3, n: 2, bias: true },
  { op: 'conv2d', c: 34, cout: 34, k: 3, groups: 17, padding: 'same', stride: 2, h: 5 },
  { op: 'conv2d', c: 6, cout: 4, k: [2, 3], groups: 2, stride: [2, 1], dilation: [1, 2], padding: [1, 1, 0, 2], h: 5, w: 6, bias: true, activation: 'relu6' },
  // depthwise written as groups = C = Cout (run by the depthwise kernels, plan.ts isDepthwiseConv):
  // odd channels, batch, stride, dilation, asymmetric and 'same' padding, non-square kernels, wide
  // NCHW rows (the NCHW depthwise kernel's paths) and 5x5
  { op: 'conv2d', c: 13, cout: 13, k: 3, groups: 13, stride: 2, padding: [0, 1, 2, 1], h: 9, w: 7, n: 2, bias: true, activation: 'relu6' },
  { op: 'conv2d', c: 7, cout: 7, k: [3, 2], groups: 7, dilation: [2, 1], padding: 'same', h: 8, w: 6 },
  { op: 'conv2d', c: 17, cout: 17, k: 3, groups: 17, padding: 1, h: 5, w: 40, bias: true, activation: 'relu' },
  { op: 'conv2d', c: 3, cout: 3, k: 5, groups: 3, stride: 2, padding: 2, h: 9, w: 37 },
  // activations
  { op: 'conv2d', c: 5, cout: 6, k: 3, padding: 1, activation: 'relu' },
  { op: 'conv2d', c: 5, cout: 6, k: 3, padding: 1, activation: 'relu6', bias: true, n: 2 },
  { op: 'conv2d', c: 5, cout: 6, k: 3, padding: 1, activation: 'none', bias: true, h: 4 },
  { op: 'conv2d', c: 17, cout: 19, k: 3, padding: 1, activation: 'relu6', h: 4 },
  // medium spatial sizes: several gemm row tiles, fast-path row blocks and their tails
  { op: 'conv2d', c: 17, cout: 33, k: 3, padding: 1, h: 12, w: 13, bias: true },
  { op: 'conv2d', c: 8, cout: 16, k: 3, stride: 2, padding: 'same', h: 17, w: 15, activation: 'relu' },
  { op: 'conv2d', c: 3, cout: 8, k: 5, stride: 2, padding: 2, h: 19, w: 11 },
  { op: 'conv2d', c: 12, cout: 12, k: 3, groups: 3, padding: 1, h: 11, w: 9, n: 2 },
  // deep reductions (K = Cin*kH*kW in the thousands) and wide outputs: any K/N blocking
  { op: 'conv2d', c: 300, cout: 5, k: 3, padding: 1, h: 3, w: 3, bias: true },
  { op: 'conv2d', c: 7, cout: 520, k: 3, padding: 1, h: 3, w: 2 },
  { op: 'conv2d', c: 3, cout: 8, k: 3, padding: 1, h: 40, w: 37, n: 2 },
]);

defineOpSuite('conv2d', cases);

import { Rng, expectTensorClose, randomTensor, refConv2d, refConvTranspose2d } from '../../helpers/reference';
import { BACKENDS, initBackends, sc } from '../../helpers/testers';

/**
 * Values far beyond any real layer are still "positive integers" (API.md): a stride or a
 * dilation larger than the input is valid and gives the PyTorch result.
 */
describe('conv2d: large but valid parameters', () => {
  beforeAll(() => initBackends());
  const rng = new Rng(5);
  const x = randomTensor(rng, [1, 2, 5, 5]);
  const w = randomTensor(rng, [3, 2, 3, 3]);
  const w1 = randomTensor(rng, [3, 2, 1, 1]);
  describe.each(BACKENDS)('%s', (backend) => {
    test('stride 2^24 (output 1x1)', () => {
      expectTensorClose(sc.conv2d(x, w, { stride: 1 << 24, backend } as never), refConv2d(x, w, { stride: 1 << 24 }), 'stride 2^24');
    });
    test('dilation 2^22 on a 1x1 kernel', () => {
      expectTensorClose(sc.conv2d(x, w1, { dilation: 1 << 22, backend } as never), refConv2d(x, w1, { dilation: 1 << 22 }), 'dilation');
    });
    test('stride [1, 2^21] with padding [0, 1]', () => {
      const opts = { stride: [1, 1 << 21] as [number, number], padding: [0, 1] as [number, number] };
      expectTensorClose(sc.conv2d(x, w, { ...opts, backend } as never), refConv2d(x, w, opts), 'stride pair');
    });
    test('transposed: padding crops of 2^21 on a stride-2^21 output', () => {
      const xt = randomTensor(rng, [1, 2, 2, 1]);
      const wt = randomTensor(rng, [2, 1, 1, 1]);
      const opts = { stride: [1 << 21, 1] as [number, number], padding: [1 << 21, 0, 0, 0] as [number, number, number, number] };
      expectTensorClose(sc.convTranspose2d(xt, wt, { ...opts, backend } as never), refConvTranspose2d(xt, wt, opts), 'transposed');
    });
  });
});
