/**
 * The contenders of bench/networks/mobilenet.mjs, each { name, path, kind, cold: async () => ms,
 * run: () => Float32Array (NCHW) | Promise, async?, measure?, dispose }: simdconv's sequence and
 * its layers one by one, tfjs-wasm's fused ops, ort-web in process or hosted in a worker per
 * count; and --per-layer, each of the 27 layers timed alone.
 */
import { createLayer, nhwcToNchw } from '../../cases.mjs';
import { measure, timeOnce } from '../../harness.mjs';
import { createLayers, mobilenetOnnx } from './model.mjs';

export function simdconvContenders(lib, cases, path) {
  const x = cases[0].x.NCHW;
  const outLen = cases.at(-1).outShape.reduce((a, b) => a * b, 1);
  const seq = { name: 'simdconv sequence', path, kind: 'seq' };
  seq.cold = async () => {
    seq.createMs = await timeOnce(() => { seq.net = lib.createSequence(createLayers(lib, cases, 'NCHW', path)); });
    seq.out = new Float32Array(outLen);
    seq.firstMs = await timeOnce(() => seq.net.run(x, { out: seq.out }));
    return seq.createMs + seq.firstMs;
  };
  seq.run = () => seq.net.run(x, { out: seq.out }).data;
  seq.dispose = () => seq.net.dispose();

  const one = { name: 'simdconv layers one by one', path, kind: 'layers' };
  one.cold = async () => {
    one.createMs = await timeOnce(() => { one.layers = createLayers(lib, cases, 'NCHW', path); });
    // Every intermediate gets its own preallocated array: no allocation in the timed loop.
    one.outs = cases.map((bc) => new Float32Array(bc.outShape.reduce((a, b) => a * b, 1)));
    one.firstMs = await timeOnce(() => one.run());
    return one.createMs + one.firstMs;
  };
  one.run = () => {
    let t = x;
    for (let i = 0; i < one.layers.length; i++) t = one.layers[i].run(t, { out: one.outs[i] });
    return t.data;
  };
  one.dispose = () => { for (const l of one.layers) l.dispose(); };
  return [seq, one];
}

export function tfjsContender(tf, cases) {
  const xs = cases[0].x.NHWC;
  const last = cases.at(-1).outShape;
  const me = { name: 'tfjs-wasm', path: 'wasm', kind: 'peer' };
  let ws;
  const net = (x) => cases.reduce((t, bc, i) => {
    const s = bc.spec;
    const args = { x: t, filter: ws[i][0], strides: s.stride, pad: s.pad === 0 ? 'valid' : s.pad, bias: ws[i][1], activation: 'relu6' };
    return s.type === 'depthwise' ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
  }, x);
  me.run = () => {
    // copy in, 27 ops, copy out: as simdconv's run (tidy frees the intermediates)
    const y = tf.tidy(() => net(tf.tensor4d(xs.data, xs.shape)));
    const out = y.dataSync();
    y.dispose();
    return nhwcToNchw(out, last);
  };
  me.cold = async () => {
    await tf.setBackend('wasm');
    me.createMs = await timeOnce(() => { ws = cases.map((bc) => [tf.tensor(bc.weights[0].NHWC.data, bc.weights[0].NHWC.shape), tf.tensor1d(bc.bias)]); });
    me.firstMs = await timeOnce(() => me.run());
    return me.createMs + me.firstMs;
  };
  me.dispose = () => { for (const p of ws) for (const t of p) t.dispose(); };
  return me;
}

/** ort-web at `threads` in its own worker (bench/peers/ort-host.mjs), timed there. */
export function hostedOrtContender(host, cases, threads) {
  const x = cases[0].x.NCHW;
  const me = { name: 'ort-web', path: 'wasm', kind: 'peer', async: true, threads };
  me.cold = async () => {
    me.prepared = await host.prepare(mobilenetOnnx(cases), x.data, x.shape);
    me.createMs = me.prepared.createMs;
    me.firstMs = me.prepared.firstRunMs;
    return me.createMs + me.firstMs;
  };
  me.run = () => me.prepared.run();
  me.measure = (budget) => me.prepared.measure(budget);
  me.dispose = async () => { await me.prepared.dispose(); await host.close(); };
  return me;
}

export function ortContender(ort, cases) {
  const x = cases[0].x.NCHW;
  const me = { name: 'ort-web', path: 'wasm', kind: 'peer', async: true };
  me.cold = async () => {
    const model = mobilenetOnnx(cases);
    me.createMs = await timeOnce(async () => { me.session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }); });
    me.firstMs = await timeOnce(() => me.run());
    return me.createMs + me.firstMs;
  };
  me.run = async () => (await me.session.run({ x: new ort.Tensor('float32', x.data, x.shape) })).y.data;
  me.dispose = () => me.session.release();
  return me;
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * Each layer alone, rounds interleaved (every contender of every layer once per round; the figure
 * is the median of the round medians): simdconv prepared layers in NCHW and NHWC (bench/cases.mjs,
 * bias, no activation, as bench/cli.mjs times them) and the peers' own single-layer setup, and a
 * plain copy of the layer's input and output (TypedArray.set: the cost of copying into and out of
 * wasm memory). Differencing sequence prefixes was tried: on this shared machine its noise
 * (several ms on an 80 ms network) swamps the 0.1-1 ms layers.
 */
export async function perLayer(lib, cases, path, peers, budget, rounds, progress) {
  const units = cases.map((bc) => ({ bc, row: { layer: bc.spec.name, type: bc.spec.type, macs: bc.expectedMacs }, runs: [] }));
  for (const u of units) {
    const { bc } = u;
    for (const layout of ['NCHW', 'NHWC']) {
      const layer = createLayer(lib, bc, layout, path);
      const x = bc.x[layout];
      const out = new Float32Array(bc.outShape.reduce((a, b) => a * b, 1));
      layer.run(x, { out });
      u.runs.push({ key: `simdconv ${layout}`, run: () => layer.run(x, { out }), dispose: () => layer.dispose() });
    }
    for (const peer of peers) {
      const p = await peer.prepare(bc);
      if (p.unsupported) continue;
      await p.run();
      u.runs.push({ key: peer.name, run: () => p.run(), async: !!peer.async, dispose: () => p.dispose() });
    }
  }
  // the copies a layer alone pays and a layer inside a sequence does not: its input in, its output out
  for (const u of units) {
    const xIn = u.bc.x.NHWC.data;
    const n = u.bc.outShape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(xIn.length);
    const yOut = new Float32Array(n);
    const b = new Float32Array(n);
    u.runs.push({ key: 'copies', run: () => { a.set(xIn); b.set(yOut); }, dispose() {} });
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, u] of units.entries()) {
      progress(`per-layer round ${r + 1}/${rounds} ${i + 1}/${units.length} ${u.bc.spec.name}`);
      for (const c of u.runs) (c.medians ??= []).push((await measure(c.run, { ...budget, async: c.async })).medianMs);
    }
  }
  const rows = units.map((u) => {
    for (const c of u.runs) u.row[c.key] = median(c.medians);
    u.row['in sequence (est)'] = u.row['simdconv NHWC'] - u.row.copies;
    return u.row;
  });
  for (const u of units) for (const c of u.runs) await c.dispose();
  return rows;
}
