/**
 * f32_igemm_minmax_2x16__simd, the SIMD builds' igemm tile, and the 2x8 tile it runs on a last
 * panel of at most 8 columns; see igemm.ts for the operands and the register budget.
 */
import { clampf, vclamp, vmadd } from '../simd';
import { storeNchw4, storeRows8, storeTail } from './igemm-stores';

/**
 * The 2x16 kernel's last panel when it holds at most 8 output columns: the same packed panel (16
 * columns per k row, the ones past nc zero), of which only the first 8 are read, so a layer whose
 * output channels leave a short last panel (24, 35, 40, 67 ...) does not run 16 columns of
 * multiply-adds for at most 8 it keeps. 4 accumulators, 2 B vectors, 2 A broadcasts; its k loops
 * are the 2x16 kernel's (four channels per trip in the relaxed build). Not inlined, so the 2x16
 * loop keeps its registers and its layout (`npm run loops`: the same instructions, no jump
 * across 32 bytes). See docs/performance.md#short-last-panels.
 * nc: 1..8; the other arguments as f32_igemm_minmax_2x16__simd's, at the last panel.
 */
function f32_igemm_minmax_2x8__simd(
  nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c0: usize, c1: usize, nchw: bool, cs: usize, aOffset: usize, zero: usize, vmin: v128, vmax: v128,
): void {
  const pair = c1 == c0 + 4;
  let vacc0x0123 = v128.load(w);
  let vacc0x4567 = v128.load(w, 16);
  w += 64;
  let vacc1x0123 = vacc0x0123;
  let vacc1x4567 = vacc0x4567;
  let p = ks;
  let ap = a;
  do {
    let a0 = load<usize>(ap);
    let a1 = load<usize>(ap, 4);
    ap += 8;
    p -= 8;
    if ((a0 ^ zero | a1 ^ zero) == 0) {
      w += kc << 4;
      continue;
    }
    if (a0 != zero) a0 += aOffset;
    if (a1 != zero) a1 += aOffset;
    if (ASC_FEATURE_RELAXED_SIMD) {
      // four channels per trip at literal offsets, each followed by a real exit test, as in the
      // 2x16 relaxed loop (19 instructions per 4 multiply-adds with one channel per trip, 12 here)
      const wEnd = w + (kc << 4);
      let k = kc;
      let vb0123: v128, vb4567: v128, va0: v128, va1: v128;
      do {
        // channel +0
        va0 = v128.load32_splat(a0);
        va1 = v128.load32_splat(a1);
        vb0123 = v128.load(w);
        vb4567 = v128.load(w, 16);
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        if (k == 4) break;
        // channel +1
        va0 = v128.load32_splat(a0, 4);
        va1 = v128.load32_splat(a1, 4);
        vb0123 = v128.load(w, 64);
        vb4567 = v128.load(w, 80);
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        if (k == 8) break;
        w += 128;
        // channel +2
        va0 = v128.load32_splat(a0, 8);
        va1 = v128.load32_splat(a1, 8);
        vb0123 = v128.load(w);
        vb4567 = v128.load(w, 16);
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        if (k == 12) break;
        // channel +3
        va0 = v128.load32_splat(a0, 12);
        va1 = v128.load32_splat(a1, 12);
        vb0123 = v128.load(w, 64);
        vb4567 = v128.load(w, 80);
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        a0 += 16;
        a1 += 16;
        w += 128;
        k -= 16;
      } while (k != 0);
      w = wEnd;
    } else {
      let k = kc;
      do {
        const vb0123 = v128.load(w);
        const vb4567 = v128.load(w, 16);
        w += 64;
        const va0 = v128.load32_splat(a0);
        const va1 = v128.load32_splat(a1);
        a0 += 4;
        a1 += 4;
        vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
        vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
        vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
        vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
        k -= 4;
      } while (k != 0);
    }
  } while (p != 0);

  vacc0x0123 = vclamp(vacc0x0123, vmin, vmax);
  vacc0x4567 = vclamp(vacc0x4567, vmin, vmax);
  vacc1x0123 = vclamp(vacc1x0123, vmin, vmax);
  vacc1x4567 = vclamp(vacc1x4567, vmin, vmax);

  storeRows8(c0, c1, nchw, cs, pair, vacc0x0123, vacc0x4567, vacc1x0123, vacc1x4567, nc);
}

/**
 * 2x16 igemm with f32x4 mul + add (simd build) or f32x4.relaxed_madd (relaxed build):
 * 8 accumulators + 4 B vectors + 2 A broadcasts = 14 registers, and per k step only
 * 2 A pointer bumps for 8 multiply-adds (the 4x8 tile needs 4), so fewer non-arithmetic
 * instructions per FLOP: what relaxed_madd, bound by instruction issue rather than by the FP
 * ports, needs. Same contract as the 4x8 kernel with MR = 2, NR = 16.
 */
// @ts-ignore: decorator
@inline
export function f32_igemm_minmax_2x16__simd(
  nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c0: usize, c1: usize, nchw: bool, cs: usize, aOffset: usize, zero: usize, min: f32, max: f32,
): void {
  // NCHW output: the two rows are adjacent pixels of one plane (stored as pairs) unless the tile
  // straddles two images or has one row (c1 == c0)
  const pair = c1 == c0 + 4;
  const vmin = f32x4.splat(min);
  const vmax = f32x4.splat(max);
  do {
    // a last panel of at most 8 columns runs the 8-column tile
    if (nc <= 8) {
      f32_igemm_minmax_2x8__simd(nc, kc, ks, a, w, c0, c1, nchw, cs, aOffset, zero, vmin, vmax);
      return;
    }
    let vacc0x0123 = v128.load(w);
    let vacc0x4567 = v128.load(w, 16);
    let vacc0x89AB = v128.load(w, 32);
    let vacc0xCDEF = v128.load(w, 48);
    w += 64;
    let vacc1x0123 = vacc0x0123;
    let vacc1x4567 = vacc0x4567;
    let vacc1x89AB = vacc0x89AB;
    let vacc1xCDEF = vacc0xCDEF;
    let p = ks;
    let ap = a;
    do {
      let a0 = load<usize>(ap);
      let a1 = load<usize>(ap, 4);
      ap += 8;
      p -= 8;
      // a tap that is padding for both rows adds nothing: skip its k loop and its weights
      // (dilated layers with wide padding, e.g. DeepLab's dilation 6 on 33x33, spend a quarter
      // of their taps in the padding)
      if ((a0 ^ zero | a1 ^ zero) == 0) {
        w += kc << 4;
        continue;
      }
      if (a0 != zero) a0 += aOffset;
      if (a1 != zero) a1 += aOffset;
      if (ASC_FEATURE_RELAXED_SIMD) {
        // Four channels per trip, one k step each at constant offsets (written out: AssemblyScript
        // takes a load's offset only as a literal, so a step cannot be a helper), each followed
        // by a real exit test (kc is any multiple of 4 bytes; the tests also keep Binaryen from regrouping
        // the loads of the four steps, which spills). Per 8 FMAs: 19 x86 instructions instead of
        // 21, and, checked in the code V8 11.3 generates, no jump of the loop crosses or ends on a
        // 32-byte boundary: on Skylake-derived Xeons such a jump keeps its 32-byte block out of
        // the decoded-uop cache (Intel's JCC erratum microcode), which made a first layout with
        // two of them slower than the 1-channel loop; w is bumped twice per trip so that every
        // offset stays below 128 (see docs/performance.md#loop-layout-and-the-jcc-erratum).
        const wEnd = w + (kc << 4);
        let k = kc;
        let vb0123: v128, vb4567: v128, vb89AB: v128, vbCDEF: v128, va0: v128, va1: v128;
        do {
          // channel +0
          va0 = v128.load32_splat(a0);
          va1 = v128.load32_splat(a1);
          vb0123 = v128.load(w);
          vb4567 = v128.load(w, 16);
          vb89AB = v128.load(w, 32);
          vbCDEF = v128.load(w, 48);
          vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
          vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
          vacc0x89AB = vmadd(va0, vb89AB, vacc0x89AB);
          vacc0xCDEF = vmadd(va0, vbCDEF, vacc0xCDEF);
          vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
          vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
          vacc1x89AB = vmadd(va1, vb89AB, vacc1x89AB);
          vacc1xCDEF = vmadd(va1, vbCDEF, vacc1xCDEF);
          if (k == 4) break;
          // channel +1
          va0 = v128.load32_splat(a0, 4);
          va1 = v128.load32_splat(a1, 4);
          vb0123 = v128.load(w, 64);
          vb4567 = v128.load(w, 80);
          vb89AB = v128.load(w, 96);
          vbCDEF = v128.load(w, 112);
          vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
          vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
          vacc0x89AB = vmadd(va0, vb89AB, vacc0x89AB);
          vacc0xCDEF = vmadd(va0, vbCDEF, vacc0xCDEF);
          vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
          vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
          vacc1x89AB = vmadd(va1, vb89AB, vacc1x89AB);
          vacc1xCDEF = vmadd(va1, vbCDEF, vacc1xCDEF);
          if (k == 8) break;
          w += 128;
          // channel +2
          va0 = v128.load32_splat(a0, 8);
          va1 = v128.load32_splat(a1, 8);
          vb0123 = v128.load(w);
          vb4567 = v128.load(w, 16);
          vb89AB = v128.load(w, 32);
          vbCDEF = v128.load(w, 48);
          vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
          vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
          vacc0x89AB = vmadd(va0, vb89AB, vacc0x89AB);
          vacc0xCDEF = vmadd(va0, vbCDEF, vacc0xCDEF);
          vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
          vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
          vacc1x89AB = vmadd(va1, vb89AB, vacc1x89AB);
          vacc1xCDEF = vmadd(va1, vbCDEF, vacc1xCDEF);
          if (k == 12) break;
          // channel +3
          va0 = v128.load32_splat(a0, 12);
          va1 = v128.load32_splat(a1, 12);
          vb0123 = v128.load(w, 64);
          vb4567 = v128.load(w, 80);
          vb89AB = v128.load(w, 96);
          vbCDEF = v128.load(w, 112);
          vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
          vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
          vacc0x89AB = vmadd(va0, vb89AB, vacc0x89AB);
          vacc0xCDEF = vmadd(va0, vbCDEF, vacc0xCDEF);
          vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
          vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
          vacc1x89AB = vmadd(va1, vb89AB, vacc1x89AB);
          vacc1xCDEF = vmadd(va1, vbCDEF, vacc1xCDEF);
          a0 += 16;
          a1 += 16;
          w += 128;
          k -= 16;
        } while (k != 0);
        w = wEnd;
      } else {
        // mul + add: two FP-port instructions per multiply-add, so the ports, not instruction
        // issue, bound the loop; the 1-channel loop (which V8 unrolls twice) is kept.
        let k = kc;
        do {
          const vb0123 = v128.load(w);
          const vb4567 = v128.load(w, 16);
          const vb89AB = v128.load(w, 32);
          const vbCDEF = v128.load(w, 48);
          w += 64;
          const va0 = v128.load32_splat(a0);
          const va1 = v128.load32_splat(a1);
          a0 += 4;
          a1 += 4;
          vacc0x0123 = vmadd(va0, vb0123, vacc0x0123);
          vacc0x4567 = vmadd(va0, vb4567, vacc0x4567);
          vacc0x89AB = vmadd(va0, vb89AB, vacc0x89AB);
          vacc0xCDEF = vmadd(va0, vbCDEF, vacc0xCDEF);
          vacc1x0123 = vmadd(va1, vb0123, vacc1x0123);
          vacc1x4567 = vmadd(va1, vb4567, vacc1x4567);
          vacc1x89AB = vmadd(va1, vb89AB, vacc1x89AB);
          vacc1xCDEF = vmadd(va1, vbCDEF, vacc1xCDEF);
          k -= 4;
        } while (k != 0);
      }
    } while (p != 0);

    vacc0x0123 = vclamp(vacc0x0123, vmin, vmax);
    vacc0x4567 = vclamp(vacc0x4567, vmin, vmax);
    vacc0x89AB = vclamp(vacc0x89AB, vmin, vmax);
    vacc0xCDEF = vclamp(vacc0xCDEF, vmin, vmax);
    vacc1x0123 = vclamp(vacc1x0123, vmin, vmax);
    vacc1x4567 = vclamp(vacc1x4567, vmin, vmax);
    vacc1x89AB = vclamp(vacc1x89AB, vmin, vmax);
    vacc1xCDEF = vclamp(vacc1xCDEF, vmin, vmax);

    // columns 0-7, then 8-15: all 8, or the nc - 8 of a last panel of 9..15 columns (last panels
    // of at most 8 run the 2x8 tile)
    const half: usize = nchw ? cs << 3 : 32;
    storeRows8(c0, c1, nchw, cs, pair, vacc0x0123, vacc0x4567, vacc1x0123, vacc1x4567, 8);
    storeRows8(c0 + half, c1 + half, nchw, cs, pair, vacc0x89AB, vacc0xCDEF, vacc1x89AB, vacc1xCDEF, nc - 8);
    c0 += half << 1;
    c1 += half << 1;
    nc -= 16;
  } while (nc > 0);
}
