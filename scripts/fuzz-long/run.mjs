/**
 * Running and comparing, for scripts/fuzz-long.mjs: one case through the library in one mode
 * (functional, out, out aliasing x, a prepared layer at two input sizes, a sequence of two
 * layers) against its float64 reference, and the memory flatness checks per backend.
 */
import * as sc from '../../dist/index.js';
import { CREATE, FN, compare, inputOf, makeCase, permute4, refPointwiseConv2d, refShape, rngOf, toNchw } from './cases.mjs';
import { garbageCall } from './garbage.mjs';

/**
 * One case in one mode (a share `garbage` of them preceded by a garbage call, `hostile` as
 * garbageCall's), counting into `stats` its empty outputs and garbage calls; returns what went
 * wrong, or null.
 */
export function runCase(r, cs, backend, mode, { garbage, hostile, stats }) {
  const { nchw, lib } = inputOf(r, cs);
  const ref = cs.ref(nchw);
  if (ref === null) stats.empty++;
  if (r.next() < garbage) {
    stats.garbage++;
    const g = garbageCall(r, cs, lib, backend, ref ? ref.data.length : 1, hostile);
    if (g) return g;
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
  return problem;
}

/**
 * Memory: per backend, `calls` functional calls over a fixed mix of small cases and `cycles`
 * create/run/dispose cycles after one warm-up pass; wasmBytes and bytesInUse must not move.
 * Reports each failure through `fail`; returns the checks passed and failed.
 */
export function memoryChecks({ backends, seed, calls, cycles, fail }) {
  let memPassed = 0;
  let memFailed = 0;
  const mix = Array.from({ length: 12 }, (_, i) => {
    const r = rngOf(seed ^ (0x9e3779b9 + i));
    for (;;) {
      const cs = makeCase(r);
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
    for (let i = 0; i < calls && !bad; i++) {
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
      fail(`memory ${backend}: ${calls} functional calls: ${bad}`);
    } else memPassed++;
    let badC = null;
    for (let i = 0; i < cycles && !badC; i++) {
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
      fail(`memory ${backend}: ${cycles} create/run/dispose cycles: ${badC}`);
    } else memPassed++;
    console.log(`memory ${backend}: ${calls} calls, ${cycles} cycles: ${JSON.stringify(sc.memory())}`);
  }
  return { memPassed, memFailed };
}
