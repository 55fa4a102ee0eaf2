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
