/**
 * End-to-end harness of the js Backend: builds stages exactly as the facade does (options.ts ->
 * plan.ts spec* + resolve -> tensor/layout.ts canonicalWeights), runs them through a Runner in
 * either layout, and computes the expected NCHW result with reference.ts's float64 loops.
 */
import { jsBackend } from '../../../../src/backends/js/index';
import type { Kernel, Runner } from '../../../../src/backends/types';
import { ConvOptions, Layout, normaliseOptions, NormOptions } from '../../../../src/ops/options';
import {
  Geometry, resolve, specConv2d, specDepthwise, specPointwise, specTransposed, StageSpec,
} from '../../../../src/ops/plan';
import { canonicalWeights } from '../../../../src/tensor/layout';
import { permute, randomF32, refConv2d, refConvTranspose2d, toNchw, toNhwc } from './reference';

export type Op = 'conv2d' | 'depthwiseConv2d' | 'pointwiseConv2d' | 'convTranspose2d' | 'separableConv2d';

export interface E2E {
  op: Op;
  n: number; c: number; h: number; w: number;
  /** conv2d, pointwise, transposed, separable (pointwise part): output channels */
  cout?: number;
  /** depthwise (and separable's depthwise part): multiplier */
  m?: number;
  k?: [number, number];
  opts?: Omit<ConvOptions, 'layout' | 'bias' | 'depthwiseBias' | 'out' | 'backend'>;
  bias?: boolean;
  /** pointwise weights given as rank 2 */
  rank2?: boolean;
}

export interface Built {
  /** user weights (NCHW forms) and biases */
  w: Float32Array[];
  wShape: number[][];
  bias: (Float32Array | undefined)[];
  x: Float32Array;
}

/** Random weights, biases and input of a case, in the NCHW (PyTorch) forms. */
export function build(t: E2E, seed = 1): Built {
  const [kH, kW] = t.k ?? [1, 1];
  const g = t.opts?.groups ?? 1;
  const x = randomF32(t.n * t.c * t.h * t.w, seed);
  let shapes: number[][];
  let couts: number[];
  switch (t.op) {
    case 'conv2d': shapes = [[t.cout!, t.c / g, kH, kW]]; couts = [t.cout!]; break;
    case 'pointwiseConv2d': shapes = [t.rank2 ? [t.cout!, t.c] : [t.cout!, t.c, 1, 1]]; couts = [t.cout!]; break;
    case 'depthwiseConv2d': shapes = [[t.c * (t.m ?? 1), 1, kH, kW]]; couts = [t.c * (t.m ?? 1)]; break;
    case 'convTranspose2d': shapes = [[t.c, t.cout! / g, kH, kW]]; couts = [t.cout!]; break;
    case 'separableConv2d': {
      const cm = t.c * (t.m ?? 1);
      shapes = [[cm, 1, kH, kW], [t.cout!, cm, 1, 1]];
      couts = [cm, t.cout!];
      break;
    }
  }
  const w = shapes.map((s, i) => randomF32(s.reduce((a, b) => a * b, 1), seed * 31 + i + 7));
  const bias = couts.map((co, i) => (t.bias === false ? undefined : randomF32(co, seed * 17 + i + 3)));
  return { w, wShape: shapes, bias, x };
}

/** NCHW-form user weights -> the NHWC-form user weights of API.md's table. */
function weightsToNhwc(op: Op, stage: number, w: Float32Array, s: number[]): { w: Float32Array; shape: number[] } {
  if (s.length === 2) return { w: permute(w, s, [1, 0]), shape: [s[1], s[0]] }; // [Cout, Cin] -> [Cin, Cout]
  const [a, b, kH, kW] = s;
  if (op === 'depthwiseConv2d' || (op === 'separableConv2d' && stage === 0)) {
    return { w: permute(w, s, [2, 3, 0, 1]), shape: [kH, kW, a, 1] }; // [C*m,1,kH,kW] -> [kH,kW,C*m] (m merged below)
  }
  if (op === 'convTranspose2d') {
    return { w: permute(w, s, [2, 3, 1, 0]), shape: [kH, kW, b, a] }; // [Cin,CoutG,kH,kW] -> [kH,kW,CoutG,Cin]
  }
  return { w: permute(w, s, [2, 3, 1, 0]), shape: [kH, kW, b, a] }; // OIHW -> HWIO
}

export interface Prepared {
  specs: StageSpec[];
  geoms: Geometry[];
  kernels: Kernel[];
  runner: Runner;
  outLen: number;
}

/** Creates the kernels and runner of a case in a layout (weights converted to that layout's form). */
export function prepare(t: E2E, b: Built, layout: Layout): Prepared {
  const opts: ConvOptions = { ...(t.opts ?? {}), layout };
  const sep = t.op === 'separableConv2d';
  if (sep) {
    opts.bias = b.bias[1];
    opts.depthwiseBias = b.bias[0];
  } else {
    opts.bias = b.bias[0];
  }
  const o: NormOptions = normaliseOptions(t.op, opts);
  const ws = b.w.map((w, i) => {
    if (layout === 'NCHW') return { w, shape: b.wShape[i] };
    const r = weightsToNhwc(t.op, i, w, b.wShape[i]);
    if (t.op === 'depthwiseConv2d' || (sep && i === 0)) {
      const m = t.m ?? 1;
      r.shape = [r.shape[0], r.shape[1], t.c, m];
    }
    return r;
  });
  let specs: StageSpec[];
  switch (t.op) {
    case 'conv2d': specs = [specConv2d(t.op, ws[0].shape, o)]; break;
    case 'pointwiseConv2d': specs = [specPointwise(t.op, ws[0].shape, o)]; break;
    case 'depthwiseConv2d': specs = [specDepthwise(t.op, ws[0].shape, o)]; break;
    case 'convTranspose2d': specs = [specTransposed(t.op, ws[0].shape, o)]; break;
    case 'separableConv2d': {
      const pwOpts: NormOptions = { ...o, stride: [1, 1], dilation: [1, 1] };
      specs = [specDepthwise(t.op, ws[0].shape, o, 'depthwiseActivation'), specPointwise(t.op, ws[1].shape, pwOpts)];
      break;
    }
  }
  const kernels = specs.map((spec, i) => jsBackend.createKernel({
    spec,
    weights: canonicalWeights(spec, ws[i].w, layout),
    bias: (sep ? b.bias[i] : b.bias[0]) ?? new Float32Array(spec.cout),
  }));
  const geoms: Geometry[] = [];
  let [n, c, h, w] = [t.n, t.c, t.h, t.w];
  for (const spec of specs) {
    const g = resolve(spec, n, c, h, w);
    geoms.push(g);
    [c, h, w] = [g.cout, g.oh, g.ow];
  }
  const runner = jsBackend.createRunner(kernels);
  return { specs, geoms, kernels, runner, outLen: n * c * h * w };
}

/** Runs a prepared case on the NCHW input xNchw; returns the output as NCHW. */
export function runCase(p: Prepared, t: E2E, xNchw: Float32Array, layout: Layout, out?: Float32Array): Float32Array {
  const g = p.geoms[p.geoms.length - 1];
  const x = layout === 'NCHW' ? xNchw : toNhwc(xNchw, t.n, t.c, t.h, t.w);
  const y = out ?? new Float32Array(p.outLen);
  p.runner.run(x, layout, p.geoms, y);
  return layout === 'NCHW' ? y : toNchw(y, g.n, g.oh, g.ow, g.cout);
}

/** The float64 reference (NCHW) of a case, with the pads the geometries resolved. */
export function reference(t: E2E, b: Built, geoms: Geometry[], x = b.x): Float64Array {
  const act = (a: unknown): [number, number] =>
    a === 'relu' ? [0, Infinity] : a === 'relu6' ? [0, 6] : [-Infinity, Infinity];
  const g0 = geoms[0];
  const base = {
    n: t.n, c: t.c, h: t.h, w: t.w, kH: g0.kH, kW: g0.kW,
    stride: [g0.strideH, g0.strideW] as [number, number],
    dilation: [g0.dilationH, g0.dilationW] as [number, number],
    pad: [g0.padTop, g0.padLeft, g0.padBottom, g0.padRight] as [number, number, number, number],
  };
  const [min, max] = act(t.opts?.activation);
  switch (t.op) {
    case 'conv2d':
    case 'pointwiseConv2d':
      return refConv2d(x, b.w[0], { ...base, cout: g0.cout, groups: g0.groups, bias: b.bias[0], min, max }).y;
    case 'depthwiseConv2d':
      return refConv2d(x, b.w[0], { ...base, cout: g0.cout, groups: t.c, bias: b.bias[0], min, max }).y;
    case 'convTranspose2d':
      return refConvTranspose2d(x, b.w[0], {
        ...base, cout: g0.cout, groups: g0.groups, bias: b.bias[0], min, max, outPad: [g0.outPadH, g0.outPadW],
      }).y;
    case 'separableConv2d': {
      const [dmin, dmax] = act(t.opts?.depthwiseActivation);
      const d = refConv2d(x, b.w[0], { ...base, cout: g0.cout, groups: t.c, bias: b.bias[0], min: dmin, max: dmax });
      const g1 = geoms[1];
      return refConv2d(Float32Array.from(d.y), b.w[1], {
        n: t.n, c: g0.cout, h: d.oh, w: d.ow, cout: g1.cout, kH: 1, kW: 1, stride: [1, 1], dilation: [1, 1],
        pad: [0, 0, 0, 0], groups: 1, bias: b.bias[1], min, max,
      }).y;
    }
  }
}
