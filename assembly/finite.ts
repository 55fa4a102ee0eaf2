/** The input check the host runs before Winograd (src/backends/wasm/kernels/winograd.ts). */
import { vmadd } from './simd';

/**
 * 1 when the n floats at x are all finite, else 0. Winograd sums each output from a whole tile's
 * transformed inputs, so one NaN or infinity of the input would spread over the tile (and an
 * infinity turn into NaN) instead of reaching only the outputs whose 3x3 window holds it: the host
 * runs such inputs through the igemm. One pass over the input, which the transforms read anyway,
 * so it costs about nothing (see docs/performance.md#winograd-and-non-finite-inputs).
 */
export function allFinite(x: usize, n: i32): i32 {
  // x * 0 is NaN exactly when x is NaN or infinite; four independent sums keep the loop at the
  // speed of its loads (1 multiply-add per 4 floats)
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    let a0 = zero;
    let a1 = zero;
    let a2 = zero;
    let a3 = zero;
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      a0 = vmadd(v128.load(p), zero, a0);
      a1 = vmadd(v128.load(p, 16), zero, a1);
      a2 = vmadd(v128.load(p, 32), zero, a2);
      a3 = vmadd(v128.load(p, 48), zero, a3);
    }
    for (; i + 4 <= n; i += 4) a0 = vmadd(v128.load(x + (<usize>i << 2)), zero, a0);
    const a = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    s = f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3);
  }
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * 0;
  return s == 0 ? 1 : 0;
}
