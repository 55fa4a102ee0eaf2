/**
 * Rendering of a run's results (the object run.mjs returns, or its JSON): the summary (per case,
 * GFLOP/s of every simdconv path in the primary layout and of every peer, the best simdconv path
 * over the best wasm peer, geomeans), as a text table for stdout, a markdown table for the README,
 * and a self-contained HTML report with inline SVG bar charts (no scripts, no external fonts).
 * Runs that measured the ceilings (meta.ceilings, bench/ceiling.mjs) also get the ceiling block
 * (each path's loop: GFLOP/s at the start and end of the run) and, per layer of a judged type,
 * its share of the ceiling of the judged path and of wasm-simd's, and the faster wasm peer's share
 * of the wasm-simd ceiling (measured around its own windows).
 *
 * The reports are read by whoever ran `npx simdconv bench`: they say what was measured and how to
 * read it, and name nothing a user of the package does not have.
 */
import { WASM_PEERS, NATIVE_PEERS } from './peers/index.mjs';
import { CEILING_PATHS, LOOP_LABELS } from './ceiling.mjs';

const PATH_ORDER = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
/** The suites of a run, in report order, with their titles. */
const SUITE_TITLES = { layers: 'Reference layers', 'layers-nd': '1-D and 3-D layers', kernels: 'Kernel micro-benchmarks' };
const SUITES = Object.keys(SUITE_TITLES);

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

const f = (x, d = 2) => (x == null || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const pct = (x) => (x == null || !Number.isFinite(x) ? '' : `${(x * 100).toFixed(0)}%`);

function cellText(c) {
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
function summaryGrid(sum) {
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
function ceilingVerdict(sum) {
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
function ceilingGrid(meta) {
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

function pad(rows, rightFrom = 2) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((s, i) => (i >= rightFrom ? String(s).padStart(widths[i]) : String(s).padEnd(widths[i]))).join('  ')).join('\n');
}

/** The detailed simdconv rows: per case x path x layout. */
function detailGrid(result, suite) {
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

function metaLine(meta) {
  const load = meta.loadAvg ? `, load average ${meta.loadAvg.join(' -> ')}${Math.max(...meta.loadAvg) > meta.cores ? ' (busy machine: figures are low)' : ''}` : '';
  return `${meta.cpu} (${meta.cores} cores), Node ${meta.node}, V8 ${meta.v8}, flags ${meta.execArgv.join(' ') || '(none)'}, ${meta.date}${load}${meta.quick ? ', --quick run: too few iterations, the figures are not measurements' : ''}`;
}

/** The text report for stdout. */
export function toText(result) {
  const out = [`simdconv bench: ${metaLine(result.meta)}`];
  out.push(`paths ${result.meta.paths.join(', ') || '(none)'}; auto = ${result.meta.autoBackend ?? '?'}; layouts ${result.meta.layouts.join(', ')} (table: ${result.meta.primaryLayout}); GFLOP/s = 2 x MACs / median time`);
  const cg = ceilingGrid(result.meta);
  if (cg) {
    out.push('', 'Ceilings of the paths, GFLOP/s (the fastest multiply-add loop of each path on this machine; medians at the start and at the end of the run)');
    out.push(pad([cg.head, ...cg.body]));
  }
  for (const suite of SUITES) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const g = summaryGrid(sum);
    out.push('', `${SUITE_TITLES[suite]}, GFLOP/s`);
    out.push(pad([g.head, ...g.body, g.foot]));
    const verdict = ceilingVerdict(sum);
    if (verdict) out.push(verdict);
    const d = detailGrid(result, suite);
    out.push('', `${suite === 'kernels' ? 'Kernels' : SUITE_TITLES[suite]}, simdconv detail`);
    out.push(pad([d.head, ...d.body], 3));
  }
  const bad = problems(result);
  if (bad.length) out.push('', 'Problems (simdconv rows are timed but flagged; peers that disagree are not timed):', ...bad.map((l) => `  ${l}`));
  out.push(...legend(result).map((l) => l));
  return out.join('\n');
}

/** Rows that did not run cleanly: simdconv outputs off the reference, errors, untimed peers. */
function problems(result) {
  return result.rows.filter((r) => r.status !== 'ok')
    .map((r) => `${r.case} ${r.contender}${r.kind === 'path' ? ` ${r.layout}` : ''}: ${r.status}${r.note ? ` (${r.note})` : ''}`);
}

function legend(result) {
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

/** The markdown summary table (reference layers) for the README. */
export function toMarkdown(result) {
  const out = [];
  for (const suite of SUITES) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const g = summaryGrid(sum);
    out.push(`### ${SUITE_TITLES[suite]} (GFLOP/s, ${result.meta.primaryLayout}, single thread)`, '');
    out.push(`| ${g.head.join(' | ')} |`);
    out.push(`|${g.head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    for (const r of g.body) out.push(`| ${r.join(' | ')} |`);
    out.push(`| **${g.foot[0]}** | ${g.foot.slice(1).map((s) => (s ? `**${s}**` : '')).join(' | ')} |`, '');
    const verdict = ceilingVerdict(sum);
    if (verdict) out.push(verdict, '');
  }
  const cg = ceilingGrid(result.meta);
  if (cg) {
    out.push('### Ceilings of the paths (GFLOP/s, measured in the same run)', '');
    out.push(`| ${cg.head.join(' | ')} |`);
    out.push(`|${cg.head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    for (const r of cg.body) out.push(`| ${r.join(' | ')} |`);
    out.push('');
  }
  out.push(`Measured ${metaLine(result.meta)}.`);
  out.push(...legend(result).slice(1).map((l) => `${l}  `));
  return `${out.join('\n')}\n`;
}

const COLORS = {
  'wasm-relaxed': '#1b5e20', 'wasm-simd': '#43a047', wasm: '#9ccc65', js: '#c0ca33',
  'tfjs-wasm': '#ef6c00', 'ort-web': '#1565c0', 'tfjs-cpu': '#8d6e63', 'ort-node': '#6a1b9a',
};

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A horizontal grouped bar chart of GFLOP/s: one group per case, one bar per column.
 * Self-contained SVG (system font stack only).
 */
export function chartSvg(sum, title, subtitle = '') {
  const cols = sum.columns.map((c) => c.name);
  const barH = 9;
  const groupGap = 10;
  const labelW = 190;
  const plotW = 560;
  const top = subtitle ? 66 : 52;
  const legendY = subtitle ? 42 : 28;
  const groupH = cols.length * barH + groupGap;
  const height = top + sum.rows.length * groupH + 30;
  const width = labelW + plotW + 70;
  const max = Math.max(1, ...sum.rows.flatMap((r) => cols.map((c) => r.cells[c]?.gflops ?? 0)));
  const step = max > 40 ? 10 : max > 16 ? 5 : max > 6 ? 2 : 1;
  const scale = plotW / (Math.ceil(max / step) * step);
  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  parts.push(`<text x="8" y="18" font-size="14" font-weight="600">${esc(title)}</text>`);
  if (subtitle) parts.push(`<text x="8" y="33" fill="#555">${esc(subtitle)}</text>`);
  // Legend.
  let lx = 8;
  cols.forEach((c) => {
    parts.push(`<rect x="${lx}" y="${legendY}" width="10" height="10" fill="${COLORS[c] ?? '#777'}"/><text x="${lx + 14}" y="${legendY + 9}">${esc(c)}</text>`);
    lx += 24 + c.length * 6.5;
  });
  // Grid.
  for (let v = 0; v * scale <= plotW + 0.5; v += step) {
    const x = labelW + v * scale;
    parts.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 24}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${x}" y="${height - 10}" text-anchor="middle" fill="#555">${v}</text>`);
  }
  parts.push(`<text x="${labelW - 6}" y="${height - 10}" text-anchor="end" fill="#555">GFLOP/s</text>`);
  sum.rows.forEach((r, i) => {
    const y0 = top + i * groupH;
    const yc = y0 + (cols.length * barH) / 2;
    parts.push(`<text x="${labelW - 6}" y="${yc}" text-anchor="end">${esc(r.case)}</text>`);
    parts.push(`<text x="${labelW - 6}" y="${yc + 11}" text-anchor="end" font-size="9" fill="#777">${esc(`${r.type}, ${f(r.mflop, 1)} MFLOP`)}</text>`);
    cols.forEach((c, j) => {
      const cell = r.cells[c];
      const y = y0 + j * barH;
      if (cell?.gflops != null) {
        const w = Math.max(1, cell.gflops * scale);
        parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 1}" fill="${COLORS[c] ?? '#777'}"><title>${esc(`${r.case} ${c}: ${f(cell.gflops)} GFLOP/s${cell.emulated ? ' (emulated)' : ''}`)}</title></rect>`);
        parts.push(`<text x="${labelW + w + 3}" y="${y + barH - 1.5}" font-size="8" fill="#333">${f(cell.gflops)}${cell.emulated ? '*' : ''}</text>`);
      } else if (cell) {
        parts.push(`<text x="${labelW + 3}" y="${y + barH - 1.5}" font-size="8" fill="#b00">${esc(cellText(cell) || cell.status)}</text>`);
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function htmlTable(head, body, foot, rightFrom = 2) {
  const tr = (cells, tag) => `<tr>${cells.map((c, i) => `<${tag}${i >= rightFrom ? ' class="n"' : ''}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${tr(head, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('\n')}</tbody>${foot ? `<tfoot>${tr(foot, 'th')}</tfoot>` : ''}</table>`;
}

function ceilingHtml(meta) {
  const cg = ceilingGrid(meta);
  if (!cg) return '';
  return `<h2 id="ceilings">Ceilings of the paths</h2>
<p>The most GFLOP/s each path's multiply-add instructions reach on this machine: a loop of 12 independent multiply-add chains on values held in registers, median of the samples at the start and at the end of the run. A layer's "% ceil" is its GFLOP/s over this figure, measured around its own windows.</p>
${htmlTable(cg.head, cg.body, null)}`;
}

/** The self-contained HTML report. */
export function toHtml(result) {
  const m = result.meta;
  const sections = [];
  for (const suite of SUITES) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const name = SUITE_TITLES[suite];
    const g = summaryGrid(sum);
    const d = detailGrid(result, suite);
    sections.push(`<h2 id="${suite}">${name}</h2>\n<figure>${chartSvg(sum, `${name}: GFLOP/s`, `${m.primaryLayout}, one thread, higher is better`)}</figure>`);
    const verdict = ceilingVerdict(sum);
    sections.push(`<h3>GFLOP/s</h3>${htmlTable(g.head, g.body, g.foot)}${verdict ? `<p>${esc(verdict)}</p>` : ''}`);
    sections.push(`<h3>simdconv detail</h3>${htmlTable(d.head, d.body, null, 3)}`);
  }
  const peers = Object.entries(m.peers ?? {}).map(([k, v]) => `<li><b>${esc(k)}</b>: ${esc(v)}</li>`).join('');
  const notes = legend(result).filter(Boolean).map((n) => `<li>${esc(n)}</li>`).join('');
  const untimed = problems(result).map((l) => `<li>${esc(l)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>simdconv benchmark ${esc(m.date)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 12px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
th { background: #f5f5f5; text-align: left; } .n { text-align: right; font-variant-numeric: tabular-nums; }
tfoot th { background: #eef3ea; } figure { margin: 0; overflow-x: auto; } code { background: #f3f3f3; padding: 1px 4px; }
.warn { color: #b00; font-weight: 600; }
</style></head><body>
<h1>simdconv benchmark</h1>
<p>${esc(metaLine(m))}</p>
${m.quick ? '<p class="warn">A --quick run: too few iterations for the figures to mean anything.</p>' : ''}
<p>simdconv paths: ${esc(m.paths.join(', ') || '(none)')} (auto = ${esc(m.autoBackend ?? '?')}); prepared layers (weights packed once), batch 1, Float32Array in and out on every call.
Run took ${esc(m.durationS)} s. GFLOP/s = 2 &times; multiply-accumulates / median time.</p>
<ul>${peers}</ul>
${ceilingHtml(m)}
${sections.join('\n')}
${untimed ? `<h3>Problems</h3><p>simdconv rows off the reference are timed but flagged; peers that disagree are not timed.</p><ul>${untimed}</ul>` : ''}
<h3>Notes</h3><ul>${notes}</ul>
</body></html>
`;
}
