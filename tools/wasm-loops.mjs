/**
 * The innermost loops of the x64 machine code TurboFan generates for a wasm module: per loop its
 * instructions, bytes, floating-point vector instructions, stack accesses (a spill or a reload of
 * one) and the jumps that cross or end on a 32-byte boundary. Used by loop-report.mjs (`npm run
 * loops`, the library's builds).
 *
 * Why the 32-byte boundaries: on Skylake-derived Intel cores (Skylake to Cascade Lake, which the
 * development machines are) the microcode fix for the "JCC erratum" keeps every 32-byte block that
 * holds such a jump (or a compare fused with it) out of the decoded-uop cache, so a loop with one
 * runs partly from the legacy decoders.
 *
 * How: a child `node --print-wasm-code --no-liftoff --no-wasm-lazy-compilation` (this file with
 * --child) instantiates the module (every function compiled by TurboFan at once); its listing is
 * split per function, and a loop is the range of a backward jump that holds no other backward
 * jump's range. x64 only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaxedFlags } from '../bin/relaxed-simd.mjs';

// the child: this file run as the main script (not imported) with --child
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  // Instantiating compiles every function (lazy compilation is off); then wait for the listing.
  await WebAssembly.instantiate(readFileSync(process.argv[3]), { env: { abort() { throw new Error('abort'); } } });
  await new Promise((r) => setTimeout(r, 300));
  process.exit(0);
}

const FP = /^v(fn?madd\d*|mul|add|sub|min|max)[sp]s/;
const FUSES = /^(REX\.W )?(cmp|test|add|sub|and|inc|dec)/;

/**
 * @param {string} wasmFile  path of the module
 * @param {string[]} names   function names in index order (from the module's .wat)
 * @param {{ all?: boolean }} [o]  all: keep loops with fewer than 4 vector FP instructions
 * @returns {{ fn, at, instr, bytes, fp, stack, crossing }[]} sorted by function and offset
 */
export function wasmLoops(wasmFile, names, { all = false } = {}) {
  const child = spawnSync(process.execPath, [
    ...relaxedFlags(), '--no-liftoff', '--no-wasm-lazy-compilation', '--print-wasm-code',
    fileURLToPath(import.meta.url), '--child', wasmFile,
  ], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.status !== 0) throw new Error(`the child node failed (${child.status}):\n${child.stderr}`);
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
  return rows.sort((a, b) => a.fn.localeCompare(b.fn) || a.at.localeCompare(b.at));
}

/** Function names of a module in index order, from its .wat text (AssemblyScript's `(func $name`). */
export function watNames(wat) {
  return [...wat.matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1].split('/').pop());
}
