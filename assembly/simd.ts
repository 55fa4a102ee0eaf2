/**
 * The multiply-add every SIMD kernel uses: c + a * b as one f32x4.relaxed_madd in the relaxed
 * build (a fused multiply-add where the CPU has one), f32x4.mul then f32x4.add in the simd build.
 * Inlined, so the choice is made at compile time (ASC_FEATURE_RELAXED_SIMD) and costs nothing.
 */
// @ts-ignore: decorator
@inline
export function vmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/**
 * The activation clamp of every kernel: min(max(x, lo), hi), pmax then pmin on vectors (one
 * maxps and one minps on x64), in that order so that a NaN stays NaN, as in PyTorch's clamp.
 */
// @ts-ignore: decorator
@inline
export function vclamp(x: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(x, lo), hi);
}

/** vclamp for one float (NaN stays NaN, like f32x4.min/max). */
// @ts-ignore: decorator
@inline
export function clampf(x: f32, lo: f32, hi: f32): f32 {
  return min<f32>(max<f32>(x, lo), hi);
}

/**
 * Stores the 4x4 block whose rows are v0..v3 transposed: lane j of every row, in row order, at
 * p + j*stride (8 shuffles, 4 stores). Turns 4 pixels x 4 channels into 4 channel planes' runs
 * of 4 pixels, and back.
 */
// @ts-ignore: decorator
@inline
export function storeTransposed4x4(p: usize, stride: usize, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
  v128.store(p, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(p + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(p + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(p + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** Stores the low `n` (0..3) lanes of v at p (the channel tails of the kernels). */
// @ts-ignore: decorator
@inline
export function storeTail(p: usize, v: v128, n: i32): void {
  if (n & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (n & 1) {
    v128.store32_lane(p, v, 0);
  }
}
