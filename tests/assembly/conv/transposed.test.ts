/**
 * Transposed convolution (assembly/conv/transposed.ts): gemm into the column buffer through
 * run_conv2d_nhwc_f32 with one tap, then run_deconv_col2im_ndhwc_f32 (bias, scatter-add with crop,
 * stride, dilation, outputPadding, groups, clamp), and clamp_f32, against float64 loops.
 */
import { expectClose, flavors, harness, Harness, randomArray, rng } from '../harness';
import { refDeconv } from '../../src/backends/wasm/wasm-helpers';

function run(h: Harness, n: number, c: number, H: number, W: number, cout: number, groups: number, kH: number, kW: number,
  sH: number, sW: number, dH: number, dW: number, pt: number, pl: number, pb: number, pr: number, opH: number, opW: number,
  lo = -Infinity, hi = Infinity): void {
  const r = rng(c * 7 + cout);
  const cinG = c / groups, coutG = cout / groups, taps = kH * kW;
  const oh = (H - 1) * sH - pt - pb + dH * (kH - 1) + opH + 1;
  const ow = (W - 1) * sW - pl - pr + dW * (kW - 1) + opW + 1;
  const pixels = n * H * W;
  const x = randomArray(pixels * c, r), w = randomArray(groups * cinG * taps * coutG, r), bias = randomArray(cout, r);
  const xp = h.put(x);
  const zero = h.alloc(cinG);
  const packed = h.alloc(groups * h.ex.packed_gemm_floats(1, cinG, taps * coutG, h.nr));
  h.ex.pack_gemm_f32(groups, 1, cinG, taps * coutG, h.nr, h.put(w), 0, packed);
  const ind = h.alloc(h.ex.conv2d_indirection_length(pixels, 1, h.mr));
  h.ex.build_rows_indirection(ind, xp, pixels, c * 4, h.mr);
  const colCols = groups * taps * coutG;
  const col = h.alloc(pixels * colCols);
  h.ex.run_conv2d_nhwc_f32(ind, packed, col, zero, pixels, groups, cinG, taps * coutG, 1, colCols, -Infinity, Infinity, 0);
  const out = h.alloc(n * oh * ow * cout + 4, 99);
  h.ex.run_deconv_col2im_ndhwc_f32(col, h.put(bias), out, n, 1, H, W, 1, oh, ow, groups, coutG, 1, kH, kW, 1, sH, sW, 1, dH, dW, 0, pt, pl, lo, hi);
  const got = h.get(out, n * oh * ow * cout + 4);
  h.reset();
  const want = refDeconv({ n, h: H, w: W, c, oh, ow, cout, groups, cinG, coutG, kH, kW, strideH: sH, strideW: sW,
    dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min: lo, max: hi }, x, w, bias);
  expectClose(got.subarray(0, want.length), want, 'deconv');
  expect(Array.from(got.subarray(want.length))).toEqual([99, 99, 99, 99]);
}

describe.each(flavors())('deconv gemm + col2im (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test('2x2 s2 (U-Net up)', () => run(h, 1, 8, 4, 4, 4, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0));
  test('4x4 s2 p1 (DCGAN up)', () => run(h, 1, 6, 3, 5, 5, 1, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0));
  test('3x3 s2 p1 outputPadding 1, batch 2, relu', () => run(h, 2, 3, 3, 3, 7, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, Infinity));
  test('groups 2, coutG 3 (tails)', () => run(h, 1, 4, 3, 4, 6, 2, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0));
  test('dilation 2 with outputPadding 1, stride 1', () => run(h, 1, 2, 4, 3, 3, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1));
  test('asymmetric crop, stride 3x2, non-square kernel, relu6', () =>
    run(h, 2, 5, 3, 4, 13, 1, 3, 2, 3, 2, 1, 1, 1, 0, 2, 1, 2, 1, 0, 6));
  test('crop larger than a kernel extent', () => run(h, 1, 3, 4, 4, 5, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0));

  test('clamp_f32: tails, NaN propagates, (-inf, inf) is a no-op', () => {
    const v = [-2, -0.5, 0, 0.5, 3, 7, NaN, 6.5, -Infinity, Infinity, 1];
    const p = h.put(v);
    h.ex.clamp_f32(p, v.length, 0, 6);
    const got = Array.from(h.get(p, v.length));
    expect(got.slice(0, 6)).toEqual([0, 0, 0, 0.5, 3, 6]);
    expect(Number.isNaN(got[6])).toBe(true);
    expect(got.slice(7)).toEqual([6, 0, 6, 1]);
    const q = h.put(v);
    h.ex.clamp_f32(q, v.length, -Infinity, Infinity);
    expect(Array.from(h.get(q, v.length))).toEqual(v);
    h.reset();
  });
});
