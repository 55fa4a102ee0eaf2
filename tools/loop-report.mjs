#!/usr/bin/env node
/**
 * What V8 makes of the kernels' hot loops: for every innermost loop of the machine code TurboFan
 * generates for a wasm build (x64), its instructions, bytes, floating-point vector instructions,
 * stack accesses (a spill or a reload of one) and the jumps that cross or end on a 32-byte
 * boundary (tools/wasm-loops.mjs says how and why).
 *
 *   npm run build && node tools/loop-report.mjs [relaxed|simd] [--all]
 *
 * The 32-byte boundaries matter: measured on the 2x16 igemm loop (2026-11-29, Node 20.20, relaxed,
 * interleaved A/B), the same four-channel loop ran 10% slower than the one-channel loop when two
 * of its jumps crossed a boundary and 10-22% faster when none did. Function names come from the
 * order of the functions in build/<target>.wat. Loops with fewer than 4 vector FP instructions are
 * left out unless --all is given.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmLoops, watNames } from './wasm-loops.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const target = args.find((a) => !a.startsWith('--')) ?? 'relaxed';
const all = args.includes('--all');
if (!['relaxed', 'simd', 'scalar'].includes(target)) {
  console.error(`loop-report: target '${target}' is none of relaxed, simd, scalar`);
  process.exit(2);
}
if (process.arch !== 'x64') {
  console.error(`loop-report: reads x64 listings; this is ${process.arch}`);
  process.exit(2);
}

let rows;
try {
  rows = wasmLoops(join(root, 'build', `${target}.wasm`), watNames(readFileSync(join(root, 'build', `${target}.wat`), 'utf8')), { all });
} catch (e) {
  console.error(`loop-report: ${e.message}`);
  process.exit(1);
}
console.log(`${target}.wasm, Node ${process.version}, x64: innermost loops${all ? '' : ' with 4+ vector FP instructions'}`);
console.log('function                                   at        instr  bytes  fp  stack  jumps crossing/ending on 32 B');
for (const r of rows) {
  console.log(`${r.fn.padEnd(42)} ${r.at.padEnd(9)} ${String(r.instr).padStart(5)} ${String(r.bytes).padStart(6)} ${String(r.fp).padStart(3)} ${String(r.stack).padStart(6)}  ${r.crossing}`);
}
