/**
 * igemm micro-kernels (assembly/gemm/igemm.ts): the build tile (export igemm_f32: 2x16 mul+add
 * simd, 2x16 relaxed_madd relaxed, 2x4 scalar) and the alternative (igemm_4x8_f32: 4x8 SIMD, 4x4
 * scalar), against float64 loops. A call without .mr() fills the whole tile (it defaulted to 4
 * rows, which the 2-row build tile skipped, so those cases ran the 4x8 tile only). Cases are named on XNNPACK's
 * boundaries (k_eq_1, k_lt_4, k_div_4, n_lt_nr, n_gt_nr, mr tails, zero rows, a_offset, qmin, qmax,
 * strided_c). Weights go through pack_gemm_f32, so this also checks the packed layout.
 */
import { expectClose, flavors, harness, Harness, rng } from '../harness';

/** Fluent builder of one igemm call: new IgemmTester().mr(3).n(13).k(7).ks(9).clamp(0, 0.5).test(h) */
class IgemmTester {
  /** valid rows; 0: the tile's MR */
  private mr_ = 0;
  private n_ = 8;
  private k_ = 4;
  private ks_ = 1;
  private qmin_ = -Infinity;
  private qmax_ = Infinity;
  private aOffset_ = 0;
  private zeroEvery_ = 0;
  private cStride_ = 0;
  private seed_ = 1;
  private alt_ = false;
  /** test igemm_4x8_f32 (4x8 SIMD / 4x4 scalar) instead of the build's tile */
  alt(v = true): this { this.alt_ = v; return this; }
  mr(v: number): this { this.mr_ = v; return this; }
  n(v: number): this { this.n_ = v; return this; }
  k(v: number): this { this.k_ = v; return this; }
  ks(v: number): this { this.ks_ = v; return this; }
  clamp(lo: number, hi: number): this { this.qmin_ = lo; this.qmax_ = hi; return this; }
  /** channels skipped at the start of every non-zero A row (a group offset) */
  aOffset(v: number): this { this.aOffset_ = v; return this; }
  /** every `v`-th pointer is the zero row */
  zeroEvery(v: number): this { this.zeroEvery_ = v; return this; }
  cStride(v: number): this { this.cStride_ = v; return this; }
  seed(v: number): this { this.seed_ = v; return this; }

  test(h: Harness): void {
    const { n_: n, k_: k, ks_: ks, aOffset_: off } = this;
    const MR = this.alt_ ? 4 : h.mr;
    const mr = this.mr_ || MR;
    const NR = this.alt_ ? (h.ex.HAS_SIMD.value ? 8 : 4) : h.nr;
    if (mr > MR) return; // rows beyond the tile do not apply
    const r = rng(this.seed_ + 31 * n + 7 * k);
    const rowLen = off + k;
    // distinct A rows per (tap, row)
    const rows: Float32Array[] = [];
    const rowPtr: number[] = [];
    const zero = h.alloc(k);
    const ind = new Uint32Array(ks * MR);
    for (let t = 0; t < ks; t++) {
      for (let i = 0; i < MR; i++) {
        const src = i < mr ? i : mr - 1; // tail rows repeat the last valid one
        const idx = t * MR + i;
        if (i < mr) {
          const useZero = this.zeroEvery_ > 0 && (t * mr + i) % this.zeroEvery_ === 0;
          if (useZero) {
            rows[t * MR + i] = new Float32Array(rowLen);
            rowPtr[t * MR + i] = zero;
          } else {
            const a = new Float32Array(rowLen).map(() => r() * 2 - 1);
            rows[t * MR + i] = a;
            rowPtr[t * MR + i] = h.put(a);
          }
        }
        ind[idx] = rowPtr[t * MR + src];
      }
    }
    const indPtr = h.heap.alloc(ind.length * 4);
    h.heap.u32().set(ind, indPtr >>> 2);
    // B [ks][k][n] and bias [n]
    const b = new Float32Array(ks * k * n).map(() => r() * 2 - 1);
    const bias = new Float32Array(n).map(() => r() * 2 - 1);
    const bPtr = h.put(b);
    const biasPtr = h.put(bias);
    const packed = h.alloc(h.ex.packed_gemm_floats(ks, k, n, NR));
    h.ex.pack_gemm_f32(1, ks, k, n, NR, bPtr, biasPtr, packed);
    const cStride = this.cStride_ || n;
    const SENTINEL = -12345;
    const c = h.alloc(MR * cStride, SENTINEL);
    const kernel = this.alt_ ? h.ex.igemm_4x8_f32 : h.ex.igemm_f32;
    kernel(mr, n, k * 4, ks * MR * 4, indPtr, packed, c, cStride * 4, off * 4, zero, this.qmin_, this.qmax_);
    const got = h.get(c, MR * cStride);
    const want = new Float64Array(MR * cStride).fill(SENTINEL);
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < n; j++) {
        let s = bias[j];
        for (let t = 0; t < ks; t++) {
          const isZero = rowPtr[t * MR + i] === zero;
          for (let kk = 0; kk < k; kk++) {
            const av = isZero ? 0 : rows[t * MR + i][off + kk];
            s += av * b[(t * k + kk) * n + j];
          }
        }
        want[i * cStride + j] = Math.min(Math.max(s, this.qmin_), this.qmax_);
      }
    }
    h.heap.free(indPtr);
    h.reset();
    expectClose(got, want, `igemm mr=${mr} n=${n} k=${k} ks=${ks}`);
  }
}

const CASES = flavors().flatMap((f) => [[f, 'build tile'], [f, '4x8 tile']] as const);

describe.each(CASES)('f32_igemm_minmax (%s, %s)', (flavor, tile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  const t = () => new IgemmTester().alt(tile === '4x8 tile');

  test('tile: MR and NR of the build (2x16 SIMD, 2x4 scalar)', () => {
    expect(h.mr).toBe(2);
    expect(h.nr).toBe(flavor === 'scalar' ? 4 : 16);
  });
  test('k_eq_1', () => t().k(1).test(h));
  test('k_lt_4', () => { for (const k of [1, 2, 3]) t().k(k).test(h); });
  test('k_div_4', () => { for (const k of [4, 8, 64]) t().k(k).test(h); });
  test('k_gt_4', () => { for (const k of [5, 7, 13, 129]) t().k(k).test(h); });
  test('n_eq_nr', () => t().n(h.nr).k(9).test(h));
  // the relaxed 2x16 loop runs 4 channels per trip and leaves after any of them: every exit, with
  // several taps and panels so that the weights pointer must land on the next tap's rows each time,
  // for every row count
  test('k mod 4 = 0..3 with taps and panels (each exit of the 4-channel loop)', () => {
    for (let mr = 1; mr <= 4; mr++) for (let k = 1; k <= 12; k++) t().mr(mr).k(k).ks(3).n(37).test(h);
  });
  test('n_lt_nr', () => { for (let n = 1; n < 8; n++) t().n(n).k(5).test(h); });
  test('n_gt_nr', () => { for (const n of [9, 11, 13, 15, 17, 19, 23, 25, 31, 33]) t().n(n).k(6).test(h); });
  test('n_div_nr', () => { for (const n of [16, 24, 32, 48, 64]) t().n(n).k(3).test(h); });
  test('n tails through 8|4|2|1 lanes', () => {
    for (let mr = 1; mr <= 4; mr++) for (let n = 1; n <= 28; n++) t().n(n).k(2).mr(mr).test(h);
  });
  test('last panel of 1..8 columns (the 2x8 tile of the SIMD builds): every exit of its k loop, taps, zero rows, a_offset', () => {
    for (const n of [1, 3, 4, 5, 8, 21, 24, 33]) {
      for (let k = 1; k <= 9; k++) t().n(n).k(k).ks(3).test(h);
      t().n(n).k(6).ks(9).zeroEvery(3).test(h);
      t().n(n).k(5).ks(4).mr(1).zeroEvery(2).aOffset(3).test(h);
      t().n(n).k(7).clamp(-0.2, 0.3).test(h);
    }
  });
  test('mr tails', () => {
    for (let mr = 1; mr <= 4; mr++) for (const n of [3, 8, 13]) t().mr(mr).n(n).k(7).test(h);
  });
  test('ks (taps) 3 and 9', () => { t().ks(3).k(5).n(11).test(h); t().ks(9).k(4).n(17).mr(3).test(h); });
  test('zero rows (padding taps)', () => { t().ks(9).k(6).n(10).zeroEvery(3).test(h); t().ks(4).k(3).n(5).mr(2).zeroEvery(2).test(h); });
  test('a_offset (group channels), zero rows keep offset 0', () => t().ks(3).k(5).n(9).aOffset(7).zeroEvery(4).test(h));
  test('qmin', () => t().n(13).k(9).clamp(0, Infinity).test(h));
  test('qmax', () => t().n(13).k(9).clamp(-Infinity, 0.25).test(h));
  test('relu6-like clamp', () => t().n(16).k(33).ks(2).clamp(0, 1).test(h));
  test('strided_c: only nc columns of each row are written', () => { t().n(5).k(4).cStride(11).test(h); t().n(9).k(4).mr(3).cStride(17).test(h); });
});
