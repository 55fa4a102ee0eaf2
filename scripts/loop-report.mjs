#!/usr/bin/env node
/**
 * What V8 makes of the kernels' hot loops: for every innermost loop of the machine code TurboFan
 * generates for a wasm build (x64), its instructions, bytes, floating-point vector instructions,
 * stack accesses (a spill or a reload of one) and the jumps that cross or end on a 32-byte
 * boundary.
 *
 *   npm run build && node scripts/loop-report.mjs [relaxed|simd] [--all]
 *
 * Why the 32-byte boundaries: on Skylake-derived Intel cores (Skylake to Cascade Lake, which the
 * development machines are) the microcode fix for the "JCC erratum" keeps every 32-byte block that
 * holds such a jump (or a compare fused with it) out of the decoded-uop cache, so a loop with one
 * runs partly from the legacy decoders. Measured on the 2x16 igemm loop (2026-11-29, Node 20.20,
 * relaxed, interleaved A/B): the same four-channel loop ran 10% slower than the one-channel loop
 * when two of its jumps crossed a boundary and 10-22% faster when none did.
 *
 * How: a child `node --print-wasm-code --no-liftoff --no-wasm-lazy-compilation` instantiates
 * build/<target>.wasm (every function compiled by TurboFan at once); its listing is split per
 * function, and a loop is the range of a backward jump that holds no other backward jump's range.
 * Function names come from the order of the functions in build/<target>.wat. Loops with fewer
 * than 4 vector FP instructions are left out unless --all is given.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--child') {
  // Instantiating compiles every function (lazy compilation is off); then wait for the listing.
  const bytes = readFileSync(join(root, 'build', `${args[1]}.wasm`));
  await WebAssembly.instantiate(bytes, { env: { abort() { throw new Error('abort'); } } });
  await new Promise((r) => setTimeout(r, 300));
  process.exit(0);
}

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

const child = spawnSync(process.execPath, [
  '--experimental-wasm-relaxed-simd', '--no-liftoff', '--no-wasm-lazy-compilation', '--print-wasm-code',
  fileURLToPath(import.meta.url), '--child', target,
], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (child.status !== 0) {
  console.error(`loop-report: the child failed (${child.status}):\n${child.stderr}`);
  process.exit(1);
}

const names = [...readFileSync(join(root, 'build', `${target}.wat`), 'utf8').matchAll(/^ \(func \$(\S+)/gm)]
  .map((m) => m[1].split('/').pop());

const FP = /^v(fn?madd\d*|mul|add|sub|min|max)[sp]s/;
const FUSES = /^(REX\.W )?(cmp|test|add|sub|and|inc|dec)/;
const rows = [];
for (const block of child.stdout.split('--- WebAssembly code ---').slice(1)) {
  const index = Number(/^index: (\d+)/m.exec(block)?.[1]);
  // "0x<address>  <offset>  <bytes>  <instruction>"
  const ins = [];
  for (const line of block.split('\n')) {
    const m = /^(0x[0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+(.*)$/.exec(line);
    if (m) ins.push({ at: Number.parseInt(m[1], 16), len: m[2].length / 2, text: m[3].trim() });
  }
  const loops = [];
  for (const x of ins) {
    const m = /^j\w+ (0x[0-9a-f]+)/.exec(x.text);
    if (m && Number.parseInt(m[1], 16) < x.at) loops.push([Number.parseInt(m[1], 16), x.at]);
  }
  const nests = (l, o) => l[0] <= o[0] && o[1] <= l[1] && (o[0] !== l[0] || o[1] !== l[1]);
  const inner = new Map(loops.filter((l) => !loops.some((o) => nests(l, o))).map((l) => [`${l[0]}:${l[1]}`, l]));
  // TurboFan aligns loop headers (x64: to 64 bytes, with nops before them); a backward jump to an
  // unaligned address enters the middle of a loop (V8's block order), not a loop of its own
  for (const [from, to] of inner.values()) {
    if (from % 32 !== 0) continue;
    const body = ins.filter((x) => x.at >= from && x.at <= to);
    const fp = body.filter((x) => FP.test(x.text)).length;
    if (fp < 4 && !all) continue;
    const crossing = [];
    body.forEach((x, i) => {
      if (!x.text.startsWith('j')) return;
      const start = i > 0 && FUSES.test(body[i - 1].text) ? body[i - 1].at : x.at;
      const end = x.at + x.len;
      if (Math.floor(start / 32) !== Math.floor((end - 1) / 32) || end % 32 === 0) crossing.push(x.text.split(' ')[0]);
    });
    rows.push({
      fn: names[index] ?? `wasm-function[${index}]`,
      at: `+0x${(from & 0xffff).toString(16)}`,
      instr: body.length,
      bytes: body.reduce((s, x) => s + x.len, 0),
      fp,
      stack: body.filter((x) => /\[rbp[-+]/.test(x.text)).length,
      crossing: crossing.join(' ') || '-',
    });
  }
}
rows.sort((a, b) => a.fn.localeCompare(b.fn) || a.at.localeCompare(b.at));
console.log(`${target}.wasm, Node ${process.version}, x64: innermost loops${all ? '' : ' with 4+ vector FP instructions'}`);
console.log('function                                   at        instr  bytes  fp  stack  jumps crossing/ending on 32 B');
for (const r of rows) {
  console.log(`${r.fn.padEnd(42)} ${r.at.padEnd(9)} ${String(r.instr).padStart(5)} ${String(r.bytes).padStart(6)} ${String(r.fp).padStart(3)} ${String(r.stack).padStart(6)}  ${r.crossing}`);
}
