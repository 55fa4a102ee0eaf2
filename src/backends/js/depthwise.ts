/**
 * The 'dw' kind (depthwise, multiplier m = cout / c) on NHWC activations. Weights stay in the
 * canonical form [kH][kW][cout] (float64); output channel o = ci*m + j reads input channel ci.
 *
 * - 3x3, m = 1 (MobileNet): each image is zero-padded once into scratch (when the geometry pads),
 *   then every output row is computed channel by channel with the channel's 9 weights in locals:
 *   f32DwconvMinmax3x3Row1 slides the window along W (stride 1, dilation 1: 3 new loads per
 *   output instead of 9), f32DwconvMinmax3x3Row handles any stride and dilation.
 * - f32DwconvMinmaxUp: everything else (other kernels, m > 1): per output pixel, a float64
 *   accumulator row initialised with the bias, one pass over the channels per in-bounds tap
 *   (channels innermost, taps outer; taps in the zero padding are skipped).
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
  if (g.kH === 3 && g.kW === 3 && g.coutG === 1) {
    runDepthwise3x3(w, bias, g, x, y, s);
    return;
  }
  const { n, oh, ow, strideH, strideW, padTop, padLeft, cout } = g;
  const acc = s.accumulators(cout);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * strideH - padTop;
      let o = ((b * oh + oy) * ow) * cout;
      for (let ox = 0; ox < ow; ox++, o += cout) {
        f32DwconvMinmaxUp(x, g, b, iy0, ox * strideW - padLeft, w, bias, acc, y, o);
      }
    }
  }
}

/**
 * Copies one NHWC image, x[src ..], into xp zero-padded to
 * [padTop + h + padBottom][padLeft + w + padRight][c], so that every tap of every output pixel lies inside it.
 */
export function padNhwc(x: Float32Array, src: number, g: Geometry, xp: Float32Array): void {
  const { h, c, padTop, padLeft, padBottom } = g;
  const rowP = (padLeft + g.w + g.padRight) * c;
  const row = g.w * c;
  const left = padLeft * c;
  xp.fill(0, 0, padTop * rowP);
  let d = padTop * rowP;
  for (let iy = 0; iy < h; iy++, d += rowP) {
    const s = src + iy * row;
    if (left) xp.fill(0, d, d + left);
    xp.set(x.subarray(s, s + row), d + left);
    if (left + row < rowP) xp.fill(0, d + left + row, d + rowP);
  }
  xp.fill(0, d, d + padBottom * rowP);
}

/** 3x3 depthwise, multiplier 1, row by row on the (padded) input. */
function runDepthwise3x3(
  w: Float64Array, bias: Float64Array, g: Geometry, x: Float32Array, y: Float32Array, s: Scratch,
): void {
  const { n, h, c, oh, ow, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight, min, max } = g;
  const padded = padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0;
  const hp = padTop + h + padBottom;
  const wp = padLeft + g.w + padRight;
  // one padded image at a time: scratch stays at one image, whatever the batch
  const xp = padded ? s.cols(hp * wp * c) : x;
  const rowStride = dilationH * wp * c;
  for (let b = 0; b < n; b++) {
    let base = b * h * g.w * c;
    if (padded) {
      padNhwc(x, base, g, xp);
      base = 0;
    }
    for (let oy = 0; oy < oh; oy++) {
      const r0 = base + oy * strideH * wp * c;
      const o = (b * oh + oy) * ow * c;
      if (strideW === 1 && dilationW === 1) {
        f32DwconvMinmax3x3Row1(xp, r0, rowStride, w, bias, y, o, c, ow, min, max);
      } else {
        f32DwconvMinmax3x3Row(xp, r0, rowStride, strideW * c, dilationW * c, w, bias, y, o, c, ow, min, max);
      }
    }
  }
}

/**
 * One output row of a 3x3 depthwise conv (m = 1) with stride 1 and dilation 1 along W; all taps
 * inside xp. Per channel, the columns ox and ox+1 of the three tap rows are carried to the next
 * output, so each output loads 3 inputs.
 *
 * @param r0        offset in xp of the row's first window (top-left tap, channel 0)
 * @param rowStride offset between the three tap rows
 * @param o         offset in y of the output row (channel 0); c channels, ow outputs
 */
export function f32DwconvMinmax3x3Row1(
  xp: Float32Array, r0: number, rowStride: number,
  w: Float64Array, bias: Float64Array, y: Float32Array, o: number, c: number, ow: number, min: number, max: number,
): void {
  const r1 = r0 + rowStride;
  const r2 = r1 + rowStride;
  for (let ch = 0; ch < c; ch++) {
    const w0 = w[ch], w1 = w[c + ch], w2 = w[2 * c + ch];
    const w3 = w[3 * c + ch], w4 = w[4 * c + ch], w5 = w[5 * c + ch];
    const w6 = w[6 * c + ch], w7 = w[7 * c + ch], w8 = w[8 * c + ch];
    const vb = bias[ch];
    let x00 = xp[r0 + ch], x01 = xp[r0 + c + ch];
    let x10 = xp[r1 + ch], x11 = xp[r1 + c + ch];
    let x20 = xp[r2 + ch], x21 = xp[r2 + c + ch];
    let i = 2 * c + ch;
    let d = o + ch;
    for (let ox = 0; ox < ow; ox++, i += c, d += c) {
      const x02 = xp[r0 + i], x12 = xp[r1 + i], x22 = xp[r2 + i];
      const v = vb + x00 * w0 + x01 * w1 + x02 * w2 + x10 * w3 + x11 * w4 + x12 * w5 + x20 * w6 + x21 * w7 + x22 * w8;
      y[d] = Math.max(min, Math.min(max, v));
      x00 = x01; x01 = x02;
      x10 = x11; x11 = x12;
      x20 = x21; x21 = x22;
    }
  }
}

/**
 * One output row of a 3x3 depthwise conv (m = 1), any stride and dilation; all taps inside xp.
 * @param step offset between the windows of consecutive outputs (strideW * c)
 * @param tap  offset between tap columns (dilationW * c)
 */
export function f32DwconvMinmax3x3Row(
  xp: Float32Array, r0: number, rowStride: number, step: number, tap: number,
  w: Float64Array, bias: Float64Array, y: Float32Array, o: number, c: number, ow: number, min: number, max: number,
): void {
  const r1 = r0 + rowStride;
  const r2 = r1 + rowStride;
  const t2 = 2 * tap;
  for (let ch = 0; ch < c; ch++) {
    const w0 = w[ch], w1 = w[c + ch], w2 = w[2 * c + ch];
    const w3 = w[3 * c + ch], w4 = w[4 * c + ch], w5 = w[5 * c + ch];
    const w6 = w[6 * c + ch], w7 = w[7 * c + ch], w8 = w[8 * c + ch];
    const vb = bias[ch];
    let i = ch;
    let d = o + ch;
    for (let ox = 0; ox < ow; ox++, i += step, d += c) {
      const v = vb +
        xp[r0 + i] * w0 + xp[r0 + i + tap] * w1 + xp[r0 + i + t2] * w2 +
        xp[r1 + i] * w3 + xp[r1 + i + tap] * w4 + xp[r1 + i + t2] * w5 +
        xp[r2 + i] * w6 + xp[r2 + i + tap] * w7 + xp[r2 + i + t2] * w8;
      y[d] = Math.max(min, Math.min(max, v));
    }
  }
}

/** One output pixel, any kernel, any multiplier; taps outside the input are skipped (zero padding). */
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
    y[o + ch] = Math.max(min, Math.min(max, v));
  }
}
