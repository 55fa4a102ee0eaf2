/**
 * The figures behind the reports (bench/report.mjs: text and markdown, report/html.mjs: the page):
 * the summary of a suite, same-run ratios and geomeans, and the grids, ceiling lines, problems and
 * legend that the text, markdown and HTML reports share. bench/report.mjs re-exports the public ones.
 */
import { WASM_PEERS, NATIVE_PEERS } from '../peers/index.mjs';
import { CEILING_PATHS, LOOP_LABELS } from '../ceiling.mjs';

const PATH_ORDER = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
/** The suites of a run, in report order, with their titles. */
export const SUITE_TITLES = { layers: 'Reference layers', 'layers-nd': '1-D and 3-D layers', kernels: 'Kernel micro-benchmarks' };
export const SUITES = Object.keys(SUITE_TITLES);

/**
 * a's speed over b's (summary cells or rows) in the same run: the median of the per-round ratios
 * when both were timed in the same interleaved rounds (roundMs), else the ratio of their GFLOP/s.
 */
export function sameRunRatio(a, b) {
  const ra = a?.roundMs;
  const rb = b?.roundMs;
  if (ra?.length && rb?.length === ra.length) {
    const q = ra.map((x, i) => rb[i] / x).sort((x, y) => x - y);
    const m = q.length >> 1;
    return q.length % 2 ? q[m] : (q[m - 1] + q[m]) / 2;
  }
  return a?.gflops && b?.gflops ? a.gflops / b.gflops : null;
}

export function geomean(xs) {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : null;
}

/**
 * Summarise one suite ('layers' or 'kernels').
 * @returns {{ columns: {name, kind}[], rows: object[], geo: object, count: number, ceiling: object | null }}
 *   rows[i].ceiling (judged types, runs with ceilings): { path, share, simdShare, peerShare };
 *   ceiling: { judged, types, count, over } (over: judged rows above 100% of their ceiling)
 */
export function summarize(result, suite = 'layers') {
  const { meta, rows } = result;
  const primary = meta.primaryLayout;
  const paths = PATH_ORDER.filter((p) => meta.paths.includes(p));
  const peers = Object.keys(meta.peers ?? {});
  const nativePeer = peers.find((p) => NATIVE_PEERS.includes(p));
  const columns = [...paths.map((name) => ({ name, kind: 'path' })), ...peers.map((name) => ({ name, kind: 'peer' }))];
  const out = [];
  for (const info of result.cases.filter((c) => c.suite === suite)) {
    const cells = {};
    for (const col of columns) {
      const r = rows.find((x) => x.case === info.case && x.contender === col.name && (col.kind === 'peer' || x.layout === primary));
      cells[col.name] = r ? { gflops: r.status === 'ok' ? r.gflops : null, status: r.status, emulated: !!r.emulated, note: r.note } : null;
      if (r && r.status === 'ok' && r.roundMs) cells[col.name].roundMs = r.roundMs;
      if (r && r.status === 'ok' && r.ceilingShare != null) cells[col.name].ceilingShare = r.ceilingShare;
    }
    const best = (names) => names.reduce((b, n) => (cells[n]?.gflops > (b?.gflops ?? 0) ? { name: n, gflops: cells[n].gflops } : b), null);
    const bestPath = best(paths);
    const bestPeer = best(peers.filter((p) => WASM_PEERS.includes(p)));
    const ratio = bestPath && bestPeer ? sameRunRatio(cells[bestPath.name], cells[bestPeer.name]) : null;
    // the best path over the native reference (onnxruntime-node) when it ran
    const native = bestPath && nativePeer && cells[nativePeer]?.gflops ? sameRunRatio(cells[bestPath.name], cells[nativePeer]) : null;
    const jsVsCpu = cells.js?.gflops && cells['tfjs-cpu']?.gflops ? cells.js.gflops / cells['tfjs-cpu'].gflops : null;
    // The judged path: wasm-relaxed when it ran on this layer, else wasm-simd.
    let ceiling = null;
    if (meta.ceilings?.types?.includes(info.type)) {
      const path = ['wasm-relaxed', 'wasm-simd'].find((p) => cells[p]?.ceilingShare != null) ?? null;
      ceiling = {
        path, share: path ? cells[path].ceilingShare : null, simdShare: cells['wasm-simd']?.ceilingShare ?? null,
        // the faster wasm peer's GFLOP/s over the wasm-simd ceiling measured around its windows
        peerShare: bestPeer ? cells[bestPeer.name]?.ceilingShare ?? null : null,
      };
    }
    out.push({ case: info.case, type: info.type, mflop: info.mflop, cells, bestPath, bestPeer, ratio, native, jsVsCpu, ceiling });
  }
  const geo = {};
  for (const col of columns) geo[col.name] = geomean(out.map((r) => r.cells[col.name]?.gflops));
  geo.ratio = geomean(out.map((r) => r.ratio));
  geo.native = geomean(out.map((r) => r.native));
  geo.jsVsCpu = geomean(out.map((r) => r.jsVsCpu));
  let ceiling = null;
  if (meta.ceilings) {
    const judged = out.filter((r) => r.ceiling?.share != null);
    geo.ceilingShare = geomean(judged.map((r) => r.ceiling.share));
    geo.simdCeilingShare = geomean(out.map((r) => r.ceiling?.simdShare));
    geo.peerCeilingShare = geomean(out.map((r) => r.ceiling?.peerShare));
    ceiling = {
      judged: meta.ceilings.judged, types: meta.ceilings.types,
      count: judged.length, over: judged.filter((r) => r.ceiling.share > 1).length,
    };
  }
  return { columns, rows: out, geo, count: out.length, ceiling, native: nativePeer ?? null };
}

export const f = (x, d = 2) => (x == null || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const pct = (x) => (x == null || !Number.isFinite(x) ? '' : `${(x * 100).toFixed(0)}%`);

export function cellText(c) {
  if (!c) return '';
  if (c.gflops != null) return `${f(c.gflops)}${c.emulated ? '*' : ''}`;
  return { mismatch: 'mismatch', error: 'error', unsupported: 'n/a', skipped: 'skip' }[c.status] ?? '';
}

const short = (p) => ({ 'wasm-relaxed': 'relaxed', 'wasm-simd': 'simd' }[p] ?? p);

/**
 * The "% of ceiling" columns of a summary: the judged path's (wasm-relaxed, or wasm-simd when
 * relaxed did not run) and wasm-simd's beside it; none for runs without ceilings.
 */
function ceilingColumns(sum) {
  if (!sum.ceiling?.judged) return [];
  const judged = sum.ceiling.judged;
  // A layer judged on another path than the run's (wasm-relaxed failed on it) is marked with a dagger.
  const cols = [{
    head: `% ceil ${short(judged)}`,
    cell: (r) => (r.ceiling?.share != null ? `${pct(r.ceiling.share)}${r.ceiling.path !== judged ? '\u2020' : ''}` : ''),
    foot: pct(sum.geo.ceilingShare),
  }];
  if (judged !== 'wasm-simd') {
    cols.push({ head: '% ceil simd', cell: (r) => pct(r.ceiling?.simdShare), foot: pct(sum.geo.simdCeilingShare) });
  }
  // The best peer's share of the wasm-simd ceiling (its kernels are mul + add): what a tuned
  // load-and-multiply kernel of another library reaches on this machine in this run.
  if (sum.geo.peerCeilingShare != null) {
    cols.push({ head: 'peer % ceil simd', cell: (r) => pct(r.ceiling?.peerShare), foot: pct(sum.geo.peerCeilingShare) });
  }
  return cols;
}

/** Summary rows as arrays of strings (shared by text and markdown). */
export function summaryGrid(sum) {
  const cc = ceilingColumns(sum);
  const x = (v) => (v ? `${f(v)}x` : '');
  // best/ort-node: simdconv's share of the native reference's speed, when it ran
  const nat = sum.native ? [{ head: `best/${sum.native}`, cell: (r) => x(r.native), foot: x(sum.geo.native) }] : [];
  // best/peer and js/tfjs-cpu only when a peer was timed: empty columns read as missing figures
  const vs = sum.rows.some((r) => r.ratio || r.jsVsCpu) ? [
    { head: 'best/peer', cell: (r) => x(r.ratio), foot: x(sum.geo.ratio) },
    ...nat,
    { head: 'js/tfjs-cpu', cell: (r) => x(r.jsVsCpu), foot: x(sum.geo.jsVsCpu) },
  ] : nat;
  const head = ['layer', 'type', 'MFLOP', ...sum.columns.map((c) => c.name), ...vs.map((c) => c.head), ...cc.map((c) => c.head)];
  const body = sum.rows.map((r) => [
    r.case, r.type, f(r.mflop, 1), ...sum.columns.map((c) => cellText(r.cells[c.name])),
    ...vs.map((c) => c.cell(r)), ...cc.map((c) => c.cell(r)),
  ]);
  const foot = ['geomean', '', '', ...sum.columns.map((c) => f(sum.geo[c.name])), ...vs.map((c) => c.foot), ...cc.map((c) => c.foot)];
  return { head, body, foot };
}

/** One line on the judged layers of a summary: their share of the ceilings, and the peer's. */
export function ceilingVerdict(sum) {
  const c = sum.ceiling;
  if (!c?.judged || !c.count) return null;
  const simd = sum.geo.simdCeilingShare != null && c.judged !== 'wasm-simd' ? `; wasm-simd ${pct(sum.geo.simdCeilingShare)} of its own` : '';
  const peer = sum.geo.peerCeilingShare != null ? `; the faster wasm peer ${pct(sum.geo.peerCeilingShare)} of the wasm-simd ceiling` : '';
  const over = c.over ? ` ${c.over} of them above 100%, which a Winograd layer can reach: it needs fewer multiplies than the 2 x MACs counted.` : '';
  return `The ${c.count} ${c.types.join('/')} ${c.count === 1 ? 'case uses' : 'cases use'} ${pct(sum.geo.ceilingShare)} of the ceiling of ${c.judged} (geomean${simd}${peer}).${over}`;
}

/**
 * The ceiling block: per path, the GFLOP/s of its loop measured at the start and end of the run
 * (medians), their mean and the best sample. Null for runs without ceilings.
 */
export function ceilingGrid(meta) {
  const c = meta.ceilings;
  if (!c?.start) return null;
  const head = ['path', 'loop (12 chains)', 'start', 'end', 'mean', 'best'];
  const body = [];
  for (const loop of CEILING_PATHS) {
    const a = c.start.paths?.[loop];
    const b = c.end?.paths?.[loop];
    if (!a && !b) continue;
    const vals = [a?.gflops, b?.gflops].filter((x) => x != null);
    const mean = vals.length ? vals.reduce((s, x) => s + x, 0) / vals.length : null;
    const best = Math.max(a?.bestGflops ?? -Infinity, b?.bestGflops ?? -Infinity);
    body.push([
      loop, LOOP_LABELS[loop] ?? '',
      a?.gflops != null ? f(a.gflops) : a?.unsupported ? 'n/a' : '',
      b?.gflops != null ? f(b.gflops) : b?.unsupported ? 'n/a' : '',
      f(mean), Number.isFinite(best) ? f(best) : '',
    ]);
  }
  return { head, body };
}

/** The detailed simdconv rows: per case x path x layout. */
export function detailGrid(result, suite) {
  const rows = result.rows.filter((r) => r.suite === suite && r.kind === 'path');
  const ceil = rows.some((r) => r.ceilingGflops != null);
  const head = ['layer', 'path', 'layout', 'cold ms', 'median ms', 'p10-p90 ms', '±rme', 'GFLOP/s', 'x js', 'x wasm', 'copy', 'NCHW cost',
    ...(ceil ? ['ceiling before-after', '% ceil', '% run ceil'] : [])];
  const body = rows.map((r) => [
    r.case, r.contender, r.layout,
    f(r.coldMs), r.status === 'ok' || r.status === 'mismatch' ? f(r.medianMs, 3) : r.status,
    r.p10Ms != null ? `${f(r.p10Ms, 3)}-${f(r.p90Ms, 3)}` : '', r.rme != null ? `${r.rme.toFixed(1)}%` : '',
    f(r.gflops), r.speedupVsJs ? f(r.speedupVsJs) : '', r.speedupVsWasm ? f(r.speedupVsWasm) : '',
    pct(r.copyShare), pct(r.layoutShare),
    ...(ceil ? [
      r.ceilingGflops != null ? `${f(r.ceilingBeforeGflops, 1)}-${f(r.ceilingAfterGflops, 1)}` : '',
      pct(r.ceilingShare), pct(r.ceilingShareRun),
    ] : []),
  ]);
  return { head, body };
}

export function metaLine(meta) {
  const load = meta.loadAvg ? `, load average ${meta.loadAvg.join(' -> ')}${Math.max(...meta.loadAvg) > meta.cores ? ' (busy machine: figures are low)' : ''}` : '';
  return `${meta.cpu} (${meta.cores} cores), Node ${meta.node}, V8 ${meta.v8}, flags ${meta.execArgv.join(' ') || '(none)'}, ${meta.date}${load}${meta.quick ? ', --quick run: too few iterations, the figures are not measurements' : ''}`;
}

/** Rows that did not run cleanly: simdconv outputs off the reference, errors, untimed peers. */
export function problems(result) {
  return result.rows.filter((r) => r.status !== 'ok')
    .map((r) => `${r.case} ${r.contender}${r.kind === 'path' ? ` ${r.layout}` : ''}: ${r.status}${r.note ? ` (${r.note})` : ''}`);
}

export function legend(result) {
  const lines = [''];
  lines.push('How to read: GFLOP/s = 2 x multiply-accumulates / median time of one call, higher is better. Every layer runs as a prepared layer '
    + '(weights packed once), batch 1, one thread, a Float32Array in and out per call. All contenders of a layer are timed in the same '
    + 'interleaved rounds: compare figures within one run, since a machine\'s speed drifts from minute to minute.');
  const suites = new Set(result.rows.map((r) => r.suite));
  const about = [
    suites.has('layers') && 'Reference layers: real layers of MobileNetV1 (mbv1), ResNet-18 (resnet), DeepLab, U-Net, DCGAN and ResNeXt at batch 1, '
      + 'their shapes in the package\'s bench/layers.json.',
    suites.has('layers-nd') && '1-D and 3-D layers: wav2vec 2.0\'s feature encoder, a WaveNet/TCN block, HiFi-GAN, Conformer, C3D and a 3-D U-Net '
      + '(bench/layers-1d-3d.json).',
    suites.has('kernels') && 'Kernel micro-benchmarks: single kernels at shapes on either side of their tile sizes, where a tail costs most.',
  ].filter(Boolean);
  if (about.length) lines.push(about.join(' '));
  if (result.rows.some((r) => r.emulated)) lines.push('* emulated: TensorFlow.js has no grouped conv; split into groups, one conv each, concat.');
  if (result.rows.some((r) => r.kind === 'peer' && r.gflops != null)) {
    lines.push('best/peer: the best simdconv path over the faster of tfjs-wasm and ort-web (above 1x: simdconv is faster). js/tfjs-cpu: the js path over TensorFlow.js cpu.');
  } else {
    lines.push('No other library was timed. To see simdconv beside TensorFlow.js and onnxruntime-web, install them where you run this '
      + '(npm i -D @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-cpu onnxruntime-web) and run it again.');
  }
  lines.push('copy: a plain TypedArray copy of input + output bytes as a share of the time. NCHW cost: (NCHW - NHWC) / NCHW time of the same path.');
  const native = NATIVE_PEERS.find((p) => result.meta.peers?.[p]);
  if (native) {
    lines.push(`${native}: onnxruntime-node, native machine code (not WebAssembly: wider vectors and fused multiply-add where the CPU has them), one thread; `
      + `a reference of what this machine does outside wasm, not a peer of best/peer. best/${native}: the best simdconv path's speed over it (below 1x: native code is faster). `
      + 'Ratios are the median of the ratios of the rounds, in which every contender is timed once.');
  }
  const c = result.meta.ceilings;
  if (c) {
    lines.push('Ceiling of a path: the most GFLOP/s its multiply-add instructions reach on this machine during the run, from a loop of 12 independent '
      + 'multiply-add chains on values held in registers (no memory access), measured at the start and end of the run and around every timed window '
      + 'of the layers below. A kernel also loads its operands and so stays under its ceiling: near 100% it keeps the floating-point units as busy '
      + 'as that loop; far below, its time goes to memory, copies or overhead.');
    lines.push(`% ceil: GFLOP/s of a ${c.types.join('/')} layer over the ceiling of its path measured right before and right after each timed window `
      + 'of the layer (means over the rounds; detail: "ceiling before-after"); above 100% on Winograd layers, which need fewer multiplies than the '
      + `2 x MACs counted. % run ceil: over the mean of the start and end ceilings. Columns of ${c.judged ?? '(none ran)'}`
      + `${c.judged === 'wasm-relaxed' ? ' (\u2020: relaxed did not run on that layer; wasm-simd instead)' : ''} and of wasm-simd.`);
    if (result.rows.some((r) => r.kind === 'peer' && r.ceilingShare != null)) {
      lines.push('peer % ceil simd: GFLOP/s of the faster of tfjs-wasm and ort-web (WebAssembly SIMD mul + add kernels: XNNPACK, MLAS) over the '
        + 'wasm-simd ceiling measured right before and right after each of its own windows: what another library\'s tuned kernels get from the '
        + 'same machine in the same minutes.');
    }
  }
  for (const n of result.notes) lines.push(`note: ${n}`);
  return lines;
}
