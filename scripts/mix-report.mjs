#!/usr/bin/env node
/**
 * What a gemm tile's other instructions cost the FMA units on this machine: loops that run the
 * multiply-adds of igemm's 2x16 tile (8 independent relaxed_madd chains, or 12 as the ceiling
 * loop) on operands held in registers, then the same loops with the tile's loads or a few
 * integer operations added per trip, each timed against the ceiling loop of bench/ceiling.mjs in
 * alternating rounds. The last row is the library's NCHW pointwise kernel itself
 * (run_pointwise_nchw_f32 of build/relaxed.wasm) on data that stays in L1/L2.
 *
 *   npm run build && node --experimental-wasm-relaxed-simd scripts/mix-report.mjs [rounds]
 *
 * Why: a layer's share of the ceiling (the bench's "% ceil") falls well short of what counting
 * instructions predicts (about 4.3 cycles per 8 FMAs for the 2x16 loop, 4 at the ceiling). These
 * loops measure where it goes without hardware counters (this VM exposes none): the chains, the
 * registers and the FMA count stay fixed and one kind of instruction is added at a time.
 *
 * The loops are AssemblyScript compiled here with asc (a devDependency: run from the repository).
 * Loads read through a pointer advanced by a runtime step of 0 bytes (one add per trip, as a
 * kernel's pointer bump; the address stays in L1, and V8 cannot hoist the load out of the loop).
 * Each row also gives its loop's machine code as scripts/wasm-loops.mjs reads it (x64): the
 * instructions per trip, stack accesses (spills) and jumps crossing a 32-byte boundary, which
 * cost a loop its decoded-uop cache on this CPU and so must be read beside its figure.
 */
import asc from 'assemblyscript/asc';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternateWindows, ceilingSampler, unsupportedWhy } from '../bench/ceiling.mjs';
import { wasmLoops, watNames } from './wasm-loops.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.argv[2] ?? 21);
const TRIPS = 100000;

/**
 * One loop: `acc` chains c_k = relaxed_madd(a, b, c_k) plus `extra` (AssemblyScript statements
 * run once per trip). 8 chains take the tile's operands, a_0, a_1 x b_0..b_3 (8 + 6 = 14 xmm
 * registers); 12 chains take a_0 x b_0, b_1 (12 + 3 = 15, V8's limit; more operands spill).
 * Returns a value that depends on every chain (and on the integer work) so nothing is dead.
 */
function loop(name, acc, extra) {
  const cs = Array.from({ length: acc }, (_, k) => `c${k}`);
  const operands = (k) => (acc === 8 ? `va${k >> 2}, vb${k & 3}` : `va0, vb${k & 1}`);
  const fmas = cs.map((c, k) => `    ${c} = f32x4.relaxed_madd(${operands(k)}, ${c});`).join('\n');
  const sum = cs.reduce((e, c) => (e ? `f32x4.add(${e}, ${c})` : c), '');
  return `
export function ${name}(n: i32, base: usize, step: usize): f32 {
  ${cs.map((c, k) => `let ${c} = f32x4.splat(${k}.0);`).join(' ')}
  let va0 = v128.load32_splat(base), va1 = v128.load32_splat(base, 4);
  let vb0 = v128.load(base, 64), vb1 = v128.load(base, 80), vb2 = v128.load(base, 96), vb3 = v128.load(base, 112);
  let p = base;
  let s: usize = 0, t: usize = 1;
  let i = 0;
  do {
${extra}
${fmas}
    i++;
  } while (i < n);
  return f32x4.extract_lane(${sum}, 0) + <f32>(s + t) + <f32>p;
}`;
}

const LOOPS = [
  { name: 'fma8', fma: 8, what: '8 chains, operands in registers (the tile\'s 8 FMAs alone)', extra: '' },
  { name: 'fma8_load1', fma: 8, what: '+ 1 broadcast load and 1 pointer add', extra: '    va0 = v128.load32_splat(p); p += step;' },
  { name: 'fma8_load4', fma: 8, what: '+ 4 vector loads and 1 pointer add', extra: '    vb0 = v128.load(p, 64); vb1 = v128.load(p, 80); vb2 = v128.load(p, 96); vb3 = v128.load(p, 112); p += step;' },
  { name: 'fma8_load6', fma: 8, what: '+ the tile\'s 6 loads (2 broadcasts, 4 vectors), 1 pointer add', extra: '    va0 = v128.load32_splat(p); va1 = v128.load32_splat(p, 4);\n    vb0 = v128.load(p, 64); vb1 = v128.load(p, 80); vb2 = v128.load(p, 96); vb3 = v128.load(p, 112); p += step;' },
  { name: 'fma12', fma: 12, what: '12 chains, operands in registers', extra: '' },
  { name: 'fma12_int3', fma: 12, what: '+ 3 integer operations (add, xor, add)', extra: '    s += <usize>i; s ^= step; t += s;' },
  { name: 'fma12_load1', fma: 12, what: '+ 1 broadcast load and 1 pointer add', extra: '    va0 = v128.load32_splat(p); p += step;' },
];

const source = LOOPS.map((l) => loop(l.name, l.fma, l.extra)).join('\n') + '\nexport function heap(): usize { return __heap_base; }\n';
const compiled = await asc.compileString(source, {
  optimizeLevel: 3, runtime: 'stub', noAssert: true, enable: ['simd', 'relaxed-simd'], textFile: 'mix.wat',
});
if (compiled.error) {
  console.error(compiled.stderr.toString());
  process.exit(1);
}
const binary = compiled.binary;

/** The innermost loops of a module's functions, as V8 compiled them (x64 only; else none). */
const loopsOf = (wasmFile, wat) => (process.arch === 'x64' ? wasmLoops(wasmFile, watNames(wat)) : []);
const tmp = mkdtempSync(join(tmpdir(), 'mix-'));
writeFileSync(join(tmp, 'mix.wasm'), binary);
const code = loopsOf(join(tmp, 'mix.wasm'), compiled['mix.wat']);
rmSync(tmp, { recursive: true });
const libCode = loopsOf(join(root, 'build', 'relaxed.wasm'), readFileSync(join(root, 'build', 'relaxed.wat'), 'utf8'));

const ceiling = ceilingSampler('wasm-relaxed');
if (!ceiling) {
  console.error(`mix-report: ${unsupportedWhy('wasm-relaxed')}`);
  process.exit(1);
}

const env = { abort() { throw new Error('abort'); } };
const mix = new WebAssembly.Instance(new WebAssembly.Module(binary), { env }).exports;
mix.memory.grow(1);
const mbase = (mix.heap() + 4095) & ~4095;
new Float32Array(mix.memory.buffer, mbase, 64).fill(1e-3);

// The library's NCHW pointwise kernel: 128 -> 128 channels, 256 pixels (128 KB in, 128 KB out, 64 KB weights).
const lib = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(root, 'build', 'relaxed.wasm'))), { env }).exports;
const PW = { cin: 128, cout: 128, P: 256 };
lib.memory.grow(8);
const lbase = (lib.heap_base() + 4095) & ~4095;
const x = lbase;
const w = x + PW.cin * PW.P * 4;
const b = w + PW.cin * PW.cout * 4;
const y = b + PW.cout * 4;
new Float32Array(lib.memory.buffer, lbase, (y - lbase) / 4 + PW.cout * PW.P).forEach((_, i, a) => { a[i] = ((i * 7) % 13) * 0.01; });

const rows = [
  ...LOOPS.map((l) => ({ label: l.name, what: l.what, code: code.find((r) => r.fn === l.name), flop: 8 * l.fma * TRIPS, run: () => mix[l.name](TRIPS, mbase, 0) })),
  {
    label: 'pointwise kernel', code: libCode.find((r) => r.fn === 'pointwiseNchw' && r.fp >= 64), what: `run_pointwise_nchw_f32, ${PW.cin}->${PW.cout} channels x ${PW.P} pixels`,
    flop: 2 * PW.cin * PW.cout * PW.P * 8,
    run: () => { for (let r = 0; r < 8; r++) lib.run_pointwise_nchw_f32(x, w, b, y, 1, PW.cin, PW.cout, PW.P, -Infinity, Infinity); },
  },
];

// V8 compiles wasm lazily and tiers up in the background: run everything until it is optimized.
for (let i = 0; i < 30; i++) for (const r of rows) r.run();
for (let i = 0; i < 5; i++) ceiling();

const windows = alternateWindows(rows.map((r) => r.run), ROUNDS, ceiling);
const ceils = windows.flatMap((w) => w.ceilings);
const gflops = rows.map((r, i) => windows[i].ms.map((ms) => r.flop / ms / 1e6));
const shares = rows.map((_, i) => gflops[i].map((g, k) => g / windows[i].ceilings[k]));
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`mix-report: Node ${process.version}, ${ROUNDS} rounds; ceiling (relaxed_madd, 12 chains) median ${median(ceils).toFixed(1)} GFLOP/s`);
console.log('loop                GFLOP/s  % ceil  x64 loop: instr  fma  spill  32B-crossing  | per trip');
rows.forEach((r, i) => {
  const c = r.code;
  const asm = c ? `${String(c.instr).padStart(15)} ${String(c.fp).padStart(4)} ${String(c.stack).padStart(6)}  ${c.crossing.padEnd(12)}` : ''.padEnd(42);
  console.log(`${r.label.padEnd(18)} ${median(gflops[i]).toFixed(1).padStart(8)}  ${`${(100 * median(shares[i])).toFixed(0)}%`.padStart(6)}  ${asm}  | ${r.what}`);
});
console.log('% ceil: median over the rounds of GFLOP/s / the ceiling measured right before. x64 loop: the first');
console.log('innermost loop V8 made of it (V8 may unroll a short loop: fma = the vfmadd instructions of one trip).');
