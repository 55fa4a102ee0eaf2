#!/usr/bin/env node
/**
 * Long robustness run of the built package (dist/index.js):
 *
 *   node --experimental-wasm-relaxed-simd scripts/fuzz-long.mjs --cases 10000 [--seed N]
 *        [--backends wasm-relaxed,wasm-simd,wasm,js] [--calls 10000] [--cycles 1000] [--garbage 0.15]
 *        [--large 0.5] [--large-macs 2e7] [--large-floats 4e6]
 *
 * 1. `--cases` random valid cases (every op, both layouts, every backend, functional / out /
 *    out aliasing x / prepared layer at two input sizes / sequence of two layers) against the
 *    float64 reference of tests/helpers/reference.ts (bundled at start-up with esbuild: it is
 *    TypeScript). Most cases have a few channels on planes up to 10x10; a share `--large` of
 *    them are the large shapes of tests/robustness/large-shapes.ts: planes up to 256x256 (65536
 *    pixels, flat ones up to 16384 long), up to 128 channels, skewed across the kernels' size
 *    thresholds (unpadded stride 1, planes around 512-4096 pixels and the NCHW bands, c*kH*kW
 *    around 64, ...) and shrunk to at most `--large-macs` multiply-accumulates and
 *    `--large-floats` input and output floats, so that the reference stays under a second.
 *    Inputs must be unchanged, functional calls must leave bytesInUse and liveLayers
 *    where they were, an empty output must be EMPTY_OUTPUT. A share `--garbage` of the cases is
 *    preceded by a garbage call (one argument or option replaced) that must throw a ConvError of
 *    a known code; the valid call after it must still be right. `--hostile` adds revoked
 *    proxies, throwing getters, objects that only claim Float32Array's prototype and option
 *    arrays whose entries change after the first read (known to fail at the time of writing).
 * 2. Memory: per backend, `--calls` functional calls over a fixed mix of small cases and `--cycles`
 *    create/run/dispose cycles after one warm-up pass; wasmBytes and bytesInUse must not move.
 *
 * Prints one line per failure (with the seed and case index to replay it: --seed S --only I),
 * then `N passed, N failed` and the durations. Exit code 1 when anything failed.
 *
 * fuzz-long/: cases.mjs (the cases and their reference), garbage.mjs (the garbage calls), run.mjs
 * (one case in one mode against its reference, and the memory checks); this file reads the
 * arguments, runs them and prints the report.
 */
import * as sc from '../dist/index.js';
import { makeCase, rngOf } from './fuzz-long/cases.mjs';
import { memoryChecks, runCase } from './fuzz-long/run.mjs';

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const CASES = Number(arg('cases', 10000));
const SEED = Number(arg('seed', 1)) >>> 0;
const CALLS = Number(arg('calls', 10000));
const CYCLES = Number(arg('cycles', 1000));
const GARBAGE = Number(arg('garbage', 0.15));
const LARGE = Number(arg('large', 0.5));
const HOSTILE = args.includes('--hostile');
const ONLY = arg('only', undefined) === undefined ? undefined : Number(arg('only'));
const WANT = arg('backends', 'wasm-relaxed,wasm-simd,wasm,js').split(',');
/** Large cases (see the header): the budget keeps the float64 reference under a second per case. */
const LARGE_LIMITS = {
  maxPlane: 65536, maxSide: 256, maxWide: 16384, maxChannels: 128,
  maxMacs: Number(arg('large-macs', 2e7)), maxFloats: Number(arg('large-floats', 4e6)),
};

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const backends = [];
  for (const b of WANT) {
    try {
      if (b !== 'js') await sc.init({ backend: b });
      backends.push(b);
    } catch (e) {
      console.log(`skipping ${b}: ${e.message}`);
    }
  }
  await sc.init({ backend: 'js' });
  console.log(`fuzz-long: seed ${SEED}, ${CASES} cases, backends ${backends.join(', ')}, ${CALLS} calls and ${CYCLES} cycles per backend`);
  let passed = 0;
  let failed = 0;
  const failures = [];
  const fail = (msg) => {
    failed++;
    if (failures.length < 50) {
      failures.push(msg);
      console.log(`FAIL ${msg}`);
    }
  };
  const counts = {};
  const stats = { garbage: 0, empty: 0, large: 0 };
  const t0 = Date.now();

  for (let i = 0; i < CASES; i++) {
    if (ONLY !== undefined && i !== ONLY) continue;
    const r = rngOf((SEED * 1000003 + i) >>> 0);
    const cs = makeCase(r, { largeShare: LARGE, largeLimits: LARGE_LIMITS });
    if (cs.large) stats.large++;
    const backend = r.pick(backends);
    const mode = r.pick(['fn', 'fn', 'out', 'alias', 'layer', 'seq']);
    const key = `${cs.op}/${mode}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const tag = `case ${i} (--seed ${SEED} --only ${i}) ${backend} ${mode} ${cs.name}`;
    try {
      const problem = runCase(r, cs, backend, mode, { garbage: GARBAGE, hostile: HOSTILE, stats });
      if (problem) fail(`${tag}: ${problem}`);
      else passed++;
    } catch (e) {
      fail(`${tag}: threw ${e?.constructor?.name}: ${e?.message}${ONLY !== undefined ? `\n${e?.stack}` : ""}`);
    }
  }
  const t1 = Date.now();
  console.log(`cases: ${passed} passed, ${failed} failed in ${((t1 - t0) / 1000).toFixed(1)} s; ${stats.large} large, ${stats.garbage} garbage calls, ${stats.empty} empty outputs; per op/mode: ${Object.entries(counts).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // Memory flatness
  const memStart = Date.now();
  let memPassed = 0;
  let memFailed = 0;
  if (ONLY === undefined) {
    ({ memPassed, memFailed } = memoryChecks({ backends, seed: SEED, calls: CALLS, cycles: CYCLES, fail }));
  }
  const t2 = Date.now();
  console.log(`memory: ${memPassed} passed, ${memFailed} failed in ${((t2 - memStart) / 1000).toFixed(1)} s`);
  console.log(`${passed + memPassed} passed, ${failed} failed (${ONLY !== undefined ? 1 : CASES} cases + ${backends.length * 2} memory checks, ${((t2 - t0) / 1000).toFixed(1)} s)`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
