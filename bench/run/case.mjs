/**
 * One case of the suite (bench/run.mjs runSuite): every simdconv path x layout as a prepared
 * layer, the plain copy, then every peer, each checked against the first output; then all of them
 * timed in ROUNDS interleaved rounds, the judged rows' ceilings measured around their windows.
 * Pushes its rows and its case info into the suite's arrays (the row fields: bench/run.mjs).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { measure, pool, timeOnce, BUDGETS } from '../harness.mjs';
import { check } from '../close.cjs';
import { buildCase, createLayer, libraryMacs, nhwcToNchw } from '../cases.mjs';
import { WASM_PEERS } from '../peers/index.mjs';
import { CEILING_PATHS } from '../ceiling.mjs';
import { MACHINE_SAMPLE } from './machine.mjs';

/**
 * The layer types judged against the ceiling of their path (PERF.md: "pointwise and standard layers
 * at 80% or more of the ceiling of the path used"; dilated is a standard conv with holes).
 */
export const CEILING_TYPES = ['pointwise', 'standard', 'dilated'];

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
 * samples pooled over the rounds (see timeCase). Five, the fewest PERF.md takes for a ratio: the
 * report's ratios are the median of the rounds' ratios.
 */
export const ROUNDS = 5;

/** API.md's tolerance per element (bench/close.cjs): whether all pass, and the largest |a - b|. */
export function compare(a, b) {
  const c = check(a, b);
  return { ok: c.ok, maxErr: c.maxAbs };
}

function gflops(flops, ms) { return ms > 0 ? flops / (ms * 1e6) : null; }

/**
 * Prepare, check and time every contender of one case.
 * @param {object} spec   the case (bench/cases.mjs)
 * @param {object} suite  runSuite's state: o, lib (the first count's), libs and pathsAt (per
 *   count), counts, allPeers, meter and rowBudget (the ceilings; meter null without them),
 *   machine (the thread ceiling, run/machine.mjs, with --threads of a count above one; else null), notes,
 *   rows and caseInfo (appended to), step(label) (progress with the step count), at(n) (the
 *   count's tag), budgetOf(spec), layoutsOf(spec)
 */
export async function timeCase(spec, suite) {
  const { o, lib, libs, counts, pathsAt, allPeers, meter, machine, rowBudget, notes, rows, caseInfo, step, at, budgetOf, layoutsOf } = suite;
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
          step(`${spec.name} ${path}${at(n)} ${layout}`);
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
    step(`${spec.name} copy`);
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
      step(`${spec.name} ${peer.name}${at(n)}`);
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
      const sampled = new Set();
      for (const t of timed) {
        if (t.failed) continue;
        // What the host gives at n threads, right before simdconv's first window at n in this round:
        // the ceiling loop on n threads at once over one thread (run/machine.mjs). Not at the round's
        // start: the peers' pool threads, last in a round, still spin there after their windows
        // (next to ort-node or ort-web the sample read 0.99-1.30x where it read 1.95x without them).
        // info.machine[n] holds one ratio per round, info.machineGflops[n] the GFLOP/s of both sides.
        const n = t.row.threads;
        if (machine && t.row.kind === 'path' && n > 1 && !sampled.has(n)) {
          sampled.add(n);
          collect?.();
          o.progress(`[round ${r + 1}/${rounds}] ${spec.name} machine @${n}/@1`);
          const s = await machine.speedup(n, MACHINE_SAMPLE);
          if (s) {
            ((info.machine ??= {})[n] ??= []).push(s.ratio);
            const g = ((info.machineGflops ??= {})[n] ??= { one: [], many: [] });
            g.one.push(s.one);
            g.many.push(s.many);
          }
        }
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
