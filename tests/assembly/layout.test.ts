/**
 * NCHW <-> NHWC transposes (assembly/layout.ts) on sizes around the 4x4 SIMD blocks and the
 * 32x32 tiles, batch > 1; the round trip is exact and nothing past the output is written.
 */
import { flavors, harness, Harness, randomArray, rng } from './harness';

describe.each(flavors())('layout transposes (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([
    [1, 1, 1], [1, 3, 5], [2, 3, 4], [1, 3, 17], [3, 3, 1], [1, 3, 1024], [2, 4, 4], [1, 5, 33], [3, 17, 13], [1, 32, 32], [2, 33, 65], [1, 64, 3], [1, 1, 100],
  ])('n=%i c=%i hw=%i', (n, c, hw) => {
    const x = randomArray(n * c * hw, rng(n * 100 + c * 10 + hw));
    const src = h.put(x);
    const dst = h.alloc(x.length + 4, 5);
    h.ex.transpose_nchw_nhwc_f32(src, dst, n, c, hw);
    const nhwc = h.get(dst, x.length + 4);
    for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) {
      if (nhwc[(b * hw + p) * c + ch] !== x[(b * c + ch) * hw + p]) throw new Error(`nchw->nhwc b${b} c${ch} p${p}`);
    }
    expect(Array.from(nhwc.subarray(x.length))).toEqual([5, 5, 5, 5]);
    const back = h.alloc(x.length + 4, 5);
    h.ex.transpose_nhwc_nchw_f32(dst, back, n, c, hw);
    const round = h.get(back, x.length + 4);
    expect(Array.from(round.subarray(0, x.length))).toEqual(Array.from(x));
    expect(Array.from(round.subarray(x.length))).toEqual([5, 5, 5, 5]);
    h.reset();
  });

  // the tasks of a split transpose: blocks of pixels x channels that tile the images, each
  // writing only its own block (split-passes.ts cuts both at multiples of 16)
  test.each([
    [1, 3, 17, 16, 3], [2, 20, 81, 16, 16], [1, 40, 49, 16, 16], [1, 37, 30, 8, 5], [3, 33, 19, 4, 32],
  ])('blocks: n=%i c=%i hw=%i, pixel runs of %i, channel blocks of %i', (n, c, hw, pr, cb) => {
    const x = randomArray(n * c * hw, rng(n * 7 + c * 3 + hw));
    const src = h.put(x);
    const dst = h.alloc(x.length + 4, 5);
    for (let p0 = 0; p0 < hw; p0 += pr) {
      for (let c0 = 0; c0 < c; c0 += cb) {
        h.ex.transpose_nchw_nhwc_at_f32(src, dst, n, c, hw, p0, Math.min(hw, p0 + pr), c0, Math.min(c, c0 + cb));
      }
    }
    const nhwc = h.get(dst, x.length + 4);
    for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) {
      if (nhwc[(b * hw + p) * c + ch] !== x[(b * c + ch) * hw + p]) throw new Error(`nchw->nhwc b${b} c${ch} p${p}`);
    }
    expect(Array.from(nhwc.subarray(x.length))).toEqual([5, 5, 5, 5]);
    const back = h.alloc(x.length + 4, 5);
    for (let p0 = 0; p0 < hw; p0 += pr) {
      for (let c0 = 0; c0 < c; c0 += cb) {
        h.ex.transpose_nhwc_nchw_at_f32(dst, back, n, c, hw, p0, Math.min(hw, p0 + pr), c0, Math.min(c, c0 + cb));
      }
    }
    const round = h.get(back, x.length + 4);
    expect(Array.from(round.subarray(0, x.length))).toEqual(Array.from(x));
    expect(Array.from(round.subarray(x.length))).toEqual([5, 5, 5, 5]);
    h.reset();
  });
});
