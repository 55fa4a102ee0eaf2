/**
 * Rendering of a run's results (the object run.mjs returns, or its JSON): the summary (per case,
 * GFLOP/s of every simdconv path in the primary layout and of every peer, the best simdconv path
 * over the best wasm peer, geomeans), as a text table for stdout, a markdown table for the README,
 * and a self-contained HTML report with inline SVG bar charts (no scripts, no external fonts).
 */
import { WASM_PEERS } from './peers/index.mjs';

const PATH_ORDER = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];

export function geomean(xs) {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : null;
}

/**
 * Summarise one suite ('layers' or 'kernels').
 * @returns {{ columns: {name, kind}[], rows: object[], geo: object, count: number }}
 */
export function summarize(result, suite = 'layers') {
  const { meta, rows } = result;
  const primary = meta.primaryLayout;
  const paths = PATH_ORDER.filter((p) => meta.paths.includes(p));
  const peers = Object.keys(meta.peers ?? {});
  const columns = [...paths.map((name) => ({ name, kind: 'path' })), ...peers.map((name) => ({ name, kind: 'peer' }))];
  const out = [];
  for (const info of result.cases.filter((c) => c.suite === suite)) {
    const cells = {};
    for (const col of columns) {
      const r = rows.find((x) => x.case === info.case && x.contender === col.name && (col.kind === 'peer' || x.layout === primary));
      cells[col.name] = r ? { gflops: r.status === 'ok' ? r.gflops : null, status: r.status, emulated: !!r.emulated, note: r.note } : null;
    }
    const best = (names) => names.reduce((b, n) => (cells[n]?.gflops > (b?.gflops ?? 0) ? { name: n, gflops: cells[n].gflops } : b), null);
    const bestPath = best(paths);
    const bestPeer = best(peers.filter((p) => WASM_PEERS.includes(p)));
    const ratio = bestPath && bestPeer ? bestPath.gflops / bestPeer.gflops : null;
    const jsVsCpu = cells.js?.gflops && cells['tfjs-cpu']?.gflops ? cells.js.gflops / cells['tfjs-cpu'].gflops : null;
    out.push({ case: info.case, type: info.type, mflop: info.mflop, cells, bestPath, bestPeer, ratio, jsVsCpu });
  }
  const geo = {};
  for (const col of columns) geo[col.name] = geomean(out.map((r) => r.cells[col.name]?.gflops));
  geo.ratio = geomean(out.map((r) => r.ratio));
  geo.jsVsCpu = geomean(out.map((r) => r.jsVsCpu));
  return { columns, rows: out, geo, count: out.length };
}

const f = (x, d = 2) => (x == null || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const pct = (x) => (x == null || !Number.isFinite(x) ? '' : `${(x * 100).toFixed(0)}%`);

function cellText(c) {
  if (!c) return '';
  if (c.gflops != null) return `${f(c.gflops)}${c.emulated ? '*' : ''}`;
  return { mismatch: 'mismatch', error: 'error', unsupported: 'n/a', skipped: 'skip' }[c.status] ?? '';
}

/** Summary rows as arrays of strings (shared by text and markdown). */
function summaryGrid(sum) {
  const head = ['layer', 'type', 'MFLOP', ...sum.columns.map((c) => c.name), 'best/peer', 'js/tfjs-cpu'];
  const body = sum.rows.map((r) => [
    r.case, r.type, f(r.mflop, 1), ...sum.columns.map((c) => cellText(r.cells[c.name])),
    r.ratio ? `${f(r.ratio)}x` : '', r.jsVsCpu ? `${f(r.jsVsCpu)}x` : '',
  ]);
  const foot = ['geomean', '', '', ...sum.columns.map((c) => f(sum.geo[c.name])),
    sum.geo.ratio ? `${f(sum.geo.ratio)}x` : '', sum.geo.jsVsCpu ? `${f(sum.geo.jsVsCpu)}x` : ''];
  return { head, body, foot };
}

function pad(rows, rightFrom = 2) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((s, i) => (i >= rightFrom ? String(s).padStart(widths[i]) : String(s).padEnd(widths[i]))).join('  ')).join('\n');
}

/** The detailed simdconv rows: per case x path x layout. */
function detailGrid(result, suite) {
  const head = ['layer', 'path', 'layout', 'cold ms', 'median ms', 'p10-p90 ms', '±rme', 'GFLOP/s', 'x js', 'x wasm', 'copy', 'NCHW cost'];
  const body = result.rows.filter((r) => r.suite === suite && r.kind === 'path').map((r) => [
    r.case, r.contender, r.layout,
    f(r.coldMs), r.status === 'ok' || r.status === 'mismatch' ? f(r.medianMs, 3) : r.status,
    r.p10Ms != null ? `${f(r.p10Ms, 3)}-${f(r.p90Ms, 3)}` : '', r.rme != null ? `${r.rme.toFixed(1)}%` : '',
    f(r.gflops), r.speedupVsJs ? f(r.speedupVsJs) : '', r.speedupVsWasm ? f(r.speedupVsWasm) : '',
    pct(r.copyShare), pct(r.layoutShare),
  ]);
  return { head, body };
}

function metaLine(meta) {
  const load = meta.loadAvg ? `, load average ${meta.loadAvg.join(' -> ')}${Math.max(...meta.loadAvg) > meta.cores ? ' (busy machine: figures are low)' : ''}` : '';
  return `${meta.cpu} (${meta.cores} cores), Node ${meta.node}, V8 ${meta.v8}, flags ${meta.execArgv.join(' ') || '(none)'}, ${meta.date}${load}${meta.quick ? ', QUICK (smoke) run: figures are not measurements' : ''}`;
}

/** The text report for stdout. */
export function toText(result) {
  const out = [`simdconv bench: ${metaLine(result.meta)}`];
  out.push(`paths ${result.meta.paths.join(', ') || '(none)'}; auto = ${result.meta.autoBackend ?? '?'}; layouts ${result.meta.layouts.join(', ')} (table: ${result.meta.primaryLayout}); GFLOP/s = 2 x MACs / median time`);
  for (const suite of ['layers', 'kernels']) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const g = summaryGrid(sum);
    out.push('', suite === 'layers' ? 'Reference layers, GFLOP/s' : 'Kernel micro-benchmarks, GFLOP/s');
    out.push(pad([g.head, ...g.body, g.foot]));
    const d = detailGrid(result, suite);
    out.push('', suite === 'layers' ? 'Reference layers, simdconv detail' : 'Kernels, simdconv detail');
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
  if (result.rows.some((r) => r.emulated)) lines.push('* emulated: TensorFlow.js has no grouped conv; split into groups, one conv each, concat.');
  lines.push('best/peer: best simdconv path over the best of tfjs-wasm and ort-web. copy: a plain TypedArray copy of input + output bytes as a share of the time. NCHW cost: (NCHW - NHWC) / NCHW time of the same path.');
  for (const n of result.notes) lines.push(`note: ${n}`);
  return lines;
}

/** The markdown summary table (reference layers) for the README. */
export function toMarkdown(result) {
  const out = [];
  for (const suite of ['layers', 'kernels']) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const g = summaryGrid(sum);
    out.push(`### ${suite === 'layers' ? 'Reference layers' : 'Kernel micro-benchmarks'} (GFLOP/s, ${result.meta.primaryLayout}, single thread)`, '');
    out.push(`| ${g.head.join(' | ')} |`);
    out.push(`|${g.head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    for (const r of g.body) out.push(`| ${r.join(' | ')} |`);
    out.push(`| **${g.foot[0]}** | ${g.foot.slice(1).map((s) => (s ? `**${s}**` : '')).join(' | ')} |`, '');
  }
  out.push(`Measured ${metaLine(result.meta)}.`);
  out.push(...legend(result).slice(1).map((l) => `${l}  `));
  return `${out.join('\n')}\n`;
}

const COLORS = {
  'wasm-relaxed': '#1b5e20', 'wasm-simd': '#43a047', wasm: '#9ccc65', js: '#c0ca33',
  'tfjs-wasm': '#ef6c00', 'ort-web': '#1565c0', 'tfjs-cpu': '#8d6e63',
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

/** The self-contained HTML report. */
export function toHtml(result) {
  const m = result.meta;
  const sections = [];
  for (const suite of ['layers', 'kernels']) {
    const sum = summarize(result, suite);
    if (!sum.count) continue;
    const name = suite === 'layers' ? 'Reference layers' : 'Kernel micro-benchmarks';
    const g = summaryGrid(sum);
    const d = detailGrid(result, suite);
    sections.push(`<h2 id="${suite}">${name}</h2>\n<figure>${chartSvg(sum, `${name}: GFLOP/s`, `${m.primaryLayout}, one thread, higher is better`)}</figure>`);
    sections.push(`<h3>GFLOP/s</h3>${htmlTable(g.head, g.body, g.foot)}`);
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
${m.quick ? '<p class="warn">Quick (smoke) run: too few iterations for the figures to mean anything.</p>' : ''}
<p>simdconv paths: ${esc(m.paths.join(', ') || '(none)')} (auto = ${esc(m.autoBackend ?? '?')}); prepared layers (weights packed once), batch 1, Float32Array in and out on every call.
Run took ${esc(m.durationS)} s. GFLOP/s = 2 &times; multiply-accumulates / median time.</p>
<ul>${peers}</ul>
${sections.join('\n')}
${untimed ? `<h3>Problems</h3><p>simdconv rows off the reference are timed but flagged; peers that disagree are not timed.</p><ul>${untimed}</ul>` : ''}
<h3>Notes</h3><ul>${notes}</ul>
</body></html>
`;
}
