/**
 * Depthwise kernels (assembly/conv/depthwise.ts): pack_dwconv2d_f32, run_dwconv2d_nhwc_f32
 * (f32_dwconv_minmax_up4__simd / __scalar, the 3x3 pixel path, the kW = 3 / 5 row kernels
 * 9p4c/25p4c__simd_rows) and expand_dwconv2d_nhwc_f32 (multiplier), called directly, against
 * float64 loops: channel tails, strides, dilations, asymmetric padding, qmin/qmax.
 */
import { expectClose, flavors, harness, Harness } from '../harness';
import { DwCase, dwCaseData, refDw } from '../../src/backends/wasm/wasm-helpers';

function run(h: Harness, cs: DwCase, seed: number): void {
  const { g, x, w, bias } = dwCaseData(cs, seed);
  const { n, c, cout, oh, ow } = g;
  const m = g.coutG;
  const taps = g.kH * g.kW;
  const packed = h.alloc(h.ex.dwconv2d_packed_floats(cout, taps));
  h.ex.pack_dwconv2d_f32(cout, taps, h.put(w), h.put(bias), packed);
  let xp = h.put(x);
  if (m > 1) {
    const e = h.alloc(n * g.h * g.w * cout);
    h.ex.expand_dwconv2d_nhwc_f32(xp, e, n * g.h * g.w, c, m);
    xp = e;
  }
  const SENTINEL = 777;
  const outLen = n * oh * ow * cout;
  const out = h.alloc(outLen + 4, SENTINEL);
  const zero = h.alloc(cout);
  h.ex.run_dwconv2d_nhwc_f32(xp, packed, out, zero, n, g.h, g.w, cout, oh, ow, g.kH, g.kW, g.strideH, g.strideW,
    g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  const got = h.get(out, outLen + 4);
  h.reset();
  const want = refDw(g, x, w, bias);
  expectClose(got.subarray(0, outLen), want, `dw ${JSON.stringify(cs)}`);
  expect(Array.from(got.subarray(outLen))).toEqual([SENTINEL, SENTINEL, SENTINEL, SENTINEL]);
}

describe.each(flavors())('f32_dwconv_minmax_up4 (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([1, 2, 3, 4, 5, 7, 8, 13, 17, 32])('3x3s1p1 c_%i (channel tails)', (c) => {
    run(h, { c, h: 5, w: 6, kH: 3, kW: 3, pad: [1, 1, 1, 1] }, c);
  });
  test.each([1, 3, 5, 13])('3x3s2p1 c_%i, batch 2', (c) => {
    run(h, { c, n: 2, h: 9, w: 8, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1] }, c);
  });
  test('5x5 dilation 2, asymmetric padding', () => run(h, { c: 6, h: 11, w: 9, kH: 5, kW: 5, d: [2, 2], pad: [4, 1, 2, 3] }, 3));
  test('non-square 3x1 kernel, stride 1x2, dilation 3x1', () => run(h, { c: 9, h: 10, w: 7, kH: 3, kW: 1, s: [1, 2], d: [3, 1], pad: [2, 0, 1, 0] }, 4));
  test('padding wider than the kernel: bias only', () => run(h, { c: 5, h: 2, w: 2, kH: 2, kW: 2, pad: [3, 3, 3, 3] }, 5));
  test('qmin / qmax', () => {
    run(h, { c: 7, h: 4, w: 4, kH: 3, kW: 3, pad: [1, 1, 1, 1], clamp: [0, Infinity] }, 6);
    run(h, { c: 7, h: 4, w: 4, kH: 3, kW: 3, pad: [1, 1, 1, 1], clamp: [0, 0.3] }, 7);
  });
  test('multiplier 2 and 3 through expand', () => {
    run(h, { c: 3, m: 2, h: 5, w: 5, kH: 3, kW: 3, pad: [1, 1, 1, 1] }, 8);
    run(h, { c: 5, m: 3, n: 2, h: 6, w: 4, kH: 2, kW: 3, s: [2, 1], pad: [0, 1, 1, 1] }, 9);
  });
  test.each([1, 2, 3, 4, 5, 8, 13, 17])('3x3 path: stride 2, dilation 2, asymmetric padding, c_%i', (c) => {
    run(h, { c, n: 2, h: 9, w: 10, kH: 3, kW: 3, s: [2, 1], d: [2, 3], pad: [2, 0, 1, 3], clamp: [-0.5, 0.5] }, 20 + c);
  });
  test('3x3 path: padding wider than the kernel, image smaller than the kernel', () => {
    run(h, { c: 6, h: 2, w: 1, kH: 3, kW: 3, pad: [4, 4, 4, 4] }, 11);
    run(h, { c: 9, h: 1, w: 2, kH: 3, kW: 3, pad: [1, 1, 1, 1], s: [2, 2] }, 12);
  });
  test('7x7 kernel on a 3x3 image', () => run(h, { c: 4, h: 3, w: 3, kH: 7, kW: 7, pad: [3, 3, 3, 3] }, 10));
});

// The row kernels (kW = 3 with ow >= 16, every kW = 5): pixel pairs and a lone last pixel, edge
// columns on both sides, rows in the padding, odd channel counts (partial last block).
describe.each(flavors())('f32_dwconv_minmax 9p4c/25p4c rows (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([1, 3, 5, 7, 13, 17])('3x3s2p1 c_%i, odd input 9x33, batch 2', (c) => {
    run(h, { c, n: 2, h: 9, w: 33, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1] }, 60 + c);
  });
  test.each([16, 17, 18, 19])('3x3s1p1 ow_%i (pairs and a lone pixel)', (w) => {
    run(h, { c: 5, h: 4, w, kH: 3, kW: 3, pad: [1, 1, 1, 1], clamp: [-0.6, 0.6] }, 70 + w);
  });
  test('3x3 s2 asymmetric padding (0, 0, 1, 1: TF same on even sizes), even input', () => {
    run(h, { c: 7, h: 8, w: 40, kH: 3, kW: 3, s: [2, 2], pad: [0, 0, 1, 1] }, 80);
  });
  test('3x3 dilation 2, padding 2, rows in the padding', () => {
    run(h, { c: 13, n: 2, h: 5, w: 21, kH: 3, kW: 3, d: [2, 2], pad: [2, 2, 2, 2] }, 81);
  });
  test('3x3 multiplier 2 and 3 through expand', () => {
    run(h, { c: 3, m: 2, h: 6, w: 20, kH: 3, kW: 3, pad: [1, 1, 1, 1] }, 82);
    run(h, { c: 5, m: 3, n: 2, h: 7, w: 35, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1] }, 83);
  });
  test.each([1, 3, 5, 7, 13, 17, 37])('5x5s1p2 c_%i, batch 2', (c) => {
    run(h, { c, n: 2, h: 7, w: 11, kH: 5, kW: 5, pad: [2, 2, 2, 2] }, 90 + c);
  });
  test.each([9, 10, 11, 12])('5x5s2p2 c_5, odd/even width %i', (w) => {
    run(h, { c: 5, h: 9, w, kH: 5, kW: 5, s: [2, 2], pad: [2, 2, 2, 2], clamp: [0, 6] }, 100 + w);
  });
  test('5x5 dilation 2 x 3, asymmetric padding, stride 1 x 2', () => {
    run(h, { c: 9, n: 2, h: 13, w: 17, kH: 5, kW: 5, s: [1, 2], d: [2, 3], pad: [3, 5, 1, 2] }, 110);
  });
  test('5x5 multiplier 2; image narrower than the kernel', () => {
    run(h, { c: 3, m: 2, h: 6, w: 9, kH: 5, kW: 5, pad: [2, 2, 2, 2] }, 111);
    run(h, { c: 6, h: 3, w: 2, kH: 5, kW: 5, pad: [2, 2, 2, 2] }, 112);
    run(h, { c: 6, h: 4, w: 4, kH: 5, kW: 5, pad: [6, 6, 6, 6] }, 113);
  });
  test('kH x 3 and kH x 5 kernels (1x5, 2x3, 7x3)', () => {
    run(h, { c: 5, h: 6, w: 19, kH: 1, kW: 5, pad: [0, 2, 0, 2] }, 114);
    run(h, { c: 6, h: 6, w: 20, kH: 2, kW: 3, s: [1, 1], pad: [1, 1, 0, 1] }, 115);
    run(h, { c: 3, h: 5, w: 24, kH: 7, kW: 3, pad: [3, 1, 3, 1] }, 116);
  });
});
