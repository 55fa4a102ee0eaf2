#!/usr/bin/env node
/**
 * The share of the ceiling each pointwise/standard/dilated reference layer uses, measured so that
 * the machine's drift cancels: every round times the relaxed_madd ceiling loop (bench/ceiling.mjs)
 * for about 1 ms, then one run of each contender of the layer; a contender's figure is the median
 * over the rounds of (its GFLOP/s in that round) / (the ceiling of that round). The main suite
 * (`npm run bench`) reports the same ratio from its timed windows; this is the quick,
 * drift-proof look at one path, with `run(x)` (a fresh output array each call, as the suite
 * times) next to `run(x, { out })` (the caller's array), in both layouts.
 *
 *   npm run build && node scripts/relaxed-node.mjs tools/share.mjs [--rounds N] [--backend B] [filter]
 *
 * filter: as the suite's --layers (a name, a substring or a type); default: every pointwise,
 * standard and dilated reference layer. --backend: a simdconv path (default auto); the ceiling
 * loop is relaxed_madd for wasm-relaxed and f32x4 mul + add for wasm-simd.
 */
import { LAYERS, selectCases, buildCase, createLayer } from '../bench/cases.mjs';
import { ceilingSampler, median } from '../bench/ceiling.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const rounds = Number(opt('--rounds', '15'));
const backendArg = opt('--backend', 'auto');
const filter = args[0];

const lib = await import(new URL('../dist/index.js', import.meta.url).href);
await lib.init({ backend: backendArg });
const backend = lib.backend();
const loop = backend === 'wasm-simd' ? 'wasm-simd' : 'wasm-relaxed';
if (backend !== 'wasm-relaxed' && backend !== 'wasm-simd') {
  console.error(`share: the ceilings here are the SIMD ones; backend ${backend} has no such loop`);
  process.exit(2);
}
const ceiling = ceilingSampler(loop);
if (!ceiling) {
  console.error(`share: the ${loop} ceiling loop does not run here (Node 20/21 need --experimental-wasm-relaxed-simd)`);
  process.exit(2);
}
for (let i = 0; i < 25; i++) ceiling(); // optimized tier

const judged = LAYERS.filter((l) => ['pointwise', 'standard', 'dilated'].includes(l.type));
const cases = filter ? selectCases(judged, filter) : judged;
console.log(`share of the ${loop} ceiling, ${backend}, Node ${process.version}, ${rounds} rounds; median of per-round ratios`);
console.log('layer            ceiling GF/s   NCHW run(x)  NCHW {out}   NHWC run(x)  NHWC {out}');
for (const spec of cases) {
  const bc = buildCase(spec);
  const flop = 2 * bc.expectedMacs;
  const contenders = [];
  for (const layout of ['NCHW', 'NHWC']) {
    const layer = createLayer(lib, bc, layout, backend);
    const x = bc.x[layout];
    const out = layer.run(x).data;
    layer.run(x, { out });
    contenders.push({ layer, run: () => layer.run(x), ratios: [] });
    contenders.push({ layer, run: () => layer.run(x, { out }), ratios: [] });
  }
  const ceilings = [];
  for (let r = 0; r < rounds; r++) {
    const c = ceiling();
    ceilings.push(c);
    for (const k of contenders) {
      const t = performance.now();
      k.run();
      const gflops = flop / ((performance.now() - t) * 1e6);
      k.ratios.push(gflops / c);
    }
  }
  const cells = contenders.map((k) => `${(100 * median(k.ratios)).toFixed(0)}%`.padStart(11));
  console.log(`${spec.name.padEnd(16)} ${median(ceilings).toFixed(1).padStart(11)}  ${cells.join('  ')}`);
  for (let i = 0; i < contenders.length; i += 2) contenders[i].layer.dispose();
}
