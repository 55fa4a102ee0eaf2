#!/usr/bin/env node
/**
 * The extra time of an activation on one 3x3 layer of 64 channels (56x56), per output, from
 * medians of 15 rounds of 5 runs of prepared layers that differ only in their activation.
 *
 *   node scripts/relaxed-node.mjs tools/activation-insitu.mjs [dist/index.js]
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { Rng } from '../bench/rng.cjs';

const s = await import(pathToFileURL(resolve(process.argv[2] ?? 'dist/index.js')).href);
await s.init({ threads: 1 });
const rng = new Rng(3);
const r = () => rng.uniform(-0.5, 0.5);
const x = { data: Float32Array.from({ length: 64 * 56 * 56 }, r), shape: [1, 64, 56, 56] };
const w = { data: Float32Array.from({ length: 64 * 64 * 9 }, () => r() * 0.1), shape: [64, 64, 3, 3] };
const acts = ['none', 'sigmoid', 'silu', 'gelu', 'hardSwish', 'elu'];
const layers = acts.map((a) => s.createConv2d(w, { padding: 1, activation: a }));
const out = new Float32Array(64 * 56 * 56);
for (const l of layers) for (let i = 0; i < 10; i++) l.run(x, { out });
const times = acts.map(() => []);
for (let k = 0; k < 15; k++) {
  layers.forEach((l, i) => {
    const t0 = performance.now();
    for (let j = 0; j < 5; j++) l.run(x, { out });
    times[i].push((performance.now() - t0) / 5);
  });
}
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const base = median(times[0]);
console.log(`${layers[0].describe()[0].kernel}, node ${process.version}`);
acts.forEach((a, i) => {
  const t = median(times[i]);
  console.log(`${a.padEnd(10)} ${t.toFixed(3)} ms  ${(t / base).toFixed(3)}x  ${(((t - base) / out.length) * 1e6).toFixed(2)} ns per output`);
});
for (const l of layers) l.dispose();
