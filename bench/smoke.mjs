/**
 * CI smoke test of the benchmark suite: runs the command line quickly on two small layers (every
 * path, both layouts, the peers that resolve) and checks the wiring, not the speed: the JSON parses
 * and holds a timed row per path, the HTML is one self-contained page with an <svg> chart.
 *
 *   node bench/smoke.mjs            (exit code 0 when the suite works)
 *
 * Needs the built library (npm run build), or SIMDCONV_BENCH_LIB pointing at a build.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const cli = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simdconv-bench-smoke-'));
const json = join(dir, 'x.json');
const html = join(dir, 'x.html');
const md = join(dir, 'x.md');

try {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [
    '--experimental-wasm-relaxed-simd', cli, 'bench', '--quick', '--layers', 'mbv1.dw1,mbv1.pw1',
    '--json', json, '--html', html, '--markdown', md,
  ], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `bench exited with ${r.status}:\n${r.stderr}`);
  assert.match(r.stdout, /mbv1\.dw1/, 'the table names the layers');

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

  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!doctype html>/i);
  assert.match(page, /<svg[\s>]/, 'the HTML has an inline SVG chart');
  assert.doesNotMatch(page, /<script|<link[^>]+stylesheet|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external resources');
  assert.match(readFileSync(md, 'utf8'), /^\| layer \| type \| MFLOP \|/m, 'markdown table');
  console.log(`bench smoke: ok (${result.meta.paths.join(', ')}; peers ${Object.keys(result.meta.peers).join(', ') || 'none'}; ${((Date.now() - t0) / 1e3).toFixed(1)} s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
