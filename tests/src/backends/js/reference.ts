/**
 * Test helpers for the js backend: plain float64 reference loops over the user layouts (NCHW
 * activations, PyTorch weights), layout converters, a seeded generator and the tolerance check
 * of API.md, |a - b| <= 1e-4 + 1e-4 |b| (NaN matches NaN, infinities must be equal).
 */

import { mulberry32 } from '../../../../bench/rng.cjs';

/** Deterministic values in [-1, 1): the shared generator (bench/rng.cjs) mapped to [-1, 1). */
export function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 2 - 1;
}

export function randomF32(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r();
  return a;
}

export interface RefConv {
  n: number; c: number; h: number; w: number;
  cout: number; kH: number; kW: number;
  stride: [number, number]; dilation: [number, number];
  /** [top, left, bottom, right] */
  pad: [number, number, number, number];
  groups: number;
  bias?: Float32Array;
  min?: number; max?: number;
}

function clamp(v: number, min = -Infinity, max = Infinity): number {
  return v < min ? min : v > max ? max : v;
}

/**
 * PyTorch conv2d: x NCHW, w OIHW [cout][c/groups][kH][kW]. Returns NCHW float64 and [oh, ow].
 */
export function refConv2d(x: Float32Array, w: Float32Array, p: RefConv): { y: Float64Array; oh: number; ow: number } {
  const { n, c, h, w: iw, cout, kH, kW, stride, dilation, pad, groups } = p;
  const oh = Math.floor((h + pad[0] + pad[2] - dilation[0] * (kH - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((iw + pad[1] + pad[3] - dilation[1] * (kW - 1) - 1) / stride[1]) + 1;
  const cinG = c / groups, coutG = cout / groups;
  const y = new Float64Array(n * cout * oh * ow);
  for (let b = 0; b < n; b++) for (let o = 0; o < cout; o++) {
    const grp = Math.floor(o / coutG);
    for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
      let s = p.bias ? p.bias[o] : 0;
      for (let ci = 0; ci < cinG; ci++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
        const iy = oy * stride[0] - pad[0] + ky * dilation[0];
        const ix = ox * stride[1] - pad[1] + kx * dilation[1];
        if (iy < 0 || iy >= h || ix < 0 || ix >= iw) continue;
        s += x[((b * c + grp * cinG + ci) * h + iy) * iw + ix] * w[((o * cinG + ci) * kH + ky) * kW + kx];
      }
      y[((b * cout + o) * oh + oy) * ow + ox] = clamp(s, p.min, p.max);
    }
  }
  return { y, oh, ow };
}

/**
 * PyTorch conv_transpose2d: x NCHW, w [c][cout/groups][kH][kW]; pad crops [top, left, bottom, right];
 * outPad adds at the end. Output row oy gets x[iy] * w[ky] when iy*s + ky*d - padTop = oy.
 */
export function refConvTranspose2d(
  x: Float32Array, w: Float32Array, p: RefConv & { outPad: [number, number] },
): { y: Float64Array; oh: number; ow: number } {
  const { n, c, h, w: iw, cout, kH, kW, stride, dilation, pad, groups, outPad } = p;
  const oh = (h - 1) * stride[0] - pad[0] - pad[2] + dilation[0] * (kH - 1) + outPad[0] + 1;
  const ow = (iw - 1) * stride[1] - pad[1] - pad[3] + dilation[1] * (kW - 1) + outPad[1] + 1;
  const cinG = c / groups, coutG = cout / groups;
  const y = new Float64Array(n * cout * oh * ow);
  for (let b = 0; b < n; b++) for (let o = 0; o < cout; o++) {
    const grp = Math.floor(o / coutG), oc = o - grp * coutG;
    for (let i = 0; i < oh * ow; i++) y[(b * cout + o) * oh * ow + i] = p.bias ? p.bias[o] : 0;
    for (let ci = 0; ci < cinG; ci++) {
      const i = grp * cinG + ci;
      for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < iw; ix++) {
        const xv = x[((b * c + i) * h + iy) * iw + ix];
        for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
          const oy = iy * stride[0] + ky * dilation[0] - pad[0];
          const ox = ix * stride[1] + kx * dilation[1] - pad[1];
          if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
          y[((b * cout + o) * oh + oy) * ow + ox] += xv * w[((i * coutG + oc) * kH + ky) * kW + kx];
        }
      }
    }
    for (let i = 0; i < oh * ow; i++) {
      const k = (b * cout + o) * oh * ow + i;
      y[k] = clamp(y[k], p.min, p.max);
    }
  }
  return { y, oh, ow };
}

/** Permutes a dense tensor: out[perm-order index] = a; dims are a's dims, perm lists a's axes in output order. */
export function permute(a: ArrayLike<number>, dims: number[], perm: number[]): Float32Array {
  const out = new Float32Array(a.length);
  const od = perm.map((p) => dims[p]);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((s, d) => s * d, 1));
  const idx = new Array(od.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let j = 0; j < od.length; j++) src += idx[j] * strides[perm[j]];
    out[k] = a[src];
    for (let j = od.length - 1; j >= 0; j--) {
      if (++idx[j] < od[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

/** NCHW -> NHWC of an activation. */
export const toNhwc = (a: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array =>
  permute(a, [n, c, h, w], [0, 2, 3, 1]);

/** NHWC -> NCHW of an activation. */
export const toNchw = (a: ArrayLike<number>, n: number, h: number, w: number, c: number): Float32Array =>
  permute(a, [n, h, w, c], [0, 3, 1, 2]);

/** API.md's tolerance check (tests/helpers/close.ts). */
export { expectClose } from '../../../helpers/close';
