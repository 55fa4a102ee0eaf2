/**
 * The one place where a kernel call is split into tasks of the pool (pool.ts): given the call's
 * arguments and its geometry, it fills the task table and runs it. select.ts decides whether a
 * stage splits (StageChoice.threads); the kernels call the wasm export themselves when it does
 * not, so a stage on one thread runs exactly as before.
 *
 * Every task computes a disjoint block of the output with the same export and the same loop over
 * the reduction axis as the one-thread call, so N threads give the same bits as one.
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
 * layout transposes (transpose_nchw_nhwc_at_f32, transpose_nhwc_nchw_at_f32) per image over runs of pixels, the
 * m-fold input expansion of NHWC depthwise over runs of pixels, and the activation after the
 * clamp (run_activation_f32) over runs of floats (multiples of 16, so that each float goes through the
 * vector or the scalar form as in one call), or, with prelu's slopes, of rows or channel planes.
 *
 * Winograd (run_conv2d_winograd_blocks_f32): runs of its blocks of T tiles, each thread with its
 * own ind, v, m and tile starts (one scratch block per thread, its indirection built for its v).
 */
import type { Pool } from './pool.js';

/** Tasks per thread a split aims at, so that threads that start late or run slower still balance (XNNPACK's figure). */
export const TASKS_PER_THREAD = 5;

/**
 * Bytes a pass around the kernels (a transpose, the expansion, the activation) must move before
 * it splits; below, the run's dispatch costs more than the other threads save (docs/performance.md#threads).
 */
export const SPLIT_MIN_BYTES = 1 << 16;
/** Tunable by tests (every pass split) and benches; SPLIT_MIN_BYTES by default. */
export const passTuning = { minBytes: SPLIT_MIN_BYTES };

/** Runs of a range of `len` units in steps of `step`: [start, end) pairs, at most `runs` of them. */
function runsOf(len: number, step: number, runs: number): number[] {
  const steps = Math.ceil(len / step);
  const per = Math.ceil(steps / Math.max(1, Math.min(steps, runs))) * step;
  const out: number[] = [];
  for (let a = 0; a < len; a += per) out.push(a, Math.min(len, a + per));
  return out;
}

/** The arguments of one igemm call, as the one-thread call passes them. */
export interface GemmCall {
  readonly ind: number;
  readonly packed: number;
  readonly out: number;
  readonly zero: number;
  readonly pixels: number;
  readonly groups: number;
  readonly cinG: number;
  /** Output channels per group (groups4: 4). */
  readonly coutG: number;
  readonly taps: number;
  /** Output channels in all: the NHWC row stride, and the NCHW planes per image. */
  readonly cout: number;
  readonly min: number;
  readonly max: number;
  /** The tile: 0 the build's, 1 the 4x8 one, 2 groups of 4 outputs (run_conv2d_nhwc_f32's alt). */
  readonly alt: 0 | 1 | 2;
  /** Rows and columns of the tile the weights and the indirection buffer were made for. */
  readonly mr: number;
  readonly nr: number;
  /** NCHW planes of this many pixels, or 0: NHWC rows. */
  readonly outPlane: number;
}

/** How an igemm call is cut: runs of whole pixel tiles x runs of whole channel panels. */
export interface GemmPlan {
  readonly tilesPerTask: number;
  readonly pixelTasks: number;
  /** Output columns per task: a multiple of nr, or coutG when the channels are not cut. */
  readonly colsPerTask: number;
  readonly colTasks: number;
  readonly tasks: number;
}

/** The cut of an igemm of `pixels` pixels over `threads` threads. */
export function planGemm(pixels: number, mr: number, coutG: number, nr: number, groups: number, alt: number,
  threads: number): GemmPlan {
  const want = TASKS_PER_THREAD * threads;
  const tiles = Math.ceil(pixels / mr);
  const tilesPerTask = Math.ceil(tiles / Math.min(tiles, want));
  const pixelTasks = Math.ceil(tiles / tilesPerTask);
  const panels = Math.ceil(coutG / nr);
  let colsPerTask = coutG;
  let colTasks = 1;
  if (pixelTasks < want && groups === 1 && alt !== 2 && panels > 1) {
    const panelsPerTask = Math.ceil(panels / Math.min(panels, Math.ceil(want / pixelTasks)));
    colsPerTask = panelsPerTask * nr;
    colTasks = Math.ceil(panels / panelsPerTask);
  }
  return Object.freeze({ tilesPerTask, pixelTasks, colsPerTask, colTasks, tasks: pixelTasks * colTasks });
}

/** The arguments of one NCHW gemm call (run_pointwise_nchw_f32, or run_conv2d_im2col_nchw_f32 with `conv`). */
export interface NchwGemmCall {
  readonly x: number;
  readonly w: number;
  readonly bias: number;
  readonly y: number;
  readonly n: number;
  readonly cin: number;
  readonly cout: number;
  /** Output pixels per plane. */
  readonly plane: number;
  /** Input floats per image. */
  readonly inFloats: number;
  readonly min: number;
  readonly max: number;
  /** The im2col gemm's geometry (h, w, oh, ow, kH, kW, sH, sW, dH, dW, pT, pL); absent: pointwise. */
  readonly conv?: readonly number[];
}

/** The arguments of one NCHW depthwise call (run_dwconv2d_nchw_f32, or run_dwconv1d_ncw_f32 with `oneD`). */
export interface DwPlanesCall {
  readonly x: number;
  /** The plane-packed weights of the call's first channel: 1 + taps splatted values (16 bytes) per output channel. */
  readonly weights: number;
  readonly out: number;
  /** pool.size blocks of `scratchBytes`, the first at `scratch`. */
  readonly scratch: number;
  readonly scratchBytes: number;
  readonly n: number;
  readonly c: number;
  /** Input and output floats per plane (1-D: per row). */
  readonly inPlane: number;
  readonly outPlane: number;
  /** Output channels per input channel. */
  readonly m: number;
  readonly taps: number;
  /** The arguments after `cout`, as the one-thread call passes them. */
  readonly rest: readonly number[];
  /** The arguments between n, c and cout: (h, w) in 2-D, (w) in 1-D. */
  readonly dims: readonly number[];
  readonly oneD: boolean;
}

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

  /**
   * run_deconv2d_tiles_nchw_f32(col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, min,
   * max) over runs of output rows per image.
   */
  deconvTiles(args: readonly number[]): void {
    const [col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, min, max] = args;
    const id = this.tiles >= 0 ? this.tiles : (this.tiles = this.pool.fn('run_deconv2d_tiles_nchw_rows_f32'));
    const runsPerImage = Math.min(oh, Math.max(1, Math.ceil(TASKS_PER_THREAD * this.pool.size / n)));
    const per = Math.ceil(oh / runsPerImage);
    const runs = Math.ceil(oh / per);
    const t = this.pool.table(n * runs, 17);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < runs; r++) {
        t[o] = id;
        t[o + 1] = col + b * h * w * kH * kW * cout * 4; t[o + 2] = bias; t[o + 3] = out + b * cout * oh * ow * 4;
        t[o + 4] = 1; t[o + 5] = h; t[o + 6] = w; t[o + 7] = oh; t[o + 8] = ow; t[o + 9] = cout; t[o + 10] = kH;
        t[o + 11] = kW; t[o + 12] = padTop; t[o + 13] = padLeft; t[o + 14] = min; t[o + 15] = max;
        t[o + 16] = r * per; t[o + 17] = Math.min(oh, (r + 1) * per);
        o += 18;
      }
    }
    this.pool.run(n * runs);
  }

  /** Tiles per Winograd block when splitting: at most `T`, enough blocks for every thread, even. */
  static winogradT(tiles: number, T: number, threads: number): number {
    const t = Math.min(T, Math.max(2, Math.ceil(tiles / (TASKS_PER_THREAD * threads))));
    return t + (t & 1);
  }

  /**
   * run_conv2d_winograd_blocks_f32 over runs of blocks: `args` are its arguments before b0 and b1
   * (the scratch, argument 4, the first of pool.size blocks of `scratchBytes`).
   */
  winograd(args: readonly number[], blocks: number, scratchBytes: number): void {
    const id = this.wino >= 0 ? this.wino : (this.wino = this.pool.fn('run_conv2d_winograd_blocks_f32'));
    const runs = Math.min(blocks, TASKS_PER_THREAD * this.pool.size);
    const per = Math.ceil(blocks / runs);
    const tasks = Math.ceil(blocks / per);
    const argc = args.length + 2;
    const t = this.pool.table(tasks, argc);
    let o = 0;
    for (let r = 0; r < tasks; r++) {
      t[o] = id;
      for (let i = 0; i < args.length; i++) t[o + 1 + i] = args[i];
      t[o + 1 + args.length] = r * per;
      t[o + 2 + args.length] = Math.min(blocks, (r + 1) * per);
      o += argc + 1;
    }
    this.pool.run(tasks, { arg: 4, bytes: scratchBytes });
  }

  /**
   * run_dwconv2d_nhwc_f32(x, packed, out, zero, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW,
   * padTop, padLeft, min, max) over runs of output rows per image.
   */
  dwRows(args: readonly number[]): void {
    const [x, packed, out, zero, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, min, max] = args;
    const id = this.dwNhwc >= 0 ? this.dwNhwc : (this.dwNhwc = this.pool.fn('run_dwconv2d_nhwc_f32'));
    const runsPerImage = Math.min(oh, Math.max(1, Math.ceil(TASKS_PER_THREAD * this.pool.size / n)));
    const per = Math.ceil(oh / runsPerImage);
    const runs = Math.ceil(oh / per);
    const t = this.pool.table(n * runs, 20);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < runs; r++) {
        const oy0 = r * per;
        t[o] = id;
        t[o + 1] = x + b * h * w * channels * 4; t[o + 2] = packed;
        t[o + 3] = out + ((b * oh + oy0) * ow * channels) * 4; t[o + 4] = zero; t[o + 5] = 1; t[o + 6] = h;
        t[o + 7] = w; t[o + 8] = channels; t[o + 9] = Math.min(oh - oy0, per); t[o + 10] = ow; t[o + 11] = kH;
        t[o + 12] = kW; t[o + 13] = sH; t[o + 14] = sW; t[o + 15] = dH; t[o + 16] = dW;
        t[o + 17] = padTop - oy0 * sH; t[o + 18] = padLeft; t[o + 19] = min; t[o + 20] = max;
        o += 21;
      }
    }
    this.pool.run(n * runs);
  }

  /** An NCHW depthwise call over runs of input channels, per image, with row scratch per thread. */
  dwPlanes(c: DwPlanesCall): void {
    const threads = this.pool.size;
    const runsPerImage = Math.min(c.c, Math.max(1, Math.ceil(TASKS_PER_THREAD * threads / c.n)));
    const per = Math.ceil(c.c / runsPerImage);
    const runs = Math.ceil(c.c / per);
    let id: number;
    if (c.oneD) id = this.dw1d >= 0 ? this.dw1d : (this.dw1d = this.pool.fn('run_dwconv1d_ncw_f32'));
    else id = this.dw2d >= 0 ? this.dw2d : (this.dw2d = this.pool.fn('run_dwconv2d_nchw_f32'));
    const argc = 7 + c.dims.length + c.rest.length;
    const stride = argc + 1;
    const cout = c.c * c.m;
    const t = this.pool.table(c.n * runs, argc);
    let o = 0;
    for (let b = 0; b < c.n; b++) {
      for (let r = 0; r < runs; r++) {
        const c0 = r * per;
        const nc = Math.min(c.c - c0, per);
        t[o] = id;
        t[o + 1] = c.x + (b * c.c + c0) * c.inPlane * 4;
        t[o + 2] = c.weights + c0 * c.m * (1 + c.taps) * 16;
        t[o + 3] = c.out + (b * cout + c0 * c.m) * c.outPlane * 4;
        t[o + 4] = c.scratch; t[o + 5] = 1; t[o + 6] = nc;
        let a = o + 7;
        for (const v of c.dims) t[a++] = v;
        t[a++] = nc * c.m;
        for (const v of c.rest) t[a++] = v;
        o += stride;
      }
    }
    this.pool.run(c.n * runs, { arg: 3, bytes: c.scratchBytes });
  }

  /**
   * An NCHW gemm per image over runs of pixels (pointwise: whole blocks of 16, the last run at
   * least a block) or of output rows (im2col): every task packs only the input its outputs read.
   */
  nchwGemm(c: NchwGemmCall): void {
    const runsPerImage = Math.ceil(TASKS_PER_THREAD * this.pool.size / c.n);
    let r: number[];
    if (c.conv === undefined) {
      r = runsOf(c.plane, 16, runsPerImage);
      // the last block of a plane overlaps its predecessor: it must stay inside the last run
      const k = r.length;
      if (k > 2 && r[k - 1] - r[k - 2] < 16) r = [...r.slice(0, k - 3), r[k - 1]];
    } else {
      r = runsOf(c.conv[2], 1, runsPerImage);
    }
    const runs = r.length / 2;
    const argc = c.conv === undefined ? 12 : 23;
    const stride = argc + 1;
    const t = this.pool.table(c.n * runs, argc);
    let o = 0;
    for (let b = 0; b < c.n; b++) {
      const x = c.x + b * c.inFloats * 4;
      const y = c.y + b * c.cout * c.plane * 4;
      for (let i = 0; i < runs; i++) {
        t[o + 1] = x; t[o + 2] = c.w; t[o + 3] = c.bias; t[o + 4] = y; t[o + 5] = 1; t[o + 6] = c.cin;
        if (c.conv === undefined) {
          t[o] = this.pointwise;
          t[o + 7] = c.cout; t[o + 8] = c.plane; t[o + 9] = c.min; t[o + 10] = c.max;
          t[o + 11] = r[2 * i]; t[o + 12] = r[2 * i + 1];
        } else {
          const [h, w, oh, ow, kH, kW, sH, sW, dH, dW, pT, pL] = c.conv;
          t[o] = this.im2col;
          t[o + 7] = h; t[o + 8] = w; t[o + 9] = c.cout; t[o + 10] = oh; t[o + 11] = ow; t[o + 12] = kH; t[o + 13] = kW;
          t[o + 14] = sH; t[o + 15] = sW; t[o + 16] = dH; t[o + 17] = dW; t[o + 18] = pT; t[o + 19] = pL;
          t[o + 20] = c.min; t[o + 21] = c.max; t[o + 22] = r[2 * i]; t[o + 23] = r[2 * i + 1];
        }
        o += stride;
      }
    }
    this.pool.run(c.n * runs);
  }

  /** Threads in the pool, the caller's included. */
  get size(): number {
    return this.pool.size;
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
   * transpose_nchw_nhwc_f32 (toNhwc) or transpose_nhwc_nchw_f32 (src, dst, n, c, hw) per image over runs of
   * pixels, multiples of 16 (the transposes' tile).
   */
  transpose(toNhwc: boolean, src: number, dst: number, n: number, c: number, hw: number): void {
    const id = toNhwc ? (this.toNhwc >= 0 ? this.toNhwc : (this.toNhwc = this.pool.fn('transpose_nchw_nhwc_at_f32')))
      : (this.toNchw >= 0 ? this.toNchw : (this.toNchw = this.pool.fn('transpose_nhwc_nchw_at_f32')));
    const r = runsOf(hw, 16, Math.ceil(TASKS_PER_THREAD * this.pool.size / n));
    const runs = r.length / 2;
    const t = this.pool.table(n * runs, 7);
    let o = 0;
    for (let b = 0; b < n; b++) {
      const at = b * c * hw * 4;
      for (let i = 0; i < runs; i++) {
        t[o] = id; t[o + 1] = src + at; t[o + 2] = dst + at; t[o + 3] = 1; t[o + 4] = c; t[o + 5] = hw;
        t[o + 6] = r[2 * i]; t[o + 7] = r[2 * i + 1];
        o += 8;
      }
    }
    this.pool.run(n * runs);
  }

  /** expand_dwconv2d_nhwc_f32(x, dst, pixels, c, m) over runs of pixels. */
  expand(x: number, dst: number, pixels: number, c: number, m: number): void {
    const id = this.expandId >= 0 ? this.expandId : (this.expandId = this.pool.fn('expand_dwconv2d_nhwc_f32'));
    const r = runsOf(pixels, 16, TASKS_PER_THREAD * this.pool.size);
    const runs = r.length / 2;
    const t = this.pool.table(runs, 5);
    for (let i = 0, o = 0; i < runs; i++, o += 6) {
      const p0 = r[2 * i];
      t[o] = id; t[o + 1] = x + p0 * c * 4; t[o + 2] = dst + p0 * c * m * 4; t[o + 3] = r[2 * i + 1] - p0;
      t[o + 4] = c; t[o + 5] = m;
    }
    this.pool.run(runs);
  }

  /**
   * run_activation_f32(out, rows, channels, plane, kind, alpha, prelu). One slope for all: runs of 16
   * floats of the whole buffer, each a call on one row of that many floats. prelu's slopes: runs
   * of rows (NHWC, plane 0) or, per image, of channel planes.
   */
  activate(out: number, rows: number, channels: number, plane: number, kind: number, alpha: number, prelu: number): void {
    const id = this.act >= 0 ? this.act : (this.act = this.pool.fn('run_activation_f32'));
    const want = TASKS_PER_THREAD * this.pool.size;
    if (prelu === 0) {
      const r = runsOf(rows * channels * Math.max(plane, 1), 16, want);
      const runs = r.length / 2;
      const t = this.pool.table(runs, 7);
      for (let i = 0, o = 0; i < runs; i++, o += 8) {
        t[o] = id; t[o + 1] = out + r[2 * i] * 4; t[o + 2] = 1; t[o + 3] = r[2 * i + 1] - r[2 * i]; t[o + 4] = 0;
        t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = 0;
      }
      this.pool.run(runs);
      return;
    }
    if (plane === 0) {
      const r = runsOf(rows, 1, want);
      const runs = r.length / 2;
      const t = this.pool.table(runs, 7);
      for (let i = 0, o = 0; i < runs; i++, o += 8) {
        t[o] = id; t[o + 1] = out + r[2 * i] * channels * 4; t[o + 2] = r[2 * i + 1] - r[2 * i]; t[o + 3] = channels;
        t[o + 4] = 0; t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = prelu;
      }
      this.pool.run(runs);
      return;
    }
    const r = runsOf(channels, 1, Math.ceil(want / rows));
    const runs = r.length / 2;
    const t = this.pool.table(rows * runs, 7);
    let o = 0;
    for (let b = 0; b < rows; b++) {
      for (let i = 0; i < runs; i++) {
        const c0 = r[2 * i];
        t[o] = id; t[o + 1] = out + (b * channels + c0) * plane * 4; t[o + 2] = 1; t[o + 3] = r[2 * i + 1] - c0;
        t[o + 4] = plane; t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = prelu + c0 * 4;
        o += 8;
      }
    }
    this.pool.run(rows * runs);
  }

  /**
   * run_deconv_col2im_ndhwc_f32's 26 arguments (col, bias, out, n, d, h, w, od, oh, ow, ...) over
   * runs of output rows of the whole batch (n * od * oh rows).
   */
  col2im(args: readonly number[]): void {
    const id = this.col2imId >= 0 ? this.col2imId : (this.col2imId = this.pool.fn('run_deconv_col2im_rows_ndhwc_f32'));
    const rows = args[3] * args[7] * args[8];
    const r = runsOf(rows, 1, TASKS_PER_THREAD * this.pool.size);
    const runs = r.length / 2;
    const t = this.pool.table(runs, 28);
    for (let i = 0, o = 0; i < runs; i++, o += 29) {
      t[o] = id;
      for (let k = 0; k < 26; k++) t[o + 1 + k] = args[k];
      t[o + 27] = r[2 * i]; t[o + 28] = r[2 * i + 1];
    }
    this.pool.run(runs);
  }

  /** One igemm call over the pool's threads: NHWC rows or NCHW planes, any of the three tiles. */
  gemm(c: GemmCall): void {
    const p = planGemm(c.pixels, c.mr, c.coutG, c.nr, c.groups, c.alt, this.pool.size);
    const groups4 = c.outPlane > 0 && c.alt === 2;
    const argc = c.outPlane > 0 ? (groups4 ? 13 : 14) : 13;
    const stride = argc + 1;
    const tileBytes = c.taps * c.mr * 4;
    const panelBytes = (c.nr + c.taps * c.cinG * c.nr) * 4;
    const t = this.pool.table(p.tasks, argc);
    let o = 0;
    for (let ct = 0; ct < p.colTasks; ct++) {
      const n0 = ct * p.colsPerTask;
      const nc = Math.min(c.coutG - n0, p.colsPerTask);
      const packed = c.packed + (n0 / c.nr) * panelBytes;
      for (let pt = 0; pt < p.pixelTasks; pt++) {
        const t0 = pt * p.tilesPerTask;
        const p0 = t0 * c.mr;
        const np = Math.min(c.pixels - p0, p.tilesPerTask * c.mr);
        const ind = c.ind + t0 * tileBytes;
        if (groups4) {
          t[o] = this.groups4At;
          t[o + 1] = ind; t[o + 2] = c.packed; t[o + 3] = c.out; t[o + 4] = c.zero; t[o + 5] = np;
          t[o + 6] = c.groups; t[o + 7] = c.cinG; t[o + 8] = c.taps; t[o + 9] = c.cout; t[o + 10] = c.min;
          t[o + 11] = c.max; t[o + 12] = c.outPlane; t[o + 13] = p0;
        } else {
          const nchw = c.outPlane > 0;
          t[o] = nchw ? this.nchwAt : this.nhwc;
          t[o + 1] = ind; t[o + 2] = packed;
          t[o + 3] = nchw ? c.out + n0 * c.outPlane * 4 : c.out + (p0 * c.cout + n0) * 4;
          t[o + 4] = c.zero; t[o + 5] = np; t[o + 6] = c.groups; t[o + 7] = c.cinG; t[o + 8] = nc;
          t[o + 9] = c.taps; t[o + 10] = c.cout; t[o + 11] = c.min; t[o + 12] = c.max;
          t[o + 13] = nchw ? c.outPlane : c.alt;
          if (nchw) t[o + 14] = p0;
        }
        o += stride;
      }
    }
    this.pool.run(p.tasks);
  }
}
