/**
 * The self-contained HTML report of a run (bench/report.mjs re-exports it): inline SVG bar charts
 * (no scripts, no external fonts) and the tables of the text report (report/summary.mjs).
 */
import { SUITE_TITLES, SUITES, f, cellText, summarize, summaryGrid, ceilingVerdict, ceilingGrid, detailGrid, metaLine, problems, legend } from './summary.mjs';

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
