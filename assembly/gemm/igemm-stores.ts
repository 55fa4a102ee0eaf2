/**
 * The stores of the igemm tiles (igemm.ts): tail lanes, NCHW quads and the 8-column row pairs
 * that the 2x8 tile and each half of the 2x16 tile share.
 */
import { storeTail, vclamp } from '../simd';

export { storeTail };

/**
 * Stores channels 0..n-1 (n <= 4; n is a constant where it matters) of two rows into NCHW planes
 * `cs` bytes apart: with `pair` (row 1 is the pixel after row 0 in the same plane) one 8-byte
 * store per channel after a 2x4 transpose, else one 4-byte store per value, row 1 first so that
 * row 0 wins when both rows are the same pixel.
 */
// @ts-ignore: decorator
@inline
export function storeNchw4(c0: usize, c1: usize, cs: usize, pair: bool, v0: v128, v1: v128, n: i32): void {
  if (pair) {
    const lo = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
    const hi = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
    if (n > 0) v128.store64_lane(c0, lo, 0);
    if (n > 1) v128.store64_lane(c0 + cs, lo, 1);
    if (n > 2) v128.store64_lane(c0 + 2 * cs, hi, 0);
    if (n > 3) v128.store64_lane(c0 + 3 * cs, hi, 1);
  } else {
    if (n > 0) v128.store32_lane(c1, v1, 0);
    if (n > 1) v128.store32_lane(c1 + cs, v1, 1);
    if (n > 2) v128.store32_lane(c1 + 2 * cs, v1, 2);
    if (n > 3) v128.store32_lane(c1 + 3 * cs, v1, 3);
    if (n > 0) v128.store32_lane(c0, v0, 0);
    if (n > 1) v128.store32_lane(c0 + cs, v0, 1);
    if (n > 2) v128.store32_lane(c0 + 2 * cs, v0, 2);
    if (n > 3) v128.store32_lane(c0 + 3 * cs, v0, 3);
  }
}

/**
 * Stores columns 0..n-1 (n = 1..8) of two rows, lo holding columns 0-3 and hi 4-7: NHWC rows at
 * c0 and c1, or NCHW planes `cs` bytes apart (storeNchw4), row 1 first in either case. The 2x8
 * tile stores its panel with it, the 2x16 tile each half of its panel.
 */
// @ts-ignore: decorator
@inline
export function storeRows8(
  c0: usize, c1: usize, nchw: bool, cs: usize, pair: bool, v0lo: v128, v0hi: v128, v1lo: v128, v1hi: v128, n: i32,
): void {
  if (nchw) {
    if (n >= 8) {
      storeNchw4(c0, c1, cs, pair, v0lo, v1lo, 4);
      storeNchw4(c0 + (cs << 2), c1 + (cs << 2), cs, pair, v0hi, v1hi, 4);
    } else {
      if (n & 4) {
        storeNchw4(c0, c1, cs, pair, v0lo, v1lo, 4);
        v1lo = v1hi;
        v0lo = v0hi;
        c0 += cs << 2;
        c1 += cs << 2;
      }
      storeNchw4(c0, c1, cs, pair, v0lo, v1lo, n & 3);
    }
  } else if (n >= 8) {
    v128.store(c1, v1lo);
    v128.store(c1, v1hi, 16);
    v128.store(c0, v0lo);
    v128.store(c0, v0hi, 16);
  } else {
    if (n & 4) {
      v128.store(c1, v1lo);
      v128.store(c0, v0lo);
      v1lo = v1hi;
      v0lo = v0hi;
      c0 += 16;
      c1 += 16;
    }
    storeTail(c1, v1lo, n);
    storeTail(c0, v0lo, n);
  }
}
