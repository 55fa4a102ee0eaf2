/**
 * Kernel micro-benchmarks that call the wasm kernels directly: for every entry of the kernel list
 * (list.cjs, the list the kernel tests walk) whose build this runtime runs, the family's
 * benchmarks (gemm.bench.mjs, dwconv.bench.mjs, transposed.bench.mjs) place their operands in the
 * build's memory once (packed weights, indirection buffers, inputs), then the export alone is
 * timed (bench/harness.mjs). Two tiles of a family run the same shapes, so they compare directly.
 * A maintainer tool: it loads build/<flavor>.wasm of a repository checkout (npm run build:wasm).
 *
 *   node scripts/relaxed-node.mjs bench/kernels/run.mjs [--kernels a,b] [--shapes a,b] [--flavors simd,...] [--quick|--smoke] [--json file]
 *
 * --kernels keeps the entries whose family or name contains a term, --shapes the benchmarks whose
 * shape name contains one; --quick times briefly, --smoke calls each benchmark once (no timing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BUDGETS, measure } from '../harness.mjs';
import { mulberry32 } from '../rng.cjs';
import { kernelBenchmarks as gemm } from './gemm.bench.mjs';
import { kernelBenchmarks as dwconv } from './dwconv.bench.mjs';
import { kernelBenchmarks as transposed } from './transposed.bench.mjs';

const require = createRequire(import.meta.url);
const list = require('./list.cjs');

/** The benchmarks of each family: family -> (entry, list) -> [{ shape, flop, setup(mem) -> run }]. */
export const BENCHMARKS = { ...gemm, ...dwconv, ...transposed };

const FLAVORS = ['relaxed', 'simd', 'scalar'];

/** The builds this runtime compiles (relaxed SIMD needs the flag on Node 20/21). */
export function runnableFlavors() {
  return FLAVORS.filter((f) => {
    try {
      new WebAssembly.Module(readFileSync(fileURLToPath(new URL(`../../build/${f}.wasm`, import.meta.url))));
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * An instance of a build and a bump allocator over its memory: every block 16-byte aligned with
 * the 16 bytes the kernels may read past a buffer; reset() frees them all.
 */
export async function instance(flavor) {
  const bytes = readFileSync(fileURLToPath(new URL(`../../build/${flavor}.wasm`, import.meta.url)));
  const { instance: inst } = await WebAssembly.instantiate(bytes, {
    env: { abort: () => { throw new Error(`${flavor}.wasm aborted`); } },
  });
  const ex = inst.exports;
  const memory = ex.memory;
  const base = (ex.heap_base() + 15) & ~15;
  let top = base;
  const random = mulberry32(1);
  const mem = {
    ex,
    flavor,
    /** a block of `floats` floats filled with `fill`; its byte address */
    alloc(floats, fill = 0) {
      const p = top;
      top = (p + floats * 4 + 16 + 15) & ~15;
      const need = top - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
      new Float32Array(memory.buffer, p, floats + 4).fill(fill);
      return p;
    },
    /** a block holding `a` (Float32Array or Uint32Array) */
    put(a) {
      const p = mem.alloc(a.length);
      (a instanceof Uint32Array ? new Uint32Array(memory.buffer, p, a.length) : new Float32Array(memory.buffer, p, a.length)).set(a);
      return p;
    },
    /** `n` values uniform in [-1, 1) */
    random(n) {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = random() * 2 - 1;
      return a;
    },
    reset() {
      top = base;
    },
  };
  return mem;
}

function parse(argv) {
  const o = { kernels: [], shapes: [], flavors: null, budget: BUDGETS.short, smoke: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const terms = () => argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
    if (a === '--kernels') o.kernels = terms();
    else if (a === '--shapes') o.shapes = terms();
    else if (a === '--flavors') o.flavors = terms();
    else if (a === '--quick') o.budget = BUDGETS.quick;
    else if (a === '--smoke') o.smoke = true;
    else if (a === '--json') o.json = argv[++i];
    else throw new Error(`kernels bench: unknown option ${a}`);
  }
  return o;
}

/** Runs the selected benchmarks; returns one row per (entry, shape). */
export async function runKernelBenchmarks(o) {
  const flavors = runnableFlavors().filter((f) => !o.flavors || o.flavors.includes(f));
  const rows = [];
  for (const flavor of flavors) {
    const mem = await instance(flavor);
    for (const [family, entries] of Object.entries(list.KERNELS)) {
      const make = BENCHMARKS[family];
      if (!make) throw new Error(`kernels bench: no benchmarks for family ${family}`);
      for (const entry of entries) {
        if (entry.flavor !== flavor) continue;
        if (o.kernels.length && !o.kernels.some((t) => entry.family.includes(t) || entry.name.includes(t))) continue;
        for (const b of make(entry, list)) {
          if (o.shapes.length && !o.shapes.some((t) => b.shape.includes(t))) continue;
          mem.reset();
          const run = b.setup(mem);
          run();
          const row = { family, kernel: entry.name, flavor, shape: b.shape, mflop: b.flop / 1e6 };
          if (!o.smoke) {
            const t = await measure(run, o.budget);
            row.medianMs = t.medianMs;
            row.gflops = b.flop / (t.medianMs * 1e6);
          }
          rows.push(row);
          if (!o.smoke) console.error(`${family} ${entry.name} ${b.shape}: ${row.gflops.toFixed(2)} GFLOP/s`);
        }
      }
    }
  }
  return rows;
}

function table(rows) {
  const head = ['family', 'kernel', 'shape', 'MFLOP', 'median us', 'GFLOP/s'];
  const body = rows.map((r) => [r.family, r.kernel, r.shape, r.mflop.toFixed(2),
    r.medianMs === undefined ? '-' : (r.medianMs * 1e3).toFixed(1), r.gflops === undefined ? '-' : r.gflops.toFixed(2)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 3 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const o = parse(process.argv.slice(2));
  const rows = await runKernelBenchmarks(o);
  console.log(table(rows));
  if (o.json) writeFileSync(o.json, JSON.stringify({ node: process.version, rows }, null, 2));
}
