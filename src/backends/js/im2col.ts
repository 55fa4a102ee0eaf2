/**
 * im2col for the 'conv' kind: gathers, for a block of output pixels, each pixel's receptive
 * field of one group into a row of the gemm's A matrix, in the order of the packed weights
 * (taps outer, channels inner):
 *
 *   col[r*K + ((kz*kH + ky)*kW + kx)*cinG + ci] = x[n][iz][iy][ix][grp*cinG + ci]   (0 in the padding)
 *   K = kD*kH*kW*cinG,  iy = oy*strideH - padTop + ky*dilationH,  iz and ix likewise
 *
 * Pixels are numbered over the whole batch: p = ((n*od + oz)*oh + oy)*ow + ox (od = kD = 1 below
 * 3-D). x is channels-last or channels-first, as its strides say.
 */
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';

/** Element strides of an activation tensor: between images, planes, rows, columns and channels. */
export interface Strides {
  readonly n: number;
  readonly z: number;
  readonly y: number;
  readonly x: number;
  readonly c: number;
}

/** The strides of an input [n, c, d, h, w] stored channels-last (NHWC) or channels-first (NCHW). */
export function stridesOf(layout: Layout, c: number, h: number, w: number, d = 1): Strides {
  return layout === 'NHWC'
    ? { n: d * h * w * c, z: h * w * c, y: w * c, x: c, c: 1 }
    : { n: c * d * h * w, z: h * w, y: w, x: 1, c: d * h * w };
}

/**
 * Fills col[0 .. mc*K) with the receptive fields of output pixels [p0, p0 + mc) of group grp
 * (K = kD*kH*kW*cinG, taps in (kz, ky, kx) order).
 * @param xs the strides of x (NHWC or NCHW)
 */
export function im2col(
  x: Float32Array, xs: Strides, g: Geometry, grp: number, p0: number, mc: number, col: Float32Array,
): void {
  const { d, h, w, od, oh, ow, kD, kH, kW, cinG, strideD, strideH, strideW, dilationD, dilationH, dilationW } = g;
  const { padFront, padTop, padLeft } = g;
  const cs = xs.c;
  // NHWC, no groups, no dilation along W: a row's taps are adjacent pixels, all channels
  const contiguous = cs === 1 && xs.x === cinG && dilationW === 1;
  const rowK = kW * cinG;
  const planeK = kH * rowK;
  const K = kD * planeK;
  const ohw = oh * ow;
  const per = od * ohw;
  let n = Math.floor(p0 / per);
  let rem = p0 - n * per;
  let oz = Math.floor(rem / ohw);
  rem -= oz * ohw;
  let oy = Math.floor(rem / ow);
  let ox = rem - oy * ow;
  const cOff = grp * cinG * cs;
  for (let r = 0; r < mc; r++) {
    const iz0 = oz * strideD - padFront;
    const iy0 = oy * strideH - padTop;
    const ix0 = ox * strideW - padLeft;
    let dst = r * K;
    for (let kz = 0; kz < kD; kz++) {
      const iz = iz0 + kz * dilationD;
      if (iz < 0 || iz >= d) {
        col.fill(0, dst, dst + planeK);
        dst += planeK;
        continue;
      }
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky * dilationH;
        if (iy < 0 || iy >= h) {
          col.fill(0, dst, dst + rowK);
          dst += rowK;
          continue;
        }
        const rowBase = n * xs.n + iz * xs.z + iy * xs.y + cOff;
        if (contiguous && ix0 >= 0 && ix0 + kW <= w) {
          // the kW taps of this row are one run of kW*c values in an NHWC input
          for (let i = 0, s = rowBase + ix0 * xs.x; i < rowK; i++) col[dst + i] = x[s + i];
          dst += rowK;
          continue;
        }
        for (let kx = 0; kx < kW; kx++, dst += cinG) {
          const ix = ix0 + kx * dilationW;
          if (ix < 0 || ix >= w) {
            for (let ci = 0; ci < cinG; ci++) col[dst + ci] = 0;
          } else {
            const s = rowBase + ix * xs.x;
            if (cs === 1) {
              for (let ci = 0; ci < cinG; ci++) col[dst + ci] = x[s + ci];
            } else {
              for (let ci = 0, sc = s; ci < cinG; ci++, sc += cs) col[dst + ci] = x[sc];
            }
          }
        }
      }
    }
    if (++ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        if (++oz === od) {
          oz = 0;
          n++;
        }
      }
    }
  }
}
