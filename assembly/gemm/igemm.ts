/**
 * Indirect gemm (igemm) micro-kernels: C[mr x nc] = clamp(bias + sum over ks taps of A_t * B_t).
 *
 * Tiles: 2x16 (the SIMD builds' GEMM_MR x GEMM_NR; a last panel of at most 8 columns runs 2x8
 * on the same packed panel), 4x8 (the SIMD builds' alternative, used for groups of at most 8
 * output channels), 2x4 scalar (the scalar build's tile) and 4x4 scalar (its alternative). In
 * the relaxed build every multiply-add is one f32x4.relaxed_madd, in the simd build an f32x4.mul
 * and an f32x4.add (vmadd).
 *
 * The rows of A are reached through an indirection buffer: per tile of MR output pixels, per tap,
 * MR row pointers (u32). A pointer equal to `zero` (a buffer of kc zeros) stands for an
 * out-of-image tap; every other pointer gets `aOffset` added (the group's first input channel).
 * A tap whose MR pointers are all `zero` is skipped (its k loop and its weights): it would add
 * only zeros, and a quarter of the taps of DeepLab's dilation-6 layer are such
 * (see docs/performance.md#zero-taps).
 * B is packed by pack.ts: per NR panel, NR biases then ks*kc rows of NR weights.
 *
 *   indirection: [tap 0: a0 .. a(MR-1)][tap 1: a0 .. a(MR-1)] ...   (ks bytes = taps*MR*4)
 *   w:           [NR biases][k0: NR weights][k1: NR weights] ... | next panel
 *   c:           row i at c + i*cStride, nc contiguous floats
 *
 * Preconditions: 1 <= mr <= MR; nc >= 1; kc >= 4 bytes (one channel). Rows mr..MR-1 of a tile
 * must hold valid pointers (the builders repeat the last valid row); their c pointers alias row
 * mr-1, which then receives the same values twice. Tail columns (nc % NR) are stored 8|4|2|1
 * lanes at a time. Reads: whole v128 of B (packed, padded); A one f32 at a time (no over-read).
 *
 * Register budget (V8 allocates xmm0-14 and hoists all loads of an iteration):
 * 4x8 = 8 accumulators + 2 B + 4 A broadcasts = 14; 2x16 = 8 + 4 + 2 = 14. Bumped pointers,
 * constant offsets; one k step per loop trip except in the relaxed 2x16 loop (four, see there);
 * the clamp is f32x4.pmax/pmin (one maxps/minps each on x64), ordered so that a NaN accumulator
 * stays NaN as in PyTorch.
 * Check the generated code with `npm run loops` (tools/loop-report.mjs) after changing a loop: no
 * spill, no jump across a 32-byte boundary (see docs/performance.md#generated-loops). A 3x12 tile
 * lost to 2x16 on layers: V8 gave its loop such jumps in every ordering tried
 * (see docs/performance.md#the-3x12-tile-not-kept).
 */
import { NR } from '../params';
import { clampf, vclamp, vmadd } from '../simd';

/** Stores the low `n` (0..3) lanes of v at p. */
// @ts-ignore: decorator
@inline
function storeTail(p: usize, v: v128, n: i32): void {
  if (n & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (n & 1) {
    v128.store32_lane(p, v, 0);
  }
}

/**
 * Stores channels 0..n-1 (n <= 4; n is a constant where it matters) of two rows into NCHW planes
 * `cs` bytes apart: with `pair` (row 1 is the pixel after row 0 in the same plane) one 8-byte
 * store per channel after a 2x4 transpose, else one 4-byte store per value, row 1 first so that
 * row 0 wins when both rows are the same pixel.
 */
// @ts-ignore: decorator
@inline
function storeNchw4(c0: usize, c1: usize, cs: usize, pair: bool, v0: v128, v1: v128, n: i32): void {
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
function storeRows8(
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

/**
 * The build's igemm (tile GEMM_MR x GEMM_NR): 2x16 relaxed_madd (relaxed), 2x16 mul+add (simd)
 * or 2x4 scalar. Not inlined into its callers, so the register allocator sees one small hot
 * function.
 */
export function igemm(
  mr: i32, nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c: usize, cStride: usize, aOffset: usize, zero: usize, min: f32, max: f32,
): void {
  const c1 = mr < 2 ? c : c + cStride;
  if (ASC_FEATURE_SIMD && NR == 16) {
    f32_igemm_minmax_2x16__simd(nc, kc, ks, a, w, c, c1, false, 4, aOffset, zero, min, max);
  } else if (ASC_FEATURE_SIMD) {
    f32_igemm_minmax_4x8__simd(mr, nc, kc, ks, a, w, c, cStride, aOffset, zero, min, max);
  } else {
    f32_igemm_minmax_2x4__scalar(nc, kc, ks, a, w, c, c1, false, 4, aOffset, zero, min, max);
  }
}

/**
 * The build's 2-row tile (2x16 SIMD, 2x4 scalar) writing NCHW output: row i's channel j is stored
 * at ci + j*cs (cs = the output plane's bytes), so a lone layer on NCHW data needs no output
 * transpose. c0 and c1 are the two rows' outputs (c1 == c0 when the tile has one row).
 */
export function igemmNchw(
  nc: i32, kc: usize, ks: usize, a: usize, w: usize, c0: usize, c1: usize, cs: usize,
  aOffset: usize, zero: usize, min: f32, max: f32,
): void {
  if (ASC_FEATURE_SIMD && NR == 16) {
    f32_igemm_minmax_2x16__simd(nc, kc, ks, a, w, c0, c1, true, cs, aOffset, zero, min, max);
  } else if (!ASC_FEATURE_SIMD) {
    f32_igemm_minmax_2x4__scalar(nc, kc, ks, a, w, c0, c1, true, cs, aOffset, zero, min, max);
  } else {
    unreachable();
  }
}

/**
 * The 4x8 tile (weights packed with nr = 8), kept as the alternative tile of the SIMD builds
 * (fewer B loads per FLOP when B streams from memory); the scalar build runs its 4x4 kernel.
 */
export function igemm4x8(
  mr: i32, nc: i32, kc: usize, ks: usize, a: usize, w: usize,
  c: usize, cStride: usize, aOffset: usize, zero: usize, min: f32, max: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    f32_igemm_minmax_4x8__simd(mr, nc, kc, ks, a, w, c, cStride, aOffset, zero, min, max);
  } else {
    f32_igemm_minmax_4x4__scalar(mr, nc, kc, ks, a, w, c, cStride, aOffset, zero, min, max);
  }
}
