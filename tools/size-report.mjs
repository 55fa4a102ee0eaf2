#!/usr/bin/env node
// Size and start-up report: bytes of each embedded wasm build (decoded from the generated
// src/loader/wasm-bytes.gen.ts, which is what ships; build/*.wasm beside it for comparison) and
// of the bundles in dist/, raw and gzipped; then init() time in Node, each in a fresh process
// (import apart from init), median of a few processes. Needs `npm run build` first.
//
//   node tools/size-report.mjs [--runs=7] [--json=out.json]
//
// The goals it checks: all wasm builds together (the three single-threaded and the two threaded
// ones) under 200 KB raw and 80 KB gzipped. A miss prints a WARN line and exits 0: this is a
// report, not a test.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { relaxedFlags } from '../bin/relaxed-simd.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const RUNS = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const JSON_OUT = argv.find((a) => a.startsWith('--json='))?.slice(7);
const WASM_BUDGET = 200 * 1024;
const WASM_GZIP_BUDGET = 80 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b).length;
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const row = (cells, widths) => cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');

const report = { wasm: [], bundles: [], init: [] };

// 1. The wasm builds as shipped: the base64 constants of the generated module.
const gen = join(ROOT, 'src/loader/wasm-bytes.gen.ts');
if (!existsSync(gen)) {
  console.error('size-report: src/loader/wasm-bytes.gen.ts is missing; run `npm run build` first');
  process.exit(1);
}
const src = readFileSync(gen, 'utf8');
for (const m of src.matchAll(/export const (\w+?)_WASM_BASE64\s*=\s*['"]([A-Za-z0-9+/=]+)['"]/g)) {
  const bytes = Buffer.from(m[2], 'base64');
  const name = m[1].toLowerCase().replace(/_/g, '-'); // SIMD_THREADS -> build/simd-threads.wasm
  const file = join(ROOT, 'build', `${name}.wasm`);
  const onDisk = existsSync(file) ? readFileSync(file) : undefined;
  report.wasm.push({ name, bytes: bytes.length, gzip: gz(bytes), brotli: br(bytes), base64: m[2].length,
    matchesBuild: onDisk ? Buffer.compare(onDisk, bytes) === 0 : null });
}
if (!report.wasm.length) {
  console.error(`size-report: no *_WASM_BASE64 constants found in ${gen}`);
  process.exit(1);
}
const W = [26, 10, 10, 10, 12];
console.log('wasm builds (embedded in src/loader/wasm-bytes.gen.ts)');
console.log(row(['build', 'raw', 'gzip', 'brotli', 'as base64'], W));
for (const w of report.wasm) {
  const note = w.matchesBuild === false ? '  (differs from build/*.wasm: stale?)' : '';
  console.log(row([w.name, kb(w.bytes), kb(w.gzip), kb(w.brotli), kb(w.base64)], W) + note);
}
const total = report.wasm.reduce((s, w) => s + w.bytes, 0);
const totalGz = report.wasm.reduce((s, w) => s + w.gzip, 0);
report.wasmTotal = { bytes: total, gzip: totalGz, budget: WASM_BUDGET, gzipBudget: WASM_GZIP_BUDGET };
console.log(row(['all builds', kb(total), kb(totalGz), '', ''], W));
console.log(total < WASM_BUDGET ? `OK   all wasm builds together ${kb(total)} < ${kb(WASM_BUDGET)}`
  : `WARN all wasm builds together ${kb(total)} >= the ${kb(WASM_BUDGET)} goal`);
console.log(totalGz < WASM_GZIP_BUDGET ? `OK   all wasm builds together ${kb(totalGz)} gzipped < ${kb(WASM_GZIP_BUDGET)}`
  : `WARN all wasm builds together ${kb(totalGz)} gzipped >= the ${kb(WASM_GZIP_BUDGET)} goal`);

// 2. The bundles users load.
console.log('\nbundles (dist/)');
console.log(row(['file', 'raw', 'gzip', 'brotli', ''], W));
const dist = join(ROOT, 'dist');
for (const f of ['index.js', 'index.cjs']) {
  const p = join(dist, f);
  if (!existsSync(p)) {
    console.log(`${f}: missing (npm run build)`);
    continue;
  }
  const b = readFileSync(p);
  report.bundles.push({ file: `dist/${f}`, bytes: b.length, gzip: gz(b), brotli: br(b) });
  console.log(row([`dist/${f}`, kb(b.length), kb(gz(b)), kb(br(b)), ''], W));
}
const types = join(dist, 'types');
if (existsSync(types)) {
  const files = readdirSync(types, { recursive: true }).filter((f) => String(f).endsWith('.d.ts'));
  const bytes = files.reduce((s, f) => s + readFileSync(join(types, String(f))).length, 0);
  console.log(row(['dist/types (*.d.ts)', kb(bytes), '', '', `${files.length} files`], W));
}

// 3. init() in Node, fresh process each time.
const entry = join(dist, 'index.js');
if (existsSync(entry)) {
  const probe = `
    const t0 = performance.now();
    const m = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const t1 = performance.now();
    const backend = await m.init(BACKEND);
    const t2 = performance.now();
    console.log(JSON.stringify({ backend, threads: m.threads().count, importMs: t1 - t0, initMs: t2 - t1 }));`;
  const relaxed = relaxedFlags();
  const variants = [
    { label: "init()", flags: [], arg: 'undefined' },
    // Node 22+ runs relaxed SIMD without a flag (the first row then already is the relaxed one)
    ...(relaxed.length ? [{ label: `init() ${relaxed.join(' ')}`, flags: relaxed, arg: 'undefined' }] : []),
    { label: 'init({threads: 1})', flags: relaxed, arg: '{ threads: 1 }' },
    { label: "init({backend: 'wasm'})", flags: [], arg: "{ backend: 'wasm' }" },
    { label: "init({backend: 'js'})", flags: [], arg: "{ backend: 'js' }" },
  ];
  console.log(`\ninit() in Node ${process.version}, a fresh process each, median of ${RUNS}`);
  const IW = [44, 14, 8, 12, 12];
  console.log(row(['call', 'backend', 'threads', 'import ms', 'init ms'], IW));
  for (const v of variants) {
    const runs = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const out = execFileSync(process.execPath, [...v.flags, '--no-warnings', '--input-type=module', '-e', probe.replace('BACKEND', v.arg)],
          { encoding: 'utf8' });
        runs.push(JSON.parse(out.trim().split('\n').pop()));
      }
    } catch (e) {
      console.log(row([v.label, 'failed', '', '', ''], IW) + `  ${String(e.message).split('\n')[0]}`);
      continue;
    }
    const r = { call: v.label, backend: runs[0].backend, threads: runs[0].threads, importMs: median(runs.map((x) => x.importMs)),
      initMs: median(runs.map((x) => x.initMs)) };
    report.init.push(r);
    console.log(row([r.call, r.backend, r.threads, r.importMs.toFixed(1), r.initMs.toFixed(1)], IW));
  }
}

if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
