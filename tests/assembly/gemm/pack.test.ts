/**
 * Weight packing (assembly/gemm/pack.ts): per group, per NR panel, NR biases then ks*kc rows of
 * NR weights, tails zero-padded; and size_pack_gemm_f32.
 */
import { flavors, harness, Harness } from '../harness';

describe.each(flavors())('pack_gemm_f32 (%s)', (flavor) => {
  void flavor;
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([[1, 1, 1, 1], [1, 2, 3, 5], [2, 1, 2, 9], [3, 4, 1, 16]])('groups=%i ks=%i kc=%i nc=%i', (groups, ks, kc, nc) => {
    const NR = h.nr;
    for (const nr of [1, 3]) expect(h.ex.size_pack_gemm_f32(ks, kc, nc, nr)).toBe(Math.ceil(nc / nr) * (nr + ks * kc * nr));
    const floats = h.ex.size_pack_gemm_f32(ks, kc, nc, NR);
    const panels = Math.ceil(nc / NR);
    expect(floats).toBe(panels * (NR + ks * kc * NR));
    const w = Float32Array.from({ length: groups * ks * kc * nc }, (_, i) => i + 1);
    const bias = Float32Array.from({ length: groups * nc }, (_, i) => -(i + 1));
    const p = h.alloc(groups * floats, NaN);
    h.ex.pack_gemm_f32(groups, ks, kc, nc, NR, h.put(w), h.put(bias), p);
    const got = h.get(p, groups * floats);
    let q = 0;
    for (let g = 0; g < groups; g++) for (let n0 = 0; n0 < nc; n0 += NR) {
      for (let j = 0; j < NR; j++) expect(got[q++]).toBe(n0 + j < nc ? bias[g * nc + n0 + j] : 0);
      for (let k = 0; k < ks * kc; k++) for (let j = 0; j < NR; j++) {
        expect(got[q++]).toBe(n0 + j < nc ? w[(g * ks * kc + k) * nc + n0 + j] : 0);
      }
    }
    // bias pointer 0 packs zeros
    h.ex.pack_gemm_f32(groups, ks, kc, nc, NR, h.put(w), 0, p);
    expect(h.get(p, NR).every((v) => v === 0)).toBe(true);
    h.reset();
  });
});
