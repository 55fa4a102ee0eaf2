/**
 * The float64 plain-loop reference of every op: PyTorch's F.conv{1,2,3}d and
 * F.conv_transpose{1,2,3}d with API.md's padding forms and padding modes, computed channels-first
 * on any number of spatial axes. The 2-D public-shaped references (reference.ts), the wasm kernel
 * tests' NHWC references (tests/src/backends/wasm/wasm-helpers.ts) and the js backend's
 * (tests/src/backends/js/reference.ts) convert their layouts and call these two functions.
 * Written independently of src/ (no option normalising, plan or shape code is imported).
 *
 * Both gather: per output position, the (input offset, tap) pairs that reach it are listed once
 * (padding taps are skipped, so they contribute nothing even against an infinite weight), then
 * every output channel sums over its group's input channels and that list, in float64.
 */
import type { Act } from './reference';

export type Mode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export type NdPad = number | number[] | 'valid' | 'same' | 'causal';

export interface NdOptions {
  stride?: number | number[];
  dilation?: number | number[];
  padding?: NdPad;
  paddingMode?: Mode;
  groups?: number;
  outputPadding?: number | number[];
  bias?: ArrayLike<number>;
  activation?: Act;
  /** Channels-last activations and weights ([N, ...sp, C]; [...k, I, O] / [...k, O, I]). */
  channelsLast?: boolean;
  /** [min, max] applied after the activation (a kernel's clamp); NaN passes through. */
  clamp?: [number, number];
}

export interface NdTensor {
  data: ArrayLike<number>;
  shape: number[];
}

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);
const per = (v: number | number[] | undefined, r: number, d: number): number[] =>
  v === undefined ? new Array(r).fill(d) : typeof v === 'number' ? new Array(r).fill(v) : v;

function act(v: number, a: Act | undefined): number {
  if (a === undefined || a === 'none' || Number.isNaN(v)) return v;
  if (a === 'relu') return v < 0 ? 0 : v;
  return v < 0 ? 0 : v > 6 ? 6 : v;
}

/** The activation, then the clamp (NaN passes both). */
function epilogue(o: NdOptions): (v: number) => number {
  const a = o.activation;
  if (!o.clamp) return (v) => act(v, a);
  const [lo, hi] = o.clamp;
  return (v) => {
    const y = act(v, a);
    return y < lo ? lo : y > hi ? hi : y;
  };
}

/** Moves axis `from` of a dense tensor to position `to`. */
export function moveAxis(t: NdTensor, from: number, to: number): { data: Float64Array; shape: number[] } {
  const perm = [...t.shape.keys()];
  perm.splice(from, 1);
  perm.splice(to, 0, from);
  const shape = perm.map((p) => t.shape[p]);
  // a batched transpose of two blocks of axes: [A][P][Q][D] -> [A][Q][P][D]
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  const A = prod(t.shape.slice(0, lo));
  const D = prod(t.shape.slice(hi + 1));
  const P = from < to ? t.shape[from] : prod(t.shape.slice(to, from));
  const Q = from < to ? prod(t.shape.slice(from + 1, to + 1)) : t.shape[from];
  const out = new Float64Array(prod(t.shape));
  const src = t.data;
  for (let a = 0; a < A; a++) {
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const i = ((a * P + p) * Q + q) * D;
        const o = ((a * Q + q) * P + p) * D;
        for (let e = 0; e < D; e++) out[o + e] = src[i + e];
      }
    }
  }
  return { data: out, shape };
}

/** Channels-last [N, ...sp, C] to channels-first, and back. */
export const toChannelsFirst = (t: NdTensor): NdTensor => moveAxis(t, t.shape.length - 1, 1);
export const toChannelsLast = (t: NdTensor): NdTensor => moveAxis(t, 1, t.shape.length - 1);
/** Channels-last weights [...k, A, B] to [B, A, ...k]. */
function weightsFirst(w: NdTensor): NdTensor {
  const r = w.shape.length;
  return moveAxis(moveAxis(w, r - 1, 0), r - 1, 1);
}

/** SAME_UPPER for one axis: [before, after]. */
export function samePads(i: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(i / s) - 1) * s + (k - 1) * d + 1 - i, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** [begin[], end[]] of a padding form for `sp` input sizes. */
function padsOf(p: NdPad | undefined, sp: number[], k: number[], s: number[], d: number[]): [number[], number[]] {
  const r = sp.length;
  if (p === undefined || p === 'valid') return [new Array(r).fill(0), new Array(r).fill(0)];
  if (p === 'same') {
    const pr = sp.map((i, a) => samePads(i, k[a], s[a], d[a]));
    return [pr.map((x) => x[0]), pr.map((x) => x[1])];
  }
  if (p === 'causal') return [[d[0] * (k[0] - 1)], [0]];
  if (typeof p === 'number') return [new Array(r).fill(p), new Array(r).fill(p)];
  if (p.length === r) return [p, p];
  return [p.slice(0, r), p.slice(r)];
}

/** The index an out-of-range coordinate reads under a mode, or -1 for zero. */
function modeIndex(i: number, n: number, m: Mode): number {
  if (i >= 0 && i < n) return i;
  switch (m) {
    case 'zeros':
      return -1;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'circular':
      return ((i % n) + n) % n;
  }
}

/**
 * Per output position (row-major over `osz`), the input offsets and taps that reach it: `at(a, o,
 * kk)` is the input index of axis a that output index o reads through kernel index kk, or -1.
 * Returns { start, src, tap }: position p's pairs are src/tap[start[p] .. start[p + 1]).
 */
function gatherLists(osz: number[], k: number[], sp: number[], at: (a: number, o: number, kk: number) => number):
  { start: Int32Array; src: Int32Array; tap: Int32Array } {
  const r = osz.length;
  const tabs = osz.map((n, a) => {
    const t = new Int32Array(n * k[a]);
    for (let o = 0; o < n; o++) for (let kk = 0; kk < k[a]; kk++) t[o * k[a] + kk] = at(a, o, kk);
    return t;
  });
  const outN = prod(osz);
  const taps = prod(k);
  const start = new Int32Array(outN + 1);
  let src: Int32Array = new Int32Array(Math.min(outN * taps, 1 << 16) + 1);
  let tap: Int32Array = new Int32Array(src.length);
  let m = 0;
  const oi = new Array(r).fill(0);
  const ki = new Array(r).fill(0);
  for (let p = 0; p < outN; p++) {
    start[p] = m;
    ki.fill(0);
    for (let t = 0; t < taps; t++) {
      let off = 0;
      let a = 0;
      for (; a < r; a++) {
        const i = tabs[a][oi[a] * k[a] + ki[a]];
        if (i < 0) break;
        off = off * sp[a] + i;
      }
      if (a === r) {
        if (m === src.length) {
          const grow = (v: Int32Array): Int32Array => {
            const bigger = new Int32Array(v.length * 2);
            bigger.set(v);
            return bigger;
          };
          src = grow(src);
          tap = grow(tap);
        }
        src[m] = off;
        tap[m++] = t;
      }
      for (let b = r - 1; b >= 0; b--) {
        if (++ki[b] < k[b]) break;
        ki[b] = 0;
      }
    }
    for (let b = r - 1; b >= 0; b--) {
      if (++oi[b] < osz[b]) break;
      oi[b] = 0;
    }
  }
  start[outN] = m;
  return { start, src, tap };
}

/** conv{1,2,3}d: x [N, C, ...sp], w [Cout, Cin/g, ...k] (channels-last forms when asked). */
export function refConvNd(xIn: NdTensor, wIn: NdTensor, o: NdOptions = {}): { data: Float64Array; shape: number[] } {
  const x = o.channelsLast ? toChannelsFirst(xIn) : xIn;
  const w = o.channelsLast ? weightsFirst(wIn) : wIn;
  const r = x.shape.length - 2;
  const [n, c, ...sp] = x.shape;
  const [cout, cinG, ...k] = w.shape;
  const g = o.groups ?? 1;
  if (cinG * g !== c || cout % g !== 0) throw new Error(`reference: bad channels c=${c} w=${w.shape} g=${g}`);
  const s = per(o.stride, r, 1);
  const d = per(o.dilation, r, 1);
  const [pb, pe] = padsOf(o.padding, sp, k, s, d);
  const mode = o.paddingMode ?? 'zeros';
  const osz = sp.map((i, a) => Math.floor((i + pb[a] + pe[a] - d[a] * (k[a] - 1) - 1) / s[a]) + 1);
  if (osz.some((v) => !(v >= 1))) throw new Error(`reference: empty output ${osz.join("x")}`);
  const coutG = cout / g;
  const outN = prod(osz);
  const spN = prod(sp);
  const taps = prod(k);
  const { start, src, tap } = gatherLists(osz, k, sp, (a, oo, kk) => modeIndex(oo * s[a] - pb[a] + kk * d[a], sp[a], mode));
  const post = epilogue(o);
  const out = new Float64Array(n * cout * outN);
  const xd = x.data;
  const wd = w.data;
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const xg = (b * c + Math.floor(co / coutG) * cinG) * spN;
      const bias = o.bias ? o.bias[co] : 0;
      const ob = (b * cout + co) * outN;
      for (let p = 0; p < outN; p++) {
        const j0 = start[p];
        const j1 = start[p + 1];
        let acc = bias;
        for (let ci = 0; ci < cinG; ci++) {
          const xb = xg + ci * spN;
          const wb = (co * cinG + ci) * taps;
          for (let j = j0; j < j1; j++) acc += xd[xb + src[j]] * wd[wb + tap[j]];
        }
        out[ob + p] = post(acc);
      }
    }
  }
  const res = { data: out, shape: [n, cout, ...osz] };
  return o.channelsLast ? (toChannelsLast(res) as { data: Float64Array; shape: number[] }) : res;
}

/** convTranspose{1,2,3}d: x [N, Cin, ...sp], w [Cin, Cout/g, ...k] (channels-last forms when asked). */
export function refConvTransposeNd(xIn: NdTensor, wIn: NdTensor, o: NdOptions = {}): { data: Float64Array; shape: number[] } {
  const x = o.channelsLast ? toChannelsFirst(xIn) : xIn;
  const w = o.channelsLast ? weightsFirst(wIn) : wIn;
  const r = x.shape.length - 2;
  const [n, cin, ...sp] = x.shape;
  const [wcin, coutG, ...k] = w.shape;
  const g = o.groups ?? 1;
  if (wcin !== cin || cin % g !== 0) throw new Error(`reference: bad channels cin=${cin} w=${w.shape} g=${g}`);
  const cinG = cin / g;
  const cout = coutG * g;
  const s = per(o.stride, r, 1);
  const d = per(o.dilation, r, 1);
  const op = per(o.outputPadding, r, 0);
  let pb: number[];
  let pe: number[];
  if (o.padding === 'same') {
    const tot = k.map((kk, a) => (kk - 1) * d[a] + 1 - s[a]);
    pb = tot.map((t) => Math.floor(t / 2));
    pe = tot.map((t, a) => t - pb[a]);
  } else {
    [pb, pe] = padsOf(o.padding, sp, k, s, d);
  }
  const osz = sp.map((i, a) => (i - 1) * s[a] - pb[a] - pe[a] + d[a] * (k[a] - 1) + op[a] + 1);
  if (osz.some((v) => !(v >= 1))) throw new Error(`reference: empty output ${osz.join("x")}`);
  const outN = prod(osz);
  const spN = prod(sp);
  const taps = prod(k);
  // output index y gets input index i through tap kk when i * s + kk * d - pb = y
  const { start, src, tap } = gatherLists(osz, k, sp, (a, y, kk) => {
    const num = y + pb[a] - kk * d[a];
    if (num < 0 || num % s[a] !== 0) return -1;
    const i = num / s[a];
    return i < sp[a] ? i : -1;
  });
  const post = epilogue(o);
  const out = new Float64Array(n * cout * outN);
  const xd = x.data;
  const wd = w.data;
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const grp = Math.floor(co / coutG);
      const oc = co - grp * coutG;
      const bias = o.bias ? o.bias[co] : 0;
      const ob = (b * cout + co) * outN;
      for (let p = 0; p < outN; p++) {
        const j0 = start[p];
        const j1 = start[p + 1];
        let acc = 0;
        for (let ci = grp * cinG; ci < (grp + 1) * cinG; ci++) {
          const xb = (b * cin + ci) * spN;
          const wb = (ci * coutG + oc) * taps;
          for (let j = j0; j < j1; j++) acc += xd[xb + src[j]] * wd[wb + tap[j]];
        }
        out[ob + p] = post(acc + bias);
      }
    }
  }
  const res = { data: out, shape: [n, cout, ...osz] };
  return o.channelsLast ? (toChannelsLast(res) as { data: Float64Array; shape: number[] }) : res;
}
