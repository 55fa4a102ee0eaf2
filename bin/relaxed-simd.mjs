/**
 * Relaxed SIMD and the node flag it needs: Node 22+ (V8 12) runs relaxed SIMD by default and
 * rejects --experimental-wasm-relaxed-simd as a bad option; Node 20/21 need the flag. Shared by
 * the `simdconv` command, scripts/relaxed-node.mjs (package.json's test and bench scripts) and
 * every script that starts a child node. The library itself never sets V8 flags.
 */

export const FLAG = '--experimental-wasm-relaxed-simd';

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

/** Whether this process validates a relaxed-SIMD module. */
export function relaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The flags a child node (this node's binary) needs for relaxed SIMD: [FLAG] before Node 22, else none. */
export function relaxedFlags() {
  return Number(process.versions.node.split('.')[0]) < 22 ? [FLAG] : [];
}
