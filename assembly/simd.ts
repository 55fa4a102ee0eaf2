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
