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
 *   its threads ran). meta.threads = { counts, peers: { '<name>@<n>': label }, libs: { <n>: threads() },
 *   machine: { loop, sampleMs, method, unavailable? } }. In every round, right before simdconv's
 *   first window at each count n > 1, the thread ceiling (run/machine.mjs) samples what the host gives:
 *   the ceiling loop on n threads at once over one thread; the case info gets machine: { <n>: the
 *   per-round ratios } and machineGflops: { <n>: { one: [...], many: [...] } }.
 *
 * meta.ceilings (bench/ceiling.mjs): { method, types, judged, perfMd, start, end, gflops } with
 *   start / end = { at, ms, paths: { <loop>: { gflops, bestGflops, samples } | { unsupported } } },
 *   measured before the first case and after the last, and gflops = { <path>: mean of the start
 *   and end medians }, the run's ceiling of each path.
 */
import os from 'node:os';
import { BUDGETS } from './harness.mjs';
import { LAYERS, KERNELS, ND_LAYERS, selectCases, missingConstructor } from './cases.mjs';
import { loadPeers } from './peers/index.mjs';
import { CeilingMeter, CEILING_PATHS, HOISTED_LOOPS, PERF_MD_CEILINGS } from './ceiling.mjs';
import { CEILING_TYPES, timeCase } from './run/case.mjs';
import { ThreadCeiling, MACHINE_SAMPLE } from './run/machine.mjs';

// run/case.mjs times one case, run/threads.mjs renders the threads table; their exports are this
// module's too, as before the split (bench/cli.mjs, bench/browser.mjs and the tests import them here)
export { CEILING_TYPES, ROUNDS, compare } from './run/case.mjs';
export { THREAD_TARGETS, summarizeThreads, threadsText, threadsHtml, threadsMarkdown } from './run/threads.mjs';

export const ALL_PATHS = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
export const ALL_LAYOUTS = ['NCHW', 'NHWC'];
/** The paths that run on a pool of threads (API.md); the others run on the calling thread. */
export const THREADED_PATHS = ['wasm-relaxed', 'wasm-simd'];

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

/** The path the target is judged on: wasm-relaxed when it ran, else wasm-simd. */
export function judgedPath(paths) {
  return paths.includes('wasm-relaxed') ? 'wasm-relaxed' : paths.includes('wasm-simd') ? 'wasm-simd' : null;
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

  // The thread ceiling: what the host gives at each count above one, sampled in every round
  // (run/machine.mjs); its workers start on the first sample and sleep between samples.
  const threadCeiling = o.threads && counts.some((n) => n > 1) ? new ThreadCeiling({ maxN: Math.max(...counts) }) : null;
  // the suite's state, which timeCase (run/case.mjs) reads and appends rows and case info to
  const suite = {
    o, lib, libs, counts, pathsAt, allPeers, meter, machine: threadCeiling, rowBudget, notes, rows, caseInfo, at, budgetOf, layoutsOf,
    step: (label) => o.progress(`[${++step}/${total}] ${label}`),
  };
  try {
    for (const spec of cases) await timeCase(spec, suite);
  } finally {
    for (const p of allPeers) await p.close?.();
    await threadCeiling?.dispose();
  }
  if (threadCeiling && meta.threads) {
    meta.threads.machine = {
      loop: threadCeiling.loop,
      sampleMs: MACHINE_SAMPLE.ms,
      method: `bench/ceiling.mjs's ${threadCeiling.loop ?? 'SIMD'} ceiling loop for about ${MACHINE_SAMPLE.ms} ms on the calling thread alone, then on it and n - 1 worker_threads at once `
        + '(the flop of all over the wall time of the window), once per count per round right before simdconv\'s first window at that count',
    };
    if (threadCeiling.why) {
      meta.threads.machine.unavailable = threadCeiling.why;
      notes.push(`thread ceiling (machine @n/@1): ${threadCeiling.why}`);
    }
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
