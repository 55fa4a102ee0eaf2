/**
 * Shared helpers of the wasm backend and kernel tests: the builds this runtime can run, a
 * deterministic PRNG, hand-built StageSpecs, float64 plain-loop references in NHWC over the
 * canonical weight layouts of plan.ts, and the tolerance check |a - b| <= 1e-4 + 1e-4 |b|.
 */
import { detectFeatures } from '../../../../src/loader/detect';
import type { WasmFlavor } from '../../../../src/loader/load';
import type { StageKind, StageSpec } from '../../../../src/ops/plan';
import { mulberry32 as rng } from '../../../../bench/rng.cjs';

/** The builds of this runtime (relaxed needs --experimental-wasm-relaxed-simd on Node 20). */
export function flavors(): WasmFlavor[] {
  const f = detectFeatures();
  const out: WasmFlavor[] = [];
  if (f.relaxed) out.push('relaxed');
  if (f.simd) out.push('simd');
  out.push('scalar');
  return out;
}

/** The seeded generator of every test and benchmark (bench/rng.cjs): values in [0, 1). */
export { rng };

export function randomArray(n: number, r: () => number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** API.md's tolerance check (tests/helpers/close.ts). */
export { expectClose } from '../../../helpers/close';

export interface SpecArgs {
  kind: StageKind;
  cin: number;
  cout: number;
  groups?: number;
  kH: number;
  kW: number;
  stride?: [number, number];
  dilation?: [number, number];
  pad?: [number, number, number, number];
  same?: boolean;
  outPad?: [number, number];
  act?: 'none' | 'relu' | 'relu6';
}

export function makeSpec(a: SpecArgs): StageSpec {
  const [min, max] = a.act === 'relu' ? [0, Infinity] : a.act === 'relu6' ? [0, 6] : [-Infinity, Infinity];
  const pad = a.pad ?? [0, 0, 0, 0];
  return Object.freeze({
    fn: a.kind === 'deconv' ? 'convTranspose2d' : a.kind === 'dw' ? 'depthwiseConv2d' : 'conv2d',
    kind: a.kind,
    cin: a.cin,
    cout: a.cout,
    groups: a.kind === 'dw' ? a.cin : a.groups ?? 1,
    rank: 2,
    kD: 1,
    kH: a.kH,
    kW: a.kW,
    strideD: 1,
    dilationD: 1,
    outPadD: 0,
    paddingMode: 'zeros',
    strideH: (a.stride ?? [1, 1])[0],
    strideW: (a.stride ?? [1, 1])[1],
    dilationH: (a.dilation ?? [1, 1])[0],
    dilationW: (a.dilation ?? [1, 1])[1],
    padding: a.same ? { kind: 'same' }
      : { kind: 'explicit', front: 0, top: pad[0], left: pad[1], back: 0, bottom: pad[2], right: pad[3] },
    outPadH: (a.outPad ?? [0, 0])[0],
    outPadW: (a.outPad ?? [0, 0])[1],
    min,
    max,
    act: { kind: 'none', min, max, alpha: 0, name: 'clamp' },
  }) as StageSpec;
}

/** Length of a stage's canonical weights. */
export function weightLength(s: StageSpec, c: number): number {
  const taps = s.kH * s.kW;
  if (s.kind === 'dw') return taps * s.cout;
  if (s.kind === 'conv') return taps * (c / s.groups) * s.cout;
  return taps * c * (s.cout / s.groups);
}

export interface Geo {
  n: number; h: number; w: number; c: number; oh: number; ow: number; cout: number; groups: number;
  cinG: number; coutG: number; kH: number; kW: number; strideH: number; strideW: number;
  dilationH: number; dilationW: number; padTop: number; padLeft: number; min: number; max: number;
}

/** A depthwise kernel case (tests/assembly/conv/depthwise*.test.ts); omitted options default to 1 / 0 / no clamp. */
export interface DwCase {
  c: number; m?: number; n?: number; h: number; w: number; kH: number; kW: number;
  s?: [number, number]; d?: [number, number]; pad?: [number, number, number, number]; clamp?: [number, number];
}

/**
 * A DwCase's geometry (as refDw takes it; padBottom/padRight only shape oh/ow) and its random NHWC
 * input, weights ([kH][kW][c*m]) and bias, drawn in that order from rng(seed).
 */
export function dwCaseData(cs: DwCase, seed: number): { g: Geo; x: Float32Array; w: Float32Array; bias: Float32Array } {
  const r = rng(seed);
  const n = cs.n ?? 1, m = cs.m ?? 1, c = cs.c, cout = c * m;
  const [sH, sW] = cs.s ?? [1, 1];
  const [dH, dW] = cs.d ?? [1, 1];
  const [pt, pl, pb, pr] = cs.pad ?? [0, 0, 0, 0];
  const [lo, hi] = cs.clamp ?? [-Infinity, Infinity];
  const oh = Math.floor((cs.h + pt + pb - dH * (cs.kH - 1) - 1) / sH) + 1;
  const ow = Math.floor((cs.w + pl + pr - dW * (cs.kW - 1) - 1) / sW) + 1;
  const x = randomArray(n * cs.h * cs.w * c, r);
  const w = randomArray(cs.kH * cs.kW * cout, r);
  const bias = randomArray(cout, r);
  const g: Geo = { n, h: cs.h, w: cs.w, c, oh, ow, cout, groups: c, cinG: 1, coutG: m, kH: cs.kH, kW: cs.kW,
    strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min: lo, max: hi };
  return { g, x, w, bias };
}

function clamp(v: number, lo: number, hi: number): number {
  if (Number.isNaN(v)) return v;
  return Math.min(Math.max(v, lo), hi);
}

/** 'conv' reference: x NHWC, w [groups][kH][kW][cinG][coutG], out NHWC. */
export function refConv(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  const out = new Float64Array(g.n * g.oh * g.ow * g.cout);
  for (let b = 0; b < g.n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
    for (let gr = 0; gr < g.groups; gr++) for (let oc = 0; oc < g.coutG; oc++) {
      let s = bias[gr * g.coutG + oc];
      for (let ky = 0; ky < g.kH; ky++) {
        const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
        if (iy < 0 || iy >= g.h) continue;
        for (let kx = 0; kx < g.kW; kx++) {
          const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
          if (ix < 0 || ix >= g.w) continue;
          for (let ci = 0; ci < g.cinG; ci++) {
            s += x[((b * g.h + iy) * g.w + ix) * g.c + gr * g.cinG + ci] *
              w[(((gr * g.kH + ky) * g.kW + kx) * g.cinG + ci) * g.coutG + oc];
          }
        }
      }
      out[((b * g.oh + oy) * g.ow + ox) * g.cout + gr * g.coutG + oc] = clamp(s, g.min, g.max);
    }
  }
  return out;
}

/** 'dw' reference: x NHWC with c channels, w [kH][kW][c*m], out NHWC with c*m channels. */
export function refDw(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  const m = g.cout / g.c;
  const out = new Float64Array(g.n * g.oh * g.ow * g.cout);
  for (let b = 0; b < g.n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
    for (let o = 0; o < g.cout; o++) {
      const ci = Math.floor(o / m);
      let s = bias[o];
      for (let ky = 0; ky < g.kH; ky++) {
        const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
        if (iy < 0 || iy >= g.h) continue;
        for (let kx = 0; kx < g.kW; kx++) {
          const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
          if (ix < 0 || ix >= g.w) continue;
          s += x[((b * g.h + iy) * g.w + ix) * g.c + ci] * w[(ky * g.kW + kx) * g.cout + o];
        }
      }
      out[((b * g.oh + oy) * g.ow + ox) * g.cout + o] = clamp(s, g.min, g.max);
    }
  }
  return out;
}

/** 'deconv' reference (scatter form): x NHWC, w [groups][cinG][kH][kW][coutG], out NHWC. */
export function refDeconv(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  const out = new Float64Array(g.n * g.oh * g.ow * g.cout);
  for (let p = 0; p < g.n * g.oh * g.ow; p++) for (let o = 0; o < g.cout; o++) out[p * g.cout + o] = bias[o];
  for (let b = 0; b < g.n; b++) for (let iy = 0; iy < g.h; iy++) for (let ix = 0; ix < g.w; ix++) {
    for (let gr = 0; gr < g.groups; gr++) for (let ci = 0; ci < g.cinG; ci++) {
      const xv = x[((b * g.h + iy) * g.w + ix) * g.c + gr * g.cinG + ci];
      for (let ky = 0; ky < g.kH; ky++) {
        const oy = iy * g.strideH - g.padTop + ky * g.dilationH;
        if (oy < 0 || oy >= g.oh) continue;
        for (let kx = 0; kx < g.kW; kx++) {
          const ox = ix * g.strideW - g.padLeft + kx * g.dilationW;
          if (ox < 0 || ox >= g.ow) continue;
          for (let oc = 0; oc < g.coutG; oc++) {
            out[((b * g.oh + oy) * g.ow + ox) * g.cout + gr * g.coutG + oc] +=
              xv * w[(((gr * g.cinG + ci) * g.kH + ky) * g.kW + kx) * g.coutG + oc];
          }
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = clamp(out[i], g.min, g.max);
  return out;
}

export function refStage(g: Geo & { kind: StageKind }, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  return g.kind === 'conv' ? refConv(g, x, w, bias) : g.kind === 'dw' ? refDw(g, x, w, bias) : refDeconv(g, x, w, bias);
}

/** NHWC -> NCHW of one tensor. */
export function toNchw(x: ArrayLike<number>, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
    out[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch];
  }
  return out;
}
