#!/usr/bin/env node
/**
 * How the split cuts each stage of the reference layers of 100 MFLOP or more at a given pool size
 * (issue 20: at least 5 tasks per thread at 16 threads): the task tables the pool runs for one
 * call, counted by wrapping Pool.prototype.run in a build of src/ made on the fly. The pool really
 * runs them (on however many cores there are); that they give the bits of one thread is
 * tests/src/threads-bits.test.ts's. tests/src/backends/wasm/split-conv.test.ts checks the counts.
 *
 *   node scripts/relaxed-node.mjs tools/split-counts.mjs [--threads 16] [--min-mflop 100]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { importTs } from '../tests/helpers/import-ts.mjs';
import { buildCase, createLayer } from '../bench/cases.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const THREADS = arg('threads', 16);
const MIN_MFLOP = arg('min-mflop', 100);
// the splits plan for the threads that have a core (Pool.width): count as on a machine of THREADS cores
os.availableParallelism = () => THREADS;
const { lib, Pool } = await importTs(`
  export * as lib from './src/index.ts';
  export { Pool } from './src/backends/wasm/pool.ts';
`);
const runs = [];
const run = Pool.prototype.run;
Pool.prototype.run = function (count = this.rows, perThread, input) {
  runs.push(count);
  return run.call(this, count, perThread, input);
};
const layers = JSON.parse(readFileSync(new URL('../bench/layers.json', import.meta.url), 'utf8')).layers;
await lib.init({ threads: THREADS });
console.log(`pool of ${lib.threads().count} threads (${lib.threads().reason || 'as asked'}); tasks of one call, per split table`);
console.log('layer'.padEnd(18), 'MFLOP'.padStart(7), '  tables (tasks each)', '  fewest tasks per thread');
for (const spec of layers) {
  const bc = buildCase(spec);
  const mflop = 2 * lib[`${bc.kind}Macs`](bc.xShape, ...bc.weights.map((w) => w.NCHW.shape), bc.options('NCHW')) / 1e6;
  if (mflop < MIN_MFLOP) continue;
  const layer = createLayer(lib, bc, 'NCHW');
  layer.run(bc.x.NCHW);
  runs.length = 0;
  layer.run(bc.x.NCHW);
  const big = runs.filter((n) => n > 1);
  const fewest = big.length ? Math.min(...big) / lib.threads().count : 0;
  console.log(spec.name.padEnd(18), mflop.toFixed(0).padStart(7), `  ${runs.join(', ')}`.padEnd(40), fewest.toFixed(1));
  layer.dispose();
}
