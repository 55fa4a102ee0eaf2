#!/usr/bin/env node
/**
 * The `simdconv` command (`npx simdconv bench ...`). Relaxed SIMD is on by default in Node 22+,
 * but Node 20/21 need --experimental-wasm-relaxed-simd: when this V8 cannot validate a relaxed-SIMD
 * module and the flag is not set, run node again with the flag (the library itself never sets
 * V8 flags). SIMDCONV_NO_REEXEC=1 turns that off (the suite then skips the wasm-relaxed path).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FLAG, relaxedSimd } from './relaxed-simd.mjs';

const args = process.argv.slice(2);
const hasFlag = process.execArgv.some((a) => a === FLAG || a.startsWith(`${FLAG}=`))
  || (process.env.NODE_OPTIONS ?? '').includes(FLAG);

if (!relaxedSimd() && !hasFlag && !process.env.SIMDCONV_NO_REEXEC) {
  const r = spawnSync(process.execPath, [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, SIMDCONV_NO_REEXEC: '1' },
  });
  if (r.error) throw r.error;
  process.exit(r.status ?? (r.signal ? 1 : 0));
}

const { main } = await import('../bench/cli.mjs');
main(args).then((code) => { process.exitCode = code; }, (e) => {
  console.error(e?.message ?? e);
  process.exitCode = 1;
});
