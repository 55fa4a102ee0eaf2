#!/usr/bin/env node
/**
 * What padding modes and fused activations cost: each padding mode against 'zeros' on a 3x3 and
 * a 7x7 layer, each activation against 'none' on a 3x3 layer of 64 channels and a pointwise one,
 * as prepared layers run(x, {out}) on the default backend. Every contender of a layer is timed
 * once per round, in a rotating order; the figure is the median over rounds of the per-round
 * ratio to the baseline (PERF.md's method).
 *
 *   node scripts/relaxed-node.mjs bench/costs.mjs [--rounds 9] [--ms 120] [--lib dist/index.js]
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { Rng } from './rng.cjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const ROUNDS = Number(arg('rounds', 9));
const MS = Number(arg('ms', 120));
const lib = await import(pathToFileURL(resolve(arg('lib', 'dist/index.js'))).href);
const backend = await lib.init({ threads: 1 }).catch(() => lib.init());

const rng = new Rng(7);
const rand = () => rng.uniform(-0.5, 0.5);
const filled = (n) => Float32Array.from({ length: n }, rand);
const prod = (a) => a.reduce((x, y) => x * y, 1);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

function window(fn) {
  const t = [];
  const end = performance.now() + MS;
  do {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  } while (performance.now() < end || t.length < 3);
  return median(t);
}

/** Times each contender against the first; returns [name, ratio] per contender. */
function race(xShape, wShape, contenders) {
  const x = { data: filled(prod(xShape)), shape: xShape };
  const w = { data: filled(prod(wShape)), shape: wShape };
  const layers = contenders.map(([, o]) => lib.createConv2d(w, o));
  const out = new Float32Array(prod(lib.conv2dShape(xShape, wShape, contenders[0][1])));
  const runs = layers.map((l) => () => l.run(x, { out }));
  for (const r of runs) { r(); r(); }
  const ratios = contenders.map(() => []);
  for (let k = 0; k < ROUNDS; k++) {
    const order = runs.map((_, i) => (i + k) % runs.length);
    const t = new Array(runs.length);
    for (const i of order) t[i] = window(runs[i]);
    t.forEach((v, i) => ratios[i].push(v / t[0]));
  }
  const desc = layers[0].describe()[0].kernel;
  for (const l of layers) l.dispose();
  return { desc, rows: contenders.map(([n], i) => [n, median(ratios[i])]) };
}

const PADS = ['zeros', 'reflect', 'replicate', 'circular'];
const ACTS = [['none', 'none'], ['relu', 'relu'], ['clip', { type: 'clip', min: -1, max: 1 }], ['sigmoid', 'sigmoid'],
  ['tanh', 'tanh'], ['silu', 'silu'], ['hardSigmoid', 'hardSigmoid'], ['hardSwish', 'hardSwish'], ['gelu', 'gelu'],
  ['gelu(tanh)', { type: 'gelu', approximate: 'tanh' }], ['leakyRelu', 'leakyRelu'], ['elu', 'elu'], ['prelu', 'prelu']];
const prelu = (c) => ({ type: 'prelu', alpha: Float32Array.from({ length: c }, (_, i) => 0.01 * i) });

const cases = [
  ['padding, 3x3 64->64 56x56', [1, 64, 56, 56], [64, 64, 3, 3], PADS.map((m) => [m, { padding: 1, paddingMode: m }])],
  ['padding, 7x7 s2 3->64 224x224', [1, 3, 224, 224], [64, 3, 7, 7], PADS.map((m) => [m, { padding: 3, stride: 2, paddingMode: m }])],
  ['activation, 3x3 64->64 56x56', [1, 64, 56, 56], [64, 64, 3, 3],
    ACTS.map(([n, a]) => [n, { padding: 1, activation: a === 'prelu' ? prelu(64) : a }])],
  ['activation, 3x3 128->128 28x28', [1, 128, 28, 28], [128, 128, 3, 3],
    ACTS.map(([n, a]) => [n, { padding: 1, activation: a === 'prelu' ? prelu(128) : a }])],
  ['activation, pointwise 128->128 56x56', [1, 128, 56, 56], [128, 128, 1, 1],
    ACTS.map(([n, a]) => [n, { activation: a === 'prelu' ? prelu(128) : a }])],
];

console.log(`backend ${backend}, node ${process.version}, ${ROUNDS} rounds, ${MS} ms windows; time / baseline (median of per-round ratios)`);
for (const [title, xs, ws, contenders] of cases) {
  const { desc, rows } = race(xs, ws, contenders);
  console.log(`\n${title} (${desc})`);
  console.log('| contender | time / baseline |\n|---|---:|');
  for (const [n, r] of rows) console.log(`| ${n} | ${r.toFixed(3)}x |`);
}
