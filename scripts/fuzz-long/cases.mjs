/**
 * The cases of scripts/fuzz-long.mjs: its seeded draws (bench/rng.cjs), the float64 reference of
 * tests/helpers/reference.ts and the large shapes of tests/robustness/large-shapes.ts, and
 * makeCase(), a random valid call with its reference, in either layout.
 */
import { Rng } from '../../bench/rng.cjs';
import { importTs } from '../../tests/helpers/import-ts.mjs';

// ---------------------------------------------------------------------------------------------
// RNG: the tests' seeded generator (bench/rng.cjs), with the draws the cases make

export function rngOf(seed) {
  const rng = new Rng(seed);
  const next = rng.next;
  return {
    next,
    int: (lo, hi) => rng.int(lo, hi),
    pick: (a) => a[Math.floor(next() * a.length)],
    array: (n, scale = 1) => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
      return a;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Float64 reference: the tests' own (tests/helpers/reference.ts), and the large shapes of
// tests/robustness/large-shapes.ts, bundled on the fly with esbuild (a devDependency) since
// plain node cannot import TypeScript.

const { refConv2d, refDepthwiseConv2d, refPointwiseConv2d, refSeparableConv2d, refConvTranspose2d, compare, permuteTensor, drawLargeShape } =
  await importTs("export * from './tests/helpers/reference.ts'; export { drawLargeShape } from './tests/robustness/large-shapes.ts';");
export { compare, refPointwiseConv2d };

export const prod = (s) => s.reduce((a, b) => a * b, 1);
/** out axis k = src axis perm[k]. */
export const permute4 = (data, shape, perm) => permuteTensor({ data, shape }, perm);
const pairOf = (v, d) => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);
/** The reference's result, or null where it finds the output empty. */
function orNull(f) {
  try {
    return f();
  } catch (e) {
    if (/empty output/.test(e?.message)) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Cases: canonical (NCHW, OIHW) data, then the library's arguments in the case's layout

const ACTS = ['none', 'relu', 'relu6'];

/** Shapes and options of a small case: a few channels on planes up to 10x10. */
function smallDims(r) {
  const op = r.pick(['conv2d', 'conv2d', 'depthwise', 'pointwise', 'separable', 'transposed', 'transposed']);
  const grouped = op === 'conv2d' || op === 'transposed';
  const groups = grouped ? r.int(1, 4) : 1;
  const c = r.int(1, 6) * (grouped ? groups : r.int(1, 3));
  const coutG = r.int(1, 5);
  const k = op === 'pointwise' ? [1, 1] : [r.int(1, 5), r.int(1, 5)];
  const pair = (lo, hi) => (r.next() < 0.5 ? r.int(lo, hi) : [r.int(lo, hi), r.int(lo, hi)]);
  const stride = pair(1, 3);
  const dilation = op === 'pointwise' || r.next() < 0.5 ? 1 : pair(1, 3);
  const pf = r.int(0, 4);
  let padding = op === 'pointwise' ? undefined
    : pf === 0 ? r.int(0, 2) : pf === 1 ? [r.int(0, 2), r.int(0, 2)] : pf === 2 ? [r.int(0, 3), r.int(0, 3), r.int(0, 3), r.int(0, 3)] : pf === 3 ? 'same' : 'valid';
  const s2 = pairOf(stride, 1);
  const d2 = pairOf(dilation, 1);
  let outPad; // undefined: no outputPadding option (an explicit 0 is drawn too)
  if (op === 'transposed') {
    if (padding === 'same' && ((k[0] - 1) * d2[0] + 1 < s2[0] || (k[1] - 1) * d2[1] + 1 < s2[1])) padding = 'valid';
    if (padding !== 'same' && r.next() < 0.5) outPad = [r.int(0, Math.max(s2[0], d2[0]) - 1), r.int(0, Math.max(s2[1], d2[1]) - 1)];
  }
  const m = op === 'depthwise' || op === 'separable' ? r.int(1, 3) : 1;
  const cout = grouped ? coutG * groups : op === 'depthwise' ? c * m : r.int(1, 12);
  return { op, groups, c, cout, m, k, stride, dilation, padding, outPad, n: r.int(1, 2), h: r.int(1, 10), w: r.int(1, 10) };
}

/** Shapes and options of a large case (tests/robustness/large-shapes.ts, within `limits`). */
function largeDims(r, limits) {
  const s = drawLargeShape({ int: r.int }, limits);
  const one = (p) => (p[0] === p[1] ? p[0] : p);
  return {
    op: s.op, groups: s.groups, c: s.c, cout: s.cout, m: s.multiplier, k: s.k, stride: one(s.stride),
    dilation: one(s.dilation), padding: s.padding, outPad: s.outputPadding.some((v) => v > 0) ? s.outputPadding : undefined,
    n: s.n, h: s.h, w: s.w,
  };
}

/**
 * A random valid call: { op, layout, c, args (library), ref(x) (NCHW reference of an NCHW input) }.
 * A share `largeShare` of them are large, within `largeLimits`; 0 (the memory checks' mix):
 * always a small one.
 */
export function makeCase(r, { largeShare = 0, largeLimits } = {}) {
  const large = r.next() < largeShare;
  const layout = r.pick(['NCHW', 'NHWC']);
  const { op, groups, c, cout, m, k, stride, dilation, padding, outPad: outPadOpt, n, h, w } = large ? largeDims(r, largeLimits) : smallDims(r);
  const outPad = outPadOpt ?? [0, 0];
  const coutG = cout / groups;
  const opts = { layout, activation: r.pick(ACTS) };
  if (op !== 'pointwise' || pairOf(stride, 1).some((s) => s > 1)) opts.stride = stride;
  if (dilation !== 1) opts.dilation = dilation;
  if (padding !== undefined) opts.padding = padding;
  if (outPadOpt) opts.outputPadding = outPad[0] === outPad[1] ? outPad[0] : outPad;
  const s2 = pairOf(stride, 1);
  const d2 = pairOf(dilation, 1);
  if (groups > 1) opts.groups = groups;
  let wCanon; // OIHW (transposed: [cin, coutG, kh, kw])
  let w2Canon;
  let wLib;
  let w2Lib;
  const scale = (fan) => 1.7 / Math.sqrt(Math.max(1, fan));
  const pwRank = r.pick([2, 4]);
  const pwLib = (wc) => {
    // wc: [cout, cin, 1, 1]
    const [co, ci] = wc.shape;
    if (layout === 'NCHW') return { data: wc.data.slice(), shape: pwRank === 2 ? [co, ci] : [co, ci, 1, 1] };
    const t = permute4(wc.data, [co, ci, 1, 1], [2, 3, 1, 0]); // [1, 1, ci, co]
    return { data: t.data, shape: pwRank === 2 ? [ci, co] : [1, 1, ci, co] };
  };
  const dwLib = (wc) => {
    if (layout === 'NCHW') return { data: wc.data.slice(), shape: wc.shape.slice() };
    return permute4(wc.data, [c, m, k[0], k[1]], [2, 3, 0, 1]); // [kh, kw, C, m]
  };
  switch (op) {
    case 'conv2d':
      wCanon = { data: r.array(cout * (c / groups) * k[0] * k[1], scale((c / groups) * k[0] * k[1])), shape: [cout, c / groups, k[0], k[1]] };
      wLib = layout === 'NCHW' ? { data: wCanon.data.slice(), shape: wCanon.shape.slice() } : permute4(wCanon.data, wCanon.shape, [2, 3, 1, 0]);
      break;
    case 'depthwise':
      wCanon = { data: r.array(cout * k[0] * k[1], scale(k[0] * k[1])), shape: [cout, 1, k[0], k[1]] };
      wLib = dwLib(wCanon);
      break;
    case 'pointwise':
      wCanon = { data: r.array(cout * c, scale(c)), shape: [cout, c, 1, 1] };
      wLib = pwLib(wCanon);
      break;
    case 'separable':
      wCanon = { data: r.array(c * m * k[0] * k[1], scale(k[0] * k[1])), shape: [c * m, 1, k[0], k[1]] };
      wLib = dwLib(wCanon);
      w2Canon = { data: r.array(cout * c * m, scale(c * m)), shape: [cout, c * m, 1, 1] };
      w2Lib = pwLib(w2Canon);
      if (r.next() < 0.5) opts.depthwiseBias = r.array(c * m, 0.5);
      opts.depthwiseActivation = r.pick(ACTS);
      break;
    case 'transposed':
      wCanon = { data: r.array(c * coutG * k[0] * k[1], scale((c / groups) * k[0] * k[1])), shape: [c, coutG, k[0], k[1]] };
      wLib = layout === 'NCHW' ? { data: wCanon.data.slice(), shape: wCanon.shape.slice() } : permute4(wCanon.data, wCanon.shape, [2, 3, 1, 0]);
      break;
  }
  if (r.next() < 0.5) opts.bias = r.array(cout, 0.5);

  /** The NCHW float64 reference for an NCHW input, or null when the output is empty. */
  const ref = (x) => orNull(() => {
    const base = { stride: s2, dilation: d2, padding, activation: opts.activation, bias: opts.bias };
    switch (op) {
      case 'conv2d':
        return refConv2d(x, wCanon, { ...base, groups });
      case 'depthwise':
        return refDepthwiseConv2d(x, wCanon, base);
      case 'pointwise':
        return refPointwiseConv2d(x, wCanon, { stride: s2, activation: opts.activation, bias: opts.bias });
      case 'separable':
        return refSeparableConv2d(x, wCanon, w2Canon, { ...base, depthwiseBias: opts.depthwiseBias, depthwiseActivation: opts.depthwiseActivation });
      case 'transposed':
        return refConvTranspose2d(x, wCanon, { ...base, groups, outputPadding: outPad });
    }
    return null;
  });
  const weights = op === 'separable' ? [wLib, w2Lib] : [wLib];
  return { op, layout, n, c, h, w, large, opts, weights, ref, name: `${large ? 'large ' : ''}${op} ${layout} x[${n},${c},${h},${w}] cout${cout} k${k} ${JSON.stringify(opts, (key, v) => (v instanceof Float32Array ? `f32[${v.length}]` : v))}` };
}

export const FN = { conv2d: 'conv2d', depthwise: 'depthwiseConv2d', pointwise: 'pointwiseConv2d', separable: 'separableConv2d', transposed: 'convTranspose2d' };
export const CREATE = { conv2d: 'createConv2d', depthwise: 'createDepthwiseConv2d', pointwise: 'createPointwiseConv2d', separable: 'createSeparableConv2d', transposed: 'createConvTranspose2d' };

/** An NCHW input and the library's input in the case's layout. */
export function inputOf(r, cs, h = cs.h, w = cs.w) {
  const nchw = { data: r.array(cs.n * cs.c * h * w), shape: [cs.n, cs.c, h, w] };
  const lib = cs.layout === 'NCHW' ? { data: nchw.data.slice(), shape: nchw.shape.slice() } : permute4(nchw.data, nchw.shape, [0, 2, 3, 1]);
  return { nchw, lib };
}

/** The library's result as NCHW data. */
export const toNchw = (y, layout) => (layout === 'NCHW' ? y.data : permute4(y.data, y.shape, [0, 3, 1, 2]).data);
export const refShape = (ref, layout) => (layout === 'NCHW' ? ref.shape : [ref.shape[0], ref.shape[2], ref.shape[3], ref.shape[1]]);
