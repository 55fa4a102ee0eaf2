/**
 * What bench/browser.mjs serves: the source of the worker of one (library, count) (HOST, bundled
 * by esbuild there), of the page that drives the workers (PAGE), and the case files both read
 * (writeCases: one binary file per case and the manifest entries of config.json).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUT_NAMES } from '../cases.mjs';
import { caseModel } from '../peers/ort.mjs';

// the worker bundles the tfjs peer's prepare() from the repository (esbuild resolves this path)
const TFJS_PEER = fileURLToPath(new URL('../peers/tfjs.mjs', import.meta.url));

/** The worker of one (library, count): init, prepare a case, time it, dispose. Bundled by esbuild. */
export const HOST = `
import * as tf from '@tensorflow/tfjs-core';
import * as tfw from '@tensorflow/tfjs-backend-wasm';
import { makePeer } from ${JSON.stringify(TFJS_PEER)};

const CREATE = { conv2d: 'createConv2d', depthwiseConv2d: 'createDepthwiseConv2d', pointwiseConv2d: 'createPointwiseConv2d',
  separableConv2d: 'createSeparableConv2d', convTranspose2d: 'createConvTranspose2d' };
let kind, lib, peer, cfg, current;

function nhwcToNchw(d, [n, c, h, w]) {
  const o = new Float32Array(d.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    o[((b * c + ch) * h + y) * w + x] = d[((b * h + y) * w + x) * c + ch];
  }
  return o;
}

async function loadCase(i) {
  const e = cfg.cases[i];
  const buf = await (await fetch('./case-' + i + '.bin')).arrayBuffer();
  const arr = (a) => new Float32Array(buf, a.offset * 4, a.length).slice();
  const t = (a) => ({ data: arr(a), shape: a.shape });
  return {
    spec: e.spec, kind: e.kind, rank: e.rank, xShape: e.xShape, outShape: e.outShape, pads: e.pads,
    x: { NCHW: t(e.x.NCHW), NHWC: t(e.x.NHWC) }, bias: arr(e.bias),
    weights: e.weights.map((w) => ({ NCHW: t(w.NCHW), NHWC: t(w.NHWC) })),
    options: (layout) => ({ ...e.opts, bias: arr(e.bias), layout: e.layoutNames[layout] }),
  };
}

// batches of calls long enough for the clock, the median per call (async calls awaited one by one)
async function measure({ run, async }, { samples, minMs }) {
  let t0 = performance.now();
  await run();
  const one = Math.max(performance.now() - t0, 0.001);
  const reps = Math.max(1, Math.ceil(minMs / one));
  const ts = [];
  for (let s = 0; s < samples; s++) {
    t0 = performance.now();
    if (async) for (let j = 0; j < reps; j++) await run();
    else for (let j = 0; j < reps; j++) run();
    ts.push((performance.now() - t0) / reps);
  }
  ts.sort((a, b) => a - b);
  const m = ts.length >> 1;
  return { medianMs: ts.length % 2 ? ts[m] : (ts[m - 1] + ts[m]) / 2, samples: ts.length, calls: reps * ts.length };
}

const ops = {
  async init(m) {
    kind = m.kind;
    cfg = await (await fetch('./config.json')).json();
    if (kind === 'simdconv') {
      lib = await import('./index.js');
      const backend = await lib.init({ threads: m.threads });
      const th = lib.threads();
      return { backend, threads: th.count, label: 'simdconv ' + backend + ' (' + th.count + ' thread' + (th.count > 1 ? 's' : '') + (th.reason ? ': ' + th.reason : '') + ')' };
    }
    if (kind === 'ort') {
      lib = await import('./ort/ort.wasm.min.mjs');
      lib.env.wasm.numThreads = m.threads;
      lib.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
      lib.env.wasm.proxy = false;
      lib.env.logLevel = 'error';
      return { threads: m.threads, label: 'onnxruntime-web ' + (lib.env.versions?.web ?? '') + ' wasm (SIMD, env.wasm.numThreads ' + m.threads + ')' };
    }
    tfw.setWasmPaths('./tfjs/');
    let shim = '';
    if (m.threads > 1) {
      tfw.setThreadsCount(m.threads);
      // tfjs caps setThreadsCount at hardwareConcurrency / 2 (see the file's header)
      const cores = navigator.hardwareConcurrency;
      if (Math.floor(cores / 2) < m.threads) {
        Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * m.threads, configurable: true });
        shim = ', hardwareConcurrency ' + cores + ' shown as ' + 2 * m.threads + ' past its cap of half the cores';
      }
    } else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // the plain SIMD build, as in Node
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend(wasm) returned false');
    const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const n = tfw.getThreadsCount();
    peer = makePeer(tf, 'tfjs-wasm', 'wasm', '');
    return { threads: n, label: 'TensorFlow.js ' + tf.version_core + ' wasm (' + (threaded ? 'threaded ' : '') + (simd ? 'SIMD' : 'no SIMD') + ' build, getThreadsCount() ' + n + shim + ')' };
  },
  async prepareNet() {
    const cases = await Promise.all(cfg.cases.map((_, i) => loadCase(i)));
    const last = cases[cases.length - 1].outShape;
    const outLen = last.reduce((a, b) => a * b, 1);
    let t0 = performance.now();
    let run, dispose, createMs;
    if (kind === 'simdconv') {
      const seq = lib.createSequence(cases.map((bc) => lib[CREATE[bc.kind]](...bc.weights.map((w) => w.NCHW), { ...bc.options('NCHW'), activation: 'relu6' })));
      createMs = performance.now() - t0;
      const out = new Float32Array(outLen);
      const x = cases[0].x.NCHW;
      run = () => seq.run(x, { out }).data;
      dispose = () => seq.dispose();
    } else if (kind === 'ort') {
      const model = new Uint8Array(await (await fetch('./net.onnx')).arrayBuffer());
      t0 = performance.now();
      const session = await lib.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      createMs = performance.now() - t0;
      const x = cases[0].x.NCHW;
      run = async () => (await session.run({ x: new lib.Tensor('float32', x.data, x.shape) })).y.data;
      dispose = () => session.release();
    } else {
      // tf.fused ops with bias and relu6, chained; tidy frees the intermediates (as the Node network bench)
      const ws = cases.map((bc) => [tf.tensor(bc.weights[0].NHWC.data, bc.weights[0].NHWC.shape), tf.tensor1d(bc.bias)]);
      createMs = performance.now() - t0;
      const xs = cases[0].x.NHWC;
      const net = (x) => cases.reduce((t, bc, i) => {
        const sp = bc.spec;
        const args = { x: t, filter: ws[i][0], strides: sp.stride, pad: sp.pad === 0 ? 'valid' : sp.pad, bias: ws[i][1], activation: 'relu6' };
        return sp.type === 'depthwise' ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
      }, x);
      run = () => { const y = tf.tidy(() => net(tf.tensor4d(xs.data, xs.shape))); const o = y.dataSync(); y.dispose(); return o; };
      dispose = () => { for (const p of ws) for (const t of p) t.dispose(); };
    }
    t0 = performance.now();
    let y = await run();
    const firstRunMs = performance.now() - t0;
    current = { run, async: kind === 'ort', dispose };
    if (kind === 'tfjs') y = nhwcToNchw(y, last);
    return { out: Float32Array.from(y), createMs, firstRunMs };
  },
  async prepare(m) {
    const bc = await loadCase(m.index);
    const outLen = bc.outShape.reduce((a, b) => a * b, 1);
    let t0 = performance.now();
    if (kind === 'simdconv') {
      const layer = lib[CREATE[bc.kind]](...bc.weights.map((w) => w.NCHW), bc.options('NCHW'));
      const createMs = performance.now() - t0;
      const out = new Float32Array(outLen);
      t0 = performance.now();
      layer.run(bc.x.NCHW, { out });
      const firstRunMs = performance.now() - t0;
      current = { run: () => layer.run(bc.x.NCHW, { out }), dispose: () => layer.dispose() };
      return { out: out.slice(), createMs, firstRunMs };
    }
    if (kind === 'ort') {
      if (!cfg.cases[m.index].onnx) return { unsupported: 'no ONNX model for this layer' };
      const model = new Uint8Array(await (await fetch('./case-' + m.index + '.onnx')).arrayBuffer());
      t0 = performance.now();
      const session = await lib.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const createMs = performance.now() - t0;
      const run = async () => (await session.run({ x: new lib.Tensor('float32', bc.x.NCHW.data, bc.xShape) })).y.data;
      t0 = performance.now();
      const y = await run();
      const firstRunMs = performance.now() - t0;
      current = { run, async: true, dispose: () => session.release() };
      return { out: y, createMs, firstRunMs };
    }
    const p = await peer.prepare(bc);
    if (p.unsupported) return { unsupported: p.unsupported };
    const createMs = performance.now() - t0;
    t0 = performance.now();
    const y = p.run();
    const firstRunMs = performance.now() - t0;
    current = { run: p.run, dispose: () => p.dispose() };
    return { out: nhwcToNchw(y, bc.outShape), createMs, firstRunMs, emulated: p.emulated };
  },
  measure(m) { return measure(current, m.budget); },
  dispose() { current?.dispose(); current = null; return {}; },
};
onmessage = async ({ data: m }) => {
  try { postMessage({ id: m.id, ...(await ops[m.op](m)) }); } catch (e) { postMessage({ id: m.id, error: String(e && e.message || e) }); }
};`;

/** The page: starts the workers, prepares, checks and times every layer in rounds. */
export const PAGE = `
import close from './close.js';
const { check } = close; // a CommonJS module bundled as ESM: its exports are the default export
const cfg = await (await fetch('./config.json')).json();
const log = (s) => console.log('progress: ' + s);
function host(kind, threads) {
  const w = new Worker('./host.js', { type: 'module' });
  let next = 0;
  const waiting = new Map();
  w.onmessage = ({ data }) => { const p = waiting.get(data.id); waiting.delete(data.id); data.error ? p.reject(new Error(data.error)) : p.resolve(data); };
  w.onerror = (e) => { for (const p of waiting.values()) p.reject(new Error(e.message)); };
  const call = (op, args = {}) => new Promise((resolve, reject) => { const id = ++next; waiting.set(id, { resolve, reject }); w.postMessage({ id, op, ...args }); });
  return { kind, threads, call, name: { simdconv: null, tfjs: 'tfjs-wasm', ort: 'ort-web' }[kind] };
}
// API.md's tolerance (bench/close.cjs, bundled), as bench/run.mjs compares
const compare = (a, b) => { const c = check(a, b); return { ok: c.ok, maxErr: c.maxAbs }; };
try {
  const hosts = ['simdconv', 'tfjs', 'ort'].flatMap((k) => cfg.counts.map((n) => host(k, n)));
  const labels = {};
  for (const h of hosts) {
    const r = await h.call('init', { kind: h.kind, threads: h.threads });
    h.name ??= r.backend;
    h.label = r.label;
    h.got = r.threads;
    labels[h.name + '@' + h.threads] = r.label;
    log('init ' + r.label);
  }
  const rows = [];
  const units = cfg.network ? [{ i: -1, name: cfg.network.name, type: 'network', macs: cfg.network.macs }]
    : cfg.cases.map((e, i) => ({ i, name: e.spec.name, type: e.spec.type, macs: e.macs }));
  for (const u of units) {
    const e = { spec: { name: u.name, type: u.type }, macs: u.macs };
    const i = u.i;
    let ref = null;
    const timed = [];
    for (const h of hosts) {
      const row = { case: e.spec.name, suite: 'layers', type: e.spec.type, contender: h.name, kind: h.kind === 'simdconv' ? 'path' : 'peer', layout: 'NCHW', threads: h.threads };
      rows.push(row);
      try {
        const p = await h.call(cfg.network ? 'prepareNet' : 'prepare', { index: i });
        if (p.unsupported) { row.status = 'unsupported'; row.note = p.unsupported; continue; }
        Object.assign(row, { createMs: p.createMs, firstRunMs: p.firstRunMs, emulated: p.emulated || undefined });
        ref ??= { data: p.out, by: h.name + '@' + h.threads };
        // the network's ReLU6 clamps: API.md's tolerance holds on the whole output (bench/networks/mobilenet.mjs)
        const c = compare(p.out, ref.data);
        row.maxErr = c.maxErr;
        if (!c.ok) { row.status = 'mismatch'; row.note = 'differs from simdconv ' + ref.by + ' (max |a-b| ' + c.maxErr.toExponential(2) + '): not timed'; await h.call('dispose'); continue; }
        timed.push({ h, row, ms: [] });
      } catch (err) { row.status = 'error'; row.note = String(err.message); }
    }
    for (let r = 0; r < cfg.rounds; r++) {
      for (const t of timed) {
        log('[round ' + (r + 1) + '/' + cfg.rounds + '] ' + e.spec.name + ' ' + t.row.contender + ' @' + t.row.threads);
        t.ms.push((await t.h.call('measure', { budget: cfg.budget })).medianMs);
      }
    }
    for (const t of timed) {
      const s = [...t.ms].sort((a, b) => a - b);
      const m = s.length >> 1;
      Object.assign(t.row, { status: 'ok', roundMs: t.ms, rounds: t.ms.length, medianMs: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 });
      t.row.gflops = (2 * e.macs) / (t.row.medianMs * 1e6);
      await t.h.call('dispose');
    }
  }
  window.result = { isolated: self.crossOriginIsolated, userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, labels, rows,
    threads: Object.fromEntries(hosts.map((h) => [h.name + '@' + h.threads, h.got])) };
} catch (err) {
  window.result = { error: String(err && err.stack || err) };
}`;

/** Writes the cases as binary files and a manifest the workers read. */
export function writeCases(dir, cases, { onnx = true } = {}) {
  return cases.map((bc, i) => {
    const parts = [];
    let offset = 0;
    const add = (data, shape) => { parts.push(data); const a = { offset, length: data.length, shape }; offset += data.length; return a; };
    const e = {
      spec: bc.spec, kind: bc.kind, rank: bc.rank, xShape: bc.xShape, outShape: bc.outShape, pads: bc.pads, macs: bc.expectedMacs,
      x: { NCHW: add(bc.x.NCHW.data, bc.x.NCHW.shape), NHWC: add(bc.x.NHWC.data, bc.x.NHWC.shape) },
      bias: add(bc.bias),
      weights: bc.weights.map((w) => ({ NCHW: add(w.NCHW.data, w.NCHW.shape), NHWC: add(w.NHWC.data, w.NHWC.shape) })),
      layoutNames: LAYOUT_NAMES[bc.rank],
    };
    const { bias, layout, ...opts } = bc.options('NCHW');
    e.opts = opts;
    const model = onnx ? caseModel(bc) : null; // a network has one model of its own (net.onnx)
    e.onnx = model instanceof Uint8Array;
    if (e.onnx) writeFileSync(join(dir, `case-${i}.onnx`), model);
    const all = new Float32Array(offset);
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    writeFileSync(join(dir, `case-${i}.bin`), all);
    return e;
  });
}
