/**
 * The gemm splits of split.ts (its header says how each is cut): the igemm family over runs of
 * pixel tiles and channel panels, and the NCHW gemms over runs of pixels or output rows per image.
 * Each function fills the pool's task table with the export ids Split looked up and runs it.
 */
import type { Pool } from './pool.js';
import { type Feed, TASKS_PER_THREAD, pixelRunChunks, runsOf } from './split-plan.js';

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
  /** x still in the caller's array: copied in a run of pixels or rows at a time as the tasks start. */
  readonly feed?: Feed;
}

/**
 * One igemm call over the pool's threads: NHWC rows (run_conv2d_nhwc_f32, `nhwc`) or NCHW planes
 * (run_conv2d_nchw_out_at_f32, `nchwAt`; run_conv2d_groups4_at_f32, `groups4At`).
 */
export function runGemm(pool: Pool, nhwc: number, nchwAt: number, groups4At: number, c: GemmCall): void {
  const p = planGemm(c.pixels, c.mr, c.coutG, c.nr, c.groups, c.alt, pool.width);
  const groups4 = c.outPlane > 0 && c.alt === 2;
  const argc = c.outPlane > 0 ? (groups4 ? 13 : 14) : 13;
  const stride = argc + 1;
  const tileBytes = c.taps * c.mr * 4;
  const panelBytes = (c.nr + c.taps * c.cinG * c.nr) * 4;
  const t = pool.table(p.tasks, argc);
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
        t[o] = groups4At;
        t[o + 1] = ind; t[o + 2] = c.packed; t[o + 3] = c.out; t[o + 4] = c.zero; t[o + 5] = np;
        t[o + 6] = c.groups; t[o + 7] = c.cinG; t[o + 8] = c.taps; t[o + 9] = c.cout; t[o + 10] = c.min;
        t[o + 11] = c.max; t[o + 12] = c.outPlane; t[o + 13] = p0;
      } else {
        const nchw = c.outPlane > 0;
        t[o] = nchw ? nchwAt : nhwc;
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
  pool.run(p.tasks);
}

/**
 * An NCHW gemm per image over runs of pixels (pointwise: whole blocks of 16, the last run at
 * least a block) or of output rows (im2col): every task packs only the input its outputs read.
 * `pointwise` and `im2col`: the ids of run_pointwise_nchw_at_f32 and run_conv2d_im2col_nchw_rows_f32.
 */
export function runNchwGemm(pool: Pool, pointwise: number, im2col: number, c: NchwGemmCall): void {
  const runsPerImage = Math.ceil(TASKS_PER_THREAD * pool.width / c.n);
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
  const t = pool.table(c.n * runs, argc);
  let o = 0;
  for (let b = 0; b < c.n; b++) {
    const x = c.x + b * c.inFloats * 4;
    const y = c.y + b * c.cout * c.plane * 4;
    for (let i = 0; i < runs; i++) {
      t[o + 1] = x; t[o + 2] = c.w; t[o + 3] = c.bias; t[o + 4] = y; t[o + 5] = 1; t[o + 6] = c.cin;
      if (c.conv === undefined) {
        t[o] = pointwise;
        t[o + 7] = c.cout; t[o + 8] = c.plane; t[o + 9] = c.min; t[o + 10] = c.max;
        t[o + 11] = r[2 * i]; t[o + 12] = r[2 * i + 1];
      } else {
        const [h, w, oh, ow, kH, kW, sH, sW, dH, dW, pT, pL] = c.conv;
        t[o] = im2col;
        t[o + 7] = h; t[o + 8] = w; t[o + 9] = c.cout; t[o + 10] = oh; t[o + 11] = ow; t[o + 12] = kH; t[o + 13] = kW;
        t[o + 14] = sH; t[o + 15] = sW; t[o + 16] = dH; t[o + 17] = dW; t[o + 18] = pT; t[o + 19] = pL;
        t[o + 20] = c.min; t[o + 21] = c.max; t[o + 22] = r[2 * i]; t[o + 23] = r[2 * i + 1];
      }
      o += stride;
    }
  }
  pool.run(c.n * runs, undefined, c.feed && { feed: c.feed, chunks: nchwGemmChunks(c, r) });
}

/**
 * A feed's chunks for runNchwGemm's tasks: per image, the pointwise run's pixels of every input
 * plane, or the input rows the im2col run's output rows reach that no earlier run of the image
 * did (all rows by the image's last run).
 */
function nchwGemmChunks(c: NchwGemmCall, r: readonly number[]): number[] {
  if (c.conv === undefined) return pixelRunChunks(r, c.n, c.cin, c.plane);
  const runs = r.length / 2;
  const [h, w, , , kH, , sH, , dH, , pT] = c.conv;
  const chunks: number[] = [];
  for (let b = 0; b < c.n; b++) {
    let done = 0;
    for (let i = 0; i < runs; i++) {
      const end = i === runs - 1 ? h : Math.min(h, Math.max(done, (r[2 * i + 1] - 1) * sH - pT + (kH - 1) * dH + 1));
      chunks.push(b * c.inFloats + done * w, (end - done) * w, c.cin, h * w);
      done = end;
    }
  }
  return chunks;
}
