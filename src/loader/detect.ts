/**
 * Feature detection by validating tiny hand-written modules (as onnxruntime-web and
 * wasm-feature-detect do): no instantiation, no flags, the runtime's own verdict.
 */

/**
 * (module (func (result v128)
 *   i32.const 0
 *   i32x4.splat))                     ;; 0xfd 0x11: a SIMD128 opcode
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: func 0 has type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, // code section: one body of 6 bytes, no locals
  0x41, 0x00, 0xfd, 0x11, // i32.const 0; i32x4.splat
  0x0b, // end
]);

/**
 * (module (func (result v128)
 *   (f32x4.relaxed_madd                ;; 0xfd 0x105 (LEB128 0x85 0x02): a relaxed-SIMD opcode
 *     (i32x4.splat (i32.const 0))
 *     (i32x4.splat (i32.const 0))
 *     (i32x4.splat (i32.const 0)))))
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x13, 0x01, 0x11, 0x00, // code section: one body of 17 bytes, no locals
  0x41, 0x00, 0xfd, 0x11, // i32.const 0; i32x4.splat
  0x41, 0x00, 0xfd, 0x11,
  0x41, 0x00, 0xfd, 0x11,
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

let cache: { wasm: boolean; simd: boolean; relaxed: boolean } | undefined;

/** What the runtime can run: WebAssembly at all, SIMD128, relaxed SIMD (which implies SIMD128). */
export function detectFeatures(): { wasm: boolean; simd: boolean; relaxed: boolean } {
  if (cache === undefined) {
    const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
    const simd = wasm && validates(SIMD_PROBE);
    const relaxed = simd && validates(RELAXED_PROBE);
    cache = { wasm, simd, relaxed };
  }
  return cache;
}

/** @internal the probes, for tests */
export const PROBES = { SIMD_PROBE, RELAXED_PROBE };
