/**
 * Depthwise straight on NCHW planes (assembly/conv/depthwise-nchw.ts): pack_dwconv2d_planes_f32
 * and run_dwconv2d_nchw_f32 against float64 loops, on widths around the 4-column vector blocks,
 * strides 1, 2 (vector) and 3 (scalar), dilations, asymmetric padding, multipliers, batch > 1;
 * the whole-row 3x3 paths on every width from 1 to 27 and left paddings 0 to 5 (staged edge blocks).
 */
import { expectClose, flavors, harness, Harness } from '../harness';
import { DwCase, dwCaseData, refDw, toNchw } from '../../src/backends/wasm/wasm-helpers';

function run(h: Harness, cs: DwCase, seed: number): void {
  const { g, x: xNhwc, w, bias } = dwCaseData(cs, seed);
  const { n, c, cout, oh, ow } = g;
  const taps = g.kH * g.kW;
  const packed = h.alloc(h.ex.dwconv2d_planes_packed_floats(cout, taps));
  h.ex.pack_dwconv2d_planes_f32(cout, taps, h.put(w), h.put(bias), packed);
  const xp = h.put(toNchw(xNhwc, n, g.h, g.w, c));
  const outLen = n * oh * ow * cout;
  const out = h.alloc(outLen + 4, 321);
  const zeroRow = h.alloc(g.w + 60);
  h.ex.run_dwconv2d_nchw_f32(xp, packed, out, zeroRow, n, c, g.h, g.w, cout, oh, ow, g.kH, g.kW, g.strideH, g.strideW,
    g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  const got = h.get(out, outLen + 4);
  h.reset();
  const want = refDw(g, xNhwc, w, bias);
  expectClose(got.subarray(0, outLen), toNchw(want, n, oh, ow, cout), `dw nchw ${JSON.stringify(cs)}`);
  expect(Array.from(got.subarray(outLen))).toEqual([321, 321, 321, 321]);
}

describe.each(flavors())('dwconv2d NCHW planes (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 21])('3x3 s1 p1, width %i', (w) => {
    run(h, { c: 3, h: 5, w, kH: 3, kW: 3, pad: [1, 1, 1, 1] }, w);
  });
  test.each([4, 7, 8, 9, 12, 17, 24])('3x3 s2 p1, width %i, batch 2', (w) => {
    run(h, { c: 2, n: 2, h: 7, w, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1], clamp: [0, 6] }, 100 + w);
  });
  test.each([[1, 1], [2, 1], [1, 2], [2, 3]])('3x3 path s%i, row dilation %i, rows in the padding', (s, d) => {
    run(h, { c: 3, n: 2, h: 6, w: 23, kH: 3, kW: 3, s: [s, s], d: [d, 1], pad: [2, 1, 2, 1], clamp: [-0.7, 0.9] }, 40 + s * 7 + d);
  });
  test('stride 3 (scalar columns)', () => run(h, { c: 4, h: 9, w: 17, kH: 3, kW: 3, s: [3, 3], pad: [1, 1, 1, 1] }, 7));
  test('5x5 dilation 2, asymmetric padding', () => run(h, { c: 3, h: 12, w: 19, kH: 5, kW: 5, d: [2, 2], pad: [4, 1, 2, 3] }, 8));
  test('non-square 3x1 / 1x5 kernels, stride 1x2', () => {
    run(h, { c: 5, h: 6, w: 14, kH: 3, kW: 1, s: [1, 2], pad: [1, 0, 1, 0] }, 9);
    run(h, { c: 5, h: 6, w: 14, kH: 1, kW: 5, s: [2, 1], pad: [0, 2, 0, 2] }, 10);
  });
  test('multiplier 2 and 3', () => {
    run(h, { c: 3, m: 2, h: 6, w: 11, kH: 3, kW: 3, pad: [1, 1, 1, 1] }, 11);
    run(h, { c: 2, m: 3, n: 2, h: 8, w: 13, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1] }, 12);
  });
  test('padding wider than the kernel; image narrower than the kernel', () => {
    run(h, { c: 2, h: 2, w: 3, kH: 2, kW: 2, pad: [3, 3, 3, 3] }, 13);
    run(h, { c: 2, h: 3, w: 2, kH: 3, kW: 5, pad: [1, 2, 1, 2] }, 14);
  });
  test('qmin / qmax', () => run(h, { c: 4, h: 6, w: 12, kH: 3, kW: 3, pad: [1, 1, 1, 1], clamp: [-0.2, 0.3] }, 15));
});

describe.each(flavors())('dwconv2d NCHW planes, whole-row 3x3 (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  const widths = Array.from({ length: 27 }, (_, i) => i + 1);
  test.each(widths)('3x3 s1 p1, width %i, batch 2', (w) => {
    run(h, { c: 2, n: 2, h: 4, w, kH: 3, kW: 3, pad: [1, 1, 1, 1], clamp: [-0.8, 0.8] }, 200 + w);
  });
  test.each(widths)('3x3 s2 p1, width %i', (w) => {
    run(h, { c: 2, h: 5, w, kH: 3, kW: 3, s: [2, 2], pad: [1, 1, 1, 1] }, 300 + w);
  });
  test.each([0, 2, 3, 4, 5])('left padding %i, right padding 1 or 0, stride 1 and 2', (pl) => {
    for (const w of [3, 8, 13, 22]) {
      run(h, { c: 3, h: 5, w, kH: 3, kW: 3, pad: [1, pl, 0, 1], s: [1, 1] }, 400 + pl * 31 + w);
      run(h, { c: 3, h: 6, w, kH: 3, kW: 3, pad: [0, pl, 1, 0], s: [2, 2] }, 500 + pl * 31 + w);
    }
  });
  test('stride 2 x 1 and 1 x 2, row dilation 2, multiplier 3', () => {
    run(h, { c: 2, m: 3, h: 9, w: 17, kH: 3, kW: 3, s: [2, 1], d: [2, 1], pad: [2, 1, 2, 1] }, 601);
    run(h, { c: 2, m: 3, n: 2, h: 9, w: 19, kH: 3, kW: 3, s: [1, 2], d: [2, 1], pad: [2, 1, 2, 1] }, 602);
  });
});
