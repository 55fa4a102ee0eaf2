/**
 * Depthwise convolution straight on NCHW planes, used when a Runner's only stage is a depthwise
 * one and its layout is NCHW: a depthwise layer is memory-bound, and the two boundary transposes
 * would cost as much as the layer itself (DESIGN.md). Every channel is an independent 2-D
 * convolution of a contiguous plane: the plane is zero-padded once into scratch (when the
 * geometry pads), then each output row is computed with the channel's taps in locals (3x3:
 * sliding windows at stride 1 and 2, 3 and 6 loads per output).
 *
 * Weights: [cout][kH*kW] float64 (the canonical [kH][kW][cout] transposed once at kernel creation).
 */
import type { Geometry } from '../../ops/plan.js';
import type { Scratch } from './scratch.js';

/**
 * y = clamp(bias + depthwise(x), min, max), x NCHW [n, c, h, w], y NCHW [n, cout, oh, ow]; they must not overlap.
 * @param wt weights [cout][kH*kW] (float64)
 */
export function runDepthwiseNchw(
  wt: Float64Array, bias: Float64Array, g: Geometry, x: Float32Array, y: Float32Array, s: Scratch,
): void {
  const { n, c, h, oh, ow, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight, cout, min, max } = g;
  const m = g.coutG;
  const iw = g.w;
  const padded = padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0;
  const hp = padTop + h + padBottom;
  const wp = padLeft + iw + padRight;
  const plane = padded ? s.cols(hp * wp) : x;
  const taps = kH * kW;
  const rowStride = dilationH * wp;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      const src = (b * c + ci) * h * iw;
      let base = src;
      if (padded) {
        padPlane(x, src, h, iw, padTop, padLeft, padBottom, padRight, plane);
        base = 0;
      }
      for (let j = 0; j < m; j++) {
        const o = ci * m + j;
        const yo = (b * cout + o) * oh * ow;
        const wo = o * taps;
        const vb = bias[o];
        for (let oy = 0; oy < oh; oy++) {
          const r0 = base + oy * strideH * wp;
          const d = yo + oy * ow;
          if (kH === 3 && kW === 3) {
            if (strideW === 1 && dilationW === 1) {
              f32DwconvMinmax3x3PlaneRow1(plane, r0, rowStride, wt, wo, vb, y, d, ow, min, max);
            } else if (strideW === 2 && dilationW === 1) {
              f32DwconvMinmax3x3PlaneRow2(plane, r0, rowStride, wt, wo, vb, y, d, ow, min, max);
            } else {
              f32DwconvMinmax3x3PlaneRow(plane, r0, rowStride, strideW, dilationW, wt, wo, vb, y, d, ow, min, max);
            }
          } else {
            for (let ox = 0; ox < ow; ox++) {
              let v = vb;
              for (let ky = 0; ky < kH; ky++) {
                const row = r0 + ky * rowStride + ox * strideW;
                const wr = wo + ky * kW;
                for (let kx = 0; kx < kW; kx++) v += plane[row + kx * dilationW] * wt[wr + kx];
              }
              y[d + ox] = Math.max(min, Math.min(max, v));
            }
          }
        }
      }
    }
  }
}

/** Copies the plane x[src .. src + h*w) into `plane`, zero-padded to (padTop + h + padBottom) x (padLeft + w + padRight). */
export function padPlane(
  x: Float32Array, src: number, h: number, w: number,
  padTop: number, padLeft: number, padBottom: number, padRight: number, plane: Float32Array,
): void {
  const wp = padLeft + w + padRight;
  plane.fill(0, 0, padTop * wp);
  let d = padTop * wp;
  for (let iy = 0; iy < h; iy++, d += wp) {
    if (padLeft) plane.fill(0, d, d + padLeft);
    const s = src + iy * w;
    if (w >= 64) {
      plane.set(x.subarray(s, s + w), d + padLeft);
    } else {
      // short rows: a loop beats allocating a subarray view per row
      for (let i = 0, e = d + padLeft; i < w; i++) plane[e + i] = x[s + i];
    }
    if (padRight) plane.fill(0, d + padLeft + w, d + wp);
  }
  plane.fill(0, d, d + padBottom * wp);
}

/**
 * One output row of a 3x3 depthwise plane, stride 1 and dilation 1 along W: the window slides,
 * 3 new loads per output. All taps inside `plane`.
 * @param r0 offset of the row's first window (top-left tap); rowStride: offset between tap rows
 * @param wo offset of the channel's 9 weights in wt
 */
export function f32DwconvMinmax3x3PlaneRow1(
  plane: Float32Array, r0: number, rowStride: number, wt: Float64Array, wo: number, vb: number,
  y: Float32Array, d: number, ow: number, min: number, max: number,
): void {
  const w0 = wt[wo], w1 = wt[wo + 1], w2 = wt[wo + 2];
  const w3 = wt[wo + 3], w4 = wt[wo + 4], w5 = wt[wo + 5];
  const w6 = wt[wo + 6], w7 = wt[wo + 7], w8 = wt[wo + 8];
  const r1 = r0 + rowStride;
  const r2 = r1 + rowStride;
  let x00 = plane[r0], x01 = plane[r0 + 1];
  let x10 = plane[r1], x11 = plane[r1 + 1];
  let x20 = plane[r2], x21 = plane[r2 + 1];
  for (let ox = 0, i = 2; ox < ow; ox++, i++) {
    const x02 = plane[r0 + i], x12 = plane[r1 + i], x22 = plane[r2 + i];
    const v = vb + x00 * w0 + x01 * w1 + x02 * w2 + x10 * w3 + x11 * w4 + x12 * w5 + x20 * w6 + x21 * w7 + x22 * w8;
    y[d + ox] = Math.max(min, Math.min(max, v));
    x00 = x01; x01 = x02;
    x10 = x11; x11 = x12;
    x20 = x21; x21 = x22;
  }
}

/**
 * One output row of a 3x3 depthwise plane, stride 2 and dilation 1 along W: a window's last column
 * is the next window's first, 6 loads per output. All taps inside `plane`.
 */
export function f32DwconvMinmax3x3PlaneRow2(
  plane: Float32Array, r0: number, rowStride: number, wt: Float64Array, wo: number, vb: number,
  y: Float32Array, d: number, ow: number, min: number, max: number,
): void {
  const w0 = wt[wo], w1 = wt[wo + 1], w2 = wt[wo + 2];
  const w3 = wt[wo + 3], w4 = wt[wo + 4], w5 = wt[wo + 5];
  const w6 = wt[wo + 6], w7 = wt[wo + 7], w8 = wt[wo + 8];
  const r1 = r0 + rowStride;
  const r2 = r1 + rowStride;
  let x00 = plane[r0], x10 = plane[r1], x20 = plane[r2];
  for (let ox = 0, i = 1; ox < ow; ox++, i += 2) {
    const x01 = plane[r0 + i], x11 = plane[r1 + i], x21 = plane[r2 + i];
    const x02 = plane[r0 + i + 1], x12 = plane[r1 + i + 1], x22 = plane[r2 + i + 1];
    const v = vb + x00 * w0 + x01 * w1 + x02 * w2 + x10 * w3 + x11 * w4 + x12 * w5 + x20 * w6 + x21 * w7 + x22 * w8;
    y[d + ox] = Math.max(min, Math.min(max, v));
    x00 = x02;
    x10 = x12;
    x20 = x22;
  }
}

/** One output row of a 3x3 depthwise plane, any stride and dilation along W. All taps inside `plane`. */
export function f32DwconvMinmax3x3PlaneRow(
  plane: Float32Array, r0: number, rowStride: number, strideW: number, dilationW: number,
  wt: Float64Array, wo: number, vb: number, y: Float32Array, d: number, ow: number, min: number, max: number,
): void {
  const w0 = wt[wo], w1 = wt[wo + 1], w2 = wt[wo + 2];
  const w3 = wt[wo + 3], w4 = wt[wo + 4], w5 = wt[wo + 5];
  const w6 = wt[wo + 6], w7 = wt[wo + 7], w8 = wt[wo + 8];
  const r1 = r0 + rowStride;
  const r2 = r1 + rowStride;
  const t1 = dilationW, t2 = 2 * dilationW;
  for (let ox = 0, i = 0; ox < ow; ox++, i += strideW) {
    const v = vb +
      plane[r0 + i] * w0 + plane[r0 + i + t1] * w1 + plane[r0 + i + t2] * w2 +
      plane[r1 + i] * w3 + plane[r1 + i + t1] * w4 + plane[r1 + i + t2] * w5 +
      plane[r2 + i] * w6 + plane[r2 + i + t1] * w7 + plane[r2 + i + t2] * w8;
    y[d + ox] = Math.max(min, Math.min(max, v));
  }
}
