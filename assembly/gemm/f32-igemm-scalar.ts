/**
 * The scalar build's igemm tiles: 2x4 (its tile) and 4x4 (its alternative); see igemm.ts.
 */
import { clampf } from '../simd';

/**
 * 4x4 scalar igemm (scalar build; NR = 4). Same contract as the 4x8 SIMD kernel.
 */
// @ts-ignore: decorator
@inline
export function f32_igemm_minmax_4x4__scalar(
  mr: i32, nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c: usize, cStride: usize, aOffset: usize, zero: usize, vmin: f32, vmax: f32,
): void {
  let c0 = c;
  let c1 = c0 + cStride;
  if (mr < 2) c1 = c0;
  let c2 = c1 + cStride;
  if (mr <= 2) c2 = c1;
  let c3 = c2 + cStride;
  if (mr != 4) c3 = c2;
  do {
    let vacc00 = load<f32>(w);
    let vacc01 = load<f32>(w, 4);
    let vacc02 = load<f32>(w, 8);
    let vacc03 = load<f32>(w, 12);
    w += 16;
    let vacc10 = vacc00, vacc11 = vacc01, vacc12 = vacc02, vacc13 = vacc03;
    let vacc20 = vacc00, vacc21 = vacc01, vacc22 = vacc02, vacc23 = vacc03;
    let vacc30 = vacc00, vacc31 = vacc01, vacc32 = vacc02, vacc33 = vacc03;
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
        w += kc << 2;
        continue;
      }
      if (a0 != zero) a0 += aOffset;
      if (a1 != zero) a1 += aOffset;
      if (a2 != zero) a2 += aOffset;
      if (a3 != zero) a3 += aOffset;
      let k = kc;
      do {
        const va0 = load<f32>(a0);
        const va1 = load<f32>(a1);
        const va2 = load<f32>(a2);
        const va3 = load<f32>(a3);
        a0 += 4;
        a1 += 4;
        a2 += 4;
        a3 += 4;
        const vb0 = load<f32>(w);
        const vb1 = load<f32>(w, 4);
        const vb2 = load<f32>(w, 8);
        const vb3 = load<f32>(w, 12);
        w += 16;
        vacc00 += va0 * vb0; vacc01 += va0 * vb1; vacc02 += va0 * vb2; vacc03 += va0 * vb3;
        vacc10 += va1 * vb0; vacc11 += va1 * vb1; vacc12 += va1 * vb2; vacc13 += va1 * vb3;
        vacc20 += va2 * vb0; vacc21 += va2 * vb1; vacc22 += va2 * vb2; vacc23 += va2 * vb3;
        vacc30 += va3 * vb0; vacc31 += va3 * vb1; vacc32 += va3 * vb2; vacc33 += va3 * vb3;
        k -= 4;
      } while (k != 0);
    } while (p != 0);
    vacc00 = clampf(vacc00, vmin, vmax); vacc01 = clampf(vacc01, vmin, vmax);
    vacc02 = clampf(vacc02, vmin, vmax); vacc03 = clampf(vacc03, vmin, vmax);
    vacc10 = clampf(vacc10, vmin, vmax); vacc11 = clampf(vacc11, vmin, vmax);
    vacc12 = clampf(vacc12, vmin, vmax); vacc13 = clampf(vacc13, vmin, vmax);
    vacc20 = clampf(vacc20, vmin, vmax); vacc21 = clampf(vacc21, vmin, vmax);
    vacc22 = clampf(vacc22, vmin, vmax); vacc23 = clampf(vacc23, vmin, vmax);
    vacc30 = clampf(vacc30, vmin, vmax); vacc31 = clampf(vacc31, vmin, vmax);
    vacc32 = clampf(vacc32, vmin, vmax); vacc33 = clampf(vacc33, vmin, vmax);
    if (nc >= 4) {
      store<f32>(c3, vacc30); store<f32>(c3, vacc31, 4); store<f32>(c3, vacc32, 8); store<f32>(c3, vacc33, 12);
      store<f32>(c2, vacc20); store<f32>(c2, vacc21, 4); store<f32>(c2, vacc22, 8); store<f32>(c2, vacc23, 12);
      store<f32>(c1, vacc10); store<f32>(c1, vacc11, 4); store<f32>(c1, vacc12, 8); store<f32>(c1, vacc13, 12);
      store<f32>(c0, vacc00); store<f32>(c0, vacc01, 4); store<f32>(c0, vacc02, 8); store<f32>(c0, vacc03, 12);
      c0 += 16;
      c1 += 16;
      c2 += 16;
      c3 += 16;
      nc -= 4;
    } else {
      if (nc & 2) {
        store<f32>(c3, vacc30); store<f32>(c3, vacc31, 4);
        store<f32>(c2, vacc20); store<f32>(c2, vacc21, 4);
        store<f32>(c1, vacc10); store<f32>(c1, vacc11, 4);
        store<f32>(c0, vacc00); store<f32>(c0, vacc01, 4);
        vacc30 = vacc32; vacc20 = vacc22; vacc10 = vacc12; vacc00 = vacc02;
        c0 += 8;
        c1 += 8;
        c2 += 8;
        c3 += 8;
      }
      if (nc & 1) {
        store<f32>(c3, vacc30);
        store<f32>(c2, vacc20);
        store<f32>(c1, vacc10);
        store<f32>(c0, vacc00);
      }
      nc = 0;
    }
  } while (nc != 0);
}

/**
 * 2x4 scalar igemm (the scalar build's tile): 8 accumulators + 2 A + 4 B = 14 values, inside
 * V8's 15 float registers; the 4x4 tile needs 24 and keeps half its accumulators on the stack
 * (checked with --print-wasm-code; see docs/performance.md#generated-loops). Same contract, MR = 2, NR = 4.
 */
// @ts-ignore: decorator
@inline
export function f32_igemm_minmax_2x4__scalar(
  nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c0: usize, c1: usize, nchw: bool, cs: usize, aOffset: usize, zero: usize, vmin: f32, vmax: f32,
): void {
  do {
    let vacc00 = load<f32>(w);
    let vacc01 = load<f32>(w, 4);
    let vacc02 = load<f32>(w, 8);
    let vacc03 = load<f32>(w, 12);
    w += 16;
    let vacc10 = vacc00, vacc11 = vacc01, vacc12 = vacc02, vacc13 = vacc03;
    let p = ks;
    let ap = a;
    do {
      let a0 = load<usize>(ap);
      let a1 = load<usize>(ap, 4);
      ap += 8;
      p -= 8;
      // a tap that is padding for both rows adds nothing (as the SIMD tiles)
      if ((a0 ^ zero | a1 ^ zero) == 0) {
        w += kc << 2;
        continue;
      }
      if (a0 != zero) a0 += aOffset;
      if (a1 != zero) a1 += aOffset;
      let k = kc;
      do {
        const va0 = load<f32>(a0);
        const va1 = load<f32>(a1);
        a0 += 4;
        a1 += 4;
        const vb0 = load<f32>(w);
        const vb1 = load<f32>(w, 4);
        const vb2 = load<f32>(w, 8);
        const vb3 = load<f32>(w, 12);
        w += 16;
        vacc00 += va0 * vb0; vacc01 += va0 * vb1; vacc02 += va0 * vb2; vacc03 += va0 * vb3;
        vacc10 += va1 * vb0; vacc11 += va1 * vb1; vacc12 += va1 * vb2; vacc13 += va1 * vb3;
        k -= 4;
      } while (k != 0);
    } while (p != 0);
    vacc00 = clampf(vacc00, vmin, vmax); vacc01 = clampf(vacc01, vmin, vmax);
    vacc02 = clampf(vacc02, vmin, vmax); vacc03 = clampf(vacc03, vmin, vmax);
    vacc10 = clampf(vacc10, vmin, vmax); vacc11 = clampf(vacc11, vmin, vmax);
    vacc12 = clampf(vacc12, vmin, vmax); vacc13 = clampf(vacc13, vmin, vmax);
    if (nchw) {
      // one value per store, row 1 first (row 0 wins when both rows are the same pixel)
      store<f32>(c1, vacc10);
      store<f32>(c0, vacc00);
      if (nc > 1) {
        store<f32>(c1 + cs, vacc11);
        store<f32>(c0 + cs, vacc01);
      }
      if (nc > 2) {
        store<f32>(c1 + 2 * cs, vacc12);
        store<f32>(c0 + 2 * cs, vacc02);
      }
      if (nc > 3) {
        store<f32>(c1 + 3 * cs, vacc13);
        store<f32>(c0 + 3 * cs, vacc03);
      }
      c0 += cs << 2;
      c1 += cs << 2;
      nc = nc > 4 ? nc - 4 : 0;
    } else if (nc >= 4) {
      store<f32>(c1, vacc10); store<f32>(c1, vacc11, 4); store<f32>(c1, vacc12, 8); store<f32>(c1, vacc13, 12);
      store<f32>(c0, vacc00); store<f32>(c0, vacc01, 4); store<f32>(c0, vacc02, 8); store<f32>(c0, vacc03, 12);
      c0 += 16;
      c1 += 16;
      nc -= 4;
    } else {
      if (nc & 2) {
        store<f32>(c1, vacc10); store<f32>(c1, vacc11, 4);
        store<f32>(c0, vacc00); store<f32>(c0, vacc01, 4);
        vacc10 = vacc12; vacc00 = vacc02;
        c0 += 8;
        c1 += 8;
      }
      if (nc & 1) {
        store<f32>(c1, vacc10);
        store<f32>(c0, vacc00);
      }
      nc = 0;
    }
  } while (nc != 0);
}
