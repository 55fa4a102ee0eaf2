#!/usr/bin/env node
/**
 * The `simdconv` command (`npx simdconv bench ...`). Relaxed SIMD is on by default in Node 22+,
 * but Node 20/21 need --experimental-wasm-relaxed-simd: when this V8 cannot validate a relaxed-SIMD
 * module and the flag is not set, run node again with the flag (the library itself never sets
 * V8 flags). SIMDCONV_NO_REEXEC=1 turns that off (the suite then skips the wasm-relaxed path).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FLAG = '--experimental-wasm-relaxed-simd';

/*
 * (module
 *   (func (param v128 v128 v128) (result v128)
 *     local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code
]);

function relaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

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
