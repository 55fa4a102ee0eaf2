/**
 * Grouped convolution with groups of 4 output channels (assembly/conv/grouped.ts, convRun alt 2):
 * weights packed with nr = 4, indirection in tiles of 4, a zero row spanning all channels; against
 * float64 loops on every build, with pixel tails (pixels % 4 != 0), odd input channels per group,
 * padding, stride, dilation, batch > 1 and the clamp; NHWC output and NCHW planes.
 */
import { expectClose, flavors, harness, Harness, randomArray, rng } from '../harness';
import { refConv } from '../../src/backends/wasm/wasm-helpers';

describe.each(flavors())('grouped conv, groups of 4 outputs (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });

  test.each([
    // name, n, c, H, W, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, min, max
    ['ResNeXt-like g8 cinG 4 3x3 p1', 1, 32, 7, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, -Infinity, Infinity],
    ['g2 cinG 1 (pixels % 4 = 1), clamp', 1, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, -0.5, 0.5],
    ['g3 cinG 3 s2 asym pad, batch 2', 2, 9, 7, 6, 3, 3, 3, 2, 2, 1, 1, 1, 0, 1, 2, -1, 1],
    ['g5 cinG 6 dilated 2x3, batch 3', 3, 30, 8, 9, 5, 3, 2, 1, 1, 2, 3, 2, 3, 2, 3, -Infinity, Infinity],
    ['g4 cinG 4 1x1, 3 pixels', 1, 16, 1, 3, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, -Infinity, Infinity],
    ['g16 cinG 8 3x3 p2 wider than the image', 1, 128, 2, 3, 16, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, -2, 2],
  ])('%s', (_name, n, c, H, W, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, min, max) => {
    const r = rng(c * 7 + groups);
    const coutG = 4, cout = groups * coutG, cinG = c / groups, taps = kH * kW;
    const oh = Math.floor((H + pt + pb - dH * (kH - 1) - 1) / sH) + 1;
    const ow = Math.floor((W + pl + pr - dW * (kW - 1) - 1) / sW) + 1;
    const pixels = n * oh * ow;
    const x = randomArray(n * H * W * c, r), w = randomArray(groups * taps * cinG * coutG, r), bias = randomArray(cout, r);
    const xp = h.put(x);
    const zero = h.alloc(c);
    const packed = h.alloc(groups * h.ex.packed_gemm_floats(taps, cinG, coutG, 4));
    h.ex.pack_groups4_f32(groups, taps, cinG, h.put(w), h.put(bias), packed);
    const ind = h.alloc(h.ex.conv2d_indirection_length(pixels, taps, 4));
    h.ex.build_conv_indirection_ndhwc(ind, xp, zero, n, 1, H, W, c, 1, oh, ow, 1, kH, kW, 1, sH, sW, 1, dH, dW, 0, pt, pl, 0, 4);
    // NaN fill: every output float must be written; then the same into NCHW planes (outPlane =
    // oh*ow: tiles of 4 pixels side by side in one plane, across two images, the short last tile)
    const plane = oh * ow;
    const out = h.alloc(pixels * cout, NaN);
    const outN = h.alloc(pixels * cout + 4, NaN);
    h.ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, min, max, 2);
    h.ex.run_conv2d_groups4_f32(ind, packed, outN, zero, pixels, groups, cinG, taps, cout, min, max, plane);
    const got = h.get(out, pixels * cout);
    const gotN = h.get(outN, pixels * cout + 4);
    h.reset();
    const want = refConv({ n, h: H, w: W, c, oh, ow, cout, groups, cinG, coutG, kH, kW, strideH: sH, strideW: sW,
      dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min, max }, x, w, bias);
    expectClose(got, want, 'grouped conv');
    const wantN = new Float64Array(pixels * cout);
    for (let b = 0; b < n; b++) for (let p = 0; p < plane; p++) for (let o = 0; o < cout; o++) {
      wantN[(b * cout + o) * plane + p] = want[(b * plane + p) * cout + o];
    }
    expectClose(gotN.subarray(0, pixels * cout), wantN, 'grouped conv, NCHW output');
    expect(Array.from(gotN.subarray(pixels * cout)).every(Number.isNaN)).toBe(true);
  });
});
