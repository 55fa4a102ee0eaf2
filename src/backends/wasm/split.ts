/**
 * The one place where a kernel call is split into tasks of the pool (pool.ts): given the call's
 * arguments and its geometry, it fills the task table and runs it. select.ts decides whether a
 * stage splits (StageChoice.threads); the kernels call the wasm export themselves when it does
 * not, so a stage on one thread runs exactly as before.
 *
 * Every task computes a disjoint block of the output with the same export and the same loop over
 * the reduction axis as the one-thread call, so N threads give the same bits as one.
 *
 * Split (below) holds the export ids; the task tables are filled by kernel family: split-gemm.ts
 * (the igemm family, the NCHW gemms), split-conv.ts (depthwise, Winograd, the tiled col2im),
 * split-passes.ts (transposes, expansion, activation, the general col2im), with the planning
 * they share (TASKS_PER_THREAD, SPLIT_MIN_BYTES, runs of a range) in split-plan.ts.
 *
 * The igemm family (run_conv2d_nhwc_f32, run_conv2d_nchw_out_at_f32, run_conv2d_groups4_at_f32):
 * tiles of mr output pixels (the indirection buffer holds tile t at ind + t*taps*mr*4 bytes) in
 * runs of whole tiles, and, when that leaves fewer than TASKS_PER_THREAD tasks per thread on an
 * ungrouped layer, panels of nr output channels too (the packed weights hold panel j at
 * packed + j*(nr + taps*cinG*nr)*4 bytes, bias first).
 *
 * The NCHW gemms (run_pointwise_nchw_at_f32, run_conv2d_im2col_nchw_rows_f32): per image, runs of
 * whole 16-pixel blocks or of output rows, all output channels each; each task packs the input
 * panel of its own pixels. (Runs of output channels packed the whole panel again in every task.)
 *
 * The NCHW depthwise kernels (run_dwconv2d_nchw_f32, run_dwconv1d_ncw_f32): per image, runs of
 * input channels (input planes, their m output planes and plane-packed weights offset), each
 * thread with its own row scratch (pool.run's perThread). The NHWC depthwise kernel
 * (run_dwconv2d_nhwc_f32): per image, runs of output rows, the task's first row oy0 given as the
 * top padding padTop - oy0*strideH (every kernel computes a row from oy*strideH - padTop alone).
 *
 * The transposed convolution's col2im where the taps tile the output (run_deconv2d_tiles_nchw_rows_f32):
 * per image, runs of output rows (each output pixel receives one tap). The general col2im
 * (run_deconv_col2im_rows_ndhwc_f32), which adds several taps into one output pixel: runs of
 * output rows, each task gathering the taps that reach its rows in the one-thread order.
 *
 * The passes around the kernels, split when they move at least SPLIT_MIN_BYTES: the runner's
 * layout transposes (transpose_nchw_nhwc_at_f32, transpose_nhwc_nchw_at_f32) per image over runs of pixels (and
 * blocks of channels on planes too small for the pool's tasks), the
 * m-fold input expansion of NHWC depthwise over runs of pixels, and the activation after the
 * clamp (run_activation_f32) over runs of floats (multiples of 16, so that each float goes through the
 * vector or the scalar form as in one call), or, with prelu's slopes, of rows or channel planes.
 *
 * Winograd (run_conv2d_winograd_blocks_f32): runs of its blocks of T tiles, each thread with its
 * own ind, v, m and tile starts (one scratch block per thread, its indirection built for its v);
 * where the blocks are too few for TASKS_PER_THREAD tasks a thread (small planes, many threads),
 * runs of output-channel panels too, each task transforming its blocks' input itself.
 *
 * Feeds (split-plan.ts): a split that reads a run's input first (the NCHW depthwise kernels, the
 * NCHW gemms, the transpose to NHWC) can take it still in the caller's array and give each task
 * the chunk it reads, so that the copy in, which only the caller can do, overlaps the workers'
 * first tasks instead of preceding the whole run.
 */
import type { Pool } from './pool.js';
import { type DwPlanesCall, runDeconvTiles, runDwPlanes, runDwRows, runWinograd, winogradT } from './split-conv.js';
import { type GemmCall, runGemm, runNchwGemm, type NchwGemmCall } from './split-gemm.js';
import { runActivation, runCol2im, runExpand, runTranspose } from './split-passes.js';
import { type Feed, passTuning } from './split-plan.js';

// split.ts stays the module the kernels and the tests import the split from
export { Feed, SPLIT_MIN_BYTES, TASKS_PER_THREAD, passTuning } from './split-plan.js';
export { type GemmCall, type GemmPlan, type NchwGemmCall, planGemm } from './split-gemm.js';
export type { DwPlanesCall } from './split-conv.js';

/** A kernel's handle on the pool: the export ids it splits, looked up once. */
export class Split {
  private readonly nhwc: number;
  private readonly nchwAt: number;
  private readonly groups4At: number;

  constructor(readonly pool: Pool) {
    this.nhwc = pool.fn('run_conv2d_nhwc_f32');
    this.nchwAt = pool.fn('run_conv2d_nchw_out_at_f32');
    this.groups4At = pool.fn('run_conv2d_groups4_at_f32');
    this.pointwise = pool.fn('run_pointwise_nchw_at_f32');
    this.im2col = pool.fn('run_conv2d_im2col_nchw_rows_f32');
  }

  private readonly pointwise: number;
  private readonly im2col: number;
  private dw2d = -1;
  private dw1d = -1;
  private dwNhwc = -1;
  private wino = -1;
  private tiles = -1;

  /** run_deconv2d_tiles_nchw_f32's arguments over runs of output rows per image (split-conv.ts). */
  deconvTiles(args: readonly number[]): void {
    const id = this.tiles >= 0 ? this.tiles : (this.tiles = this.pool.fn('run_deconv2d_tiles_nchw_rows_f32'));
    runDeconvTiles(this.pool, id, args);
  }

  /** Tiles per Winograd block when splitting: at most `T`, enough blocks for every thread, even. */
  static winogradT(tiles: number, T: number, threads: number): number {
    return winogradT(tiles, T, threads);
  }

  /**
   * run_conv2d_winograd_blocks_f32 over runs of blocks, and of nr-column panels where the blocks
   * are few (split-conv.ts): `args` are its arguments before b0, b1, c0 and c1 (the scratch,
   * argument 4, the first of pool.size blocks of `scratchBytes`).
   */
  winograd(args: readonly number[], blocks: number, scratchBytes: number, nr: number): void {
    const id = this.wino >= 0 ? this.wino : (this.wino = this.pool.fn('run_conv2d_winograd_blocks_f32'));
    runWinograd(this.pool, id, args, blocks, scratchBytes, nr);
  }

  /** run_dwconv2d_nhwc_f32's arguments over runs of output rows per image (split-conv.ts). */
  dwRows(args: readonly number[]): void {
    const id = this.dwNhwc >= 0 ? this.dwNhwc : (this.dwNhwc = this.pool.fn('run_dwconv2d_nhwc_f32'));
    runDwRows(this.pool, id, args);
  }

  /** An NCHW depthwise call over runs of input channels, per image, with row scratch per thread. */
  dwPlanes(c: DwPlanesCall): void {
    let id: number;
    if (c.oneD) id = this.dw1d >= 0 ? this.dw1d : (this.dw1d = this.pool.fn('run_dwconv1d_ncw_f32'));
    else id = this.dw2d >= 0 ? this.dw2d : (this.dw2d = this.pool.fn('run_dwconv2d_nchw_f32'));
    runDwPlanes(this.pool, id, c);
  }

  /**
   * An NCHW gemm per image over runs of pixels (pointwise) or of output rows (im2col), every task
   * packing only the input its outputs read (split-gemm.ts).
   */
  nchwGemm(c: NchwGemmCall): void {
    runNchwGemm(this.pool, this.pointwise, this.im2col, c);
  }

  /** Threads in the pool, the caller's included. */
  get size(): number {
    return this.pool.size;
  }

  /** Threads that take a run's tasks (Pool.width): what a split plans for. */
  get width(): number {
    return this.pool.width;
  }

  /** Whether a pass that moves `bytes` (read plus written) splits. */
  static passSplits(bytes: number): boolean {
    return bytes >= passTuning.minBytes;
  }

  private toNhwc = -1;
  private toNchw = -1;
  private expandId = -1;
  private act = -1;
  private col2imId = -1;

  /**
   * transpose_nchw_nhwc_at_f32 (toNhwc) or transpose_nhwc_nchw_at_f32 (src, dst, n, c, hw) per image over runs of
   * pixels, multiples of 16 (the transposes' tile), and blocks of channels on small planes (split-passes.ts).
   */
  transpose(toNhwc: boolean, src: number, dst: number, n: number, c: number, hw: number, feed?: Feed): void {
    const id = toNhwc ? (this.toNhwc >= 0 ? this.toNhwc : (this.toNhwc = this.pool.fn('transpose_nchw_nhwc_at_f32')))
      : (this.toNchw >= 0 ? this.toNchw : (this.toNchw = this.pool.fn('transpose_nhwc_nchw_at_f32')));
    runTranspose(this.pool, id, src, dst, n, c, hw, feed);
  }

  /** expand_dwconv2d_nhwc_f32(x, dst, pixels, c, m) over runs of pixels. */
  expand(x: number, dst: number, pixels: number, c: number, m: number): void {
    const id = this.expandId >= 0 ? this.expandId : (this.expandId = this.pool.fn('expand_dwconv2d_nhwc_f32'));
    runExpand(this.pool, id, x, dst, pixels, c, m);
  }

  /**
   * run_activation_f32(out, rows, channels, plane, kind, alpha, prelu) over runs of floats, rows
   * or channel planes (split-passes.ts).
   */
  activate(out: number, rows: number, channels: number, plane: number, kind: number, alpha: number, prelu: number): void {
    const id = this.act >= 0 ? this.act : (this.act = this.pool.fn('run_activation_f32'));
    runActivation(this.pool, id, out, rows, channels, plane, kind, alpha, prelu);
  }

  /** run_deconv_col2im_ndhwc_f32's 26 arguments over runs of output rows of the whole batch (split-passes.ts). */
  col2im(args: readonly number[]): void {
    const id = this.col2imId >= 0 ? this.col2imId : (this.col2imId = this.pool.fn('run_deconv_col2im_rows_ndhwc_f32'));
    runCol2im(this.pool, id, args);
  }

  /** One igemm call over the pool's threads: NHWC rows or NCHW planes, any of the three tiles. */
  gemm(c: GemmCall): void {
    runGemm(this.pool, this.nhwc, this.nchwAt, this.groups4At, c);
  }
}
