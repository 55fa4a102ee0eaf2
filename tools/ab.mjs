#!/usr/bin/env node
/**
 * Interleaved A/B of two simdconv builds on the same layers: how the figures of
 * docs/performance.md that compare one version of a kernel with another are taken. Both builds are
 * loaded in one process; per layer, each round times a window of calls of the base build's prepared
 * layer and one of the head build's, in alternating order, and the figure is the median over the
 * rounds of (base time / head time): above 1, the head build is faster. The machine's drift (up to
 * 2x within minutes on a shared VM) moves both windows of a round alike and cancels in the ratio.
 *
 *   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci)       # the build to compare with
 *   npm run build && node scripts/relaxed-node.mjs tools/ab.mjs --base /tmp/base [options]
 *
 *   --base <dir|file>   the base build: a checkout (its dist/index.js) or an ESM build file
 *   --head <dir|file>   the head build (default: this checkout)
 *   --layers <filter>   reference layers or kernel cases, as `npm run bench -- --layers`
 *   --case k=v,...      a layer of its own (repeatable): type=standard|dilated|grouped|depthwise|
 *                       pointwise|separable|transposed, c, h, w, cout, k, stride (1), pad (0),
 *                       dilation, groups, outputPadding; e.g. type=standard,c=29,h=28,w=28,cout=35,k=3,pad=1
 *   --backend <name>    wasm-relaxed (default), wasm-simd, wasm or js
 *   --threads <n>       threads of both builds' init (default 1; builds before threads ignore it)
 *   --layout <NCHW|NHWC>  default NCHW
 *   --rounds <n>        default 9
 *   --window <ms>       time per window, default 40
 *
 * Without --layers or --case: the 18 reference layers. Layers run as `layer.run(x, { out })`.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAYERS, KERNELS, selectCases, buildCase, createLayer } from '../bench/cases.mjs';

const USAGE = 'usage: node scripts/relaxed-node.mjs tools/ab.mjs --base <dir|dist file> [--head <dir|file>] '
  + '[--layers filter] [--case k=v,...] [--backend name] [--layout NCHW|NHWC] [--rounds n] [--window ms]';

function parse(argv) {
  const o = { base: null, head: '.', filter: '', cases: [], backend: 'wasm-relaxed', layout: 'NCHW', rounds: 9, windowMs: 40, threads: 1 };
  for (let i = 0; i < argv.length; i++) {
    const v = () => {
      if (argv[i + 1] === undefined) throw new Error(`ab: ${argv[i]} needs a value\n${USAGE}`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--base': o.base = v(); break;
      case '--head': o.head = v(); break;
      case '--layers': o.filter = v(); break;
      case '--case': o.cases.push(caseOf(v())); break;
      case '--backend': o.backend = v(); break;
      case '--threads': o.threads = Number(v()); break;
      case '--layout': o.layout = v(); break;
      case '--rounds': o.rounds = Number(v()); break;
      case '--window': o.windowMs = Number(v()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`ab: unknown option '${argv[i]}'\n${USAGE}`);
    }
  }
  if (!o.base) throw new Error(`ab: --base is required\n${USAGE}`);
  return o;
}

/** A case from `type=standard,c=29,...`; its name lists what was given. */
function caseOf(text) {
  const spec = { stride: 1, pad: 0 };
  for (const kv of text.split(',')) {
    const [k, val] = kv.split('=');
    if (val === undefined) throw new Error(`ab: --case wants key=value pairs, got '${kv}'`);
    spec[k.trim()] = k.trim() === 'type' ? val.trim() : Number(val);
  }
  for (const k of ['type', 'c', 'h', 'w', 'cout', 'k']) if (spec[k] === undefined) throw new Error(`ab: --case needs ${k}=`);
  spec.name = text;
  return spec;
}

async function load(where) {
  const p = resolve(where);
  const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'dist/index.js') : p;
  if (!existsSync(file)) throw new Error(`ab: ${file} does not exist (build it: npm ci, or npm run build)`);
  return { file, lib: await import(pathToFileURL(file).href) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** ms per call of `run`, over a window of `reps` calls. */
function window(run, reps) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - t0) / reps;
}

const o = parse(process.argv.slice(2));
const builds = [await load(o.base), await load(o.head)];
// builds before threads ignore the option; those with them run one thread unless --threads says otherwise
for (const b of builds) await b.lib.init({ backend: o.backend, threads: o.threads });
const cases = o.cases.length ? o.cases : o.filter ? selectCases([...LAYERS, ...KERNELS], o.filter) : LAYERS;
if (!cases.length) throw new Error(`ab: --layers ${o.filter} selects nothing`);

console.log(`ab: base ${builds[0].file}, head ${builds[1].file}; ${o.backend}, ${o.layout}, run(x, {out}), Node ${process.version}, `
  + `${o.rounds} rounds of ${o.windowMs} ms windows; head speedup = base ms / head ms, median of the rounds`);
console.log(`${'layer'.padEnd(28)} ${'base ms'.padStart(9)} ${'head ms'.padStart(9)} ${'speedup'.padStart(8)}  rounds min-max   max |diff|`);
const speedups = [];
for (const spec of cases) {
  const bc = buildCase(spec);
  const x = bc.x[o.layout];
  const runs = builds.map(({ lib }) => {
    const layer = createLayer(lib, bc, o.layout, o.backend);
    const out = layer.run(x).data;
    return { layer, out, run: () => layer.run(x, { out }) };
  });
  let diff = 0;
  for (let i = 0; i < runs[0].out.length; i++) diff = Math.max(diff, Math.abs(runs[0].out[i] - runs[1].out[i]));
  for (const r of runs) for (let i = 0; i < 3; i++) r.run();
  const reps = Math.max(1, Math.round(o.windowMs / Math.max(window(runs[0].run, 2), 1e-3)));
  const ms = [[], []];
  const ratios = [];
  for (let k = 0; k < o.rounds; k++) {
    const order = k % 2 ? [1, 0] : [0, 1];
    const t = [0, 0];
    for (const i of order) t[i] = window(runs[i].run, reps);
    ms[0].push(t[0]);
    ms[1].push(t[1]);
    ratios.push(t[0] / t[1]);
  }
  for (const r of runs) r.layer.dispose();
  const s = median(ratios);
  speedups.push(s);
  console.log(`${spec.name.slice(0, 28).padEnd(28)} ${median(ms[0]).toFixed(3).padStart(9)} ${median(ms[1]).toFixed(3).padStart(9)} `
    + `${`${s.toFixed(2)}x`.padStart(8)}  ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x   ${diff.toExponential(1)}`);
}
const geo = Math.exp(speedups.reduce((a, x) => a + Math.log(x), 0) / speedups.length);
console.log(`geomean speedup ${geo.toFixed(3)}x over ${speedups.length} layer(s); lowest ${Math.min(...speedups).toFixed(2)}x`);
