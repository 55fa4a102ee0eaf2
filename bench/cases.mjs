/**
 * Bench cases: the reference layers (layers.json) and the kernel micro-benchmarks
 * (kernels/*.bench.mjs) in one schema, and what a case needs to run: seeded inputs, weights and
 * bias in both layouts, the options, the prepared-layer constructor and the library's MAC count.
 *
 * Schema of a case: { name, type, c, h, w, cout, k, stride, pad, dilation?, groups?, outputPadding? }
 * with type one of standard | dilated | grouped | depthwise | pointwise | separable | transposed.
 * Shapes are NCHW at batch 1; weights OIHW (transposed IOHW), NHWC forms per API.md's table.
 */
import { readFileSync } from 'node:fs';
import { cases as gemmCases } from './kernels/gemm.bench.mjs';
import { cases as dwconvCases } from './kernels/dwconv.bench.mjs';
import { cases as transposedCases } from './kernels/transposed.bench.mjs';

const layersJson = JSON.parse(readFileSync(new URL('./layers.json', import.meta.url), 'utf8'));

/** The 18 reference layers, tagged suite 'layers'. */
export const LAYERS = layersJson.layers.map((l) => ({ ...l, suite: 'layers' }));
/** The kernel micro-benchmarks, tagged suite 'kernels'. */
export const KERNELS = [...gemmCases, ...dwconvCases, ...transposedCases].map((l) => ({ ...l, suite: 'kernels' }));

/**
 * Select cases by a comma-separated filter. A term that is a case's full name selects that case
 * only (mbv1.pw1 is not mbv1.pw13); any other term selects the cases whose name contains it or
 * whose type equals it. No filter selects everything.
 */
export function selectCases(all, filter) {
  if (!filter) return all;
  const terms = filter.split(',').map((t) => t.trim()).filter(Boolean);
  const matches = (c, t) => (all.some((x) => x.name === t) ? c.name === t : c.name.includes(t) || c.type === t);
  return all.filter((c) => terms.some((t) => matches(c, t)));
}

/** mulberry32: a small seeded generator so every run (and every peer) sees the same numbers. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(n, scale, next) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}

/** [a, b, kh, kw] -> [kh, kw, b, a]: OIHW -> HWIO, and IOHW -> [kH, kW, Cout/g, Cin]. */
export function toHWxx(data, [a, b, kh, kw]) {
  const out = new Float32Array(data.length);
  for (let p = 0; p < a; p++) {
    for (let q = 0; q < b; q++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) out[((i * kw + j) * b + q) * a + p] = data[((p * b + q) * kh + i) * kw + j];
      }
    }
  }
  return { data: out, shape: [kh, kw, b, a] };
}

/** NCHW data -> NHWC data. */
export function nchwToNhwc(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      const src = (b * c + k) * h * w;
      for (let p = 0; p < h * w; p++) out[(b * h * w + p) * c + k] = data[src + p];
    }
  }
  return out;
}

/** NHWC data (shape given as NCHW) -> NCHW data. */
export function nhwcToNchw(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      const dst = (b * c + k) * h * w;
      for (let p = 0; p < h * w; p++) out[dst + p] = data[(b * h * w + p) * c + k];
    }
  }
  return out;
}

/** The output size and MACs by the formulas of DESIGN.md, to cross-check the library's helpers. */
export function expectedGeometry(s) {
  const d = s.dilation ?? 1;
  const g = s.groups ?? 1;
  if (s.type === 'transposed') {
    const oh = (s.h - 1) * s.stride - 2 * s.pad + d * (s.k - 1) + (s.outputPadding ?? 0) + 1;
    const ow = (s.w - 1) * s.stride - 2 * s.pad + d * (s.k - 1) + (s.outputPadding ?? 0) + 1;
    return { oh, ow, macs: s.k * s.k * s.c * (s.cout / g) * s.h * s.w };
  }
  const oh = Math.floor((s.h + 2 * s.pad - d * (s.k - 1) - 1) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * s.pad - d * (s.k - 1) - 1) / s.stride) + 1;
  const px = oh * ow;
  switch (s.type) {
    case 'depthwise': return { oh, ow, macs: s.k * s.k * s.cout * px };
    case 'pointwise': return { oh, ow, macs: s.c * s.cout * px };
    case 'separable': return { oh, ow, macs: s.k * s.k * s.c * px + s.c * s.cout * px };
    case 'standard': case 'dilated': case 'grouped': return { oh, ow, macs: s.k * s.k * (s.c / g) * s.cout * px };
    default: throw new Error(`bench: unknown layer type ${s.type}`);
  }
}

/**
 * Build everything a case needs. Tensors are generated once per case and shared by every path,
 * layout and peer. Weights are scaled by 1/sqrt(fan-in) so outputs stay near 1 and API.md's
 * tolerance is meaningful.
 * @param {object} spec a case
 * @param {number} seed
 */
export function buildCase(spec, seed = 1) {
  const next = rng(seed);
  const { c, h, w, cout, k } = spec;
  const g = spec.groups ?? 1;
  const xShape = [1, c, h, w];
  const xData = fill(c * h * w, 1, next);
  const bias = fill(cout, 0.1, next);
  const base = { stride: spec.stride, bias };
  if (spec.dilation) base.dilation = spec.dilation;
  const padding = spec.pad;
  /** weights: { NCHW: {data, shape}, NHWC: {data, shape} }, one or two of them (separable). */
  let weights;
  let kind;
  let extra = {};
  const oihw = (shape, fanIn) => {
    const data = fill(shape.reduce((a, b) => a * b, 1), 1 / Math.sqrt(fanIn), next);
    return { NCHW: { data, shape }, NHWC: toHWxx(data, shape) };
  };
  switch (spec.type) {
    case 'standard': case 'dilated': case 'grouped':
      kind = 'conv2d';
      weights = [oihw([cout, c / g, k, k], (c / g) * k * k)];
      extra = { padding, groups: g };
      break;
    case 'depthwise': {
      kind = 'depthwiseConv2d';
      const m = cout / c;
      const wt = oihw([cout, 1, k, k], k * k);
      // [kH, kW, 1, C*m] and [kH, kW, C, m] are the same bytes.
      wt.NHWC.shape = [k, k, c, m];
      weights = [wt];
      extra = { padding };
      break;
    }
    case 'pointwise':
      kind = 'pointwiseConv2d';
      weights = [oihw([cout, c, 1, 1], c)];
      extra = {};
      break;
    case 'separable': {
      kind = 'separableConv2d';
      const dw = oihw([c, 1, k, k], k * k);
      dw.NHWC.shape = [k, k, c, 1];
      weights = [dw, oihw([cout, c, 1, 1], c)];
      extra = { padding };
      break;
    }
    case 'transposed':
      kind = 'convTranspose2d';
      weights = [oihw([c, cout / g, k, k], (c / g) * k * k)];
      extra = { padding, groups: g };
      if (spec.outputPadding) extra.outputPadding = spec.outputPadding;
      break;
    default:
      throw new Error(`bench: unknown layer type ${spec.type} in ${spec.name}`);
  }
  const geo = expectedGeometry(spec);
  return {
    spec,
    kind,
    xShape,
    outShape: [1, cout, geo.oh, geo.ow],
    x: {
      NCHW: { data: xData, shape: xShape },
      NHWC: { data: nchwToNhwc(xData, xShape), shape: [1, h, w, c] },
    },
    bias,
    weights,
    expectedMacs: geo.macs,
    /** The library options for a layout and backend. */
    options(layout, backend) {
      const o = { ...base, ...extra, layout };
      if (backend) o.backend = backend;
      return o;
    },
  };
}

const CREATE = {
  conv2d: 'createConv2d',
  depthwiseConv2d: 'createDepthwiseConv2d',
  pointwiseConv2d: 'createPointwiseConv2d',
  separableConv2d: 'createSeparableConv2d',
  convTranspose2d: 'createConvTranspose2d',
};

/** Create the prepared simdconv layer of a case. */
export function createLayer(lib, bc, layout, backend) {
  const ws = bc.weights.map((wt) => wt[layout]);
  return lib[CREATE[bc.kind]](...ws, bc.options(layout, backend));
}

/** The library's own multiply-accumulate count of a case (NCHW forms). */
export function libraryMacs(lib, bc) {
  const ws = bc.weights.map((wt) => wt.NCHW.shape);
  return lib[`${bc.kind}Macs`](bc.xShape, ...ws, bc.options('NCHW'));
}
