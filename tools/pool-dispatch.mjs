#!/usr/bin/env node
// What one pool.run() costs on its own (src/backends/wasm/pool.ts): tasks that call an empty
// export (heap_base), so the time is the dispatch, not the work. Per thread count, the median
// microseconds per run of
//   - hot:  runs back to back (workers still polling GEN),
//   - gap:  runs 50 us of the caller's own work apart (what a chain of small kernels sees),
//   - cold: one run after a 5 ms pause (workers asleep in Atomics.wait: the wake-up counts),
// with as many tasks as threads and with 64 tasks. Threads 1 is the pool of one of the
// single-threaded builds (every task called on the calling thread, no atomics).
//
// Then what a call's copies cost on each build: Float32Array.set of a JS array into wasm memory
// and out of it, on a plain memory (the single-threaded builds) and on a shared one (the threaded
// builds: V8 copies to and from a SharedArrayBuffer with relaxed atomic word moves, not memcpy).
//
//   node tools/pool-dispatch.mjs [--threads=1,2,3,4] [--runs=2000] [--spin=N (worker polls before sleeping)]
//     [--copies=KiB,KiB,...]
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const THREADS = (argv.find((a) => a.startsWith('--threads='))?.slice(10) ?? '1,2,3,4').split(',').map(Number);
const RUNS = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 2000);
const SPIN = argv.find((a) => a.startsWith('--spin='))?.slice(7);
const COPIES = (argv.find((a) => a.startsWith('--copies='))?.slice(9) ?? '64,392,1568,6272').split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'simdconv-pool-'));
const entry = join(dir, 'entry.ts');
writeFileSync(entry, `
export { loadWasm, loadWasmShared } from ${JSON.stringify(join(ROOT, 'src/loader/load.ts'))};
export { createSharedMemory } from ${JSON.stringify(join(ROOT, 'src/loader/threads.ts'))};
export { Heap } from ${JSON.stringify(join(ROOT, 'src/backends/wasm/heap.ts'))};
export { Pool } from ${JSON.stringify(join(ROOT, 'src/backends/wasm/pool.ts'))};
`);
const out = join(dir, 'pool.mjs');
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'silent' });
const m = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function makePool(threads) {
  if (threads === 1) return { pool: m.Pool.inline(await m.loadWasm('simd')), close() {} };
  const mem = m.createSharedMemory(1);
  const { module, exports } = await m.loadWasmShared('simd', mem.memory);
  const heap = new m.Heap(mem.memory, exports.heap_base(), mem.maxBytes);
  const pool = m.Pool.start({ module, memory: mem.memory, exports, heap, threads, label: 'bench',
    spin: SPIN === undefined ? undefined : Number(SPIN) });
  await pool.ready;
  return { pool, close: () => pool.close() };
}

function fill(pool, count) {
  const id = pool.fn('heap_base');
  const t = pool.table(count, 0);
  for (let i = 0; i < count; i++) t[i] = id;
}

console.log(`pool.run() of empty tasks (heap_base), Node ${process.version}, median us per run`);
console.log(['threads', 'tasks', 'hot us', 'gap us', 'cold us'].map((s, i) => (i ? s.padStart(10) : s.padEnd(8))).join(''));
for (const threads of THREADS) {
  const { pool, close } = await makePool(threads);
  for (const count of [threads, 64]) {
    fill(pool, count);
    for (let i = 0; i < 200; i++) pool.run(count); // warm-up
    const hot = [];
    for (let b = 0; b < RUNS / 100; b++) {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) pool.run(count);
      hot.push(((performance.now() - t0) / 100) * 1000);
    }
    const gap = [];
    for (let i = 0; i < 400; i++) {
      const until = performance.now() + 0.05;
      while (performance.now() < until);
      const t0 = performance.now();
      pool.run(count);
      gap.push((performance.now() - t0) * 1000);
    }
    const cold = [];
    for (let i = 0; i < 60; i++) {
      await sleep(5);
      const t0 = performance.now();
      pool.run(count);
      cold.push((performance.now() - t0) * 1000);
    }
    console.log([String(threads).padEnd(8), String(count).padStart(10), median(hot).toFixed(2).padStart(10),
      median(gap).toFixed(2).padStart(10), median(cold).toFixed(1).padStart(10)].join(''));
  }
  close();
}

console.log('\nFloat32Array.set into and out of wasm memory (at byte 1024), median us per copy');
console.log(['KiB', 'in plain', 'in shared', 'out plain', 'out shared', 'shared/plain'].map((h, i) => (i ? h.padStart(14) : h.padEnd(8))).join(''));
for (const kib of COPIES) {
  const floats = (kib * 1024) / 4;
  const pages = Math.ceil((floats * 4 + 2048) / 65536) + 1;
  const plain = new Float32Array(new WebAssembly.Memory({ initial: pages }).buffer);
  const shared = new Float32Array(new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer);
  const src = new Float32Array(floats).map((_, i) => i % 7);
  const dst = new Float32Array(floats);
  const reps = Math.max(5, Math.ceil(2e5 / floats));
  const time = (f) => {
    const ts = [];
    for (let r = 0; r < 41; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      ts.push(((performance.now() - t0) / reps) * 1000);
    }
    return median(ts);
  };
  const cases = [() => plain.set(src, 256), () => shared.set(src, 256), () => dst.set(plain.subarray(256, 256 + floats)),
    () => dst.set(shared.subarray(256, 256 + floats))];
  // interleaved rounds: the median of each, then the ratio of in + out
  const t = [[], [], [], []];
  for (let r = 0; r < 5; r++) cases.forEach((f, i) => t[i].push(time(f)));
  const m = t.map(median);
  console.log([String(kib).padEnd(8), ...m.map((v) => v.toFixed(1).padStart(14)), `${((m[1] + m[3]) / (m[0] + m[2])).toFixed(2)}x`.padStart(14)].join(''));
}
