#!/usr/bin/env node
// Threads against one thread on the reference layers (bench/layers.json), in one process: layers
// created after init({ threads: 1 }) run on the single-threaded instance, layers created after
// init({ threads: T }) on the threaded one (a new count loads a new instance). Every round times
// each layer once per contender (interleaved, each sample the median of a few calls), and the
// table gives the median of the per-round ratios, the kernels (describe()) and the load average.
//
//   npm run build && node scripts/relaxed-node.mjs tools/threads-bench.mjs [--threads=2] [--rounds=7]
//     [--layers=FILTER] [--layout=NCHW|NHWC] [--min-ms=30]
import os from 'node:os';
import * as lib from '../dist/index.js';
import { buildCase, createLayer, LAYERS, selectCases } from '../bench/cases.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const T = Number(opt('threads', 2));
const ROUNDS = Number(opt('rounds', 7));
const LAYOUT = opt('layout', 'NCHW');
const MIN_MS = Number(opt('min-ms', 30));
const filter = opt('layers', undefined);

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cases = (filter ? selectCases(LAYERS, filter) : LAYERS).map((s) => buildCase(s));

async function prepare(threads) {
  await lib.init({ threads });
  if (lib.threads().count !== threads) throw new Error(`threads: ${JSON.stringify(lib.threads())}`);
  return cases.map((bc) => {
    const layer = createLayer(lib, bc, LAYOUT);
    const x = bc.x[LAYOUT];
    const out = new Float32Array(bc.outShape.reduce((a, b) => a * b, 1));
    const run = () => layer.run(x, { out });
    run();
    return { layer, run, out };
  });
}

const one = await prepare(1);
const many = await prepare(T);
// calls per sample: enough for MIN_MS on one thread
const reps = one.map((c) => {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < MIN_MS || n < 3) { c.run(); n++; }
  return Math.max(3, Math.ceil(n / 3));
});
function sample(c, n) {
  const ts = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    for (let j = 0; j < n; j++) c.run();
    ts.push((performance.now() - t0) / n);
  }
  return median(ts);
}
const load0 = os.loadavg();
const ratios = cases.map(() => []);
const t1 = cases.map(() => []);
const tT = cases.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < cases.length; i++) {
    const a = sample(one[i], reps[i]);
    const b = sample(many[i], reps[i]);
    t1[i].push(a);
    tT[i].push(b);
    ratios[i].push(a / b);
  }
}
const load1 = os.loadavg();
for (let i = 0; i < cases.length; i++) {
  const a = one[i].out;
  const b = many[i].out;
  for (let j = 0; j < a.length; j++) {
    if (Object.is(a[j], b[j]) === false) throw new Error(`${cases[i].spec.name}: ${T} threads differ from one at ${j}`);
  }
}
const cpu = os.cpus()[0]?.model ?? '?';
console.log(`host: ${cpu}, ${os.availableParallelism?.() ?? os.cpus().length} logical CPUs; node ${process.version}; ` +
  `load average ${load0.map((v) => v.toFixed(2)).join(' ')} before, ${load1.map((v) => v.toFixed(2)).join(' ')} after`);
console.log(`layout ${LAYOUT}, ${ROUNDS} rounds, backend ${lib.backend?.() ?? ''}\n`);
console.log(`| layer | MMAC | 1 thread ms | ${T} threads ms | speed-up | split |`);
console.log('|---|---:|---:|---:|---:|---|');
const logs = [];
const big = [];
for (let i = 0; i < cases.length; i++) {
  const ratio = median(ratios[i]);
  logs.push(Math.log(ratio));
  if (cases[i].expectedMacs >= 50e6) big.push(Math.log(ratio));
  const d = many[i].layer.describe();
  const split = d.map((s) => (/ on (\d+) threads/.exec(s.kernel)?.[1] ?? '1')).join(' + ');
  console.log(`| ${cases[i].spec.name} | ${(cases[i].expectedMacs / 1e6).toFixed(1)} | ${median(t1[i]).toFixed(3)} | ` +
    `${median(tT[i]).toFixed(3)} | ${ratio.toFixed(2)}x | ${split} |`);
}
const geo = (l) => Math.exp(l.reduce((a, b) => a + b, 0) / l.length);
console.log(`\ngeomean ${geo(logs).toFixed(2)}x over ${logs.length} layers; ` +
  `${big.length ? geo(big).toFixed(2) : '-'}x over the ${big.length} of 100 MFLOP or more`);

