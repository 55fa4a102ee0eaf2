/**
 * Standard convolution plumbing (assembly/conv/standard.ts): the indirection buffer (padding taps
 * point at the zero row, the last tile repeats its last pixel), the rows indirection, and
 * run_conv2d_nhwc_f32 over tiles and groups, against float64 loops.
 */
import { expectClose, flavors, harness, Harness, randomArray, rng } from '../harness';
import { refConv } from '../../src/backends/wasm/wasm-helpers';

describe.each(flavors())('conv2d indirection + igemm (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });

  test('indirection buffer: pointers, zero taps, tail repetition', () => {
    const n = 1, H = 3, W = 3, c = 2, k = 3, pad = 1;
    const oh = 3, ow = 3, pixels = 9, taps = 9;
    const len = h.ex.conv2d_indirection_length(pixels, taps, h.mr);
    expect(len).toBe(Math.ceil(pixels / h.mr) * h.mr * taps);
    const ind = h.heap.alloc(len * 4);
    const x = 1024, zero = 64;
    h.ex.build_conv_indirection_ndhwc(ind, x, zero, n, 1, H, W, c, 1, oh, ow, 1, k, k, 1, 1, 1, 1, 1, 1, 0, pad, pad, 0, h.mr);
    const u = h.heap.u32().slice(ind >>> 2, (ind >>> 2) + len);
    h.heap.free(ind);
    const MR = h.mr;
    const at = (m: number, tap: number) => u[(Math.floor(m / MR) * taps + tap) * MR + (m % MR)];
    for (let m = 0; m < len / taps; m++) {
      const mm = Math.min(m, pixels - 1);
      const oy = Math.floor(mm / ow), ox = mm % ow;
      for (let tap = 0; tap < taps; tap++) {
        const iy = oy - pad + Math.floor(tap / k), ix = ox - pad + (tap % k);
        const want = iy < 0 || iy >= H || ix < 0 || ix >= W ? zero : x + (iy * W + ix) * c * 4;
        expect(at(m, tap)).toBe(want);
      }
    }
  });

  test('rows indirection repeats the last row', () => {
    const len = Math.ceil(5 / h.mr) * h.mr;
    const ind = h.heap.alloc(len * 4);
    h.ex.build_rows_indirection(ind, 4096, 5, 12, h.mr);
    const want = Array.from({ length: len }, (_, i) => 4096 + 12 * Math.min(i, 4));
    expect(Array.from(h.heap.u32().slice(ind >>> 2, (ind >>> 2) + len))).toEqual(want);
    h.heap.free(ind);
  });

  test.each([
    ['7x7 s2 p3 c3 co16', 1, 3, 15, 14, 16, 7, 7, 2, 2, 1, 3, 3, 3, 3, 0],
    ['3x3 s2 p1 c3 co5 batch 2 (4x8 tile)', 2, 3, 9, 10, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
    ['3x5 s(3,2) dH 2, asymmetric padding, c4 co19', 1, 4, 11, 12, 19, 3, 5, 3, 2, 2, 2, 0, 1, 1, 0],
    ['bottom rows and right columns never read (large stride)', 1, 2, 10, 11, 17, 2, 2, 4, 4, 1, 0, 0, 0, 0, 0],
    ['padding wider than the kernel', 1, 2, 3, 3, 3, 2, 2, 1, 1, 1, 3, 3, 3, 3, 0],
  ])('row-merged: %s', (_name, n, c, H, W, cout, kH, kW, sH, sW, dH, pt, pl, pb, pr, alt) => {
    const r = rng(cout * 31 + c * kW);
    const taps = kH * kW;
    const oh = Math.floor((H + pt + pb - dH * (kH - 1) - 1) / sH) + 1;
    const ow = Math.floor((W + pl + pr - (kW - 1) - 1) / sW) + 1;
    const pixels = n * oh * ow;
    const x = randomArray(n * H * W * c, r), w = randomArray(taps * c * cout, r), bias = randomArray(cout, r);
    const mr = alt ? 4 : h.mr;
    const nr = alt ? (h.ex.HAS_SIMD.value ? 8 : 4) : h.nr;
    const packed = h.alloc(h.ex.packed_gemm_floats(taps, c, cout, nr));
    h.ex.pack_gemm_f32(1, taps, c, cout, nr, h.put(w), h.put(bias), packed);
    const hp = (oh - 1) * sH + (kH - 1) * dH + 1, wp = (ow - 1) * sW + kW;
    const xpad = h.alloc(n * hp * wp * c, NaN);
    h.ex.pad_input_nhwc_f32(h.put(x), xpad, n, H, W, c, pt, pl, hp, wp);
    const ind = h.alloc(h.ex.conv2d_indirection_length(pixels, kH, mr));
    h.ex.build_conv2d_rows_indirection_nhwc(ind, xpad, n, hp, wp, c, oh, ow, kH, sH, sW, dH, mr);
    const out = h.alloc(pixels * cout);
    h.ex.run_conv2d_nhwc_f32(ind, packed, out, h.alloc(1), pixels, 1, kW * c, cout, kH, cout, -Infinity, Infinity, alt);
    const got = h.get(out, pixels * cout);
    h.reset();
    const want = refConv({ n, h: H, w: W, c, oh, ow, cout, groups: 1, cinG: c, coutG: cout, kH, kW, strideH: sH,
      strideW: sW, dilationH: dH, dilationW: 1, padTop: pt, padLeft: pl, min: -Infinity, max: Infinity }, x, w, bias);
    expectClose(got, want, 'row-merged conv');
  });

  test.each([
    ['grouped g4 coutG 3 (4x8 tile)', 1, 8, 5, 6, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ['grouped g2 coutG 13, 4x8 tile with 2 panels', 2, 6, 4, 5, 26, 2, 2, 3, 1, 2, 1, 1, 0, 1, 1, 1, 1],
    ['3x3p1 c5 co13', 1, 5, 6, 7, 13, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],
    ['grouped g4 3x3 s2 asym, batch 2', 2, 8, 7, 9, 12, 4, 3, 3, 2, 2, 1, 1, 0, 1, 2, 0],
    ['dilated 3x2 d2x3', 1, 3, 9, 10, 9, 1, 3, 2, 1, 1, 2, 3, 2, 3, 2, 3],
    ['pointwise c17 co9 batch 3', 3, 17, 3, 5, 9, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
  ])('%s', (_name, n, c, H, W, cout, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, alt = 0) => {
    const r = rng(cout * 13 + c);
    const cinG = c / groups, coutG = cout / groups, taps = kH * kW;
    const oh = Math.floor((H + pt + pb - dH * (kH - 1) - 1) / sH) + 1;
    const ow = Math.floor((W + pl + pr - dW * (kW - 1) - 1) / sW) + 1;
    const pixels = n * oh * ow;
    const x = randomArray(n * H * W * c, r), w = randomArray(groups * taps * cinG * coutG, r), bias = randomArray(cout, r);
    const xp = h.put(x);
    const zero = h.alloc(cinG);
    const mr = alt ? 4 : h.mr;
    const nr = alt ? (h.ex.HAS_SIMD.value ? 8 : 4) : h.nr;
    const packed = h.alloc(groups * h.ex.packed_gemm_floats(taps, cinG, coutG, nr));
    h.ex.pack_gemm_f32(groups, taps, cinG, coutG, nr, h.put(w), h.put(bias), packed);
    const ind = h.alloc(h.ex.conv2d_indirection_length(pixels, taps, mr));
    h.ex.build_conv_indirection_ndhwc(ind, xp, zero, n, 1, H, W, c, 1, oh, ow, 1, kH, kW, 1, sH, sW, 1, dH, dW, 0, pt, pl, 0, mr);
    const out = h.alloc(pixels * cout);
    h.ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, -1, 1, alt);
    const got = h.get(out, pixels * cout);
    h.reset();
    const want = refConv({ n, h: H, w: W, c, oh, ow, cout, groups, cinG, coutG, kH, kW, strideH: sH, strideW: sW,
      dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min: -1, max: 1 }, x, w, bias);
    expectClose(got, want, 'conv');
  });

  // run_conv2d_nchw_out_f32: the build tile storing NCHW planes. Odd planes with batch > 1 make
  // tiles straddle two images (row 1 or 2 in the next image's plane), pixel counts leave one- and
  // two-row tiles, channel counts cover the 8|4|1..3 column tails, and 3x3x256->64 (576 KiB of
  // packed weights) the L2 column blocks.
  test.each([
    ['3x3p1 c5 co17, 5x7 planes, batch 3', 3, 5, 5, 7, 17, 1, 3, 3, 1, 1, 0],
    ['3x3 s2 c3 co35 asym padding, 4x3 planes, batch 2', 2, 3, 8, 6, 35, 1, 3, 3, 2, 1, 1],
    ['grouped g2 coutG 13, 3x3 planes, batch 2', 2, 6, 3, 3, 26, 2, 3, 3, 1, 1, 1],
    ['pointwise c17 co1, 7x7', 1, 17, 7, 7, 1, 1, 1, 1, 1, 0, 0],
    ['3x3p1 c256 co64 (column blocks), batch 2, 5x5', 2, 256, 5, 5, 64, 1, 3, 3, 1, 1, 1],
    // 3-row tiles: 2 x 13 pixels straddle the images at row 1, end with a 2-row tile; co 20 = 12 + 8
    ['pointwise c7 co20, 1x13 planes, batch 2', 2, 7, 1, 13, 20, 1, 1, 1, 1, 0, 0],
    // last panels of 8 and of 4 + 2 columns (the SIMD builds' 2x8 tile)
    ['3x3p1 c9 co24, 3x5 planes, batch 2', 2, 9, 3, 5, 24, 1, 3, 3, 1, 1, 0],
    ['pointwise c4 co6, 2x9 planes', 1, 4, 2, 9, 6, 1, 1, 1, 1, 0, 0],
  ])('NCHW output: %s', (_name, n, c, H, W, cout, groups, kH, kW, s, pad, asym) => {
    const r = rng(cout * 7 + c);
    const cinG = c / groups, coutG = cout / groups, taps = kH * kW;
    const pt = pad, pl = pad, pb = asym ? 0 : pad, pr = pad;
    const oh = Math.floor((H + pt + pb - (kH - 1) - 1) / s) + 1;
    const ow = Math.floor((W + pl + pr - (kW - 1) - 1) / s) + 1;
    const pixels = n * oh * ow;
    const x = randomArray(n * H * W * c, r), w = randomArray(groups * taps * cinG * coutG, r), bias = randomArray(cout, r);
    const xp = h.put(x);
    const zero = h.alloc(cinG);
    const packed = h.alloc(groups * h.ex.packed_gemm_floats(taps, cinG, coutG, h.nr));
    h.ex.pack_gemm_f32(groups, taps, cinG, coutG, h.nr, h.put(w), h.put(bias), packed);
    const ind = h.alloc(h.ex.conv2d_indirection_length(pixels, taps, h.mr));
    h.ex.build_conv_indirection_ndhwc(ind, xp, zero, n, 1, H, W, c, 1, oh, ow, 1, kH, kW, 1, s, s, 1, 1, 1, 0, pt, pl, 0, h.mr);
    // a guard float on each side: the stores stay inside the planes
    const out = h.alloc(pixels * cout + 2, 12345);
    h.ex.run_conv2d_nchw_out_f32(ind, packed, out + 4, zero, pixels, groups, cinG, coutG, taps, cout, -1.5, 1.5, oh * ow);
    const all = h.get(out, pixels * cout + 2);
    h.reset();
    expect(all[0]).toBe(12345);
    expect(all[pixels * cout + 1]).toBe(12345);
    const got = all.subarray(1, 1 + pixels * cout);
    const nhwc = refConv({ n, h: H, w: W, c, oh, ow, cout, groups, cinG, coutG, kH, kW, strideH: s, strideW: s,
      dilationH: 1, dilationW: 1, padTop: pt, padLeft: pl, min: -1.5, max: 1.5 }, x, w, bias);
    const want = new Float64Array(pixels * cout);
    const P = oh * ow;
    for (let b = 0; b < n; b++) for (let p = 0; p < P; p++) for (let o = 0; o < cout; o++) {
      want[(b * cout + o) * P + p] = nhwc[(b * P + p) * cout + o];
    }
    expectClose(got, want, 'conv NCHW out');
  });
});
