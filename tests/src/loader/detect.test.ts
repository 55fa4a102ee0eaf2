/**
 * Feature detection (src/loader/detect.ts): the probes are well-formed modules that use exactly
 * one SIMD / relaxed-SIMD opcode, and the verdicts agree with the builds themselves.
 */
import { detectFeatures, PROBES } from '../../../src/loader/detect';
import { wasmBytes } from '../../../src/loader/load';

describe('detectFeatures', () => {
  test('reports wasm, and simd on Node 20', () => {
    const f = detectFeatures();
    expect(f.wasm).toBe(true);
    expect(f.simd).toBe(true);
    if (f.relaxed) expect(f.simd).toBe(true);
  });

  test('the verdicts match what the runtime says of the real builds', () => {
    const f = detectFeatures();
    expect(WebAssembly.validate(wasmBytes('scalar'))).toBe(true);
    expect(WebAssembly.validate(wasmBytes('simd'))).toBe(f.simd);
    expect(WebAssembly.validate(wasmBytes('relaxed'))).toBe(f.relaxed);
  });

  test('a corrupted probe does not validate (the opcode is what is tested)', () => {
    const bad = PROBES.SIMD_PROBE.slice();
    bad[bad.length - 2] = 0xff; // an unassigned SIMD opcode
    expect(WebAssembly.validate(bad)).toBe(false);
    const badRelaxed = PROBES.RELAXED_PROBE.slice();
    badRelaxed[badRelaxed.length - 3] = 0xff;
    badRelaxed[badRelaxed.length - 2] = 0x0f;
    expect(WebAssembly.validate(badRelaxed)).toBe(false);
    expect(WebAssembly.validate(PROBES.SIMD_PROBE)).toBe(true);
  });

  test('relaxed is validated exactly when node runs with --experimental-wasm-relaxed-simd (or Node >= 22)', () => {
    const flag = process.execArgv.includes('--experimental-wasm-relaxed-simd') ||
      Number(process.versions.node.split('.')[0]) >= 22;
    if (flag) expect(detectFeatures().relaxed).toBe(true);
  });
});
