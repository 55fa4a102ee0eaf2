#!/usr/bin/env node
/**
 * What a prepared pointwise layer adds to its kernel: the NCHW pointwise kernel
 * (run_pointwise_nchw_f32 of build/relaxed.wasm, its operands already in wasm memory) and the
 * prepared layer on the same shape (`createConv2d(...).run(x, { out })`: copies in and out,
 * the kernel, the panel packing), timed in alternating windows, each right after the relaxed
 * ceiling loop of bench/ceiling.mjs; medians of the per-window share of that ceiling.
 *
 *   npm run build && npm run overhead [-- [--windows] cin,cout,h,w ...]
 *
 * --windows also prints every window: the kernel's and the layer's GFLOP/s over the ceiling
 * sampled right before each, which shows how far the same call moves within a minute here.
 *
 * Why: the bench's "% ceil" of a layer mixes what the kernel reaches on this machine at that
 * minute with what the layer adds around it; the share of the ceiling that the same kernel reaches
 * changes by more than the layer adds (the host is shared), so both are measured in the same minutes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternateWindows, ceilingSampler, unsupportedWhy } from '../bench/ceiling.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 21;
const args = process.argv.slice(2);
const perWindow = args.includes('--windows');
const given = args.filter((a) => a !== '--windows');
const shapes = given.length > 0 ? given : ['128,128,56,56', '32,64,112,112', '256,256,28,28'];

const ceiling = ceilingSampler('wasm-relaxed');
if (!ceiling) {
  console.error(`layer-overhead: ${unsupportedWhy('wasm-relaxed')}`);
  process.exit(1);
}
for (let i = 0; i < 5; i++) ceiling();

const sc = await import(join(root, 'dist', 'index.js'));
await sc.init({ backend: 'wasm-relaxed' });
const env = { abort() { throw new Error('abort'); } };
const lib = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(root, 'build', 'relaxed.wasm'))), { env }).exports;
lib.memory.grow(600);
const base = (lib.heap_base() + 4095) & ~4095;
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const random = (n) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);

console.log(`layer-overhead: Node ${process.version}, relaxed, ${ROUNDS} alternating windows per shape`);
console.log('cin,cout,h,w        kernel ms  % ceil    layer ms  % ceil   layer/kernel  ceiling GFLOP/s');
for (const s of shapes) {
  const [cin, cout, h, w] = s.split(',').map(Number);
  const P = h * w;
  const x = base;
  const wt = x + cin * P * 4 + 4096;
  const b = wt + cin * cout * 4 + 4096;
  const y = b + cout * 4 + 4096;
  new Float32Array(lib.memory.buffer, base, (y - base) / 4 + cout * P).forEach((_, i, a) => { a[i] = ((i * 7) % 13) * 0.01; });
  const layer = sc.createConv2d({ data: random(cout * cin), shape: [cout, cin, 1, 1] }, { bias: random(cout), backend: 'wasm-relaxed' });
  const input = { data: random(cin * P), shape: [1, cin, h, w] };
  const out = layer.run(input).data;
  const runs = [
    () => lib.run_pointwise_nchw_f32(x, wt, b, y, 1, cin, cout, P, -Infinity, Infinity),
    () => layer.run(input, { out }),
  ];
  for (const r of runs) for (let i = 0; i < 5; i++) r();
  const flop = 2 * cin * cout * P;
  const windows = alternateWindows(runs, ROUNDS, ceiling);
  const ms = windows.map((w) => w.ms);
  const share = windows.map((w) => w.ms.map((t, k) => flop / t / 1e6 / w.ceilings[k]));
  const ceils = windows.flatMap((w) => w.ceilings);
  layer.dispose();
  const pc = (i) => `${(100 * median(share[i])).toFixed(0)}%`.padStart(6);
  console.log(`${s.padEnd(18)} ${median(ms[0]).toFixed(3).padStart(9)}  ${pc(0)}   ${median(ms[1]).toFixed(3).padStart(9)}  ${pc(1)}   ${(median(ms[1]) / median(ms[0])).toFixed(2).padStart(11)}x  ${median(ceils).toFixed(1).padStart(14)}`);
  if (perWindow) {
    // kernel GF/s / ceiling, layer GF/s / ceiling: one entry per round
    const gf = (i, k) => `${(flop / windows[i].ms[k] / 1e6).toFixed(1)}/${windows[i].ceilings[k].toFixed(1)}`;
    console.log(`  windows (kernel GF/s / ceiling, layer GF/s / ceiling): ${windows[0].ms.map((_, k) => `${gf(0, k)} ${gf(1, k)}`).join(', ')}`);
  }
}
