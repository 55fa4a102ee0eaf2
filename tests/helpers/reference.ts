/**
 * Float64 plain-loop references with exactly the public semantics of API.md (PyTorch's
 * conv2d / conv_transpose2d, API.md's weight layouts for both activation layouts), a tolerance
 * check, a seeded RNG and tensor makers.
 *
 * Written independently of src/: nothing here imports the library's option normalising, plan
 * or shape code, so that these loops can catch their bugs. Every op is computed in NCHW with
 * OIHW-style weights; NHWC inputs and NHWC weight layouts are converted here by index loops.
 */

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

import { Rng } from '../../bench/rng.cjs';

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

function nhwcToNchw64(data: ArrayLike<number>, shape: number[]): { data: Float64Array; shape: number[] } {
  const [n, h, w, c] = shape;
  const out = new Float64Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + x] = data[((b * h + y) * w + x) * c + ch];
  return { data: out, shape: [n, c, h, w] };
}

function nchw64ToNhwc(t: RefTensor): RefTensor {
  const [n, c, h, w] = t.shape;
  const out = new Float64Array(n * c * h * w);
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
// Option handling (independent of src/ops/options.ts)

function pair(v: Pair | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** SAME_UPPER for one axis: [before, after]. */
export function refSamePads(i: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(i / s) - 1) * s + (k - 1) * d + 1 - i, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Explicit [top, left, bottom, right] of a conv for an input of h x w. */
function convPads(p: Pad | undefined, h: number, w: number, k: [number, number], s: [number, number], d: [number, number]): number[] {
  if (p === undefined || p === 'valid') return [0, 0, 0, 0];
  if (p === 'same') {
    const [t, b] = refSamePads(h, k[0], s[0], d[0]);
    const [l, r] = refSamePads(w, k[1], s[1], d[1]);
    return [t, l, b, r];
  }
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

function applyAct(v: number, a: Act | undefined): number {
  if (a === undefined || a === 'none') return v;
  // PyTorch: relu(NaN) = NaN, hardtanh(NaN) = NaN
  if (Number.isNaN(v)) return v;
  if (a === 'relu') return v < 0 ? 0 : v;
  return v < 0 ? 0 : v > 6 ? 6 : v;
}

// ---------------------------------------------------------------------------------------------
// Cores: NCHW activations, float64

interface Core {
  stride: [number, number];
  dilation: [number, number];
  pads: number[]; // [top, left, bottom, right]
  groups: number;
  bias?: ArrayLike<number>;
  activation?: Act;
}

/** Grouped conv: x [N, C, H, W], w [Cout, C/g, kH, kW] (OIHW). */
function convCore(x: { data: ArrayLike<number>; shape: number[] }, w: { data: ArrayLike<number>; shape: number[] }, o: Core): RefTensor {
  const [n, c, h, wd] = x.shape;
  const [cout, cinG, kh, kw] = w.shape;
  const g = o.groups;
  if (cinG * g !== c || cout % g !== 0) throw new Error(`reference: bad channels c=${c} w=${w.shape} g=${g}`);
  const coutG = cout / g;
  const [sh, sw] = o.stride;
  const [dh, dw] = o.dilation;
  const [pt, pl, pb, pr] = o.pads;
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  if (!(oh >= 1 && ow >= 1)) throw new Error(`reference: empty output ${oh}x${ow}`);
  const out = new Float64Array(n * cout * oh * ow);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++) {
      const grp = Math.floor(co / coutG);
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let acc = o.bias ? o.bias[co] : 0;
          for (let ci = 0; ci < cinG; ci++) {
            const cin = grp * cinG + ci;
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue; // zero padding contributes 0
              for (let kx = 0; kx < kw; kx++) {
                const ix = xo * sw - pl + kx * dw;
                if (ix < 0 || ix >= wd) continue;
                acc += x.data[((b * c + cin) * h + iy) * wd + ix] * w.data[((co * cinG + ci) * kh + ky) * kw + kx];
              }
            }
          }
          out[((b * cout + co) * oh + y) * ow + xo] = applyAct(acc, o.activation);
        }
    }
  return { data: out, shape: [n, cout, oh, ow] };
}

/**
 * Transposed conv: x [N, Cin, H, W], w [Cin, Cout/g, kH, kW] (PyTorch). `pads` crop the full
 * output (top, left from the start); output size (I-1)s - p0 - p1 + d(k-1) + op + 1; output row
 * oh is full row oh + top (so the outputPadding rows are the full rows after the cropped size).
 */
function transposeCore(
  x: { data: ArrayLike<number>; shape: number[] }, w: { data: ArrayLike<number>; shape: number[] }, o: Core, op: [number, number],
): RefTensor {
  const [n, cin, h, wd] = x.shape;
  const [wcin, coutG, kh, kw] = w.shape;
  const g = o.groups;
  if (wcin !== cin || cin % g !== 0) throw new Error(`reference: bad channels cin=${cin} w=${w.shape} g=${g}`);
  const cinG = cin / g;
  const cout = coutG * g;
  const [sh, sw] = o.stride;
  const [dh, dw] = o.dilation;
  const [pt, pl, pb, pr] = o.pads;
  const oh = (h - 1) * sh - pt - pb + dh * (kh - 1) + op[0] + 1;
  const ow = (wd - 1) * sw - pl - pr + dw * (kw - 1) + op[1] + 1;
  if (!(oh >= 1 && ow >= 1)) throw new Error(`reference: empty output ${oh}x${ow}`);
  const out = new Float64Array(n * cout * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < cin; ci++) {
      const grp = Math.floor(ci / cinG);
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < wd; ix++) {
          const v = x.data[((b * cin + ci) * h + iy) * wd + ix];
          for (let oc = 0; oc < coutG; oc++) {
            const co = grp * coutG + oc;
            for (let ky = 0; ky < kh; ky++) {
              const y = iy * sh + ky * dh - pt;
              if (y < 0 || y >= oh) continue;
              for (let kx = 0; kx < kw; kx++) {
                const xo = ix * sw + kx * dw - pl;
                if (xo < 0 || xo >= ow) continue;
                out[((b * cout + co) * oh + y) * ow + xo] += v * w.data[((ci * coutG + oc) * kh + ky) * kw + kx];
              }
            }
          }
        }
    }
  }
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let i = 0; i < oh * ow; i++) {
        const idx = (b * cout + co) * oh * ow + i;
        out[idx] = applyAct(out[idx] + (o.bias ? o.bias[co] : 0), o.activation);
      }
  return { data: out, shape: [n, cout, oh, ow] };
}

// ---------------------------------------------------------------------------------------------
// Public-shaped references

function xNchw(x: Tensor, layout: Layout): { data: ArrayLike<number>; shape: number[] } {
  return layout === 'NCHW' ? x : nhwcToNchw64(x.data, x.shape);
}

function outLayout(t: RefTensor, layout: Layout): RefTensor {
  return layout === 'NCHW' ? t : nchw64ToNhwc(t);
}

/** conv2d: w OIHW [Cout, Cin/g, kH, kW] (NCHW) or HWIO [kH, kW, Cin/g, Cout] (NHWC). */
export function refConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const xs = xNchw(x, layout);
  // HWIO [kH][kW][I][O] -> OIHW: out axes (O, I, H, W) = src axes (3, 2, 0, 1)
  const ws = layout === 'NCHW' ? w : permute4(w.data, w.shape, [3, 2, 0, 1]);
  const stride = pair(opts.stride, 1);
  const dilation = pair(opts.dilation, 1);
  const k: [number, number] = [ws.shape[2], ws.shape[3]];
  const pads = convPads(opts.padding, xs.shape[2], xs.shape[3], k, stride, dilation);
  const r = convCore(xs, ws, { stride, dilation, pads, groups: opts.groups ?? 1, bias: opts.bias, activation: opts.activation });
  return outLayout(r, layout);
}

/** Depthwise weights as OIHW [C*m, 1, kH, kW]; NHWC [kH, kW, C, m] has output channel c*m + j. */
function dwWeightsOihw(w: Tensor, layout: Layout): { data: ArrayLike<number>; shape: number[] } {
  if (layout === 'NCHW') return w;
  const [kh, kw, c, m] = w.shape;
  const out = new Float64Array(product(w.shape));
  for (let ch = 0; ch < c; ch++)
    for (let j = 0; j < m; j++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((ch * m + j) * kh + y) * kw + x] = w.data[((y * kw + x) * c + ch) * m + j];
  return { data: out, shape: [c * m, 1, kh, kw] };
}

function dwCore(xs: { data: ArrayLike<number>; shape: number[] }, w: Tensor, layout: Layout, opts: RefOptions, bias?: Float32Array, act?: Act): RefTensor {
  const ws = dwWeightsOihw(w, layout);
  const stride = pair(opts.stride, 1);
  const dilation = pair(opts.dilation, 1);
  const pads = convPads(opts.padding, xs.shape[2], xs.shape[3], [ws.shape[2], ws.shape[3]], stride, dilation);
  return convCore(xs, ws, { stride, dilation, pads, groups: xs.shape[1], bias, activation: act });
}

/** depthwiseConv2d with multiplier m = w channels / C. */
export function refDepthwiseConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  return outLayout(dwCore(xNchw(x, layout), w, layout, opts, opts.bias, opts.activation), layout);
}

/** Pointwise weights as OIHW [Cout, Cin, 1, 1] from any of the four accepted forms. */
function pwWeightsOihw(w: Tensor, layout: Layout): { data: ArrayLike<number>; shape: number[] } {
  if (layout === 'NCHW') return { data: w.data, shape: [w.shape[0], w.shape[1], 1, 1] };
  const [cin, cout] = w.shape.length === 4 ? [w.shape[2], w.shape[3]] : [w.shape[0], w.shape[1]];
  const out = new Float64Array(cin * cout);
  for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) out[o * cin + i] = w.data[i * cout + o];
  return { data: out, shape: [cout, cin, 1, 1] };
}

/** pointwiseConv2d: 1x1, stride allowed, no padding. */
export function refPointwiseConv2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const stride = pair(opts.stride, 1);
  const r = convCore(xNchw(x, layout), pwWeightsOihw(w, layout), {
    stride, dilation: pair(opts.dilation, 1), pads: [0, 0, 0, 0], groups: 1, bias: opts.bias, activation: opts.activation,
  });
  return outLayout(r, layout);
}

/**
 * separableConv2d: depthwise (stride, padding, dilation, depthwiseBias, depthwiseActivation),
 * then pointwise (bias, activation). The intermediate stays in float64.
 */
export function refSeparableConv2d(x: Tensor, wDw: Tensor, wPw: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const mid = dwCore(xNchw(x, layout), wDw, layout, opts, opts.depthwiseBias, opts.depthwiseActivation);
  const r = convCore(mid, pwWeightsOihw(wPw, layout), {
    stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0], groups: 1, bias: opts.bias, activation: opts.activation,
  });
  return outLayout(r, layout);
}

/** convTranspose2d: w [Cin, Cout/g, kH, kW] (NCHW) or [kH, kW, Cout/g, Cin] (NHWC). */
export function refConvTranspose2d(x: Tensor, w: Tensor, opts: RefOptions = {}): RefTensor {
  const layout = opts.layout ?? 'NCHW';
  const xs = xNchw(x, layout);
  // [kH][kW][O/g][I] -> [I][O/g][kH][kW]: out axes = src axes (3, 2, 0, 1)
  const ws = layout === 'NCHW' ? w : permute4(w.data, w.shape, [3, 2, 0, 1]);
  const stride = pair(opts.stride, 1);
  const dilation = pair(opts.dilation, 1);
  const op = pair(opts.outputPadding, 0);
  const [kh, kw] = [ws.shape[2], ws.shape[3]];
  let pads: number[];
  const p = opts.padding;
  if (p === 'same') {
    const th = (kh - 1) * dilation[0] + 1 - stride[0];
    const tw = (kw - 1) * dilation[1] + 1 - stride[1];
    if (th < 0 || tw < 0) throw new Error('reference: same needs (k-1)d+1 >= s');
    pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  } else if (p === undefined || p === 'valid') pads = [0, 0, 0, 0];
  else if (typeof p === 'number') pads = [p, p, p, p];
  else if (p.length === 2) pads = [p[0], p[1], p[0], p[1]];
  else pads = [p[0], p[1], p[2], p[3]];
  const r = transposeCore(xs, ws, { stride, dilation, pads, groups: opts.groups ?? 1, bias: opts.bias, activation: opts.activation }, op);
  return outLayout(r, layout);
}

// ---------------------------------------------------------------------------------------------
// Comparison (tests/helpers/close.ts)

export { closeEnough, compare, expectClose, expectTensorClose } from './close';
