/**
 * im2col for the 'conv' kind: gathers, for a block of output pixels, each pixel's receptive
 * field of one group into a row of the gemm's A matrix, in the order of the packed weights
 * (taps outer, channels inner):
 *
 *   col[r*K + (ky*kW + kx)*cinG + ci] = x[n][iy][ix][grp*cinG + ci]   (0 in the zero padding)
 *   K = kH*kW*cinG,  iy = oy*strideH - padTop + ky*dilationH,  ix likewise
 *
 * Pixels are numbered over the whole batch: p = (n*oh + oy)*ow + ox. x is NHWC or NCHW, as its
 * strides say.
 */
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';

/** Element strides of an activation tensor: between images, rows, columns and channels. */
export interface Strides {
  readonly n: number;
  readonly y: number;
  readonly x: number;
  readonly c: number;
}

/** The strides of an input [n, c, h, w] stored in `layout`. */
export function stridesOf(layout: Layout, c: number, h: number, w: number): Strides {
  return layout === 'NHWC' ? { n: h * w * c, y: w * c, x: c, c: 1 } : { n: c * h * w, y: w, x: 1, c: h * w };
}

/**
 * Fills col[0 .. mc*K) with the receptive fields of output pixels [p0, p0 + mc) of group grp.
 * @param xs the strides of x (NHWC or NCHW)
 */
export function im2col(
  x: Float32Array, xs: Strides, g: Geometry, grp: number, p0: number, mc: number, col: Float32Array,
): void {
  const { h, w, oh, ow, kH, kW, cinG, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const cs = xs.c;
  // NHWC, no groups, no dilation along W: a row's taps are adjacent pixels, all channels
  const contiguous = cs === 1 && xs.x === cinG && dilationW === 1;
  const rowK = kW * cinG;
  const K = kH * rowK;
  const ohw = oh * ow;
  let n = Math.floor(p0 / ohw);
  const rem = p0 - n * ohw;
  let oy = Math.floor(rem / ow);
  let ox = rem - oy * ow;
  const cOff = grp * cinG * cs;
  for (let r = 0; r < mc; r++) {
    const iy0 = oy * strideH - padTop;
    const ix0 = ox * strideW - padLeft;
    let d = r * K;
    for (let ky = 0; ky < kH; ky++) {
      const iy = iy0 + ky * dilationH;
      if (iy < 0 || iy >= h) {
        col.fill(0, d, d + rowK);
        d += rowK;
        continue;
      }
      const rowBase = n * xs.n + iy * xs.y + cOff;
      if (contiguous && ix0 >= 0 && ix0 + kW <= w) {
        // the kW taps of this row are one run of kW*c values in an NHWC input
        for (let i = 0, s = rowBase + ix0 * xs.x; i < rowK; i++) col[d + i] = x[s + i];
        d += rowK;
        continue;
      }
      for (let kx = 0; kx < kW; kx++, d += cinG) {
        const ix = ix0 + kx * dilationW;
        if (ix < 0 || ix >= w) {
          for (let ci = 0; ci < cinG; ci++) col[d + ci] = 0;
        } else {
          const s = rowBase + ix * xs.x;
          if (cs === 1) {
            for (let ci = 0; ci < cinG; ci++) col[d + ci] = x[s + ci];
          } else {
            for (let ci = 0, sc = s; ci < cinG; ci++, sc += cs) col[d + ci] = x[sc];
          }
        }
      }
    }
    if (++ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        n++;
      }
    }
  }
}
