/**
 * Test helpers for the js backend: the float64 references over the user layouts (NCHW
 * activations, PyTorch weights; tests/helpers/reference-nd.ts's core with a clamp), layout
 * converters, the seeded generator and API.md's tolerance check (tests/helpers/close.ts).
 */

import { mulberry32 } from '../../../../bench/rng.cjs';
import { refConvNd, refConvTransposeNd } from '../../../helpers/reference-nd';

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

/**
 * PyTorch conv2d: x NCHW, w OIHW [cout][c/groups][kH][kW]. Returns NCHW float64 and [oh, ow].
 */
export function refConv2d(x: Float32Array, w: Float32Array, p: RefConv): { y: Float64Array; oh: number; ow: number } {
  const r = refConvNd({ data: x, shape: [p.n, p.c, p.h, p.w] }, { data: w, shape: [p.cout, p.c / p.groups, p.kH, p.kW] }, {
    stride: p.stride, dilation: p.dilation, padding: p.pad, groups: p.groups, bias: p.bias,
    clamp: [p.min ?? -Infinity, p.max ?? Infinity],
  });
  return { y: r.data, oh: r.shape[2], ow: r.shape[3] };
}

/**
 * PyTorch conv_transpose2d: x NCHW, w [c][cout/groups][kH][kW]; pad crops [top, left, bottom, right];
 * outPad adds at the end.
 */
export function refConvTranspose2d(
  x: Float32Array, w: Float32Array, p: RefConv & { outPad: [number, number] },
): { y: Float64Array; oh: number; ow: number } {
  const r = refConvTransposeNd({ data: x, shape: [p.n, p.c, p.h, p.w] }, { data: w, shape: [p.c, p.cout / p.groups, p.kH, p.kW] }, {
    stride: p.stride, dilation: p.dilation, padding: p.pad, outputPadding: p.outPad, groups: p.groups, bias: p.bias,
    clamp: [p.min ?? -Infinity, p.max ?? Infinity],
  });
  return { y: r.data, oh: r.shape[2], ow: r.shape[3] };
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
