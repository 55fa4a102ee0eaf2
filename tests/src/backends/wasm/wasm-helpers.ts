/**
 * Shared helpers of the wasm backend and kernel tests: the builds this runtime can run, the
 * seeded PRNG, hand-built StageSpecs, the float64 references in NHWC over the canonical weight
 * layouts of plan.ts (tests/helpers/reference-nd.ts's core, the axes moved) and the tolerance
 * check |a - b| <= 1e-4 + 1e-4 |b| (tests/helpers/close.ts).
 */
import { detectFeatures } from '../../../../src/loader/detect';
import type { WasmFlavor } from '../../../../src/loader/load';
import type { StageKind, StageSpec } from '../../../../src/ops/plan';
import { mulberry32 as rng } from '../../../../bench/rng.cjs';
import { moveAxis, NdTensor, refConvNd, refConvTransposeNd, toChannelsFirst, toChannelsLast } from '../../../helpers/reference-nd';

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

/** x NHWC with `c` channels, channels-first weights, the Geo's pads (the end ones from oh/ow) and clamp. */
function nhwcRef(g: Geo, x: Float32Array, w: NdTensor, bias: Float32Array, transposed: boolean): Float64Array {
  const xs = toChannelsFirst({ data: x, shape: [g.n, g.h, g.w, g.c] });
  // the end paddings that give oh x ow (negative where the last rows or columns are never read,
  // or where a transposed conv's outputPadding extends the output)
  const span = (i: number, s: number, d: number, k: number, o: number, p0: number): number =>
    transposed ? (i - 1) * s - p0 + d * (k - 1) + 1 - o : (o - 1) * s + d * (k - 1) + 1 - i - p0;
  const pb = span(g.h, g.strideH, g.dilationH, g.kH, g.oh, g.padTop);
  const pr = span(g.w, g.strideW, g.dilationW, g.kW, g.ow, g.padLeft);
  const o = {
    stride: [g.strideH, g.strideW], dilation: [g.dilationH, g.dilationW], padding: [g.padTop, g.padLeft, pb, pr],
    groups: g.groups, bias, clamp: [g.min, g.max] as [number, number],
  };
  const y = transposed ? refConvTransposeNd(xs, w, o) : refConvNd(xs, w, o);
  return toChannelsLast(y).data as Float64Array;
}

/** 'conv' reference: x NHWC, w [groups][kH][kW][cinG][coutG], out NHWC. */
export function refConv(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  // -> [groups][coutG][cinG][kH][kW] = OIHW
  const hwio = { data: w, shape: [g.groups, g.kH, g.kW, g.cinG, g.coutG] };
  const oihw = moveAxis(moveAxis(hwio, 4, 1), 4, 2);
  return nhwcRef(g, x, { data: oihw.data, shape: [g.cout, g.cinG, g.kH, g.kW] }, bias, false);
}

/** 'dw' reference: x NHWC with c channels, w [kH][kW][c*m], out NHWC with c*m channels. */
export function refDw(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  const oihw = moveAxis({ data: w, shape: [g.kH, g.kW, g.cout] }, 2, 0);
  return nhwcRef({ ...g, groups: g.c }, x, { data: oihw.data, shape: [g.cout, 1, g.kH, g.kW] }, bias, false);
}

/** 'deconv' reference: x NHWC, w [groups][cinG][kH][kW][coutG], out NHWC. */
export function refDeconv(g: Geo, x: Float32Array, w: Float32Array, bias: Float32Array): Float64Array {
  // [cin][kH][kW][coutG] -> [cin][coutG][kH][kW]
  const iohw = moveAxis({ data: w, shape: [g.c, g.kH, g.kW, g.coutG] }, 3, 1);
  return nhwcRef(g, x, iohw, bias, true);
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
