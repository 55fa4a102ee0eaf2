/**
 * f32_igemm_minmax_4x8__simd: the SIMD builds' alternative igemm tile (groups of at most 8
 * output channels); see igemm.ts for the operands and the register budget.
 */
import { clampf, vclamp, vmadd } from '../simd';
import { storeTail } from './igemm-stores';

/**
 * 4x8 igemm with f32x4 mul + add (simd build) or f32x4.relaxed_madd (relaxed build).
 * @param mr      valid rows (1..4)
 * @param nc      output columns (any >= 1; walks the NR=8 panels)
 * @param kc      bytes of one row of A per tap (cinG * 4)
 * @param ks      bytes of indirection per tile (taps * 4 * 4)
 * @param a       indirection buffer of this tile
 * @param w       packed weights of this group
 * @param c       output of row 0, column 0
 * @param cStride bytes between output rows
 * @param aOffset bytes added to every non-zero A pointer
 * @param zero    the zero buffer (kc bytes of zeros)
 */
// @ts-ignore: decorator
@inline
export function f32_igemm_minmax_4x8__simd(
  mr: i32, nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c: usize, cStride: usize, aOffset: usize, zero: usize, min: f32, max: f32,
): void {
  let c0 = c;
  let c1 = c0 + cStride;
  if (mr < 2) c1 = c0;
  let c2 = c1 + cStride;
  if (mr <= 2) c2 = c1;
  let c3 = c2 + cStride;
  if (mr != 4) c3 = c2;
  const vmin = f32x4.splat(min);
  const vmax = f32x4.splat(max);
  do {
    let vacc0x0123 = v128.load(w);
    let vacc0x4567 = v128.load(w, 16);
    w += 32;
    let vacc1x0123 = vacc0x0123;
    let vacc1x4567 = vacc0x4567;
    let vacc2x0123 = vacc0x0123;
    let vacc2x4567 = vacc0x4567;
    let vacc3x0123 = vacc0x0123;
    let vacc3x4567 = vacc0x4567;
    let p = ks;
    let ap = a;
    do {
      let a0 = load<usize>(ap);
      let a1 = load<usize>(ap, 4);
      let a2 = load<usize>(ap, 8);
      let a3 = load<usize>(ap, 12);
      ap += 16;
      p -= 16;
      // a tap that is padding for every row adds nothing: skip its k loop and its weights
      if ((a0 ^ zero | a1 ^ zero | a2 ^ zero | a3 ^ zero) == 0) {
        w += kc << 3;
        continue;
      }
      if (a0 != zero) a0 += aOffset;
      if (a1 != zero) a1 += aOffset;
      if (a2 != zero) a2 += aOffset;
      if (a3 != zero) a3 += aOffset;
      let k = kc;
      do {
        const vb0123 = v128.load(w);
        const vb4567 = v128.load(w, 16);
        w += 32;
        const va0 = v128.load32_splat(a0);
        const va1 = v128.load32_splat(a1);
        const va2 = v128.load32_splat(a2);
        const va3 = v128.load32_splat(a3);
        a0 += 4;
        a1 += 4;
        a2 += 4;
        a3 += 4;
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        vacc2x0123 = vmadd(va2, vb0123, vacc2x0123);
        vacc2x4567 = vmadd(va2, vb4567, vacc2x4567);
        vacc3x0123 = vmadd(va3, vb0123, vacc3x0123);
        vacc3x4567 = vmadd(va3, vb4567, vacc3x4567);
        k -= 4;
      } while (k != 0);
    } while (p != 0);

    vacc0x0123 = vclamp(vacc0x0123, vmin, vmax);
    vacc0x4567 = vclamp(vacc0x4567, vmin, vmax);
    vacc1x0123 = vclamp(vacc1x0123, vmin, vmax);
    vacc1x4567 = vclamp(vacc1x4567, vmin, vmax);
    vacc2x0123 = vclamp(vacc2x0123, vmin, vmax);
    vacc2x4567 = vclamp(vacc2x4567, vmin, vmax);
    vacc3x0123 = vclamp(vacc3x0123, vmin, vmax);
    vacc3x4567 = vclamp(vacc3x4567, vmin, vmax);

    if (nc >= 8) {
      v128.store(c3, vacc3x0123);
      v128.store(c3, vacc3x4567, 16);
      v128.store(c2, vacc2x0123);
      v128.store(c2, vacc2x4567, 16);
      v128.store(c1, vacc1x0123);
      v128.store(c1, vacc1x4567, 16);
      v128.store(c0, vacc0x0123);
      v128.store(c0, vacc0x4567, 16);
      c0 += 32;
      c1 += 32;
      c2 += 32;
      c3 += 32;
      nc -= 8;
    } else {
      if (nc & 4) {
        v128.store(c3, vacc3x0123);
        v128.store(c2, vacc2x0123);
        v128.store(c1, vacc1x0123);
        v128.store(c0, vacc0x0123);
        vacc3x0123 = vacc3x4567;
        vacc2x0123 = vacc2x4567;
        vacc1x0123 = vacc1x4567;
        vacc0x0123 = vacc0x4567;
        c0 += 16;
        c1 += 16;
        c2 += 16;
        c3 += 16;
      }
      storeTail(c3, vacc3x0123, nc);
      storeTail(c2, vacc2x0123, nc);
      storeTail(c1, vacc1x0123, nc);
      storeTail(c0, vacc0x0123, nc);
      nc = 0;
    }
  } while (nc != 0);
}
