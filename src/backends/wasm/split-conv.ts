/**
 * The convolution splits of split.ts that are not gemms (its header says how each is cut): the
 * depthwise kernels over runs of channels or output rows, Winograd over runs of blocks, and the
 * transposed convolution's tiled col2im over runs of output rows. Each function fills the pool's
 * task table with the export id Split looked up and runs it.
 */
import type { Pool } from './pool.js';
import { type Feed, TASKS_PER_THREAD, runsOf } from './split-plan.js';

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
  /** x still in the caller's array: copied in a channel run at a time as the tasks start. */
  readonly feed?: Feed;
}

/**
 * run_deconv2d_tiles_nchw_f32(col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, min,
 * max) over runs of output rows per image, and of channel quads where the rows are too few for
 * the threads; `id`: run_deconv2d_tiles_nchw_rows_f32's.
 */
export function runDeconvTiles(pool: Pool, id: number, args: readonly number[]): void {
  const [col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, min, max] = args;
  const want = TASKS_PER_THREAD * pool.width;
  const rows = runsOf(oh, 1, Math.ceil(want / n));
  const runs = rows.length / 2;
  const chans = n * runs >= want ? [0, cout]
    : runsOf(cout, 4, Math.ceil(want / (n * runs)));
  const tasks = n * runs * (chans.length / 2);
  const t = pool.table(tasks, 19);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < chans.length; k += 2) {
        t[o] = id;
        t[o + 1] = col + b * h * w * kH * kW * cout * 4; t[o + 2] = bias; t[o + 3] = out + b * cout * oh * ow * 4;
        t[o + 4] = 1; t[o + 5] = h; t[o + 6] = w; t[o + 7] = oh; t[o + 8] = ow; t[o + 9] = cout; t[o + 10] = kH;
        t[o + 11] = kW; t[o + 12] = padTop; t[o + 13] = padLeft; t[o + 14] = min; t[o + 15] = max;
        t[o + 16] = rows[2 * r]; t[o + 17] = rows[2 * r + 1]; t[o + 18] = chans[k]; t[o + 19] = chans[k + 1];
        o += 20;
      }
    }
  }
  pool.run(tasks);
}

/** Tiles per Winograd block when splitting: at most `T`, enough blocks for every thread, even. */
export function winogradT(tiles: number, T: number, threads: number): number {
  const t = Math.min(T, Math.max(2, Math.ceil(tiles / (TASKS_PER_THREAD * threads))));
  return t + (t & 1);
}

/**
 * Output-channel panels of a Winograd split over `blocks` blocks: [0, cout] while the blocks give
 * every thread TASKS_PER_THREAD tasks, or split evenly with two or more a thread; else as many
 * runs of whole nr-column panels as make up the tasks. Each such task transforms its blocks'
 * input again: resnet.3x3.14's 8 blocks on 2 threads lost 6% when cut in 16 tasks.
 */
export function winogradPanels(blocks: number, cout: number, nr: number, threads: number): number[] {
  const want = TASKS_PER_THREAD * threads;
  if (blocks >= want || (blocks % threads === 0 && blocks >= 2 * threads)) return [0, cout];
  return runsOf(cout, nr, Math.ceil(want / blocks));
}

/**
 * run_conv2d_winograd_blocks_f32 (`id`) over runs of blocks and, where the blocks are too few for
 * the threads, panels of output channels (winogradPanels): `args` are its arguments before b0, b1,
 * c0 and c1 (the scratch, argument 4, the first of pool.size blocks of `scratchBytes`; cout,
 * argument 10).
 */
export function runWinograd(pool: Pool, id: number, args: readonly number[], blocks: number, scratchBytes: number,
  nr: number): void {
  const r = runsOf(blocks, 1, TASKS_PER_THREAD * pool.width);
  const c = winogradPanels(r.length / 2, args[10], nr, pool.width);
  const tasks = (r.length / 2) * (c.length / 2);
  const argc = args.length + 4;
  const t = pool.table(tasks, argc);
  let o = 0;
  for (let i = 0; i < r.length; i += 2) {
    for (let k = 0; k < c.length; k += 2) {
      t[o] = id;
      for (let j = 0; j < args.length; j++) t[o + 1 + j] = args[j];
      t[o + 1 + args.length] = r[i];
      t[o + 2 + args.length] = r[i + 1];
      t[o + 3 + args.length] = c[k];
      t[o + 4 + args.length] = c[k + 1];
      o += argc + 1;
    }
  }
  pool.run(tasks, { arg: 4, bytes: scratchBytes });
}

/**
 * run_dwconv2d_nhwc_f32(x, packed, out, zero, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW,
 * padTop, padLeft, min, max) (`id`) over runs of output rows per image.
 */
export function runDwRows(pool: Pool, id: number, args: readonly number[]): void {
  const [x, packed, out, zero, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, min, max] = args;
  const rows = runsOf(oh, 1, Math.ceil(TASKS_PER_THREAD * pool.width / n));
  const runs = rows.length / 2;
  const t = pool.table(n * runs, 20);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < runs; r++) {
      const oy0 = rows[2 * r];
      t[o] = id;
      t[o + 1] = x + b * h * w * channels * 4; t[o + 2] = packed;
      t[o + 3] = out + ((b * oh + oy0) * ow * channels) * 4; t[o + 4] = zero; t[o + 5] = 1; t[o + 6] = h;
      t[o + 7] = w; t[o + 8] = channels; t[o + 9] = rows[2 * r + 1] - oy0; t[o + 10] = ow; t[o + 11] = kH;
      t[o + 12] = kW; t[o + 13] = sH; t[o + 14] = sW; t[o + 15] = dH; t[o + 16] = dW;
      t[o + 17] = padTop - oy0 * sH; t[o + 18] = padLeft; t[o + 19] = min; t[o + 20] = max;
      o += 21;
    }
  }
  pool.run(n * runs);
}

/**
 * An NCHW depthwise call (`id`: run_dwconv1d_ncw_f32's if c.oneD, else run_dwconv2d_nchw_f32's)
 * over runs of input channels, per image, with row scratch per thread.
 */
export function runDwPlanes(pool: Pool, id: number, c: DwPlanesCall): void {
  const chans = runsOf(c.c, 1, Math.ceil(TASKS_PER_THREAD * pool.width / c.n));
  const runs = chans.length / 2;
  const argc = 7 + c.dims.length + c.rest.length;
  const stride = argc + 1;
  const cout = c.c * c.m;
  const t = pool.table(c.n * runs, argc);
  // a task reads the planes of its own channels only
  const chunks: number[] = [];
  let o = 0;
  for (let b = 0; b < c.n; b++) {
    for (let r = 0; r < runs; r++) {
      const c0 = chans[2 * r];
      const nc = chans[2 * r + 1] - c0;
      chunks.push((b * c.c + c0) * c.inPlane, nc * c.inPlane, 1, 0);
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
  pool.run(c.n * runs, { arg: 3, bytes: c.scratchBytes }, c.feed && { feed: c.feed, chunks });
}
