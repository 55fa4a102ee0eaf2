/**
 * The 'deconv' kind (transposed convolution) on NHWC activations: gemm + col2im, never a
 * per-output gather. For a block of input pixels and one group,
 *
 *   col[r][(ky*kW + kx)*coutG + oc] = sum_ci x[pixel r][grp*cinG + ci] * W_g[ci][ky][kx][oc]
 *
 * is one gemm (kc = cinG, n = kH*kW*coutG, packed weights with zero bias), then every col entry
 * is added to the output pixel it lands on, oy = iy*strideH + ky*dilationH - padTop (likewise ox),
 * when 0 <= oy < oh: the crop of `padding`, and the rows/cols added by outputPadding, fall out of
 * that range test (PyTorch's semantics: the output is the gradient of conv2d at size oh x ow).
 * The output starts as the bias; the clamp runs once at the end.
 */
import type { Geometry } from '../../ops/plan.js';
import { gemm } from './gemm.js';
import { packedGroupSize, scratchOffset } from './pack.js';
import type { Scratch } from './scratch.js';

/** Float32 values of a gemm output block. */
const COL_BLOCK = 65536;

/**
 * y = clamp(bias + convTranspose(x), min, max) for a 'deconv' geometry.
 * @param w packed weights (pack.ts, deconv form): kc = cinG, n = kH*kW*coutG per group
 * @param bias cout values (float64)
 * @param x NHWC [n, h, w, c]; y NHWC [n, oh, ow, cout]; must not overlap
 */
export function runDeconv(
  w: Float64Array, bias: Float64Array, g: Geometry, x: Float32Array, y: Float32Array, s: Scratch,
): void {
  const { n, d, h, c, od, oh, ow, cout, groups, cinG, coutG, kD, kH, kW, min, max } = g;
  const ldc = kD * kH * kW * coutG;
  const outPixels = n * od * oh * ow;
  for (let p = 0, o = 0; p < outPixels; p++) {
    for (let ch = 0; ch < cout; ch++, o++) y[o] = bias[ch];
  }
  const total = n * d * h * g.w;
  const mb = Math.min(total, Math.max(4, Math.floor(COL_BLOCK / ldc) & ~3));
  const col = s.cols(mb * ldc);
  const apOff = scratchOffset(groups, cinG, ldc);
  const gs = packedGroupSize(cinG, ldc);
  for (let p0 = 0; p0 < total; p0 += mb) {
    const mc = Math.min(mb, total - p0);
    for (let grp = 0; grp < groups; grp++) {
      gemm(mc, ldc, cinG, x, p0 * c + grp * cinG, c, 1, w, grp * gs, col, 0, ldc, 1, -Infinity, Infinity, apOff);
      col2im(col, g, grp, p0, mc, y);
    }
  }
  if (min !== -Infinity || max !== Infinity) {
    const len = outPixels * cout;
    for (let i = 0; i < len; i++) {
      const v = y[i];
      y[i] = Math.max(min, Math.min(max, v));
    }
  }
}

/**
 * Adds a gemm block (input pixels [p0, p0 + mc), group grp, rows of kD*kH*kW*coutG) into the
 * NHWC output (NDHWC for 3-D).
 */
export function col2im(col: Float32Array, g: Geometry, grp: number, p0: number, mc: number, y: Float32Array): void {
  const { d, h, od, oh, ow, cout, coutG, kD, kH, kW, strideD, strideH, strideW, dilationD, dilationH, dilationW } = g;
  const { padFront, padTop, padLeft } = g;
  const iw = g.w;
  const ldc = kD * kH * kW * coutG;
  const hw = h * iw;
  const per = d * hw;
  let b = Math.floor(p0 / per);
  let rem = p0 - b * per;
  let iz = Math.floor(rem / hw);
  rem -= iz * hw;
  let iy = Math.floor(rem / iw);
  let ix = rem - iy * iw;
  const cOff = grp * coutG;
  for (let r = 0; r < mc; r++) {
    const oz0 = iz * strideD - padFront;
    const oy0 = iy * strideH - padTop;
    const ox0 = ix * strideW - padLeft;
    let src = r * ldc;
    for (let kz = 0; kz < kD; kz++) {
      const oz = oz0 + kz * dilationD;
      if (oz < 0 || oz >= od) {
        src += kH * kW * coutG;
        continue;
      }
      for (let ky = 0; ky < kH; ky++) {
        const oy = oy0 + ky * dilationH;
        if (oy < 0 || oy >= oh) {
          src += kW * coutG;
          continue;
        }
        const rowBase = ((b * od + oz) * oh + oy) * ow;
        for (let kx = 0; kx < kW; kx++, src += coutG) {
          const ox = ox0 + kx * dilationW;
          if (ox < 0 || ox >= ow) continue;
          const dst = (rowBase + ox) * cout + cOff;
          for (let oc = 0; oc < coutG; oc++) y[dst + oc] += col[src + oc];
        }
      }
    }
    if (++ix === iw) {
      ix = 0;
      if (++iy === h) {
        iy = 0;
        if (++iz === d) {
          iz = 0;
          b++;
        }
      }
    }
  }
}
