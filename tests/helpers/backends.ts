/**
 * Which backends this runtime can run, decided synchronously (jest collects describe.each
 * tables synchronously) by validating tiny modules, as the loader does:
 *
 *   simd:    (module (func (result v128) v128.const i32x4 0 0 0 0))
 *   relaxed: (module (func (result v128)
 *              (f32x4.relaxed_madd (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0))))
 *
 * Every suite's beforeAll then calls `init({backend})` for each listed wasm backend and
 * expects it to resolve to that name, so a backend the runtime validates but init refuses is a
 * failure, not a silent skip. SIMDCONV_TEST_BACKENDS=js,wasm restricts the list (e.g. before
 * the wasm build exists); without src/loader/wasm-bytes.gen.ts only 'js' is listed, and
 * tests/src/index.test.ts fails on the missing build.
 */
import * as fs from 'fs';
import * as path from 'path';

export type BackendName = 'wasm-relaxed' | 'wasm-simd' | 'wasm' | 'js';
export const ALL_BACKENDS: BackendName[] = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
export const WASM_BACKENDS: BackendName[] = ['wasm-relaxed', 'wasm-simd', 'wasm'];

/**
 * The flags a child node needs for relaxed SIMD: --experimental-wasm-relaxed-simd before Node 22;
 * none from Node 22 on, which runs relaxed SIMD by default and rejects the flag (as
 * bin/relaxed-simd.mjs decides for the scripts).
 */
export const RELAXED_NODE_FLAGS: string[] = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

const Z = new Array(16).fill(0);
export const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...Z, 11]);
export const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, ...Z, 253, 12, ...Z, 253, 12, ...Z, 253, 133, 2, 11,
]);

/** The backends the runtime validates, in 'auto' order. */
export function runtimeBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (typeof WebAssembly === 'object') {
    if (WebAssembly.validate(RELAXED_PROBE)) out.push('wasm-relaxed');
    if (WebAssembly.validate(SIMD_PROBE)) out.push('wasm-simd');
    out.push('wasm');
  }
  out.push('js');
  return out;
}

export const WASM_BUILD = path.join(__dirname, '..', '..', 'src', 'loader', 'wasm-bytes.gen.ts');

/** The backends the suites run under. */
export function testBackends(): BackendName[] {
  let list = runtimeBackends();
  if (!fs.existsSync(WASM_BUILD)) list = ['js'];
  const env = process.env.SIMDCONV_TEST_BACKENDS;
  if (env) {
    const want = env.split(',').map((s) => s.trim());
    list = list.filter((b) => want.includes(b));
  }
  return list;
}
