/**
 * gemmMinmax4x4 and its blocked driver against a float64 triple loop, on XNNPACK-style boundary
 * cases (k_lt_4, k_eq_4, k_gt_4, n_lt_4, n_gt_8, m tails, strided A and C, qmin/qmax).
 */
import { gemm, gemmMinmax4x4, MR, NR } from '../../../../src/backends/js/gemm';
import { packPanels, packedGroupSize, scratchOffset } from '../../../../src/backends/js/pack';
import { expectClose, randomF32 } from './reference';

interface Case {
  m: number; n: number; k: number;
  lda?: number; ldc?: number; aOff?: number; cOff?: number;
  /** column strides of A and C (NCHW planes); default 1 */
  ka?: number; cn?: number;
  min?: number; max?: number; bias?: boolean; driver?: boolean;
}

function check(t: Case): void {
  const { m, n, k } = t;
  const ka = t.ka ?? 1, cn = t.cn ?? 1;
  const lda = t.lda ?? k * ka, ldc = t.ldc ?? n * cn, aOff = t.aOff ?? 0, cOff = t.cOff ?? 0;
  const min = t.min ?? -Infinity, max = t.max ?? Infinity;
  const a = randomF32(aOff + Math.max(0, m - 1) * lda + Math.max(0, k - 1) * ka + 2, m * 7 + k);
  const b = randomF32(k * n, n * 13 + k);
  const bias = t.bias === false ? null : randomF32(n, 99 + n);
  const w = packPanels(b, bias, 1, k, n);
  expect(w.length).toBe(packedGroupSize(k, n) + k * MR);
  const c = new Float32Array(cOff + Math.max(0, m - 1) * ldc + Math.max(0, n - 1) * cn + 3).fill(12345);
  const want = Float64Array.from(c);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = bias ? bias[j] : 0;
    for (let q = 0; q < k; q++) s += a[aOff + i * lda + q * ka] * b[q * n + j];
    want[cOff + i * ldc + j * cn] = s < min ? min : s > max ? max : s;
  }
  const wBefore = Float64Array.from(w);
  (t.driver ? gemm : gemmMinmax4x4)(m, n, k, a, aOff, lda, ka, w, 0, c, cOff, ldc, cn, min, max, scratchOffset(1, k, n));
  // only the scratch after the panels may change
  expect(Array.from(w.subarray(0, scratchOffset(1, k, n)))).toEqual(Array.from(wBefore.subarray(0, scratchOffset(1, k, n))));
  expectClose(c, want, JSON.stringify(t)); // also checks that nothing outside C was written
}

const cases: Record<string, Case> = {
  k_eq_1: { m: 4, n: 4, k: 1 },
  k_lt_4: { m: 4, n: 4, k: 3 },
  k_eq_4: { m: 4, n: 4, k: 4 },
  k_gt_4: { m: 4, n: 4, k: 11 },
  k_eq_0_bias_only: { m: 5, n: 6, k: 0 },
  n_eq_1: { m: 4, n: 1, k: 5 },
  n_lt_4: { m: 4, n: 3, k: 7 },
  n_gt_4: { m: 4, n: 5, k: 7 },
  n_gt_8: { m: 4, n: 13, k: 7 },
  n_div_4: { m: 8, n: 16, k: 9 },
  m_eq_1: { m: 1, n: 8, k: 9 },
  m_lt_4: { m: 3, n: 8, k: 9 },
  m_gt_4: { m: 5, n: 8, k: 9 },
  m_tail_7: { m: 7, n: 9, k: 6 },
  m_tail_2_n_tail_2: { m: 2, n: 2, k: 2 },
  strided_a: { m: 6, n: 7, k: 5, lda: 11, aOff: 3 },
  strided_c: { m: 6, n: 7, k: 5, ldc: 19, cOff: 4 },
  no_bias: { m: 5, n: 5, k: 5, bias: false },
  qmin: { m: 6, n: 10, k: 8, min: 0 },
  qmax: { m: 6, n: 10, k: 8, max: 0.25 },
  relu6: { m: 6, n: 10, k: 8, min: 0, max: 6 },
  large: { m: 37, n: 70, k: 129 },
  nchw_a: { m: 7, n: 6, k: 5, lda: 1, ka: 9 },
  nchw_c: { m: 7, n: 6, k: 5, ldc: 1, cn: 11, cOff: 2 },
  nchw_a_and_c_tails: { m: 6, n: 7, k: 3, lda: 1, ka: 8, ldc: 1, cn: 8 },
  driver_blocks_n: { m: 9, n: 45, k: 2100, driver: true },
  driver_blocks_n_nchw_c: { m: 5, n: 37, k: 2100, ldc: 1, cn: 5, driver: true },
  driver_single_block: { m: 9, n: 45, k: 20, driver: true },
};

describe('gemmMinmax4x4', () => {
  it('has a 4x4 tile', () => {
    expect([MR, NR]).toEqual([4, 4]);
  });
  it.each(Object.entries(cases))('%s', (_name, t) => check(t));

  it('lets NaN through the clamp and clamps infinities', () => {
    const k = 2, n = 4;
    const a = new Float32Array([NaN, 1, Infinity, 1, -Infinity, 1, 1, 1]);
    const b = new Float32Array([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5]);
    const w = packPanels(b, null, 1, k, n);
    const c = new Float32Array(16);
    gemmMinmax4x4(4, n, k, a, 0, k, 1, w, 0, c, 0, n, 1, 0, 6, scratchOffset(1, k, n));
    expect(Array.from(c.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(c.subarray(4, 8))).toEqual([6, 6, 6, 6]);
    expect(Array.from(c.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(c.subarray(12, 16))).toEqual([1.5, 1.5, 1.5, 1.5]);
  });
});

describe('packPanels', () => {
  it('puts biases first, then K x NR weights, zero past n, group after group', () => {
    const b = Float32Array.from({ length: 2 * 2 * 5 }, (_, i) => i + 1); // 2 groups of [2 x 5]
    const bias = Float32Array.from({ length: 10 }, (_, i) => 100 + i);
    const w = packPanels(b, bias, 2, 2, 5);
    const gs = packedGroupSize(2, 5);
    expect(gs).toBe(2 * 3 * 4);
    expect(w.length).toBe(2 * gs + 2 * MR);
    expect(scratchOffset(2, 2, 5)).toBe(2 * gs);
    // group 0, panel 0
    expect(Array.from(w.subarray(0, 12))).toEqual([100, 101, 102, 103, 1, 2, 3, 4, 6, 7, 8, 9]);
    // group 0, panel 1: column 4 only
    expect(Array.from(w.subarray(12, 24))).toEqual([104, 0, 0, 0, 5, 0, 0, 0, 10, 0, 0, 0]);
    // group 1, panel 0
    expect(Array.from(w.subarray(gs, gs + 12))).toEqual([105, 106, 107, 108, 11, 12, 13, 14, 16, 17, 18, 19]);
  });
});
