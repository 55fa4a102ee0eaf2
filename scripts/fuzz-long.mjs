#!/usr/bin/env node
/**
 * Long robustness run of the built package (dist/index.js):
 *
 *   node --experimental-wasm-relaxed-simd scripts/fuzz-long.mjs --cases 10000 [--seed N]
 *        [--backends wasm-relaxed,wasm-simd,wasm,js] [--calls 10000] [--cycles 1000] [--garbage 0.15]
 *        [--large 0.5] [--large-macs 2e7] [--large-floats 4e6]
 *
 * 1. `--cases` random valid cases (every op, both layouts, every backend, functional / out /
 *    out aliasing x / prepared layer at two input sizes / sequence of two layers) against the
 *    float64 reference of tests/helpers/reference.ts (bundled at start-up with esbuild: it is
 *    TypeScript). Most cases have a few channels on planes up to 10x10; a share `--large` of
 *    them are the large shapes of tests/robustness/large-shapes.ts: planes up to 256x256 (65536
 *    pixels, flat ones up to 16384 long), up to 128 channels, skewed across the kernels' size
 *    thresholds (unpadded stride 1, planes around 512-4096 pixels and the NCHW bands, c*kH*kW
 *    around 64, ...) and shrunk to at most `--large-macs` multiply-accumulates and
 *    `--large-floats` input and output floats, so that the reference stays under a second.
 *    Inputs must be unchanged, functional calls must leave bytesInUse and liveLayers
 *    where they were, an empty output must be EMPTY_OUTPUT. A share `--garbage` of the cases is
 *    preceded by a garbage call (one argument or option replaced) that must throw a ConvError of
 *    a known code; the valid call after it must still be right. `--hostile` adds revoked
 *    proxies, throwing getters, objects that only claim Float32Array's prototype and option
 *    arrays whose entries change after the first read (known to fail at the time of writing).
 * 2. Memory: per backend, `--calls` functional calls over a fixed mix of small cases and `--cycles`
 *    create/run/dispose cycles after one warm-up pass; wasmBytes and bytesInUse must not move.
 *
 * Prints one line per failure (with the seed and case index to replay it: --seed S --only I),
 * then `N passed, N failed` and the durations. Exit code 1 when anything failed.
 */
import * as sc from '../dist/index.js';
import { Rng } from '../bench/rng.cjs';
import { importTs } from '../tests/helpers/import-ts.mjs';

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const CASES = Number(arg('cases', 10000));
const SEED = Number(arg('seed', 1)) >>> 0;
const CALLS = Number(arg('calls', 10000));
const CYCLES = Number(arg('cycles', 1000));
const GARBAGE = Number(arg('garbage', 0.15));
const LARGE = Number(arg('large', 0.5));
const HOSTILE = args.includes('--hostile');
const ONLY = arg('only', undefined) === undefined ? undefined : Number(arg('only'));
const WANT = arg('backends', 'wasm-relaxed,wasm-simd,wasm,js').split(',');
/** Large cases (see the header): the budget keeps the float64 reference under a second per case. */
const LARGE_LIMITS = {
  maxPlane: 65536, maxSide: 256, maxWide: 16384, maxChannels: 128,
  maxMacs: Number(arg('large-macs', 2e7)), maxFloats: Number(arg('large-floats', 4e6)),
};

// ---------------------------------------------------------------------------------------------
// RNG: the tests' seeded generator (bench/rng.cjs), with the draws the cases make

function rngOf(seed) {
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

const prod = (s) => s.reduce((a, b) => a * b, 1);
/** out axis k = src axis perm[k]. */
const permute4 = (data, shape, perm) => permuteTensor({ data, shape }, perm);
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

/** Shapes and options of a large case (tests/robustness/large-shapes.ts, within LARGE_LIMITS). */
function largeDims(r) {
  const s = drawLargeShape({ int: r.int }, LARGE_LIMITS);
  const one = (p) => (p[0] === p[1] ? p[0] : p);
  return {
    op: s.op, groups: s.groups, c: s.c, cout: s.cout, m: s.multiplier, k: s.k, stride: one(s.stride),
    dilation: one(s.dilation), padding: s.padding, outPad: s.outputPadding.some((v) => v > 0) ? s.outputPadding : undefined,
    n: s.n, h: s.h, w: s.w,
  };
}

/**
 * A random valid call: { op, layout, c, args (library), ref(x) (NCHW reference of an NCHW input) }.
 * `allowLarge` false: always a small one (the memory checks' mix).
 */
function makeCase(r, allowLarge = true) {
  const large = r.next() < LARGE && allowLarge;
  const layout = r.pick(['NCHW', 'NHWC']);
  const { op, groups, c, cout, m, k, stride, dilation, padding, outPad: outPadOpt, n, h, w } = large ? largeDims(r) : smallDims(r);
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

const FN = { conv2d: 'conv2d', depthwise: 'depthwiseConv2d', pointwise: 'pointwiseConv2d', separable: 'separableConv2d', transposed: 'convTranspose2d' };
const CREATE = { conv2d: 'createConv2d', depthwise: 'createDepthwiseConv2d', pointwise: 'createPointwiseConv2d', separable: 'createSeparableConv2d', transposed: 'createConvTranspose2d' };

/** An NCHW input and the library's input in the case's layout. */
function inputOf(r, cs, h = cs.h, w = cs.w) {
  const nchw = { data: r.array(cs.n * cs.c * h * w), shape: [cs.n, cs.c, h, w] };
  const lib = cs.layout === 'NCHW' ? { data: nchw.data.slice(), shape: nchw.shape.slice() } : permute4(nchw.data, nchw.shape, [0, 2, 3, 1]);
  return { nchw, lib };
}

/** The library's result as NCHW data. */
const toNchw = (y, layout) => (layout === 'NCHW' ? y.data : permute4(y.data, y.shape, [0, 3, 1, 2]).data);
const refShape = (ref, layout) => (layout === 'NCHW' ? ref.shape : [ref.shape[0], ref.shape[2], ref.shape[3], ref.shape[1]]);

const CODES = new Set(['BAD_TENSOR', 'BAD_RANK', 'SHAPE_MISMATCH', 'CHANNEL_MISMATCH', 'BAD_KERNEL', 'BAD_GROUPS', 'BAD_STRIDE', 'BAD_DILATION',
  'BAD_PADDING', 'BAD_OUTPUT_PADDING', 'BAD_BIAS', 'BAD_OPTION', 'EMPTY_OUTPUT', 'BAD_OUT', 'OUT_OF_MEMORY', 'DISPOSED', 'BACKEND_UNAVAILABLE', 'NOT_INITIALIZED']);

/** A printable name of any value (proxies included). */
function show(v) {
  try {
    if (typeof v === 'symbol') return 'a symbol';
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return 'a function';
    if (v !== null && typeof v === 'object') return Array.isArray(v) ? `[${Array.from({ length: v.length }, (_, i) => String(v[i])).join(', ')}]` : (v.constructor?.name ?? 'an object');
    return String(v);
  } catch {
    return 'a hostile object';
  }
}

const GARBAGE_VALUES = [NaN, Infinity, -Infinity, -1, 0, 0.5, 2 ** 31, '1', 'same ', 'NCHW ', true, null, {}, [], [1], [1, 2, 3], [NaN, 1], [1, -1],
  () => 1, 1n, Symbol.for('g'), new Float64Array(4), new Int32Array(4), new DataView(new ArrayBuffer(16)), 2 ** 29];

/** Arrays made by flipping(): valid on their first read, so accepting them is right. */
const FLIPPING = new WeakSet();

/** An array whose entries read honestly once, then as `late`. */
function flipping(arr, late) {
  const reads = new Map();
  const p = new Proxy(arr, {
    get(t, k, rcv) {
      if (typeof k === 'string' && /^\d+$/.test(k)) {
        const n = (reads.get(k) ?? 0) + 1;
        reads.set(k, n);
        return n > 1 ? late : t[Number(k)];
      }
      return Reflect.get(t, k, rcv);
    },
  });
  FLIPPING.add(p);
  return p;
}

function hostileValue(r) {
  switch (r.int(0, 3)) {
    case 0: {
      const p = Proxy.revocable({}, {});
      p.revoke();
      return p.proxy;
    }
    case 1:
      return Object.defineProperty({}, 'data', { enumerable: true, get() { throw new Error('getter'); } });
    case 2:
      return Object.create(Float32Array.prototype);
    default:
      return flipping([1, 1], r.pick([0, 0.5, -1]));
  }
}

/** One garbage call derived from a valid one; returns a description of what went wrong, or null. */
function garbageCall(r, cs, x, backend, outLength) {
  const fn = sc[FN[cs.op]];
  const opts = { ...cs.opts, backend };
  const ws = cs.weights.slice();
  let xa = x;
  let what;
  const kind = r.int(0, 5);
  const v = HOSTILE && r.next() < 0.5 ? hostileValue(r) : r.pick(GARBAGE_VALUES);
  if (kind === 0) {
    const keys = ['stride', 'padding', 'dilation', 'groups', 'outputPadding', 'bias', 'activation', 'layout', 'backend', 'out', 'depthwiseBias', 'depthwiseActivation'];
    const key = r.pick(keys);
    opts[key] = v;
    what = `opts.${key} = ${show(v)}`;
    // values that are valid for that key are skipped
    if ((key === 'padding' || key === 'outputPadding') && v === 0) return null;
    if (key === 'groups' && v === 1 && (cs.op === 'conv2d' || cs.op === 'transposed') && (cs.opts.groups ?? 1) === 1) return null;
  } else if (kind === 1) {
    xa = { data: x.data.subarray(0, Math.max(0, x.data.length - r.int(1, 3))), shape: x.shape };
    what = 'x.data short';
  } else if (kind === 2) {
    const s = x.shape.slice();
    s[r.int(0, 3)] = v;
    xa = { data: x.data, shape: s };
    what = `x.shape entry ${show(v)}`;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v * x.data.length / prod(x.shape) === x.data.length) return null;
  } else if (kind === 3) {
    const i = r.int(0, ws.length - 1);
    ws[i] = { data: new Float64Array(ws[i].data), shape: ws[i].shape };
    what = `weights[${i}].data Float64Array`;
  } else if (kind === 4) {
    xa = v;
    what = `x = ${show(v)}`;
  } else {
    const len = outLength + r.pick([-2, -1, 1, 3]);
    opts.out = new Float32Array(len > 0 ? len : outLength + 1);
    what = 'out of a wrong length';
  }
  try {
    fn(xa, ...ws, opts);
  } catch (e) {
    if (e instanceof sc.ConvError && CODES.has(e.code)) return null;
    return `garbage ${what}: threw ${e?.constructor?.name}: ${e?.message}`;
  }
  // accepted: fine only when the value happened to be valid (skipped above), or an array valid
  // on its first read (the library must then have used that read: tests/robustness checks the result)
  if (FLIPPING.has(v)) return null;
  return `garbage ${what}: accepted`;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const backends = [];
  for (const b of WANT) {
    try {
      if (b !== 'js') await sc.init({ backend: b });
      backends.push(b);
    } catch (e) {
      console.log(`skipping ${b}: ${e.message}`);
    }
  }
  await sc.init({ backend: 'js' });
  console.log(`fuzz-long: seed ${SEED}, ${CASES} cases, backends ${backends.join(', ')}, ${CALLS} calls and ${CYCLES} cycles per backend`);
  let passed = 0;
  let failed = 0;
  const failures = [];
  const fail = (msg) => {
    failed++;
    if (failures.length < 50) {
      failures.push(msg);
      console.log(`FAIL ${msg}`);
    }
  };
  const counts = {};
  const stats = { garbage: 0, empty: 0, large: 0 };
  const t0 = Date.now();

  for (let i = 0; i < CASES; i++) {
    if (ONLY !== undefined && i !== ONLY) continue;
    const r = rngOf((SEED * 1000003 + i) >>> 0);
    const cs = makeCase(r);
    if (cs.large) stats.large++;
    const backend = r.pick(backends);
    const mode = r.pick(['fn', 'fn', 'out', 'alias', 'layer', 'seq']);
    const key = `${cs.op}/${mode}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const tag = `case ${i} (--seed ${SEED} --only ${i}) ${backend} ${mode} ${cs.name}`;
    try {
      const { nchw, lib } = inputOf(r, cs);
      const ref = cs.ref(nchw);
      if (ref === null) stats.empty++;
      if (r.next() < GARBAGE) {
        stats.garbage++;
        const g = garbageCall(r, cs, lib, backend, ref ? ref.data.length : 1);
        if (g) {
          fail(`${tag}: ${g}`);
          continue;
        }
      }
      const xCopy = lib.data.slice();
      const wCopies = cs.weights.map((w) => w.data.slice());
      const m0 = sc.memory();
      const opts = { ...cs.opts, backend };
      const check = (y, refT, what) => {
        const s = JSON.stringify(y.shape);
        const want = JSON.stringify(refShape(refT, cs.layout));
        if (s !== want) return `${what}: shape ${s}, expected ${want}`;
        const d = compare(toNchw(y, cs.layout), refT.data);
        return d && `${what}: ${d}`;
      };
      let problem = null;
      if (ref === null) {
        try {
          sc[FN[cs.op]](lib, ...cs.weights, opts);
          problem = 'empty output accepted';
        } catch (e) {
          if (!(e instanceof sc.ConvError) || e.code !== 'EMPTY_OUTPUT') problem = `empty output: threw ${e?.constructor?.name} ${e?.code ?? ''}: ${e?.message}`;
        }
      } else if (mode === 'fn' || mode === 'out' || mode === 'alias') {
        let out;
        let x = lib;
        if (mode === 'out') out = new Float32Array(ref.data.length).fill(NaN);
        if (mode === 'alias') {
          // out overlapping x inside one buffer (x copied first: x's data are checked through xCopy)
          const len = ref.data.length;
          const buf = new Float32Array(lib.data.length + len + 16);
          const xo = r.int(0, 8);
          buf.set(lib.data, xo);
          x = { data: buf.subarray(xo, xo + lib.data.length), shape: lib.shape };
          const oo = r.int(0, Math.max(0, xo + lib.data.length - 1));
          out = buf.subarray(oo, oo + len);
        }
        const y = sc[FN[cs.op]](x, ...cs.weights, out ? { ...opts, out } : opts);
        if (out && y.data !== out) problem = 'out not returned';
        else problem = check(y, ref, mode);
        const m1 = sc.memory();
        if (!problem && (m1.bytesInUse !== m0.bytesInUse || m1.liveLayers !== m0.liveLayers)) {
          problem = `bytesInUse ${m0.bytesInUse} -> ${m1.bytesInUse}, liveLayers ${m0.liveLayers} -> ${m1.liveLayers}`;
        }
      } else if (mode === 'layer') {
        const layer = sc[CREATE[cs.op]](...cs.weights, opts);
        try {
          problem = check(layer.run(lib), ref, 'layer');
          // a large case's second size: any plane up to its first one's (so within its budget)
          const h2 = r.int(1, cs.large ? cs.h + 4 : 12);
          const second = inputOf(r, cs, h2, r.int(1, cs.large ? Math.max(1, Math.floor((cs.h * cs.w) / h2)) : 12));
          const ref2 = cs.ref(second.nchw);
          if (!problem) {
            if (ref2 === null) {
              try {
                layer.run(second.lib);
                problem = 'layer second size: empty output accepted';
              } catch (e) {
                if (!(e instanceof sc.ConvError) || e.code !== 'EMPTY_OUTPUT') problem = `layer second size: threw ${e?.message}`;
              }
            } else problem = check(layer.run(second.lib), ref2, 'layer second size');
          }
          if (!problem) problem = check(layer.run(lib), ref, 'layer first size again');
          // the caller's weights change: the layer keeps its copy
          for (const w of cs.weights) w.data.fill(7);
          if (!problem) problem = check(layer.run(lib), ref, 'layer after the weights changed');
          cs.weights.forEach((w, j) => w.data.set(wCopies[j]));
        } finally {
          layer.dispose();
        }
        layer.dispose();
        try {
          layer.run(lib);
          problem ??= 'run after dispose accepted';
        } catch (e) {
          if (!(e instanceof sc.ConvError) || e.code !== 'DISPOSED') problem ??= `run after dispose: ${e?.message}`;
        }
        const m1 = sc.memory();
        if (!problem && (m1.bytesInUse !== m0.bytesInUse || m1.liveLayers !== m0.liveLayers)) {
          problem = `after dispose: bytesInUse ${m0.bytesInUse} -> ${m1.bytesInUse}, liveLayers ${m0.liveLayers} -> ${m1.liveLayers}`;
        }
      } else {
        // seq: the case's layer, then a 1x1 pointwise (4 outputs) in the same layout
        const cout = ref.shape[1];
        const pwc = { data: r.array(4 * cout, 1 / Math.sqrt(cout)), shape: [4, cout, 1, 1] };
        const pwLib = cs.layout === 'NCHW' ? { data: pwc.data, shape: [4, cout] } : { data: permute4(pwc.data, [4, cout, 1, 1], [2, 3, 1, 0]).data, shape: [cout, 4] };
        const seq = sc.createSequence([sc[CREATE[cs.op]](...cs.weights, opts), sc.createPointwiseConv2d(pwLib, { layout: cs.layout, backend })]);
        try {
          const ref2 = refPointwiseConv2d(ref, pwc);
          problem = check(seq.run(lib), ref2, 'sequence');
          if (!problem) problem = check(seq.run(lib), ref2, 'sequence again');
        } finally {
          seq.dispose();
        }
        const m1 = sc.memory();
        if (!problem && (m1.bytesInUse !== m0.bytesInUse || m1.liveLayers !== m0.liveLayers)) {
          problem = `after sequence dispose: bytesInUse ${m0.bytesInUse} -> ${m1.bytesInUse}, liveLayers ${m0.liveLayers} -> ${m1.liveLayers}`;
        }
      }
      if (!problem && compare(lib.data, xCopy)) problem = 'x was modified';
      if (!problem && cs.weights.some((w, j) => compare(w.data, wCopies[j]))) problem = 'weights were modified';
      if (problem) fail(`${tag}: ${problem}`);
      else passed++;
    } catch (e) {
      fail(`${tag}: threw ${e?.constructor?.name}: ${e?.message}${ONLY !== undefined ? `\n${e?.stack}` : ""}`);
    }
  }
  const t1 = Date.now();
  console.log(`cases: ${passed} passed, ${failed} failed in ${((t1 - t0) / 1000).toFixed(1)} s; ${stats.large} large, ${stats.garbage} garbage calls, ${stats.empty} empty outputs; per op/mode: ${Object.entries(counts).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // Memory flatness
  const memStart = Date.now();
  let memPassed = 0;
  let memFailed = 0;
  if (ONLY === undefined) {
    const mix = Array.from({ length: 12 }, (_, i) => {
      const r = rngOf(SEED ^ (0x9e3779b9 + i));
      for (;;) {
        const cs = makeCase(r, false);
        const { nchw, lib } = inputOf(r, cs);
        const ref = cs.ref(nchw);
        if (ref) return { cs, lib, ref };
      }
    });
    for (const backend of backends) {
      const call = ({ cs, lib }) => sc[FN[cs.op]](lib, ...cs.weights, { ...cs.opts, backend });
      const cycle = ({ cs, lib }) => {
        const l = sc[CREATE[cs.op]](...cs.weights, { ...cs.opts, backend });
        l.run(lib);
        l.dispose();
      };
      for (const m of mix) {
        call(m);
        cycle(m);
      }
      const m0 = sc.memory();
      let bad = null;
      for (let i = 0; i < CALLS && !bad; i++) {
        const m = mix[i % mix.length];
        const y = call(m);
        if (i % 997 === 0) {
          const d = compare(toNchw(y, m.cs.layout), m.ref.data);
          if (d) bad = `call ${i}: ${d}`;
        }
      }
      const m1 = sc.memory();
      if (!bad && (m1.wasmBytes !== m0.wasmBytes || m1.bytesInUse !== m0.bytesInUse || m1.liveLayers !== m0.liveLayers)) bad = `memory ${JSON.stringify(m0)} -> ${JSON.stringify(m1)}`;
      if (bad) {
        memFailed++;
        fail(`memory ${backend}: ${CALLS} functional calls: ${bad}`);
      } else memPassed++;
      let badC = null;
      for (let i = 0; i < CYCLES && !badC; i++) {
        try {
          cycle(mix[i % mix.length]);
        } catch (e) {
          badC = `cycle ${i}: ${e.message}`;
        }
      }
      const m2 = sc.memory();
      if (!badC && (m2.wasmBytes !== m1.wasmBytes || m2.bytesInUse !== m1.bytesInUse || m2.liveLayers !== m1.liveLayers)) badC = `memory ${JSON.stringify(m1)} -> ${JSON.stringify(m2)}`;
      if (badC) {
        memFailed++;
        fail(`memory ${backend}: ${CYCLES} create/run/dispose cycles: ${badC}`);
      } else memPassed++;
      console.log(`memory ${backend}: ${CALLS} calls, ${CYCLES} cycles: ${JSON.stringify(sc.memory())}`);
    }
  }
  const t2 = Date.now();
  console.log(`memory: ${memPassed} passed, ${memFailed} failed in ${((t2 - memStart) / 1000).toFixed(1)} s`);
  console.log(`${passed + memPassed} passed, ${failed} failed (${ONLY !== undefined ? 1 : CASES} cases + ${backends.length * 2} memory checks, ${((t2 - t0) / 1000).toFixed(1)} s)`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
