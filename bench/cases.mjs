/**
 * Bench cases: the reference layers (layers.json) and the kernel micro-benchmarks
 * (kernels/*.bench.mjs) in one schema, and what a case needs to run: seeded inputs, weights and
 * bias in both layouts, the options, the prepared-layer constructor and the library's MAC count.
 *
 * Schema of a case: { name, type, c, h, w, cout, k, stride, pad, dilation?, groups?, outputPadding? }
 * with type one of standard | dilated | grouped | depthwise | pointwise | separable | transposed.
 * Shapes are NCHW at batch 1; weights OIHW (transposed IOHW), NHWC forms per API.md's table.
 *
 * The 1-D and 3-D layers (layers-1d-3d.json, suite 'layers-nd') have type conv1d | convTranspose1d
 * (c, w) or conv3d | convTranspose3d (c, d, h, w), the same k, stride, dilation and groups for
 * every axis, and pad a number (both ends of every axis) or 'causal' (conv1d: dilation * (k - 1)
 * before, none after). Their shapes are channels-first (NCW, NCDHW); the suite's layout names
 * NCHW / NHWC stand for channels-first / channels-last at every rank (NCW / NWC, NCDHW / NDHWC).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mulberry32 as rng } from './rng.cjs';
import { cases as gemmCases } from './kernels/gemm.bench.mjs';
import { cases as dwconvCases } from './kernels/dwconv.bench.mjs';
import { cases as transposedCases } from './kernels/transposed.bench.mjs';

const layersJson = JSON.parse(readFileSync(new URL('./layers.json', import.meta.url), 'utf8'));

/** The 18 reference layers, tagged suite 'layers'. */
export const LAYERS = layersJson.layers.map((l) => ({ ...l, suite: 'layers' }));
/** The kernel micro-benchmarks, tagged suite 'kernels'. */
export const KERNELS = [...gemmCases, ...dwconvCases, ...transposedCases].map((l) => ({ ...l, suite: 'kernels' }));

/** The spatial rank of each 1-D and 3-D case type; every other type is 2-D. */
export const ND_RANK = { conv1d: 1, convTranspose1d: 1, conv3d: 3, convTranspose3d: 3 };
/** The spatial rank of a case: 1, 2 or 3. */
export const rankOf = (spec) => ND_RANK[spec.type] ?? 2;

const ndFile = new URL('./layers-1d-3d.json', import.meta.url);
/**
 * The 1-D and 3-D reference layers, tagged suite 'layers-nd'. None where the file is absent (the
 * npm package ships layers.json only).
 */
export const ND_LAYERS = existsSync(ndFile)
  ? JSON.parse(readFileSync(ndFile, 'utf8')).layers.map((l) => ({ ...l, suite: 'layers-nd' }))
  : [];

/**
 * Select cases by a comma-separated filter. A term that is a case's full name selects that case
 * only (mbv1.pw1 is not mbv1.pw13); any other term selects the cases whose name contains it or
 * whose type equals it, and 'conv1d' / 'conv3d' select every 1-D / 3-D case, transposed ones
 * included. No filter selects everything but the 1-D and 3-D layers, which run when a term selects them.
 */
export function selectCases(all, filter) {
  if (!filter) return all.filter((c) => rankOf(c) === 2);
  const terms = filter.split(',').map((t) => t.trim()).filter(Boolean);
  const family = { conv1d: 1, conv3d: 3 };
  const matches = (c, t) => (all.some((x) => x.name === t)
    ? c.name === t
    : c.name.includes(t) || c.type === t || family[t] === rankOf(c));
  return all.filter((c) => terms.some((t) => matches(c, t)));
}

function fill(n, scale, next) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}

/**
 * [a, b, ...k] -> [...k, b, a]: OIHW -> HWIO, and IOHW -> [kH, kW, Cout/g, Cin]; at rank 1 and 3
 * likewise ([Cout, Cin/g, k] -> [k, Cin/g, Cout], [Cout, Cin/g, kD, kH, kW] -> [kD, kH, kW, Cin/g, Cout]).
 */
export function toHWxx(data, [a, b, ...ks]) {
  const out = new Float32Array(data.length);
  const kk = ks.reduce((x, y) => x * y, 1);
  for (let p = 0; p < a; p++) {
    for (let q = 0; q < b; q++) {
      for (let i = 0; i < kk; i++) out[(i * b + q) * a + p] = data[(p * b + q) * kk + i];
    }
  }
  return { data: out, shape: [...ks, b, a] };
}

/** Channels-first data [n, c, ...spatial] (NCW, NCHW, NCDHW) -> channels-last data. */
export function nchwToNhwc(data, [n, c, ...sp]) {
  const px = sp.reduce((x, y) => x * y, 1);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      const src = (b * c + k) * px;
      for (let p = 0; p < px; p++) out[(b * px + p) * c + k] = data[src + p];
    }
  }
  return out;
}

/** Channels-last data (shape given channels-first, [n, c, ...spatial]) -> channels-first data. */
export function nhwcToNchw(data, [n, c, ...sp]) {
  const px = sp.reduce((x, y) => x * y, 1);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      const dst = (b * c + k) * px;
      for (let p = 0; p < px; p++) out[dst + p] = data[(b * px + p) * c + k];
    }
  }
  return out;
}

/** The spatial input sizes of a case, outermost first: [w], [h, w] or [d, h, w]. */
export function spatialOf(spec) {
  const r = rankOf(spec);
  return r === 1 ? [spec.w] : r === 3 ? [spec.d, spec.h, spec.w] : [spec.h, spec.w];
}

/**
 * The padding of a case per spatial axis, { begin, end }: pad at both ends of every axis, or for
 * 'causal' dilation * (k - 1) before and none after. Transposed cases: what is cropped from the
 * full output.
 */
export function padsOf(spec) {
  const r = rankOf(spec);
  if (spec.pad === 'causal') return { begin: [(spec.dilation ?? 1) * (spec.k - 1)], end: [0] };
  return { begin: Array(r).fill(spec.pad), end: Array(r).fill(spec.pad) };
}

/**
 * The output size and MACs by the formulas of DESIGN.md, to cross-check the library's helpers:
 * { oh, ow, macs } for the 2-D cases, and for every case out, the output's spatial sizes.
 */
export function expectedGeometry(s) {
  const d = s.dilation ?? 1;
  const g = s.groups ?? 1;
  if (rankOf(s) !== 2) {
    const { begin, end } = padsOf(s);
    const sp = spatialOf(s);
    const kk = s.k ** sp.length;
    if (s.type.startsWith('convTranspose')) {
      const out = sp.map((n, i) => (n - 1) * s.stride - begin[i] - end[i] + d * (s.k - 1) + (s.outputPadding ?? 0) + 1);
      return { out, macs: s.c * (s.cout / g) * kk * sp.reduce((a, b) => a * b, 1) };
    }
    const out = sp.map((n, i) => Math.floor((n + begin[i] + end[i] - d * (s.k - 1) - 1) / s.stride) + 1);
    return { out, macs: s.cout * (s.c / g) * kk * out.reduce((a, b) => a * b, 1) };
  }
  if (s.type === 'transposed') {
    const oh = (s.h - 1) * s.stride - 2 * s.pad + d * (s.k - 1) + (s.outputPadding ?? 0) + 1;
    const ow = (s.w - 1) * s.stride - 2 * s.pad + d * (s.k - 1) + (s.outputPadding ?? 0) + 1;
    return { oh, ow, out: [oh, ow], macs: s.k * s.k * s.c * (s.cout / g) * s.h * s.w };
  }
  const oh = Math.floor((s.h + 2 * s.pad - d * (s.k - 1) - 1) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * s.pad - d * (s.k - 1) - 1) / s.stride) + 1;
  const px = oh * ow;
  const out = [oh, ow];
  switch (s.type) {
    case 'depthwise': return { oh, ow, out, macs: s.k * s.k * s.cout * px };
    case 'pointwise': return { oh, ow, out, macs: s.c * s.cout * px };
    case 'separable': return { oh, ow, out, macs: s.k * s.k * s.c * px + s.c * s.cout * px };
    case 'standard': case 'dilated': case 'grouped': return { oh, ow, out, macs: s.k * s.k * (s.c / g) * s.cout * px };
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
  // mulberry32 (bench/rng.cjs, shared with the tests): every run and every peer sees the same numbers
  const next = rng(seed);
  const { c, cout, k } = spec;
  const g = spec.groups ?? 1;
  const rank = rankOf(spec);
  const sp = spatialOf(spec);
  const xShape = [1, c, ...sp];
  const xData = fill(c * sp.reduce((a, b) => a * b, 1), 1, next);
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
    case 'conv1d': case 'conv3d':
      kind = spec.type;
      weights = [oihw([cout, c / g, ...Array(rank).fill(k)], (c / g) * k ** rank)];
      extra = { padding, groups: g };
      break;
    case 'convTranspose1d': case 'convTranspose3d':
      kind = spec.type;
      weights = [oihw([c, cout / g, ...Array(rank).fill(k)], (c / g) * k ** rank)];
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
    rank,
    xShape,
    outShape: [1, cout, ...geo.out],
    /** Keyed by the suite's layout names: NCHW is channels-first, NHWC channels-last at every rank. */
    x: {
      NCHW: { data: xData, shape: xShape },
      NHWC: { data: nchwToNhwc(xData, xShape), shape: [1, ...sp, c] },
    },
    bias,
    weights,
    pads: padsOf(spec),
    expectedMacs: geo.macs,
    /** The library options for a layout (the suite's name) and backend. */
    options(layout, backend) {
      const o = { ...base, ...extra, layout: LAYOUT_NAMES[rank][layout] };
      if (backend) o.backend = backend;
      return o;
    },
  };
}

/** The library's layout names for the suite's NCHW (channels-first) and NHWC (channels-last), per rank. */
export const LAYOUT_NAMES = {
  1: { NCHW: 'NCW', NHWC: 'NWC' },
  2: { NCHW: 'NCHW', NHWC: 'NHWC' },
  3: { NCHW: 'NCDHW', NHWC: 'NDHWC' },
};

const CREATE = {
  conv2d: 'createConv2d',
  depthwiseConv2d: 'createDepthwiseConv2d',
  pointwiseConv2d: 'createPointwiseConv2d',
  separableConv2d: 'createSeparableConv2d',
  convTranspose2d: 'createConvTranspose2d',
  conv1d: 'createConv1d',
  convTranspose1d: 'createConvTranspose1d',
  conv3d: 'createConv3d',
  convTranspose3d: 'createConvTranspose3d',
};

/**
 * The name of the prepared-layer constructor a case needs when the library lacks it (a build from
 * before its 1-D and 3-D ops), else null.
 */
export function missingConstructor(lib, spec) {
  const name = CREATE[buildKind(spec)];
  return typeof lib[name] === 'function' ? null : name;
}

function buildKind(spec) {
  return {
    standard: 'conv2d', dilated: 'conv2d', grouped: 'conv2d', depthwise: 'depthwiseConv2d', pointwise: 'pointwiseConv2d',
    separable: 'separableConv2d', transposed: 'convTranspose2d',
  }[spec.type] ?? spec.type;
}

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
