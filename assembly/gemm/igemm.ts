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
import { f32_igemm_minmax_2x16__simd } from './f32-igemm-2x16';
import { f32_igemm_minmax_4x8__simd } from './f32-igemm-4x8';
import { f32_igemm_minmax_2x4__scalar, f32_igemm_minmax_4x4__scalar } from './f32-igemm-scalar';

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
