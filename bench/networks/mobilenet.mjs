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
import { check } from '../close.cjs';
import { measure, timeOnce, BUDGETS } from '../harness.mjs';
import { loadPeers } from '../peers/index.mjs';
import { importPeer } from '../peers/resolve.mjs';
import { openOrtWebHost } from '../peers/ort-host.mjs';
import { TFJS_NODE_THREADS } from '../peers/tfjs.mjs';
import { mobilenetCases, clampStats } from './mobilenet/model.mjs';
import { simdconvContenders, tfjsContender, hostedOrtContender, ortContender, median, perLayer } from './mobilenet/contenders.mjs';
import { toText, toMarkdown } from './mobilenet/report.mjs';

// mobilenet/: model.mjs (the layers, the weights, the ONNX model), contenders.mjs (each library's
// network and --per-layer), report.mjs (the table); this file reads the options and times them.
// The network's exports stay here too (bench/browser.mjs imports them).
export { mobilenetSpecs, mobilenetCases, mobilenetOnnx } from './mobilenet/model.mjs';

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

/** max |a-b| and the worst ratio |a-b| / (1e-4 + 1e-4|b|) (<= 1 passes API.md's tolerance; bench/close.cjs). */
export function compareOutputs(a, b) {
  const { maxAbs, worst, bad, ok } = check(a, b);
  return { maxAbs, worst, bad, ok };
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(String(e?.message).startsWith('mobilenet:') ? e.message : e?.stack ?? e);
    process.exitCode = 1;
  });
}
