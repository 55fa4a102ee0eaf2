/**
 * The suite runner: for every selected case, every simdconv path x layout as a prepared layer,
 * then every peer, each checked against simdconv's first output; then all of them are timed in
 * ROUNDS interleaved rounds and each one's samples pooled (medianMs etc. over all rounds), so that
 * same-run ratios compare contenders timed over the same minutes. Returns the plain result object
 * that report.mjs renders and the CLI writes as JSON.
 *
 * Row (one per case x contender): { case, suite, type, contender, kind: 'path'|'peer', layout,
 *   status: 'ok'|'mismatch'|'error'|'unsupported', createMs, firstRunMs, coldMs (their sum),
 *   medianMs, p10Ms, p90Ms, rme (the largest of the rounds'), samples, calls, rounds, roundMs (each round's
 *   median), gflops, maxErr, note?, emulated?, plus for paths: speedupVsJs, speedupVsWasm,
 *   copyShare, and for primary-layout rows of both layouts: otherLayoutMs, layoutShare; paths on
 *   layers of the judged types (CEILING_TYPES) also: ceilingBeforeGflops, ceilingAfterGflops (the
 *   path's ceiling measured right before and right after each timed window of the row, means over the rounds), ceilingGflops (their
 *   mean), ceilingShare = gflops / ceilingGflops, ceilingShareRun = gflops / the run's ceiling; the wasm
 *   peers (WASM_PEERS) on those layers get the same fields against the wasm-simd ceiling (their
 *   kernels are WebAssembly SIMD mul + add, PERF.md), so that how much of the ceiling a tuned
 *   load-and-multiply kernel reaches in this run is measured beside simdconv's share }
 *
 * Threads (o.threads, `bench --threads 1,2`): every row also carries `threads`; each case is
 *   prepared and timed at every count in the same interleaved rounds: simdconv's threaded paths
 *   (wasm-relaxed, wasm-simd) on one library instance per count (the build imported once per count,
 *   each init'ed once with its count: a second init of one instance with another count would load a
 *   new module and leave its layers on the old one, see src/backends/registry.ts), the scalar paths
 *   at one thread only; the peers at every count they run (peers/index.mjs). `rows` holds the rows
 *   of the first count (what report.mjs renders), `threadRows` those of the others; every timed row
 *   has cpuPerWall, the process's CPU time over the wall time of its windows (near the count when
 *   its threads ran). meta.threads = { counts, peers: { '<name>@<n>': label }, libs: { <n>: threads() } }.
 *
 * meta.ceilings (bench/ceiling.mjs): { method, types, judged, perfMd, start, end, gflops } with
 *   start / end = { at, ms, paths: { <loop>: { gflops, bestGflops, samples } | { unsupported } } },
 *   measured before the first case and after the last, and gflops = { <path>: mean of the start
 *   and end medians }, the run's ceiling of each path.
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { measure, pool, timeOnce, BUDGETS } from './harness.mjs';
import { check } from './close.cjs';
import { LAYERS, KERNELS, ND_LAYERS, selectCases, buildCase, createLayer, libraryMacs, nhwcToNchw, missingConstructor } from './cases.mjs';
import { loadPeers, WASM_PEERS, NATIVE_PEERS } from './peers/index.mjs';
import { sameRunRatio, geomean } from './report.mjs';
import { CeilingMeter, CEILING_PATHS, HOISTED_LOOPS, PERF_MD_CEILINGS } from './ceiling.mjs';

export const ALL_PATHS = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
export const ALL_LAYOUTS = ['NCHW', 'NHWC'];
/** The paths that run on a pool of threads (API.md); the others run on the calling thread. */
export const THREADED_PATHS = ['wasm-relaxed', 'wasm-simd'];

/**
 * The layer types judged against the ceiling of their path (PERF.md: "pointwise and standard layers
 * at 80% or more of the ceiling of the path used"; dilated is a standard conv with holes).
 */
export const CEILING_TYPES = ['pointwise', 'standard', 'dilated'];

/**
 * How long the ceilings are measured: `run` at the start and end of the run (every loop), `row`
 * right before and right after each judged row (its path only, about 70 ms a row), `quick` for a
 * smoke run. Why per row: on the shared 2-core VM the ceilings jump between levels (e.g. 23, 32,
 * 44 GFLOP/s for relaxed_madd) within seconds, which a start/end mean cannot follow. Measured there
 * over 25 s of alternating resnet.3x3.56 (0.6 s windows) and its path's ceiling: the layer's GFLOP/s
 * varied by 22-32% (coefficient of variation), its share of the ceiling measured around each window
 * by 19-23%. Both figures are reported (ceilingShare, ceilingShareRun).
 */
export const CEILING_BUDGETS = {
  run: { samples: 5, sampleMs: 20 },
  row: { samples: 3, sampleMs: 10 },
  quick: { samples: 2, sampleMs: 2 },
};

/**
 * A full garbage collection before each timed window, so that one contender's garbage (tfjs-cpu
 * makes megabytes per call) is not collected inside another's window: on small layers such pauses
 * made the samples bimodal (mbv1.dw7, relaxed, NCHW: p10 0.77 ms, median 1.38 ms, rme 76%).
 * The bench (not the library) exposes gc for itself; null where that is refused.
 */
const collect = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    return typeof gc === 'function' ? gc : null;
  } catch {
    return null;
  }
})();

/**
 * Timed rounds per case: every contender of a case is timed once per round, in turn, and its
 * samples pooled over the rounds (see runSuite). Five, the fewest PERF.md takes for a ratio: the
 * report's ratios are the median of the rounds' ratios.
 */
export const ROUNDS = 5;

/** The path the target is judged on: wasm-relaxed when it ran, else wasm-simd. */
export function judgedPath(paths) {
  return paths.includes('wasm-relaxed') ? 'wasm-relaxed' : paths.includes('wasm-simd') ? 'wasm-simd' : null;
}

/** API.md's tolerance per element (bench/close.cjs): whether all pass, and the largest |a - b|. */
export function compare(a, b) {
  const c = check(a, b);
  return { ok: c.ok, maxErr: c.maxAbs };
}

function machine(libVersion) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    execArgv: process.execArgv,
    library: libVersion,
    // 1-minute load averages at the start and end: above the core count, other processes share the CPU.
    loadAvg: [+os.loadavg()[0].toFixed(2)],
  };
}

function gflops(flops, ms) { return ms > 0 ? flops / (ms * 1e6) : null; }

/**
 * Run the suite.
 * @param {object} o
 * @param {object} o.lib          the simdconv module
 * @param {string} [o.libVersion]
 * @param {string} [o.filter]     --layers
 * @param {string[]} o.paths
 * @param {string[]} o.layouts    the first is the primary layout (the table's)
 * @param {string[]} o.peers      peer names wanted ([] for none)
 * @param {boolean} o.quick
 * @param {boolean} [o.ceilings]  measure the ceilings of the paths (default true)
 * @param {(msg: string) => void} o.progress
 * @param {number[]} [o.threads]  thread counts (bench --threads); absent: one thread, as before threads
 * @param {(threads: number) => Promise<object>} [o.libFor]  a separate instance of the library per
 *   count after the first (o.lib serves the first); required with o.threads of two counts or more
 */
export async function runSuite(o) {
  const t0 = performance.now();
  const { lib } = o;
  const notes = [];
  const budgetOf = (spec) => (o.quick ? BUDGETS.quick : spec.suite === 'kernels' ? BUDGETS.short : BUDGETS.full);
  // Kernel micro-benchmarks time the kernels, so they run in the primary layout only.
  const layoutsOf = (spec) => (spec.suite === 'kernels' ? o.layouts.slice(0, 1) : o.layouts);
  const meta = machine(o.libVersion);
  meta.quick = o.quick;
  meta.budgets = o.quick ? { all: BUDGETS.quick } : { layers: BUDGETS.full, kernels: BUDGETS.short, copy: BUDGETS.short };
  meta.primaryLayout = o.layouts[0];

  // Initialise every wanted path; `init` keeps earlier modules loaded, so all stay usable. One
  // thread, as the peers run (builds from before threads ignore the option); with --threads, each
  // count on its own instance of the library (see the file's header).
  const counts = o.threads?.length ? o.threads : [1];
  const libs = new Map();
  /** The paths that run at each count. */
  const pathsAt = new Map();
  meta.initMs = {};
  for (const [ci, n] of counts.entries()) {
    const l = ci === 0 ? lib : await o.libFor(n);
    libs.set(n, l);
    const ok = [];
    for (const p of o.paths) {
      if (n > 1 && !THREADED_PATHS.includes(p)) continue; // scalar wasm and js run on the calling thread
      try {
        const t = performance.now();
        const got = await l.init({ backend: p, threads: n });
        const ms = +(performance.now() - t).toFixed(2);
        if (ci === 0) meta.initMs[p] = ms;
        else (meta.initMsAt ??= {})[n] = { ...meta.initMsAt?.[n], [p]: ms };
        if (got !== p) { notes.push(`path ${p}: init resolved to ${got}; skipped`); continue; }
        const th = l.threads?.();
        if (th && th.count !== n) notes.push(`path ${p} at ${n} threads: runs on ${th.count} (${th.reason})`);
        ok.push(p);
      } catch (e) {
        notes.push(`path ${p}${n > 1 ? ` at ${n} threads` : ''}: ${e.code ?? ''} ${e.message.split('\n')[0]}; skipped`.replace(':  ', ': '));
      }
    }
    pathsAt.set(n, ok);
    try {
      const auto = await l.init({ threads: n });
      if (ci === 0) meta.autoBackend = auto;
      if (o.threads) (meta.threads ??= { counts, libs: {} }).libs[n] = l.threads?.();
    } catch (e) {
      notes.push(`init('auto')${n > 1 ? ` at ${n} threads` : ''} failed: ${e.message}`);
    }
  }
  const paths = pathsAt.get(counts[0]);
  meta.paths = paths;
  meta.layouts = o.layouts;

  const allPeers = o.peers.length ? await loadPeers(o.peers, notes, o.threads ? { threads: counts } : {}) : [];
  const peers = allPeers.filter((p) => (p.threads ?? 1) === counts[0]);
  meta.peers = Object.fromEntries(peers.map((p) => [p.name, p.label]));
  if (meta.threads) meta.threads.peers = Object.fromEntries(allPeers.map((p) => [`${p.name}@${p.threads ?? 1}`, p.label]));

  // The ceilings of the paths, measured now and again at the end (bench/ceiling.mjs).
  const meter = o.ceilings === false ? null : new CeilingMeter();
  const runBudget = o.quick ? CEILING_BUDGETS.quick : CEILING_BUDGETS.run;
  const rowBudget = o.quick ? CEILING_BUDGETS.quick : CEILING_BUDGETS.row;
  if (meter) {
    o.progress('ceilings (start)');
    meta.ceilings = {
      method: `12 independent multiply-add chains per loop (bench/ceiling.mjs); start and end: median of ${runBudget.samples} calls of ${runBudget.sampleMs} ms per loop; `
        + `per row: median of ${rowBudget.samples} x ${rowBudget.sampleMs} ms right before and right after each timed window of the row (means over the rounds), on its path`,
      types: CEILING_TYPES,
      judged: judgedPath(paths),
      perfMd: PERF_MD_CEILINGS,
      start: meter.measureAll([...CEILING_PATHS, ...HOISTED_LOOPS], runBudget),
    };
  }

  const selected = selectCases([...LAYERS, ...KERNELS, ...ND_LAYERS], o.filter);
  if (selected.length === 0) throw new Error(`bench: --layers ${o.filter} selects no layer or kernel case`);
  // A build without the 1-D and 3-D ops skips those layers (and their peers): nothing to compare.
  const missing = selected.map((c) => [c, missingConstructor(lib, c)]).filter(([, m]) => m);
  if (missing.length) {
    const fns = [...new Set(missing.map(([, m]) => m))];
    notes.push(`${missing.map(([c]) => c.name).join(', ')}: skipped, this simdconv build has no ${fns.join(', ')}`);
  }
  const cases = selected.filter((c) => !missing.some(([m]) => m === c));
  const nPaths = counts.reduce((a, n) => a + pathsAt.get(n).length, 0);
  const total = cases.reduce((n, c) => n + nPaths * layoutsOf(c).length + allPeers.length + 1, 0);
  let step = 0;
  const rows = [];
  const caseInfo = [];
  const at = (n) => (n > 1 || o.threads ? ` @${n}` : '');

  try {
  for (const spec of cases) {
    const bc = buildCase(spec);
    const budget = budgetOf(spec);
    const liveBefore = [...libs.values()].map((l) => l.memory?.().liveLayers);
    let macs;
    try {
      macs = libraryMacs(lib, bc);
    } catch (e) {
      macs = bc.expectedMacs;
      notes.push(`${spec.name}: the library's MAC helper threw (${e.message}); using the suite's own formula (bench/cases.mjs)`);
    }
    if (macs !== bc.expectedMacs) notes.push(`${spec.name}: library MACs ${macs} != the suite's formula (bench/cases.mjs) ${bc.expectedMacs}`);
    const flops = 2 * macs;
    const info = { case: spec.name, suite: spec.suite, type: spec.type, spec, mflop: flops / 1e6, ref: null };
    caseInfo.push(info);
    let ref = null; // NCHW output of the first contender that ran, and its name
    const oneThreadOut = new Map(); // with --threads: each path's one-thread output, per layout
    const outLen = bc.outShape.reduce((a, b) => a * b, 1);

    // Phase 1: prepare every contender (create, first call, check against the first output);
    // phase 2 times them in ROUNDS interleaved rounds, so that each contender's samples spread
    // over the same window of time as the others' (the shared VM's speed drifts by 2x within
    // minutes: timing one contender after the other made same-run ratios depend on when each ran).
    /** @type {{ row: object, call: () => unknown, async: boolean, path?: string, parts: object[], dispose: () => unknown }[]} */
    const timed = [];
    try {
      for (const n of counts) {
      const lib = libs.get(n);
      for (const layout of layoutsOf(spec)) {
        for (const path of pathsAt.get(n)) {
          o.progress(`[${++step}/${total}] ${spec.name} ${path}${at(n)} ${layout}`);
          const row = { case: spec.name, suite: spec.suite, type: spec.type, contender: path, kind: 'path', layout, threads: n };
          rows.push(row);
          let layer;
          try {
            let y;
            row.createMs = await timeOnce(() => { layer = createLayer(lib, bc, layout, path); });
            row.firstRunMs = await timeOnce(() => { y = layer.run(bc.x[layout]); });
            row.coldMs = row.createMs + row.firstRunMs;
            const yN = layout === 'NCHW' ? y.data : nhwcToNchw(y.data, bc.outShape);
            if (!ref) {
              ref = { data: yN, by: `${path} ${layout}` };
              info.ref = ref.by;
            }
            const cmp = compare(yN, ref.data);
            row.maxErr = cmp.maxErr;
            if (!cmp.ok) {
              row.status = 'mismatch';
              row.note = `differs from ${ref.by} (max |a-b| ${cmp.maxErr.toExponential(2)})`;
            }
            // API.md: N threads give the same bits as one; and how each stage was split
            if (o.threads && n === 1) oneThreadOut.set(`${path} ${layout}`, Float32Array.from(y.data));
            const one = n > 1 ? oneThreadOut.get(`${path} ${layout}`) : undefined;
            if (one) {
              row.sameBitsAsOneThread = one.length === y.data.length && one.every((v, i) => Object.is(v, y.data[i]));
              if (!row.sameBitsAsOneThread) row.note = `${row.note ? `${row.note}; ` : ''}not the bits of one thread`;
            }
            if (o.threads) row.split = layer.describe?.().map((st) => /on (\d+) threads/.exec(st.kernel)?.[1] ?? '1').join(' + ');
            const out = new Float32Array(outLen);
            const x = bc.x[layout];
            const l = layer;
            // the ceiling loops run on one thread: they are measured around the one-thread rows only
            const judged = meter && n === 1 && CEILING_TYPES.includes(spec.type) && CEILING_PATHS.includes(path);
            timed.push({ row, call: () => l.run(x, { out }), async: false, path: judged ? path : undefined, parts: [], ceil: [], cpu: [], dispose: () => l.dispose() });
            layer = undefined;
          } catch (e) {
            row.status = 'error';
            row.note = `${e.code ? `${e.code}: ` : ''}${e.message.split('\n')[0]}`;
          } finally {
            layer?.dispose();
          }
        }
      }
      }

      // A plain copy of the input and output bytes: what moving the tensors in and out costs at memcpy speed.
      o.progress(`[${++step}/${total}] ${spec.name} copy`);
      {
        const xs = bc.x.NCHW.data;
        const xDst = new Float32Array(xs.length);
        const yDst = new Float32Array(outLen);
        const ySrc = ref?.data ?? new Float32Array(outLen);
        const copy = () => { xDst.set(xs); yDst.set(ySrc); };
        copy(); // fault the destination pages in before timing
        const s = await measure(copy, o.quick ? BUDGETS.quick : BUDGETS.short);
        info.copyMs = s.medianMs;
        info.copyBytes = (xs.length + outLen) * 4;
      }

      for (const peer of allPeers) {
        const n = peer.threads ?? 1;
        o.progress(`[${++step}/${total}] ${spec.name} ${peer.name}${at(n)}`);
        const row = { case: spec.name, suite: spec.suite, type: spec.type, contender: peer.name, kind: 'peer', layout: peer.layout, threads: n };
        rows.push(row);
        let prepared;
        try {
          let y;
          row.createMs = await timeOnce(async () => { prepared = await peer.prepare(bc); });
          if (prepared.unsupported) {
            row.status = 'unsupported';
            row.note = prepared.unsupported;
            delete row.createMs;
            continue;
          }
          row.firstRunMs = await timeOnce(async () => { y = await prepared.run(); });
          // a hosted peer (worker) timed its create and first run where they ran
          if (prepared.createMs != null) { row.createMs = prepared.createMs; row.firstRunMs = prepared.firstRunMs; }
          row.coldMs = row.createMs + row.firstRunMs;
          row.emulated = prepared.emulated || undefined;
          if (ref) {
            const yN = peer.layout === 'NCHW' ? y : nhwcToNchw(y, bc.outShape);
            const cmp = compare(yN, ref.data);
            row.maxErr = cmp.maxErr;
            if (!cmp.ok) {
              row.status = 'mismatch';
              row.note = `differs from simdconv ${ref.by} (max |a-b| ${cmp.maxErr.toExponential(2)}): not timed`;
              continue;
            }
          } else {
            row.note = 'not checked: no simdconv output to compare with';
          }
          const pr = prepared;
          const peerPath = meter && n === 1 && CEILING_TYPES.includes(spec.type) && WASM_PEERS.includes(peer.name) ? 'wasm-simd' : undefined;
          timed.push({ row, call: peer.async ? () => pr.run() : pr.run, async: !!peer.async, path: peerPath, parts: [], ceil: [], cpu: [], activate: pr.activate, measure: pr.measure, dispose: () => pr.dispose?.() });
          prepared = undefined;
        } catch (e) {
          row.status = 'error';
          row.note = e.message.split('\n')[0];
        } finally {
          await prepared?.dispose?.();
        }
      }

      // Phase 2: the rounds. Each round gives every contender 1/ROUNDS of its time budget; the
      // judged rows' ceilings are measured right before and right after each of their windows.
      const rounds = o.quick ? 1 : ROUNDS;
      const roundBudget = { ...budget, maxTime: budget.maxTime / rounds, minSamples: Math.max(2, Math.ceil(budget.minSamples / rounds)) };
      for (let r = 0; r < rounds; r++) {
        for (const t of timed) {
          if (t.failed) continue;
          o.progress(`[round ${r + 1}/${rounds}] ${spec.name} ${t.row.contender}${at(t.row.threads)}${t.row.kind === 'path' ? ` ${t.row.layout}` : ''}`);
          try {
            if (t.activate) {
              await t.activate();
              await t.call(); // the first call after a backend switch may move data
            }
            collect?.();
            const before = t.path ? meter.measure(t.path, rowBudget) : null;
            const m = { ...roundBudget, async: t.async, expectedMs: t.row.firstRunMs };
            const c0 = process.cpuUsage();
            const w0 = performance.now();
            const part = t.measure ? await t.measure(m) : await measure(t.call, m);
            const c = process.cpuUsage(c0);
            t.parts.push(part);
            t.cpu.push(part.cpuPerWall ?? (c.user + c.system) / 1e3 / (performance.now() - w0));
            const after = t.path ? meter.measure(t.path, rowBudget) : null;
            if (before && after) t.ceil.push([before.gflops, after.gflops]);
          } catch (e) {
            t.failed = true;
            t.row.status = 'error';
            t.row.note = `${e.code ? `${e.code}: ` : ''}${e.message.split('\n')[0]}`;
          }
        }
      }
      for (const t of timed) {
        if (t.failed || t.parts.length === 0) continue;
        const s = pool(t.parts);
        // roundMs: the median of each round, for same-run ratios taken round by round (report.mjs)
        Object.assign(t.row, s, { gflops: gflops(flops, s.medianMs), roundMs: t.parts.map((p) => p.medianMs) });
        t.row.cpuPerWall = t.cpu.reduce((a, b) => a + b, 0) / t.cpu.length;
        if (t.ceil.length) {
          const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
          t.row.ceilingBeforeGflops = mean(t.ceil.map((c) => c[0]));
          t.row.ceilingAfterGflops = mean(t.ceil.map((c) => c[1]));
          t.row.ceilingGflops = (t.row.ceilingBeforeGflops + t.row.ceilingAfterGflops) / 2;
          t.row.ceilingShare = t.row.gflops / t.row.ceilingGflops;
        }
        t.row.status ??= 'ok';
      }
    } finally {
      for (const t of timed) await t.dispose();
    }

    const live = [...libs.values()].map((l) => l.memory?.().liveLayers);
    if (live.some((v, i) => v !== liveBefore[i])) notes.push(`${spec.name}: memory().liveLayers went from ${liveBefore.join('/')} to ${live.join('/')} though every layer was disposed`);
  }
  } finally {
    for (const p of allPeers) await p.close?.();
  }

  if (meter) {
    o.progress('ceilings (end)');
    meta.ceilings.end = meter.measureAll([...CEILING_PATHS, ...HOISTED_LOOPS], runBudget);
    meta.ceilings.gflops = {};
    for (const p of CEILING_PATHS) {
      const a = meta.ceilings.start.paths[p]?.gflops;
      const b = meta.ceilings.end.paths[p]?.gflops;
      if (a != null && b != null) meta.ceilings.gflops[p] = (a + b) / 2;
    }
    for (const r of rows) {
      const c = meta.ceilings.gflops[r.kind === 'peer' ? 'wasm-simd' : r.contender];
      if (r.ceilingGflops != null && c && r.gflops != null) r.ceilingShareRun = r.gflops / c;
    }
  }

  for (const n of counts) derive(rows.filter((r) => r.threads === n), caseInfo, o.layouts[0]);
  meta.memory = lib.memory ? lib.memory() : undefined;
  meta.durationS = +((performance.now() - t0) / 1e3).toFixed(1);
  meta.loadAvg.push(+os.loadavg()[0].toFixed(2));
  const result = { meta, notes, cases: caseInfo, rows: rows.filter((r) => r.threads === counts[0]) };
  if (o.threads) result.threadRows = rows.filter((r) => r.threads !== counts[0]);
  return result;
}

/** Speedups over js and scalar wasm, copy share and the layout delta, per simdconv row. */
function derive(rows, caseInfo, primary) {
  const find = (c, contender, layout) => rows.find((r) => r.case === c && r.contender === contender && r.layout === layout && r.status !== 'error' && r.medianMs);
  const copyOf = Object.fromEntries(caseInfo.map((i) => [i.case, i.copyMs]));
  for (const r of rows) {
    if (r.kind !== 'path' || !r.medianMs) continue;
    const js = find(r.case, 'js', r.layout);
    const wasm = find(r.case, 'wasm', r.layout);
    if (js) r.speedupVsJs = js.medianMs / r.medianMs;
    if (wasm) r.speedupVsWasm = wasm.medianMs / r.medianMs;
    if (copyOf[r.case]) r.copyShare = copyOf[r.case] / r.medianMs;
    const other = find(r.case, r.contender, r.layout === 'NCHW' ? 'NHWC' : 'NCHW');
    if (other && r.layout === primary) {
      r.otherLayoutMs = other.medianMs;
      // How much of the NCHW time the NHWC<->NCHW conversion costs (negative: NCHW is faster).
      const nchw = r.layout === 'NCHW' ? r : other;
      const nhwc = r.layout === 'NCHW' ? other : r;
      r.layoutShare = (nchw.medianMs - nhwc.medianMs) / nchw.medianMs;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The threads table

/**
 * The threads table of a `bench --threads` run (runSuite: `rows` at the first count, `threadRows`
 * at the others): per layer, in the primary layout, the ms of simdconv's default path ('auto') and
 * of each peer at every count, each contender's speed-up over its own one-thread time, and
 * simdconv at N over the faster wasm peer at N (tfjs-wasm, ort-web) and over onnxruntime-node at
 * N when it ran. Every ratio is the median of the per-round ratios (the counts of a layer are timed
 * in the same interleaved rounds); geomeans over the layers where both sides ran.
 * "CPU/wall" is the process's CPU time over the wall time of a contender's windows: near N when its
 * N threads ran, near 1 when it stayed on one.
 */

const THREAD_PEERS = [...WASM_PEERS, ...NATIVE_PEERS];
const fmt2 = (x, d = 2) => (x == null || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const times = (v) => (v == null ? '' : `${fmt2(v)}x`);

/** Targets of issue 20 (PERF.md), shown beside the figures; figures, not tests. */
export const THREAD_TARGETS = {
  speedupGeo: 1.7, // simdconv at two threads over one, geomean
  vsPeerEvery: 1.0, // simdconv at two threads over the faster wasm peer at two, every layer
  vsPeerGeo: 1.5, // the same, geomean
};

/**
 * @param {object} result what run.mjs returns for a --threads run
 * @returns {{ counts: number[], path: string, contenders: string[], rows: object[], geo: object } | null}
 *   rows[i] = { case, type, cells: { '<contender>@<n>': { ms, speedup, cpuPerWall, status, note } },
 *   vsPeer: { <n>: { ratio, peer } }, vsNative: { <n>: ratio } }
 */
export function summarizeThreads(result) {
  const counts = result.meta.threads?.counts;
  if (!counts) return null;
  const all = [...result.rows, ...(result.threadRows ?? [])];
  const primary = result.meta.primaryLayout;
  const path = result.meta.autoBackend;
  const contenders = [path, ...THREAD_PEERS.filter((p) => all.some((r) => r.contender === p))];
  const find = (c, name, n) => all.find((r) => r.case === c && r.contender === name && r.threads === n && (r.kind === 'peer' || r.layout === primary));
  const ok = (r) => (r?.status === 'ok' && r.medianMs ? r : null);
  const rows = [];
  for (const info of result.cases) {
    if (info.suite === 'kernels') continue; // the micro-benchmarks have no peers: the layers only
    const cells = {};
    for (const name of contenders) {
      for (const n of counts) {
        const r = find(info.case, name, n);
        if (!r) continue;
        const one = counts.includes(1) && n !== 1 ? ok(find(info.case, name, 1)) : null;
        cells[`${name}@${n}`] = {
          ms: ok(r)?.medianMs ?? null, status: r.status, note: r.note, cpuPerWall: ok(r)?.cpuPerWall ?? null,
          speedup: ok(r) && one ? sameRunRatio(r, one) : null,
        };
      }
    }
    const vsPeer = {};
    const vsNative = {};
    for (const n of counts) {
      const me = ok(find(info.case, path, n));
      const peers = WASM_PEERS.map((p) => ok(find(info.case, p, n))).filter(Boolean);
      const best = peers.length ? peers.reduce((a, b) => (a.medianMs <= b.medianMs ? a : b)) : null;
      if (me && best) vsPeer[n] = { ratio: sameRunRatio(me, best), peer: best.contender };
      const nat = NATIVE_PEERS.map((p) => ok(find(info.case, p, n))).find(Boolean);
      if (me && nat) vsNative[n] = sameRunRatio(me, nat);
    }
    rows.push({ case: info.case, type: info.type, cells, vsPeer, vsNative });
  }
  const geo = { speedup: {}, vsPeer: {}, vsPeerMin: {}, vsNative: {} };
  for (const name of contenders) for (const n of counts) geo.speedup[`${name}@${n}`] = geomean(rows.map((r) => r.cells[`${name}@${n}`]?.speedup));
  for (const n of counts) {
    const v = rows.map((r) => r.vsPeer[n]?.ratio).filter((q) => q != null);
    geo.vsPeer[n] = geomean(v);
    geo.vsPeerMin[n] = v.length ? Math.min(...v) : null;
    geo.vsNative[n] = geomean(rows.map((r) => r.vsNative[n]));
  }
  return { counts, path, contenders, rows, geo };
}

function grid(sum) {
  const { counts } = sum;
  const more = counts.filter((n) => n !== 1 && counts.includes(1));
  const head = ['layer'];
  for (const c of sum.contenders) {
    for (const n of counts) head.push(`${c} @${n} ms`);
    for (const n of more) head.push(`${c} @${n}/@1`);
  }
  for (const n of counts) head.push(`simdconv/best peer @${n}`);
  const native = sum.contenders.some((c) => NATIVE_PEERS.includes(c));
  if (native) for (const n of counts) head.push(`simdconv/native @${n}`);
  const cell = (c) => {
    if (!c) return '';
    if (c.ms != null) return fmt2(c.ms, 3);
    return { unsupported: 'n/a', mismatch: 'mismatch', error: 'error' }[c.status] ?? '';
  };
  const body = sum.rows.map((r) => {
    const line = [r.case];
    for (const c of sum.contenders) {
      for (const n of counts) line.push(cell(r.cells[`${c}@${n}`]));
      for (const n of more) line.push(times(r.cells[`${c}@${n}`]?.speedup));
    }
    for (const n of counts) line.push(r.vsPeer[n] ? `${times(r.vsPeer[n].ratio)} ${r.vsPeer[n].peer}` : '');
    if (native) for (const n of counts) line.push(times(r.vsNative[n]));
    return line;
  });
  const foot = ['geomean'];
  for (const c of sum.contenders) {
    for (const n of counts) foot.push('');
    for (const n of more) foot.push(times(sum.geo.speedup[`${c}@${n}`]));
  }
  for (const n of counts) foot.push(sum.geo.vsPeer[n] ? `${times(sum.geo.vsPeer[n])} (min ${times(sum.geo.vsPeerMin[n])})` : '');
  if (native) for (const n of counts) foot.push(times(sum.geo.vsNative[n]));
  // CPU/wall of each contender at each count: medians over the layers
  const cpu = ['CPU/wall (median)'];
  const med = (v) => { const s = v.filter((q) => q != null).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : null; };
  for (const c of sum.contenders) {
    for (const n of counts) cpu.push(fmt2(med(sum.rows.map((r) => r.cells[`${c}@${n}`]?.cpuPerWall))));
    for (const n of more) cpu.push('');
  }
  while (cpu.length < head.length) cpu.push('');
  // (a browser run has no CPU time to read)
  return { head, body: cpu.slice(1).some((v) => v) ? [...body, foot, cpu] : [...body, foot] };
}

function intro(result, sum) {
  const t = result.meta.threads;
  const lines = [`Threads: ${sum.counts.join(', ')}; simdconv path ${sum.path} (auto), layout ${result.meta.primaryLayout}; `
    + `ratios are medians of per-round ratios (${result.rows.find((r) => r.rounds)?.rounds ?? '?'} interleaved rounds).`];
  for (const [n, th] of Object.entries(t.libs ?? {})) if (th) lines.push(`simdconv @${n}: threads() = ${th.count}${th.reason ? ` (${th.reason})` : ''}`);
  for (const [k, label] of Object.entries(t.peers ?? {})) lines.push(`${k}: ${label}`);
  const two = sum.counts.includes(2) && sum.counts.includes(1) ? 2 : null;
  if (two) {
    lines.push(`Targets (figures, not tests): ${sum.path} @2/@1 geomean >= ${THREAD_TARGETS.speedupGeo}x: ${times(sum.geo.speedup[`${sum.path}@2`]) || '-'}; `
      + `simdconv @2 over the faster wasm peer @2 every layer >= ${THREAD_TARGETS.vsPeerEvery}x: min ${times(sum.geo.vsPeerMin[2]) || '-'}, geomean >= ${THREAD_TARGETS.vsPeerGeo}x: ${times(sum.geo.vsPeer[2]) || '-'}.`);
  }
  return lines;
}

/** The threads table as text (stdout), or '' for a run without --threads. */
export function threadsText(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const all = [head, ...body];
  const w = head.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length)));
  const line = (r) => r.map((v, j) => (j === 0 ? (v ?? '').padEnd(w[j]) : (v ?? '').padStart(w[j]))).join('  ');
  return `\n${intro(result, sum).join('\n')}\n${all.map(line).join('\n')}\n`;
}

/** The threads table as an HTML section (for the report page, before its end), or ''. */
export function threadsHtml(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const esc = (v) => String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // class "n": the report page's right-aligned number cells
  const tr = (r, tag) => `<tr>${r.map((v, i) => `<${tag}${i ? ' class="n"' : ''}>${esc(v)}</${tag}>`).join('')}</tr>`;
  const [first, ...rest] = intro(result, sum);
  return `<h2 id="threads">Threads</h2>\n<p>${esc(first)}</p>\n<ul>${rest.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>\n`
    + `<table><thead>${tr(head, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('\n')}</tbody></table>\n`;
}

/** The threads table as markdown, or ''. */
export function threadsMarkdown(result) {
  const sum = summarizeThreads(result);
  if (!sum) return '';
  const { head, body } = grid(sum);
  const md = (r) => `| ${r.join(' | ')} |`;
  const [first, ...rest] = intro(result, sum);
  return `\n## Threads\n\n${first}\n\n${rest.map((l) => `- ${l}`).join('\n')}\n\n${md(head)}\n${md(head.map((_, j) => (j ? '---:' : '---')))}\n${body.map(md).join('\n')}\n`;
}
