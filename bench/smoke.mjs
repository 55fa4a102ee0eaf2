/**
 * CI smoke test of the benchmark suite: runs the command line quickly on two small layers (every
 * path, both layouts, the peers that resolve) from an empty directory, as a user runs `npx simdconv
 * bench`, and checks the wiring, not the speed: the reports land in ./simdconv-bench/ and the
 * command says where, the JSON parses
 * and holds a timed row per path, the ceilings of the paths (start and end of the run, and per row
 * of the pointwise layer) and the layers' share of them, the HTML is one self-contained page with an
 * <svg> chart and the ceiling block, the markdown has the "% ceil" columns. No timing assertions.
 *
 *   node bench/smoke.mjs            (exit code 0 when the suite works)
 *
 * Needs the built library (npm run build), or SIMDCONV_BENCH_LIB pointing at a build.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CEILING_PATHS, HOISTED_LOOPS } from './ceiling.mjs';
import { relaxedFlags } from '../bin/relaxed-simd.mjs';

const cli = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simdconv-bench-smoke-'));

try {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [
    ...relaxedFlags(), cli, 'bench', '--quick', '--layers', 'mbv1.dw1,mbv1.pw1',
  ], { encoding: 'utf8', timeout: 180_000, cwd: dir });
  assert.equal(r.status, 0, `bench exited with ${r.status}:\n${r.stderr}`);
  assert.match(r.stdout, /mbv1\.dw1/, 'the table names the layers');
  const reports = readdirSync(join(dir, 'simdconv-bench')).sort();
  const named = (ext) => reports.find((f) => f.startsWith('bench-') && f.endsWith(ext));
  assert.ok(named('.json') && named('.html') && named('.md') && reports.includes('latest.json'), `reports in ./simdconv-bench: ${reports.join(', ')}`);
  assert.ok(r.stderr.includes(join('simdconv-bench', named('.html'))), 'the command says where the HTML report is');
  const json = join(dir, 'simdconv-bench', named('.json'));
  const html = join(dir, 'simdconv-bench', named('.html'));
  const md = join(dir, 'simdconv-bench', named('.md'));

  const result = JSON.parse(readFileSync(json, 'utf8'));
  assert.ok(result.meta.node && result.meta.v8 && result.meta.cpu && result.meta.cores > 0, 'machine and runtime in the JSON');
  assert.deepEqual(result.cases.map((c) => c.case), ['mbv1.dw1', 'mbv1.pw1']);
  assert.ok(result.meta.paths.length > 0, 'at least one simdconv path ran');
  for (const c of result.cases) {
    assert.ok(c.mflop > 0, `${c.case}: MFLOP`);
    for (const p of result.meta.paths) {
      const row = result.rows.find((x) => x.case === c.case && x.contender === p && x.layout === 'NCHW');
      assert.ok(row && row.medianMs > 0 && row.gflops > 0, `${c.case} ${p}: a timed row`);
    }
  }

  // The ceilings: measured at the start and at the end, for every loop (or marked unsupported).
  const ceil = result.meta.ceilings;
  assert.ok(ceil && ceil.start && ceil.end && ceil.gflops && ceil.perfMd, 'meta.ceilings with start, end, gflops, perfMd');
  assert.deepEqual(ceil.types, ['pointwise', 'standard', 'dilated']);
  assert.equal(ceil.judged, result.meta.paths.includes('wasm-relaxed') ? 'wasm-relaxed' : 'wasm-simd');
  for (const block of [ceil.start, ceil.end]) {
    assert.ok(Date.parse(block.at) > 0 && block.ms >= 0, 'ceiling block time');
    for (const loop of [...CEILING_PATHS, ...HOISTED_LOOPS]) {
      const v = block.paths[loop];
      assert.ok(v && ((v.gflops > 0 && v.bestGflops >= v.gflops && v.samples.length > 0) || typeof v.unsupported === 'string'), `ceiling of ${loop}`);
    }
  }
  for (const p of result.meta.paths) assert.ok(ceil.gflops[p] > 0, `the run's ceiling of ${p}`);
  // Per row: the pointwise layer is judged against its path's ceiling; the depthwise one is not.
  for (const p of result.meta.paths) {
    for (const layout of result.meta.layouts) {
      const pw = result.rows.find((x) => x.case === 'mbv1.pw1' && x.contender === p && x.layout === layout);
      assert.ok(pw.ceilingBeforeGflops > 0 && pw.ceilingAfterGflops > 0 && pw.ceilingGflops > 0, `mbv1.pw1 ${p} ${layout}: ceilings`);
      assert.ok(pw.ceilingShare > 0 && pw.ceilingShareRun > 0, `mbv1.pw1 ${p} ${layout}: share of the ceiling`);
      const dw = result.rows.find((x) => x.case === 'mbv1.dw1' && x.contender === p && x.layout === layout);
      assert.equal(dw.ceilingShare, undefined, `mbv1.dw1 ${p} ${layout}: depthwise is not judged`);
    }
  }
  assert.match(r.stdout, /^Ceilings of the paths/m, 'the text report has the ceiling block');
  assert.match(r.stdout, /cases? uses? \d+% of the ceiling of wasm-(relaxed|simd) \(geomean/, 'the text report has the share of the ceiling');

  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!doctype html>/i);
  assert.match(page, /<svg[\s>]/, 'the HTML has an inline SVG chart');
  assert.doesNotMatch(page, /<script|<link[^>]+stylesheet|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external resources');
  assert.match(page, /id="ceilings"/, 'the HTML has the ceiling block');
  const mdText = readFileSync(md, 'utf8');
  assert.match(mdText, /^\| layer \| type \| MFLOP \|/m, 'markdown table');
  assert.match(mdText, /\| % ceil (relaxed|simd) \|/, 'markdown: the % of ceiling column');
  assert.match(mdText, /^\| path \| loop \(12 chains\) \| start \| end \|/m, 'markdown: the ceiling table');
  console.log(`bench smoke: ok (${result.meta.paths.join(', ')}; peers ${Object.keys(result.meta.peers).join(', ') || 'none'}; ${((Date.now() - t0) / 1e3).toFixed(1)} s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
