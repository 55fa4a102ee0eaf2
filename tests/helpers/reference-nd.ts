/**
 * Float64 plain-loop references of the N-D ops (conv1d, conv3d, their transposes, and 2-D with
 * padding modes): PyTorch's F.conv{1,2,3}d / F.conv_transpose{1,2,3}d with API.md's padding
 * forms and padding modes, computed channels-first on any number of spatial axes. Written
 * independently of src/ (no option normalising, plan or shape code is imported).
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

/** Moves axis `from` of a dense tensor to position `to`. */
export function moveAxis(t: NdTensor, from: number, to: number): { data: Float64Array; shape: number[] } {
  const r = t.shape.length;
  const perm = [...Array(r).keys()];
  perm.splice(from, 1);
  perm.splice(to, 0, from);
  const shape = perm.map((p) => t.shape[p]);
  const inStrides = new Array(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * t.shape[i + 1];
  const out = new Float64Array(prod(t.shape));
  const idx = new Array(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < r; i++) src += idx[i] * inStrides[perm[i]];
    out[o] = t.data[src];
    for (let i = r - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
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

function samePads(i: number, k: number, s: number, d: number): [number, number] {
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

/** conv{1,2,3}d: x [N, C, ...sp], w [Cout, Cin/g, ...k] (channels-last forms when asked). */
export function refConvNd(xIn: NdTensor, wIn: NdTensor, o: NdOptions = {}): { data: Float64Array; shape: number[] } {
  const x = o.channelsLast ? toChannelsFirst(xIn) : xIn;
  const w = o.channelsLast ? weightsFirst(wIn) : wIn;
  const r = x.shape.length - 2;
  const [n, c, ...sp] = x.shape;
  const [cout, cinG, ...k] = w.shape;
  const g = o.groups ?? 1;
  const s = per(o.stride, r, 1);
  const d = per(o.dilation, r, 1);
  const [pb, pe] = padsOf(o.padding, sp, k, s, d);
  const mode = o.paddingMode ?? 'zeros';
  const osz = sp.map((i, a) => Math.floor((i + pb[a] + pe[a] - d[a] * (k[a] - 1) - 1) / s[a]) + 1);
  if (osz.some((v) => !(v >= 1))) throw new Error(`reference: empty output ${osz}`);
  const coutG = cout / g;
  const out = new Float64Array(n * cout * prod(osz));
  const taps = prod(k);
  const spN = prod(sp);
  const oi = new Array(r).fill(0);
  const ki = new Array(r).fill(0);
  let at = 0;
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const grp = Math.floor(co / coutG);
      oi.fill(0);
      for (let p = 0; p < prod(osz); p++) {
        let acc = o.bias ? o.bias[co] : 0;
        for (let ci = 0; ci < cinG; ci++) {
          const xBase = (b * c + grp * cinG + ci) * spN;
          const wBase = (co * cinG + ci) * taps;
          ki.fill(0);
          for (let t = 0; t < taps; t++) {
            let src = 0;
            let ok = true;
            for (let a = 0; a < r; a++) {
              const i = modeIndex(oi[a] * s[a] - pb[a] + ki[a] * d[a], sp[a], mode);
              if (i < 0) {
                ok = false;
                break;
              }
              src = src * sp[a] + i;
            }
            if (ok) acc += x.data[xBase + src] * w.data[wBase + t];
            for (let a = r - 1; a >= 0; a--) {
              if (++ki[a] < k[a]) break;
              ki[a] = 0;
            }
          }
        }
        out[at++] = act(acc, o.activation);
        for (let a = r - 1; a >= 0; a--) {
          if (++oi[a] < osz[a]) break;
          oi[a] = 0;
        }
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
  const [, coutG, ...k] = w.shape;
  const g = o.groups ?? 1;
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
  if (osz.some((v) => !(v >= 1))) throw new Error(`reference: empty output ${osz}`);
  const outN = prod(osz);
  const out = new Float64Array(n * cout * outN);
  const taps = prod(k);
  const ii = new Array(r).fill(0);
  const ki = new Array(r).fill(0);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < cin; ci++) {
      const grp = Math.floor(ci / cinG);
      ii.fill(0);
      for (let p = 0; p < prod(sp); p++) {
        const v = x.data[(b * cin + ci) * prod(sp) + p];
        ki.fill(0);
        for (let t = 0; t < taps; t++) {
          let dst = 0;
          let ok = true;
          for (let a = 0; a < r; a++) {
            const y = ii[a] * s[a] + ki[a] * d[a] - pb[a];
            if (y < 0 || y >= osz[a]) {
              ok = false;
              break;
            }
            dst = dst * osz[a] + y;
          }
          if (ok) {
            for (let oc = 0; oc < coutG; oc++) {
              out[(b * cout + grp * coutG + oc) * outN + dst] += v * w.data[(ci * coutG + oc) * taps + t];
            }
          }
          for (let a = r - 1; a >= 0; a--) {
            if (++ki[a] < k[a]) break;
            ki[a] = 0;
          }
        }
        for (let a = r - 1; a >= 0; a--) {
          if (++ii[a] < sp[a]) break;
          ii[a] = 0;
        }
      }
    }
  }
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      for (let i = 0; i < outN; i++) {
        const idx = (b * cout + co) * outN + i;
        out[idx] = act(out[idx] + (o.bias ? o.bias[co] : 0), o.activation);
      }
    }
  }
  const res = { data: out, shape: [n, cout, ...osz] };
  return o.channelsLast ? (toChannelsLast(res) as { data: Float64Array; shape: number[] }) : res;
}
