/**
 * The 2-D references with exactly the public semantics of API.md (PyTorch's conv2d /
 * conv_transpose2d, API.md's weight layouts for both activation layouts), thin wrappers over the
 * one float64 core (reference-nd.ts); the seeded RNG (bench/rng.cjs), the tolerance check
 * (close.ts) and tensor makers.
 *
 * Written independently of src/: nothing here imports the library's option normalising, plan
 * or shape code, so that these loops can catch their bugs. The wrappers only move axes (NHWC
 * inputs and the NHWC weight layouts to channels-first) and name the options.
 */
import { refConvNd, refConvTransposeNd, samePads, toChannelsFirst, toChannelsLast } from './reference-nd';
import { Rng } from '../../bench/rng.cjs';

export type Layout = 'NCHW' | 'NHWC';
export type Act = 'none' | 'relu' | 'relu6';
export type Pair = number | [number, number];
export type Pad = number | [number, number] | [number, number, number, number] | 'valid' | 'same';

/** A tensor as the library takes it. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** A float64 result. */
export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

/** The options the references understand: the public ones minus backend/out. */
export interface RefOptions {
  stride?: Pair;
  padding?: Pad;
  dilation?: Pair;
  groups?: number;
  outputPadding?: Pair;
  bias?: Float32Array;
  activation?: Act;
  depthwiseBias?: Float32Array;
  depthwiseActivation?: Act;
  layout?: Layout;
}

// ---------------------------------------------------------------------------------------------
// Seeded RNG and makers

export { Rng };
export { seedOf } from '../../bench/rng.cjs';

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A Float32Array of `n` values uniform in [-scale, scale). */
export function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

/** A tensor of the given shape with values uniform in [-scale, scale). */
export function randomTensor(rng: Rng, shape: number[], scale = 1): Tensor {
  return { data: randomArray(rng, product(shape), scale), shape: shape.slice() };
}

/** A deep copy of a tensor (to check later that the original was not modified). */
export function cloneTensor(t: Tensor): Tensor {
  return { data: new Float32Array(t.data), shape: t.shape.slice() };
}

// ---------------------------------------------------------------------------------------------
// Layout conversions (plain index loops)

/** [N, C, H, W] -> [N, H, W, C]. */
export function nchwToNhwc(t: { data: ArrayLike<number>; shape: number[] }): Tensor {
  const [n, c, h, w] = t.shape;
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = t.data[((b * c + ch) * h + y) * w + x];
  return { data: out, shape: [n, h, w, c] };
}

/** Permutes a 4-D array: out[i0][i1][i2][i3] (in the order `perm` names) = src[...]. */
function permute4(data: ArrayLike<number>, shape: number[], perm: [number, number, number, number]): { data: Float64Array; shape: number[] } {
  // out axis k is src axis perm[k]
  const oshape = perm.map((p) => shape[p]);
  const sstride = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const out = new Float64Array(product(shape));
  let o = 0;
  for (let a = 0; a < oshape[0]; a++)
    for (let b = 0; b < oshape[1]; b++)
      for (let c = 0; c < oshape[2]; c++)
        for (let d = 0; d < oshape[3]; d++) {
          out[o++] = data[a * sstride[perm[0]] + b * sstride[perm[1]] + c * sstride[perm[2]] + d * sstride[perm[3]]];
        }
  return { data: out, shape: oshape };
}

/** Float32 version of permute4 for the tests' own conversions (e.g. OIHW -> HWIO). */
export function permuteTensor(t: Tensor, perm: [number, number, number, number]): Tensor {
  const p = permute4(t.data, t.shape, perm);
  return { data: new Float32Array(p.data), shape: p.shape };
}

// ---------------------------------------------------------------------------------------------
// Public-shaped references over refConvNd / refConvTransposeNd

/** SAME_UPPER for one axis: [before, after]. */
export const refSamePads: (i: number, k: number, s: number, d: number) => [number, number] = samePads;

type Nd = { data: ArrayLike<number>; shape: number[] };

function xFirst(x: Tensor, layout: Layout): Nd {
  return layout === 'NCHW' ? x : toChannelsFirst(x);
}

function outLayout(t: RefTensor, layout: Layout): RefTensor {
  return layout === 'NCHW' ? t : (toChannelsLast(t) as RefTensor);
}

/** conv2d: w OIHW [Cout, Cin/g, kH, kW] (NCHW) or HWIO [kH, kW, Cin/g, Cout] (NHWC). */
export function refConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const { stride, padding, dilation, groups, bias, activation } = opts;
  return refConvNd(x, w, { stride, padding, dilation, groups, bias, activation, channelsLast: opts.layout === 'NHWC' });
}

/** Depthwise weights as OIHW [C*m, 1, kH, kW]; NHWC [kH, kW, C, m] has output channel c*m + j. */
function dwWeightsOihw(w: Tensor, layout: Layout): Nd {
  if (layout === 'NCHW') return w;
  const [kh, kw, c, m] = w.shape;
  const out = new Float64Array(product(w.shape));
  for (let ch = 0; ch < c; ch++)
    for (let j = 0; j < m; j++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((ch * m + j) * kh + y) * kw + x] = w.data[((y * kw + x) * c + ch) * m + j];
  return { data: out, shape: [c * m, 1, kh, kw] };
}

/** The depthwise stage on channels-first x (separable's first stage too). */
function dwFirst(xs: Nd, w: Tensor, layout: Layout, opts: RefOptions, bias?: Float32Array, activation?: Act): RefTensor {
  const { stride, padding, dilation } = opts;
  return refConvNd(xs, dwWeightsOihw(w, layout), { stride, padding, dilation, groups: xs.shape[1], bias, activation });
}

/** depthwiseConv2d with multiplier m = w channels / C. */
export function refDepthwiseConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  return outLayout(dwFirst(xFirst(x, layout), w, layout, opts, opts.bias, opts.activation), layout);
}

/** Pointwise weights as OIHW [Cout, Cin, 1, 1] from any of the four accepted forms. */
function pwWeightsOihw(w: Tensor, layout: Layout): Nd {
  if (layout === 'NCHW') return { data: w.data, shape: [w.shape[0], w.shape[1], 1, 1] };
  const [cin, cout] = w.shape.length === 4 ? [w.shape[2], w.shape[3]] : [w.shape[0], w.shape[1]];
  const out = new Float64Array(cin * cout);
  for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) out[o * cin + i] = w.data[i * cout + o];
  return { data: out, shape: [cout, cin, 1, 1] };
}

/** pointwiseConv2d: 1x1, stride allowed, no padding. */
export function refPointwiseConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const r = refConvNd(xFirst(x, layout), pwWeightsOihw(w, layout), { stride: opts.stride, bias: opts.bias, activation: opts.activation });
  return outLayout(r, layout);
}

/**
 * separableConv2d: depthwise (stride, padding, dilation, depthwiseBias, depthwiseActivation),
 * then pointwise (bias, activation). The intermediate stays in float64.
 */
export function refSeparableConv2d(x: Tensor, wDw: Tensor, wPw: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const mid = dwFirst(xFirst(x, layout), wDw, layout, opts, opts.depthwiseBias, opts.depthwiseActivation);
  const r = refConvNd(mid, pwWeightsOihw(wPw, layout), { bias: opts.bias, activation: opts.activation });
  return outLayout(r, layout);
}

/** convTranspose2d: w [Cin, Cout/g, kH, kW] (NCHW) or [kH, kW, Cout/g, Cin] (NHWC). */
export function refConvTranspose2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const { stride, padding, dilation, groups, outputPadding, bias, activation } = opts;
  if (padding === 'same') {
    const [kh, kw] = opts.layout === 'NHWC' ? [w.shape[0], w.shape[1]] : [w.shape[2], w.shape[3]];
    const [sh, sw] = typeof stride === 'number' ? [stride, stride] : stride ?? [1, 1];
    const [dh, dw] = typeof dilation === 'number' ? [dilation, dilation] : dilation ?? [1, 1];
    if ((kh - 1) * dh + 1 < sh || (kw - 1) * dw + 1 < sw) throw new Error('reference: same needs (k-1)d+1 >= s');
  }
  return refConvTransposeNd(x, w, {
    stride, padding, dilation, groups, outputPadding, bias, activation, channelsLast: opts.layout === 'NHWC',
  });
}

// ---------------------------------------------------------------------------------------------
// Comparison (tests/helpers/close.ts)

export { closeEnough, compare, expectClose, expectTensorClose } from './close';
