/**
 * The splits of split.ts's passes around the kernels (its header says how each is cut): the
 * layout transposes, the m-fold expansion of NHWC depthwise, the activation, and the general
 * col2im of the transposed convolution. Each function fills the pool's task table with the export
 * id Split looked up and runs it.
 */
import type { Pool } from './pool.js';
import { type Feed, TASKS_PER_THREAD, pixelRunChunks, runsOf } from './split-plan.js';

/**
 * transpose_nchw_nhwc_at_f32 or transpose_nhwc_nchw_at_f32 (`id`; src, dst, n, c, hw) per image
 * over runs of pixels, multiples of 16 (the transposes' tile); on planes too small for the tasks
 * the pool wants, over blocks of 16-multiple channels as well. With a feed, blocks of channels
 * first and runs of pixels only as the tasks need: the caller copies each task's chunk plane by
 * plane, and one TypedArray.set per plane segment costs some 60 ns (resnext.g32's 128 planes in
 * 11 runs of pixels took 139 us to copy in, in 2 runs 83 us, in one call 58 us).
 */
export function runTranspose(pool: Pool, id: number, src: number, dst: number, n: number, c: number, hw: number,
  feed?: Feed): void {
  const want = TASKS_PER_THREAD * pool.width;
  let r: number[];
  let cr: number[];
  if (feed !== undefined) {
    cr = runsOf(c, 16, Math.ceil(want / n));
    r = runsOf(hw, 16, Math.ceil(want / (n * (cr.length / 2))));
  } else {
    r = runsOf(hw, 16, Math.ceil(want / n));
    cr = n * (r.length / 2) < want ? runsOf(c, 16, Math.ceil(want / (n * (r.length / 2)))) : [0, c];
  }
  const runs = r.length / 2;
  const blocks = cr.length / 2;
  const t = pool.table(n * runs * blocks, 9);
  // a task reads its run of pixels of its block's channel planes
  const chunks = feed === undefined ? [] : pixelRunChunks(r, n, c, hw, cr);
  let o = 0;
  for (let b = 0; b < n; b++) {
    const at = b * c * hw * 4;
    for (let i = 0; i < runs; i++) {
      for (let k = 0; k < blocks; k++) {
        t[o] = id; t[o + 1] = src + at; t[o + 2] = dst + at; t[o + 3] = 1; t[o + 4] = c; t[o + 5] = hw;
        t[o + 6] = r[2 * i]; t[o + 7] = r[2 * i + 1]; t[o + 8] = cr[2 * k]; t[o + 9] = cr[2 * k + 1];
        o += 10;
      }
    }
  }
  pool.run(n * runs * blocks, undefined, feed && { feed, chunks });
}

/** expand_dwconv2d_nhwc_f32(x, dst, pixels, c, m) (`id`) over runs of pixels. */
export function runExpand(pool: Pool, id: number, x: number, dst: number, pixels: number, c: number, m: number): void {
  const r = runsOf(pixels, 16, TASKS_PER_THREAD * pool.width);
  const runs = r.length / 2;
  const t = pool.table(runs, 5);
  for (let i = 0, o = 0; i < runs; i++, o += 6) {
    const p0 = r[2 * i];
    t[o] = id; t[o + 1] = x + p0 * c * 4; t[o + 2] = dst + p0 * c * m * 4; t[o + 3] = r[2 * i + 1] - p0;
    t[o + 4] = c; t[o + 5] = m;
  }
  pool.run(runs);
}

/**
 * run_activation_f32(out, rows, channels, plane, kind, alpha, prelu) (`id`). One slope for all:
 * runs of 16 floats of the whole buffer, each a call on one row of that many floats. prelu's
 * slopes: runs of rows (NHWC, plane 0) or, per image, of channel planes.
 */
export function runActivation(pool: Pool, id: number, out: number, rows: number, channels: number, plane: number,
  kind: number, alpha: number, prelu: number): void {
  const want = TASKS_PER_THREAD * pool.width;
  if (prelu === 0) {
    const r = runsOf(rows * channels * Math.max(plane, 1), 16, want);
    const runs = r.length / 2;
    const t = pool.table(runs, 7);
    for (let i = 0, o = 0; i < runs; i++, o += 8) {
      t[o] = id; t[o + 1] = out + r[2 * i] * 4; t[o + 2] = 1; t[o + 3] = r[2 * i + 1] - r[2 * i]; t[o + 4] = 0;
      t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = 0;
    }
    pool.run(runs);
    return;
  }
  if (plane === 0) {
    const r = runsOf(rows, 1, want);
    const runs = r.length / 2;
    const t = pool.table(runs, 7);
    for (let i = 0, o = 0; i < runs; i++, o += 8) {
      t[o] = id; t[o + 1] = out + r[2 * i] * channels * 4; t[o + 2] = r[2 * i + 1] - r[2 * i]; t[o + 3] = channels;
      t[o + 4] = 0; t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = prelu;
    }
    pool.run(runs);
    return;
  }
  const r = runsOf(channels, 1, Math.ceil(want / rows));
  const runs = r.length / 2;
  const t = pool.table(rows * runs, 7);
  let o = 0;
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < runs; i++) {
      const c0 = r[2 * i];
      t[o] = id; t[o + 1] = out + (b * channels + c0) * plane * 4; t[o + 2] = 1; t[o + 3] = r[2 * i + 1] - c0;
      t[o + 4] = plane; t[o + 5] = kind; t[o + 6] = alpha; t[o + 7] = prelu + c0 * 4;
      o += 8;
    }
  }
  pool.run(rows * runs);
}

/**
 * run_deconv_col2im_ndhwc_f32's 26 arguments (col, bias, out, n, d, h, w, od, oh, ow, groups,
 * coutG, ...) over runs of output rows of the whole batch (n * od * oh rows) and, with one group
 * and fewer rows than the threads' tasks, of channel quads; `id`: run_deconv_col2im_rows_ndhwc_f32's.
 */
export function runCol2im(pool: Pool, id: number, args: readonly number[]): void {
  const rows = args[3] * args[7] * args[8];
  const want = TASKS_PER_THREAD * pool.width;
  const r = runsOf(rows, 1, want);
  const runs = r.length / 2;
  const cout = args[10] * args[11];
  const c = runs >= want || args[10] !== 1 ? [0, cout]
    : runsOf(cout, 4, Math.ceil(want / runs));
  const tasks = runs * (c.length / 2);
  const t = pool.table(tasks, 30);
  let o = 0;
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < c.length; k += 2, o += 31) {
      t[o] = id;
      for (let j = 0; j < 26; j++) t[o + 1 + j] = args[j];
      t[o + 27] = r[2 * i]; t[o + 28] = r[2 * i + 1]; t[o + 29] = c[k]; t[o + 30] = c[k + 1];
    }
  }
  pool.run(tasks);
}
