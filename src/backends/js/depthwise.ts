/**
 * The 'dw' kind (depthwise, multiplier m = cout / c) on NHWC activations, channel-vectorised:
 * channels innermost, taps outer. Weights stay in the canonical form [kH][kW][cout] (float64),
 * output channel o = ci*m + j reads input channel ci.
 *
 * - f32DwconvMinmax9p1c: 3x3, m = 1, pixels whose 9 taps are all inside the input: one pass
 *   per pixel over the channels, 9 products summed in registers, no accumulator traffic.
 * - f32DwconvMinmaxUp: everything else (borders, other kernels, m > 1): per pixel, a float64
 *   accumulator row initialised with the bias, one pass over the channels per in-bounds tap.
 */
import type { Geometry } from '../../ops/plan.js';
import type { Scratch } from './scratch.js';

/**
 * y = clamp(bias + depthwise(x), min, max) for a 'dw' geometry.
 * @param w canonical weights [kH][kW][cout] (float64)
 * @param bias cout values (float64)
 * @param x NHWC [n, h, w, c]; y NHWC [n, oh, ow, cout]; must not overlap
 */
export function runDepthwise(
  w: Float64Array, bias: Float64Array, g: Geometry, x: Float32Array, y: Float32Array, s: Scratch,
): void {
  const { n, h, oh, ow, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, cout } = g;
  const iw = g.w;
  const fast = kH === 3 && kW === 3 && g.coutG === 1;
  const acc = s.accumulators(cout);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * strideH - padTop;
      const rowInside = iy0 >= 0 && iy0 + (kH - 1) * dilationH < h;
      let o = ((b * oh + oy) * ow) * cout;
      for (let ox = 0; ox < ow; ox++, o += cout) {
        const ix0 = ox * strideW - padLeft;
        if (fast && rowInside && ix0 >= 0 && ix0 + 2 * dilationW < iw) {
          f32DwconvMinmax9p1c(x, ((b * h + iy0) * iw + ix0) * cout, dilationH * iw * cout, dilationW * cout, w, bias, y, o, cout, g.min, g.max);
        } else {
          f32DwconvMinmaxUp(x, g, b, iy0, ix0, w, bias, acc, y, o);
        }
      }
    }
  }
}

/**
 * One output pixel of a 3x3 depthwise conv (m = 1) whose taps are all inside the input.
 * @param i0    offset of tap (0, 0) in x; rowStride/colStride: offsets between taps
 */
export function f32DwconvMinmax9p1c(
  x: Float32Array, i0: number, rowStride: number, colStride: number,
  w: Float64Array, bias: Float64Array, y: Float32Array, o: number, channels: number, min: number, max: number,
): void {
  const i1 = i0 + colStride, i2 = i1 + colStride;
  const i3 = i0 + rowStride, i4 = i3 + colStride, i5 = i4 + colStride;
  const i6 = i3 + rowStride, i7 = i6 + colStride, i8 = i7 + colStride;
  const c = channels;
  for (let ch = 0; ch < c; ch++) {
    const v = bias[ch] +
      x[i0 + ch] * w[ch] + x[i1 + ch] * w[c + ch] + x[i2 + ch] * w[2 * c + ch] +
      x[i3 + ch] * w[3 * c + ch] + x[i4 + ch] * w[4 * c + ch] + x[i5 + ch] * w[5 * c + ch] +
      x[i6 + ch] * w[6 * c + ch] + x[i7 + ch] * w[7 * c + ch] + x[i8 + ch] * w[8 * c + ch];
    y[o + ch] = v < min ? min : v > max ? max : v;
  }
}

/** One output pixel, any kernel, any multiplier, taps outside the input skipped (zero padding). */
function f32DwconvMinmaxUp(
  x: Float32Array, g: Geometry, b: number, iy0: number, ix0: number,
  w: Float64Array, bias: Float64Array, acc: Float64Array, y: Float32Array, o: number,
): void {
  const { h, c, kH, kW, dilationH, dilationW, cout, coutG: m, min, max } = g;
  const iw = g.w;
  for (let ch = 0; ch < cout; ch++) acc[ch] = bias[ch];
  for (let ky = 0; ky < kH; ky++) {
    const iy = iy0 + ky * dilationH;
    if (iy < 0 || iy >= h) continue;
    for (let kx = 0; kx < kW; kx++) {
      const ix = ix0 + kx * dilationW;
      if (ix < 0 || ix >= iw) continue;
      const xi = ((b * h + iy) * iw + ix) * c;
      const wi = (ky * kW + kx) * cout;
      if (m === 1) {
        for (let ch = 0; ch < c; ch++) acc[ch] += x[xi + ch] * w[wi + ch];
      } else {
        for (let ch = 0, oc = 0; ch < c; ch++) {
          const xv = x[xi + ch];
          for (let j = 0; j < m; j++, oc++) acc[oc] += xv * w[wi + oc];
        }
      }
    }
  }
  for (let ch = 0; ch < cout; ch++) {
    const v = acc[ch];
    y[o + ch] = v < min ? min : v > max ? max : v;
  }
}
