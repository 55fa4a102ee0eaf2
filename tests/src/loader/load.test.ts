/**
 * Loading (src/loader/load.ts, base64.ts): base64 decoding without Node built-ins, each build is
 * the one asked for (HAS_SIMD / HAS_RELAXED / ABI_VERSION), instances do not share memory, and
 * the generated module carries its header.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeBase64, decodeBase64Table } from '../../../src/loader/base64';
import { ABI_VERSION, loadWasm, wasmBytes } from '../../../src/loader/load';
import { detectFeatures } from '../../../src/loader/detect';

describe('decodeBase64', () => {
  test('matches Buffer on every length mod 3 and on all byte values', () => {
    for (let len = 0; len < 70; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len) & 255);
      const b64 = Buffer.from(bytes).toString('base64');
      expect(Array.from(decodeBase64(b64))).toEqual(Array.from(bytes));
      expect(Array.from(decodeBase64(b64.replace(/=+$/, '')))).toEqual(Array.from(bytes));
      expect(Array.from(decodeBase64Table(b64))).toEqual(Array.from(bytes));
      expect(Array.from(decodeBase64Table(b64.replace(/=+$/, '')))).toEqual(Array.from(bytes));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(decodeBase64(Buffer.from(all).toString('base64')))).toEqual(Array.from(all));
  });
  test('rejects bad characters', () => {
    expect(() => decodeBase64('ab$d')).toThrow();
    expect(() => decodeBase64Table('ab$d')).toThrow();
  });
});

describe('loadWasm', () => {
  test('the embedded bytes equal build/*.wasm', () => {
    for (const f of ['scalar', 'simd', 'relaxed'] as const) {
      const file = path.join(__dirname, '..', '..', '..', 'build', `${f}.wasm`);
      if (fs.existsSync(file)) expect(Buffer.from(wasmBytes(f)).equals(fs.readFileSync(file))).toBe(true);
    }
  });

  test('the generated module says it is generated', () => {
    const gen = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'src', 'loader', 'wasm-bytes.gen.ts'), 'utf8');
    expect(gen.startsWith('// Auto-generated. Do not edit. Generator: scripts/build-wasm.mjs')).toBe(true);
  });

  const flavors = (['scalar', 'simd', 'relaxed'] as const).filter((f) =>
    f === 'scalar' || (f === 'simd' ? detectFeatures().simd : detectFeatures().relaxed));
  test.each(flavors)('%s: flags and ABI', async (f) => {
    const ex = await loadWasm(f);
    expect(ex.ABI_VERSION.value).toBe(ABI_VERSION);
    expect(ex.HAS_SIMD.value).toBe(f === 'scalar' ? 0 : 1);
    expect(ex.HAS_RELAXED.value).toBe(f === 'relaxed' ? 1 : 0);
    expect(ex.GEMM_MR.value).toBe(2);
    expect(ex.GEMM_NR.value).toBe(f === 'scalar' ? 4 : 16);
    expect(ex.OVERREAD_BYTES.value).toBe(16);
    expect(ex.heap_base()).toBeGreaterThan(0);
    expect(ex.heap_base()).toBeLessThan(ex.memory.buffer.byteLength);
  });

  test('two loads are two instances with their own memory', async () => {
    const a = await loadWasm('scalar');
    const b = await loadWasm('scalar');
    expect(a.memory).not.toBe(b.memory);
  });

  test('without the relaxed flag the relaxed build is refused by compile, not by a trap later', async () => {
    if (detectFeatures().relaxed) return;
    await expect(loadWasm('relaxed')).rejects.toThrow();
  });
});
