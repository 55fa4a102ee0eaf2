#!/usr/bin/env node
// Threads in a browser page, by hand (the bundler pages of scripts/browser-test.mjs come with the
// kernel split): serves dist/index.js with one page in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) under four header sets and prints what init() and
// threads() report there, a convolution's checksum beside Node's, and the same from a Web
// Worker of the page; then the pool itself (src/backends/wasm/pool.ts, bundled apart) runs a
// table of clamp tasks on the page's main thread (which spins: no Atomics.wait there) and in a
// Web Worker (which waits), checks every float and that the workers took tasks, and times an
// empty dispatch:
//   coop-coep    Cross-Origin-Opener-Policy: same-origin + Cross-Origin-Embedder-Policy: require-corp
//   none         no headers: not cross-origin isolated, so one thread and the reason
//   csp-no-blob  COOP/COEP plus a CSP whose worker-src refuses blob: (the pool cannot start)
//   csp-blob     COOP/COEP plus a CSP that allows worker-src blob:
//
//   npm run build && node scripts/relaxed-node.mjs tools/threads-browser.mjs [--threads=4]
//
// (through relaxed-node.mjs, so that Node runs the relaxed build too and the checksums compare)
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '../tests/browser/server.mjs';
import { CHROMIUM_ARGS } from '../tests/browser/examples.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const THREADS = Number(process.argv.find((a) => a.startsWith('--threads='))?.slice(10) ?? 4);
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const SETS = {
  'coop-coep': ISOLATED,
  none: {},
  'csp-no-blob': { ...ISOLATED, 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'" },
  'csp-blob': { ...ISOLATED, 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:" },
};

if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: npm run build');
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM=)`);

// the same calls everywhere: init, then one 3x3 convolution; its checksum
const demo = `
export async function demo(lib, threads) {
  const t0 = performance.now();
  const backend = await lib.init({ threads });
  const initMs = performance.now() - t0;
  const x = { data: new Float32Array(2 * 16 * 20 * 20).map((_, i) => ((i * 7) % 11) - 5), shape: [2, 16, 20, 20] };
  const w = { data: new Float32Array(32 * 16 * 3 * 3).map((_, i) => ((i * 5) % 7) - 3), shape: [32, 16, 3, 3] };
  const y = lib.conv2d(x, w, { padding: 1 });
  let sum = 0;
  for (const v of y.data) sum += v;
  return { backend, threads: lib.threads(), initMs: Math.round(initMs), sum };
}`;
const dir = mkdtempSync(join(tmpdir(), 'simdconv-threads-page-'));
copyFileSync(join(ROOT, 'dist/index.js'), join(dir, 'index.js'));
writeFileSync(join(dir, 'demo.js'), demo);
// the pool check: a bundle of the internals, run in the page and in a worker
writeFileSync(join(dir, 'pool-entry.ts'), `
import { loadWasmShared } from ${JSON.stringify(join(ROOT, 'src/loader/load.ts'))};
import { createSharedMemory } from ${JSON.stringify(join(ROOT, 'src/loader/threads.ts'))};
import { Heap } from ${JSON.stringify(join(ROOT, 'src/backends/wasm/heap.ts'))};
import { Pool } from ${JSON.stringify(join(ROOT, 'src/backends/wasm/pool.ts'))};
import { CTL } from ${JSON.stringify(join(ROOT, 'src/backends/wasm/worker-source.ts'))};
export async function poolCheck(threads: number) {
  const mem = createSharedMemory(1);
  if (typeof mem === 'string') return { error: mem };
  const { module, exports } = await loadWasmShared('simd', mem.memory);
  const heap = new Heap(mem.memory, exports.heap_base(), mem.maxBytes);
  const pool = Pool.start({ module, memory: mem.memory, exports, heap, threads, label: 'page' });
  await pool.ready;
  const count = 8 * threads, per = 1 << 15;
  const p = heap.alloc(count * per * 4);
  const ctl = (pool as unknown as { ctl: Int32Array }).ctl;
  let bad = 0, most = 0;
  for (let round = 0; round < 20; round++) {
    const f32 = heap.f32();
    for (let i = 0; i < count * per; i++) f32[(p >>> 2) + i] = ((i * 37) % 121) - 60.25;
    const t = pool.table(count, 4);
    for (let i = 0; i < count; i++) t.set([pool.fn('run_clamp_f32'), p + i * per * 4, per, -i - 0.5, i + 0.5], i * 5);
    pool.run();
    most = Math.max(most, ctl[CTL.NEXT] - count);
    const out = heap.f32();
    for (let i = 0; i < count * per; i++) {
      const k = Math.floor(i / per);
      if (out[(p >>> 2) + i] !== Math.fround(Math.min(Math.max(Math.fround(((i * 37) % 121) - 60.25), -k - 0.5), k + 0.5))) bad++;
    }
  }
  const e = pool.table(threads, 0);
  for (let i = 0; i < threads; i++) e[i] = pool.fn('heap_base');
  for (let i = 0; i < 200; i++) pool.run();
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) pool.run();
  const hotUs = ((performance.now() - t0) / 2000) * 1000;
  pool.close();
  return { threads, wrongFloats: bad, mostThreadsInARun: most, emptyDispatchUs: Math.round(hotUs * 100) / 100 };
}`);
await build({ entryPoints: [join(dir, 'pool-entry.ts')], bundle: true, format: 'esm', platform: 'browser',
  outfile: join(dir, 'pool.js'), logLevel: 'silent' });
writeFileSync(join(dir, 'pool-worker.js'), `
import { poolCheck } from './pool.js';
onmessage = async (e) => postMessage(await poolCheck(e.data).catch((err) => ({ error: String(err) })));`);
writeFileSync(join(dir, 'worker.js'), `
import * as lib from './index.js';
import { demo } from './demo.js';
onmessage = async (e) => postMessage(await demo(lib, e.data).catch((err) => ({ error: String(err) })));`);
writeFileSync(join(dir, 'main.js'), `
import * as lib from './index.js';
import { demo } from './demo.js';
const threads = Number(new URLSearchParams(location.search).get('threads'));
const page = await demo(lib, threads).catch((err) => ({ error: String(err) }));
const w = new Worker('./worker.js', { type: 'module' });
const worker = await new Promise((r) => { w.onmessage = (e) => r(e.data); w.onerror = (e) => r({ error: e.message }); w.postMessage(threads); });
let pool, poolInWorker;
if (self.crossOriginIsolated) {
  const { poolCheck } = await import('./pool.js');
  pool = await poolCheck(threads).catch((err) => ({ error: String(err) }));
  const pw = new Worker('./pool-worker.js', { type: 'module' });
  poolInWorker = await new Promise((r) => { pw.onmessage = (e) => r(e.data); pw.onerror = (e) => r({ error: e.message }); pw.postMessage(threads); });
}
window.result = { isolated: self.crossOriginIsolated, page, worker, pool, poolInWorker };`);
writeFileSync(join(dir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');

const node = await (await import(pathToFileURL(join(dir, 'demo.js')).href)).demo(await import(pathToFileURL(join(ROOT, 'dist/index.js')).href), THREADS);
console.log(`node: ${JSON.stringify(node)}`);
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
let bad = 0;
try {
  for (const [name, headers] of Object.entries(SETS)) {
    const server = await serve(dir, { headers });
    const page = await browser.newPage();
    const console_ = [];
    page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
    await page.goto(`${server.url}?threads=${THREADS}`);
    const r = await page.waitForFunction(() => window.result, null, { timeout: 120_000 }).then((h) => h.jsonValue());
    const same = r.page.sum === node.sum && r.worker.sum === node.sum;
    if (!same) bad++;
    console.log(`\n${name}: crossOriginIsolated ${r.isolated}, sums ${same ? 'equal Node' : 'DIFFER'}`);
    console.log(`  page:   ${JSON.stringify(r.page)}`);
    console.log(`  worker: ${JSON.stringify(r.worker)}`);
    if (r.pool) {
      console.log(`  pool on the page's main thread (spins): ${JSON.stringify(r.pool)}`);
      console.log(`  pool in a Web Worker (waits):           ${JSON.stringify(r.poolInWorker)}`);
      // where the page got its threads, the pool must run right on both kinds of thread
      if (r.page.threads?.count > 1) {
        for (const q of [r.pool, r.poolInWorker]) if (q.error || q.wrongFloats !== 0 || !(q.mostThreadsInARun >= 2)) bad++;
      }
    }
    for (const l of console_) console.log(`  console ${l}`);
    await page.close();
    await server.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(bad ? 1 : 0);
