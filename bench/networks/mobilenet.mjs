/**
 * Whole-network benchmark: the MobileNetV1 body (width 1.0, 224x224x3, batch 1): the 3x3 stride-2
 * stem conv and the 13 depthwise 3x3 + pointwise pairs, each followed by ReLU6, batch norm folded
 * into weights and bias (seeded random weights with He-style gain; no download).
 *
 * Built four ways, checked equal before timing:
 *   seq        simdconv createSequence of the 27 prepared layers, per path (--paths)
 *   layers     the same prepared layers (a second set, a sequence owns its own) run one by one
 *   tfjs-wasm  tf.fused.conv2d / tf.fused.depthwiseConv2d (bias, relu6) chained, NHWC, one thread
 *   ort-web    one ONNX model with the 27 Conv nodes + Clip(0,6), one thread
 *
 *   node --experimental-wasm-relaxed-simd bench/networks/mobilenet.mjs [--quick] [--paths list]
 *        [--threads 1,2] [--json file] [--markdown file] [--per-layer] [--no-peers] [--lib dist/index.js]
 *
 * --threads 1,2: the simdconv contenders at each count (its threaded paths; one instance of the
 * build per count, as bench/run.mjs does), ort-web at each count (numThreads, one worker_thread per
 * count: bench/peers/ort-host.mjs), tfjs-wasm at one thread (it refuses threads in Node,
 * bench/peers/tfjs.mjs), all in the same rounds; the table adds each sequence's speed-up over its
 * one-thread run and its ratio to the faster peer at the same count (medians of per-round ratios).
 *
 * Timing: every contender is timed once per round, rounds interleave them, the figure is the
 * median of the round medians (2 cores shared: compare only numbers of one run). "cold" is
 * create (weights packed / uploaded / session built) + the first inference, after init().
 * --per-layer adds each of the 27 layers timed alone (Float32Array in, Float32Array out, the
 * protocol of bench/cli.mjs) for simdconv (NCHW and NHWC), tfjs-wasm and ort-web, to find the layers
 * that lose; "in sequence (est)" is the NHWC time minus a copy of the layer's input and output
 * (what a layer inside a sequence does not pay: the sequence runs NHWC inside wasm memory).
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCase, createLayer, nhwcToNchw } from '../cases.mjs';
import { check } from '../close.cjs';
import { measure, timeOnce, BUDGETS } from '../harness.mjs';
import { loadPeers } from '../peers/index.mjs';
import { importPeer } from '../peers/resolve.mjs';
import { buildConvModel } from '../peers/onnx-model.mjs';
import { openOrtWebHost } from '../peers/ort-host.mjs';
import { TFJS_NODE_THREADS } from '../peers/tfjs.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALL_PATHS = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];

const USAGE = `Usage: node --experimental-wasm-relaxed-simd bench/networks/mobilenet.mjs [options]

MobileNetV1 body (27 conv layers, 224x224x3) as a simdconv sequence, as simdconv layers one by one,
in TensorFlow.js wasm and in onnxruntime-web; median ms per inference and cold first run.

  --quick            few iterations: proves the wiring, not a measurement
  --paths <list>     simdconv paths, default ${ALL_PATHS.join(',')}
  --rounds <n>       interleaved rounds (default 5, quick 1)
  --threads <list>   thread counts (e.g. 1,2): simdconv and ort-web at each, in the same rounds
  --per-layer        also time the 27 layers one at a time (simdconv NCHW+NHWC, peers)
  --per-layer-path <p>  the simdconv path of --per-layer (default: what 'auto' picks)
  --no-peers         simdconv only
  --json <file>      write the results as JSON
  --markdown <file>  write the table as markdown
  --lib <file>       the simdconv ESM build (default dist/index.js)`;

// ---------------------------------------------------------------------------------------------
// The network

/** The 27 layers of the MobileNetV1 body as bench cases (bench/cases.mjs schema), NCHW sizes. */
export function mobilenetSpecs() {
  const specs = [{ name: 'conv0', type: 'standard', c: 3, h: 224, w: 224, cout: 32, k: 3, stride: 2, pad: 1 }];
  // [output channels of the pointwise, stride of the depthwise]
  const blocks = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  let c = 32;
  let hw = 112;
  blocks.forEach(([cout, s], i) => {
    const n = i + 1;
    specs.push({ name: `dw${n}${s === 2 ? 's2' : ''}`, type: 'depthwise', c, h: hw, w: hw, cout: c, k: 3, stride: s, pad: 1 });
    hw = Math.floor((hw + 2 - 3) / s) + 1;
    specs.push({ name: `pw${n}`, type: 'pointwise', c, h: hw, w: hw, cout, k: 1, stride: 1, pad: 0 });
    c = cout;
  });
  return specs;
}

/**
 * Seeded cases with He-style gain: buildCase draws U(-1,1)/sqrt(fan-in); x sqrt(6) gives
 * Var(w) = 2/fan-in, so the second moment of the activations holds through the ReLUs. The input is
 * U(-3,3), so the pre-activations have a standard deviation near 2.5 and ReLU6 clamps at 6 too.
 */
export function mobilenetCases(seed = 7) {
  const GAIN = Math.sqrt(6);
  const INPUT_SCALE = 3;
  return mobilenetSpecs().map((spec, i) => {
    const bc = buildCase(spec, seed * 1000 + i);
    for (const wt of bc.weights) for (const l of ['NCHW', 'NHWC']) wt[l].data.forEach((v, j, a) => { a[j] = v * GAIN; });
    if (i === 0) for (const l of ['NCHW', 'NHWC']) bc.x[l].data.forEach((v, j, a) => { a[j] = v * INPUT_SCALE; });
    return bc;
  });
}

const CREATE = { conv2d: 'createConv2d', depthwiseConv2d: 'createDepthwiseConv2d', pointwiseConv2d: 'createPointwiseConv2d' };

/** The 27 prepared simdconv layers with bias and ReLU6. */
function createLayers(lib, cases, layout, backend) {
  return cases.map((bc) => lib[CREATE[bc.kind]](...bc.weights.map((w) => w[layout]), { ...bc.options(layout, backend), activation: 'relu6' }));
}

// ---------------------------------------------------------------------------------------------
// The contenders: each { name, path, cold: async () => ms, run: () => Float32Array (NCHW) | Promise, async, dispose }

function simdconvContenders(lib, cases, path) {
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

function tfjsContender(tf, cases) {
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

/**
 * The ONNX model: buildConvModel encodes the 27 Conv nodes (weights, biases, attributes). Its
 * nodes always carry Conv attributes, which Clip rejects, so the 27 Clip(0,6) nodes and their two
 * scalar initializers are appended as a second GraphProto field of the ModelProto: protobuf merges
 * repeated embedded messages (the nodes and initializers are concatenated) and onnxruntime sorts
 * the graph topologically. A `Clip` (attribute-less node) option in buildConvModel would remove
 * this fragment (see the report).
 */
export function mobilenetOnnx(cases, { withClip = true } = {}) {
  const nodes = cases.map((bc, i) => {
    const s = bc.spec;
    const w = bc.weights[0].NCHW;
    return {
      op: 'Conv', input: i === 0 ? 'x' : `a${i - 1}`, output: withClip ? `c${i}` : (i === cases.length - 1 ? 'y' : `a${i}`),
      wDims: w.shape, w: w.data, b: bc.bias, kernel: [s.k, s.k], strides: [s.stride, s.stride],
      pads: [s.pad, s.pad, s.pad, s.pad], dilations: [1, 1], group: s.type === 'depthwise' ? s.c : 1,
    };
  });
  const model = buildConvModel({ nodes, inputName: 'x', inputDims: cases[0].xShape, outputName: 'y', outputDims: cases.at(-1).outShape });
  if (!withClip) return model;
  // Minimal protobuf for the fragment: GraphProto{ node=1 NodeProto{input=1, output=2, name=3,
  // op_type=4}, initializer=5 TensorProto{data_type=2, name=8, raw_data=9} } in ModelProto.graph=7.
  const te = new TextEncoder();
  const varint = (n) => { const o = []; while (n >= 0x80) { o.push((n & 0x7f) | 0x80); n >>>= 7; } o.push(n); return o; };
  const field = (f, bytes) => [...varint(f * 8 + 2), ...varint(bytes.length), ...bytes];
  const str = (f, s) => field(f, [...te.encode(s)]);
  const scalar = (name, v) => [0x10, 1, ...str(8, name), ...field(9, [...new Uint8Array(Float32Array.of(v).buffer)])];
  const graph = [];
  cases.forEach((_, i) => {
    const node = [...str(1, `c${i}`), ...str(1, 'clip_min'), ...str(1, 'clip_max'),
      ...str(2, i === cases.length - 1 ? 'y' : `a${i}`), ...str(3, `clip${i}`), ...str(4, 'Clip')];
    graph.push(...field(1, node));
  });
  graph.push(...field(5, scalar('clip_min', 0)), ...field(5, scalar('clip_max', 6)));
  const frag = Uint8Array.from(field(7, graph));
  const out = new Uint8Array(model.length + frag.length);
  out.set(model);
  out.set(frag, model.length);
  return out;
}

/** ort-web at `threads` in its own worker (bench/peers/ort-host.mjs), timed there. */
function hostedOrtContender(host, cases, threads) {
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

function ortContender(ort, cases) {
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

// ---------------------------------------------------------------------------------------------

/** max |a-b| and the worst ratio |a-b| / (1e-4 + 1e-4|b|) (<= 1 passes API.md's tolerance; bench/close.cjs). */
export function compareOutputs(a, b) {
  const { maxAbs, worst, bad, ok } = check(a, b);
  return { maxAbs, worst, bad, ok };
}

function clampStats(cases, lib, path) {
  // The one-by-one outputs of each layer: share of exact zeros and of exact sixes.
  const layers = createLayers(lib, cases, 'NCHW', path);
  let t = cases[0].x.NCHW;
  const stats = cases.map((bc, i) => {
    t = layers[i].run(t);
    let z = 0; let six = 0; let s2 = 0;
    for (const v of t.data) { if (v === 0) z++; else if (v === 6) six++; s2 += v * v; }
    return { layer: bc.spec.name, zeros: z / t.data.length, sixes: six / t.data.length, rms: Math.sqrt(s2 / t.data.length) };
  });
  for (const l of layers) l.dispose();
  return stats;
}

function parseArgs(argv) {
  const o = { perLayerPath: null, quick: false, paths: ALL_PATHS, json: null, markdown: null, perLayer: false, peers: true, lib: null, rounds: null, threads: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`mobilenet: ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--paths': o.paths = value().split(',').filter(Boolean);
        for (const p of o.paths) if (!ALL_PATHS.includes(p)) throw new Error(`mobilenet: unknown path '${p}' (expected ${ALL_PATHS.join(', ')})`);
        break;
      case '--rounds': o.rounds = Number(value()); break;
      case '--threads': o.threads = value().split(',').map(Number);
        if (!o.threads.length || o.threads.some((n) => !Number.isInteger(n) || n < 1 || n > 64) || new Set(o.threads).size !== o.threads.length) {
          throw new Error('mobilenet: --threads takes distinct counts from 1 to 64, e.g. 1,2');
        }
        break;
      case '--json': o.json = value(); break;
      case '--markdown': case '--md': o.markdown = value(); break;
      case '--per-layer': o.perLayer = true; break;
      case '--per-layer-path': o.perLayer = true; o.perLayerPath = value();
        if (!ALL_PATHS.includes(o.perLayerPath)) throw new Error(`mobilenet: unknown path '${o.perLayerPath}'`);
        break;
      case '--no-peers': o.peers = false; break;
      case '--lib': o.lib = value(); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`mobilenet: unknown option '${a}'\n\n${USAGE}`);
    }
  }
  if (!o.paths.length) throw new Error('mobilenet: --paths selects nothing');
  o.rounds ??= o.quick ? 1 : 5;
  return o;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');

/**
 * Each layer alone, rounds interleaved (every contender of every layer once per round; the figure
 * is the median of the round medians): simdconv prepared layers in NCHW and NHWC (bench/cases.mjs,
 * bias, no activation, as bench/cli.mjs times them) and the peers' own single-layer setup, and a
 * plain copy of the layer's input and output (TypedArray.set: the cost of copying into and out of
 * wasm memory). Differencing sequence prefixes was tried: on this shared machine its noise
 * (several ms on an 80 ms network) swamps the 0.1-1 ms layers.
 */
async function perLayer(lib, cases, path, peers, budget, rounds, progress) {
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

export async function main(argv) {
  const o = parseArgs(argv);
  if (o.help) { console.log(USAGE); return 0; }
  const progress = (m) => process.stderr.write(`${m}\n`);
  const libPath = resolve(o.lib ?? resolve(ROOT, 'dist/index.js'));
  if (!existsSync(libPath)) throw new Error(`mobilenet: ${libPath} does not exist: npm run build`);
  const lib = await import(pathToFileURL(libPath).href);
  const t0 = performance.now();

  // init every path (each init keeps the modules loaded before), then 'auto' as the default
  const initMs = {};
  const paths = [];
  for (const p of new Set([...o.paths, ...(o.perLayerPath ? [o.perLayerPath] : [])])) {
    const timed = o.paths.includes(p);
    if (p === 'js') { if (timed) paths.push(p); continue; }
    try {
      // an explicit count: init's default ('auto') would take every core
      const ms = await timeOnce(() => lib.init({ backend: p, threads: o.threads?.[0] ?? 1 }));
      initMs[p] = ms;
      if (timed) paths.push(p);
    } catch (e) {
      progress(`path ${p}: ${e.code ?? e.message}; skipped`);
    }
  }
  const auto = await lib.init({ threads: o.threads?.[0] ?? 1 });
  // --threads: one instance of the build per further count, init'ed once with it (bench/run.mjs)
  const counts = o.threads ?? [1];
  const libs = new Map([[counts[0], lib]]);
  const threadsInfo = {};
  for (const n of counts.slice(1)) {
    const l = await import(`${pathToFileURL(libPath).href}?threads=${n}`);
    for (const p of paths.filter((q) => q === 'wasm-relaxed' || q === 'wasm-simd')) await l.init({ backend: p, threads: n });
    await l.init({ threads: n });
    libs.set(n, l);
  }
  for (const [n, l] of libs) threadsInfo[n] = l.threads?.();
  const cases = mobilenetCases();
  const macs = cases.reduce((a, bc) => a + bc.expectedMacs, 0);

  const notes = [];
  const peerNames = o.peers ? ['tfjs-wasm', 'ort-web'] : [];
  // with --threads, ort-web is hosted per count below; the in-process one is loaded only without
  const peerObjs = o.peers ? await loadPeers(o.threads ? ['tfjs-wasm'] : peerNames, notes) : [];
  const contenders = [];
  for (const [n, l] of libs) {
    for (const p of paths) {
      if (n > 1 && p !== 'wasm-relaxed' && p !== 'wasm-simd') continue; // scalar paths run on the calling thread
      for (const c of simdconvContenders(l, cases, p)) contenders.push(Object.assign(c, { threads: n }));
    }
  }
  if (peerObjs.some((p) => p.name === 'tfjs-wasm')) contenders.push(Object.assign(tfjsContender(await importPeer('@tensorflow/tfjs-core'), cases), { threads: 1 }));
  if (o.threads && o.peers && counts.some((n) => n > 1)) notes.push(`tfjs-wasm: at 1 thread only; ${TFJS_NODE_THREADS}`);
  if (o.threads && o.peers) {
    if (!(await importPeer('onnxruntime-web'))) notes.push('ort-web: onnxruntime-web does not resolve; skipped');
    else {
      for (const n of counts) {
        const host = await openOrtWebHost(n);
        if (host.error) notes.push(`ort-web at ${n} threads: its worker did not start (${host.error})`);
        else contenders.push(hostedOrtContender(host, cases, n));
      }
    }
  } else if (peerObjs.some((p) => p.name === 'ort-web')) contenders.push(Object.assign(ortContender(await importPeer('onnxruntime-web'), cases), { threads: 1 }));
  for (const n of notes) progress(n);
  const tag = (c) => `${c.name} ${c.path}${o.threads ? ` @${c.threads}` : ''}`;

  // cold: create + first inference, in this order (seq first on each path)
  for (const c of contenders) {
    progress(`cold ${tag(c)}`);
    c.coldMs = await c.cold();
  }

  // check: every output against the first path's one-by-one layers
  const ref = Float32Array.from(await contenders[1].run());
  for (const c of contenders) {
    c.check = compareOutputs(Float32Array.from(await c.run()), ref);
    progress(`check ${tag(c)}: max |a-b| ${c.check.maxAbs.toExponential(2)}, worst ratio to 1e-4+1e-4|b| ${c.check.worst.toFixed(3)}${c.check.ok ? '' : ' FAIL'}`);
  }
  const failed = contenders.filter((c) => !c.check.ok);

  // interleaved rounds
  const budget = o.quick ? BUDGETS.quick : BUDGETS.short;
  for (let r = 0; r < o.rounds; r++) {
    for (const c of contenders) {
      progress(`round ${r + 1}/${o.rounds} ${tag(c)}`);
      const opts = { ...budget, async: !!c.async, expectedMs: c.coldMs };
      const m = c.measure ? await c.measure(opts) : await measure(() => c.run(), opts);
      (c.medians ??= []).push(m.medianMs);
    }
  }
  for (const c of contenders) c.medianMs = median(c.medians);

  const stats = clampStats(cases, lib, auto);
  let layers = null;
  if (o.perLayer) layers = await perLayer(lib, cases, o.perLayerPath ?? auto, peerObjs, o.quick ? BUDGETS.quick : BUDGETS.short, o.quick ? 1 : 3, progress);
  for (const c of contenders) await c.dispose();

  // the faster peer at each count (without --threads: the one count, 1)
  const bestAt = (n) => {
    const ps = contenders.filter((c) => c.kind === 'peer' && c.threads === n);
    return ps.length ? ps.reduce((a, b) => (a.medianMs <= b.medianMs ? a : b)) : null;
  };
  const bestPeer = bestAt(counts[0]);
  // a over b, the median of the per-round ratios (both timed in the same rounds)
  const perRound = (a, b) => median(a.medians.map((m, i) => b.medians[i] / m));
  const rows = contenders.map((c) => {
    const seq = contenders.find((d) => d.kind === 'seq' && d.path === c.path && d.threads === c.threads);
    const best = bestAt(c.threads);
    const one = contenders.find((d) => d.name === c.name && d.path === c.path && d.threads === 1);
    return {
      name: c.name, path: c.path, threads: c.threads, medianMs: c.medianMs, roundMediansMs: c.medians, coldMs: c.coldMs, createMs: c.createMs, firstRunMs: c.firstMs,
      gflops: (2 * macs) / (c.medianMs * 1e6), check: c.check,
      seqVsLayers: c.kind === 'seq' ? perRound(c, contenders.find((d) => d.kind === 'layers' && d.path === c.path && d.threads === c.threads)) : undefined,
      seqVsBestPeer: c.kind === 'seq' && best ? perRound(c, best) : undefined,
      bestPeerAtCount: c.kind === 'seq' && best ? best.name : undefined,
      vsOneThread: o.threads && one && one !== c ? perRound(c, one) : undefined,
      vsSeqSamePath: seq && c !== seq ? c.medianMs / seq.medianMs : undefined,
    };
  });
  const result = {
    meta: {
      date: new Date().toISOString(), node: process.version, v8: process.versions.v8, execArgv: process.execArgv,
      autoBackend: auto, initMs, quick: o.quick, rounds: o.rounds, network: 'MobileNetV1 body 1.0/224, 27 conv layers + ReLU6',
      threads: o.threads ? { counts, libs: threadsInfo } : undefined,
      macs, bestPeer: bestPeer?.name, perLayerPath: o.perLayerPath ?? auto, durationS: Math.round((performance.now() - t0) / 100) / 10, notes,
    },
    rows, activations: stats, perLayer: layers,
  };
  const text = toText(result);
  console.log(text);
  if (o.json) { mkdirSync(dirname(resolve(o.json)), { recursive: true }); writeFileSync(resolve(o.json), `${JSON.stringify(result, null, 1)}\n`); }
  if (o.markdown) { mkdirSync(dirname(resolve(o.markdown)), { recursive: true }); writeFileSync(resolve(o.markdown), toMarkdown(result)); }
  if (failed.length) { progress(`outputs differ: ${failed.map(tag).join(', ')}`); return 1; }
  return 0;
}

function tableRows(result) {
  const th = !!result.meta.threads;
  return result.rows.map((r) => [r.name, r.path, ...(th ? [String(r.threads)] : []), fmt(r.medianMs), `${fmt(r.coldMs, 0)} (${fmt(r.createMs, 0)}+${fmt(r.firstRunMs, 0)})`, fmt(r.gflops, 1),
    r.seqVsLayers ? `${fmt(r.seqVsLayers)}x` : '', r.seqVsBestPeer ? `${fmt(r.seqVsBestPeer)}x${th ? ` ${r.bestPeerAtCount}` : ''}` : '',
    ...(th ? [r.vsOneThread ? `${fmt(r.vsOneThread)}x` : ''] : []), r.check.maxAbs.toExponential(1)]);
}
const headOf = (result) => (result.meta.threads
  ? ['contender', 'path', 'threads', 'median ms', 'cold ms (create+1st)', 'GFLOP/s', 'seq vs one-by-one', 'seq vs best peer (same count)', 'vs 1 thread', 'max abs diff']
  : ['contender', 'path', 'median ms', 'cold ms (create+1st)', 'GFLOP/s', 'seq vs one-by-one', `seq vs best peer`, 'max abs diff']);

function header(result) {
  const m = result.meta;
  const th = m.threads ? `threads ${m.threads.counts.join(', ')} (simdconv threads(): ${Object.entries(m.threads.libs).map(([n, t]) => `@${n} ${t?.count}`).join(', ')}); ratios: medians of per-round ratios` : 'one thread';
  return `MobileNetV1 body (1.0, 224x224x3, 27 conv + ReLU6, ${fmt(m.macs / 1e6, 0)} MMAC), NCHW, batch 1, ${th}\n` +
    `node ${m.node} (V8 ${m.v8}) ${m.execArgv.join(' ')}; auto = ${m.autoBackend}; ${m.rounds} interleaved round(s)${m.quick ? ', QUICK (not a measurement)' : ''}; ` +
    `best peer: ${m.bestPeer ?? 'none'}; cold = create + first run after init()`;
}

function reluLine(result) {
  const a = result.activations;
  return `ReLU6 outputs per layer: zeros ${fmt(100 * Math.min(...a.map((r) => r.zeros)), 0)}-${fmt(100 * Math.max(...a.map((r) => r.zeros)), 0)}%, ` +
    `clamped at 6 ${fmt(100 * Math.min(...a.map((r) => r.sixes)), 2)}-${fmt(100 * Math.max(...a.map((r) => r.sixes)), 2)}%, ` +
    `rms ${fmt(Math.min(...a.map((r) => r.rms)))}-${fmt(Math.max(...a.map((r) => r.rms)))}`;
}

function toText(result) {
  const HEAD = headOf(result);
  const rows = [HEAD, ...tableRows(result)];
  const wid = HEAD.map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  const line = (r) => r.map((v, j) => (j < 2 ? v.padEnd(wid[j]) : v.padStart(wid[j]))).join('  ');
  let s = `${header(result)}\n${line(rows[0])}\n${rows.slice(1).map(line).join('\n')}\n${reluLine(result)}`;
  if (result.perLayer) {
    const keys = Object.keys(result.perLayer[0]).filter((k) => !['layer', 'type', 'macs'].includes(k));
    const pr = [['layer', 'MMAC', ...keys.map((k) => `${k} ms`), 'best peer / NCHW alone', 'best peer / in seq'],
      ...result.perLayer.map((r) => {
        const best = Math.min(...['tfjs-wasm', 'ort-web'].filter((k) => r[k]).map((k) => r[k]));
        return [r.layer, fmt(r.macs / 1e6, 1), ...keys.map((k) => fmt(r[k], 3)), fmt(best / r['simdconv NCHW']), fmt(best / r['in sequence (est)'])];
      })];
    const sums = keys.map((k) => result.perLayer.reduce((a, r) => a + (r[k] ?? 0), 0));
    pr.push(['sum', fmt(result.meta.macs / 1e6, 1), ...sums.map((v) => fmt(v, 3)), '', '']);
    const w2 = pr[0].map((_, j) => Math.max(...pr.map((r) => r[j].length)));
    s += `\n\nper layer on ${result.meta.perLayerPath}: alone = Float32Array in and out, bias, no activation (bench/cases.mjs layers, bench/peers); in sequence (est) = NHWC alone - copies; median of 3 interleaved rounds, ms:\n${pr.map((r) => r.map((v, j) => (j === 0 ? v.padEnd(w2[j]) : v.padStart(w2[j]))).join('  ')).join('\n')}`;
  }
  return s;
}

function toMarkdown(result) {
  const md = (r) => `| ${r.join(' | ')} |`;
  const HEAD = headOf(result);
  let s = `${header(result)}\n\n${md(HEAD)}\n${md(HEAD.map((_, j) => (j < 2 ? '---' : '---:')))}\n${tableRows(result).map(md).join('\n')}\n\n${reluLine(result)}\n`;
  if (result.perLayer) {
    const keys = Object.keys(result.perLayer[0]).filter((k) => !['layer', 'type', 'macs'].includes(k));
    s += `\n${md(['layer', 'MMAC', ...keys.map((k) => `${k} ms`)])}\n${md(['---', ...Array(keys.length + 1).fill('---:')])}\n`;
    s += `${result.perLayer.map((r) => md([r.layer, fmt(r.macs / 1e6, 1), ...keys.map((k) => fmt(r[k], 3))])).join('\n')}\n`;
  }
  return s;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(String(e?.message).startsWith('mobilenet:') ? e.message : e?.stack ?? e);
    process.exitCode = 1;
  });
}
