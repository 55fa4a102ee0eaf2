#!/usr/bin/env node
/**
 * The activation math of assembly/activation.ts against float64 formulas, over the whole float
 * range (magnitudes 1e-40 to 1e38, a fine grid on [-12, 12], 0, +-0, +-inf, NaN and the ends of
 * exp's and erf's ranges): the worst error as a share of API.md's tolerance, values beyond it,
 * NaN and infinity where the formula gives them, of the first build; and how many floats a
 * second build gives other bits for (NaNs aside): none for the simd build against the scalar one,
 * whose forms repeat its arithmetic; some for the relaxed build, whose multiply-adds are fused.
 * With --speed, ns per float of run_activation_f32 on an L2-sized buffer, per build.
 *
 *   npm run build:wasm && node scripts/relaxed-node.mjs tools/activation-accuracy.mjs [first.wasm second.wasm] [--speed]
 *
 * (default: build/relaxed.wasm build/scalar.wasm)
 */
import { readFileSync } from 'node:fs';
// erf in float64: its Taylor series below 3, the continued fraction of erfc above
const erf = (x) => {
  const ax = Math.abs(x);
  if (ax < 3) { let s = 0, t = ax, n = 0; while (Math.abs(t) > 1e-17 * Math.abs(s) || n < 5) { s += t / (2 * n + 1); n++; t *= -ax * ax / n; if (n > 200) break; } return Math.sign(x) * 2 / Math.sqrt(Math.PI) * s; }
  // erfc continued fraction
  let f = 0; for (let k = 60; k >= 1; k--) f = (k / 2) / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
};
const ref = {
  1: (x) => 1 / (1 + Math.exp(-x)), 2: Math.tanh, 3: (x) => x / (1 + Math.exp(-x)),
  4: (x) => Math.min(Math.max(x + 3, 0), 6) / 6, 5: (x) => x * Math.min(Math.max(x + 3, 0), 6) / 6,
  6: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  7: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  9: (x) => (x > 0 ? x : 0.7 * Math.expm1(x)),
};
const names = { 1: 'sigmoid', 2: 'tanh', 3: 'silu', 4: 'hardSigmoid', 5: 'hardSwish', 6: 'gelu', 7: 'geluTanh', 9: 'elu' };
const load = async (f) => { const { instance } = await WebAssembly.instantiate(readFileSync(f), { env: { abort() { throw 0; } } }); return instance.exports; };
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SPEED = process.argv.includes('--speed');
const vs = [await load(files[0] ?? 'build/relaxed.wasm'), await load(files[1] ?? 'build/scalar.wasm')];
const xs = [];
for (let e = -40; e <= 38; e += 0.01) { xs.push(10 ** e, -(10 ** e)); }
for (let x = -12; x <= 12; x += 0.0007) xs.push(x);
xs.push(0, -0, Infinity, -Infinity, NaN, 3, -3, 6, -6, 5.2, -5.2, 5.2000003, -5.2000003, 88.72, -87.33, 3.4e38, -3.4e38);
const n = xs.length + (4 - xs.length % 4) % 4;
const outs = [];
for (const ex of vs) {
  const base = (ex.heap_base() + 63) & ~63;
  const need = base + Math.max(n, 200704) * 4 + 65536;
  if (ex.memory.buffer.byteLength < need) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
  // builds from before the ABI's renames (1202198) export it as activate_f32
  outs.push({ ex, base, activate: ex.run_activation_f32 ?? ex.activate_f32 });
}
for (const code of Object.keys(ref).map(Number)) {
  const res = outs.map(({ ex, base, activate }) => { const f = new Float32Array(ex.memory.buffer, base, n); f.fill(0); f.set(xs); activate(base, n, 1, 0, code, 0.7, 0); return Float32Array.from(f); });
  let worst = 0, wx = 0, bad = 0, bitdiff = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = Math.fround(xs[i]);
    const r = ref[code](x); const a = res[0][i];
    if (!Object.is(res[0][i], res[1][i]) && !(Number.isNaN(res[0][i]) && Number.isNaN(res[1][i]))) bitdiff++;
    if (Number.isNaN(r) || Number.isNaN(a)) { if (Number.isNaN(r) !== Number.isNaN(a)) { bad++; if (bad < 4) console.log('  nan mismatch', names[code], x, a, r); } continue; }
    if (!Number.isFinite(r)) { if (a !== r) { bad++; if (bad < 4) console.log('  inf mismatch', names[code], x, a, r); } continue; }
    const err = Math.abs(a - r) / (1e-4 + 1e-4 * Math.abs(r));
    if (err > worst) { worst = err; wx = x; }
    if (err > 1) bad++;
  }
  console.log(`${names[code].padEnd(11)} worst err/tol ${worst.toExponential(2)} at x=${wx}  beyond tol ${bad}  other bits in the second build ${bitdiff}`);
}

if (SPEED) {
  const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  const m = 200704;
  for (const code of Object.keys(ref).map(Number)) {
    const t = outs.map(() => []);
    for (let r = 0; r < 25; r++) {
      outs.forEach(({ ex, base, activate }, i) => {
        const f = new Float32Array(ex.memory.buffer, base, m);
        for (let j = 0; j < m; j++) f[j] = ((j * 2654435761) % 1000) / 100 - 5;
        const t0 = performance.now();
        activate(base, m, 1, 0, code, 0.7, 0);
        t[i].push(((performance.now() - t0) * 1e6) / m);
      });
    }
    console.log(`${names[code].padEnd(11)} ` + t.map((v, i) => `${files[i] ?? ['relaxed', 'scalar'][i]} ${median(v.slice(5)).toFixed(3)} ns/float`).join('  '));
  }
}
