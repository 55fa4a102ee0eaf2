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
import { SUITE_TITLES, SUITES, summarize, summaryGrid, ceilingVerdict, ceilingGrid, detailGrid, metaLine, problems, legend } from './report/summary.mjs';

// report/summary.mjs computes the figures, report/html.mjs renders the page; this module's exports
// stay what they were before the split (bench/cli.mjs, render-docs.mjs and the tests import them here)
export { sameRunRatio, geomean, summarize } from './report/summary.mjs';
export { chartSvg, toHtml } from './report/html.mjs';

function pad(rows, rightFrom = 2) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((s, i) => (i >= rightFrom ? String(s).padStart(widths[i]) : String(s).padEnd(widths[i]))).join('  ')).join('\n');
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
