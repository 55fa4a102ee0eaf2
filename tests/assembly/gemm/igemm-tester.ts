/**
 * Fluent tester of the igemm micro-kernels (family igemm of bench/kernels/list.cjs), as XNNPACK's
 * GemmMicrokernelTester: one call of the kernel's export on an m x n tile of k channels and ks
 * taps against a float64 loop; weights through pack_gemm_f32, so this also checks the packing.
 *
 *   new IgemmTester().mr(2).nr(16).m(2).n(13).k(7).ks(9).qmin(0).test(kernel)
 *
 * mr / nr default to the kernel's tile; given, they must match it. m defaults to mr.
 */
import { expectClose } from '../harness';
import { rng } from '../../src/backends/wasm/wasm-helpers';
import type { Entry, Kernel } from '../kernels';

export class IgemmTester {
  private mr_ = 0;
  private nr_ = 0;
  private m_ = 0;
  private n_ = 8;
  private k_ = 4;
  private ks_ = 1;
  private qmin_ = -Infinity;
  private qmax_ = Infinity;
  private aOffset_ = 0;
  private zeroEvery_ = 0;
  private cmStride_ = 0;
  private seed_ = 1;

  /** rows of the register tile (the kernel's MR) */
  mr(v: number): this { this.mr_ = v; return this; }
  /** columns of the register tile and packed panel width (the kernel's NR) */
  nr(v: number): this { this.nr_ = v; return this; }
  /** valid rows, 1..mr (rows m..mr-1 repeat row m-1, as the indirection builders do) */
  m(v: number): this { this.m_ = v; return this; }
  /** output columns */
  n(v: number): this { this.n_ = v; return this; }
  /** input channels per tap */
  k(v: number): this { this.k_ = v; return this; }
  kc(v: number): this { return this.k(v); }
  /** taps (indirection pointers per row) */
  ks(v: number): this { this.ks_ = v; return this; }
  qmin(v: number): this { this.qmin_ = v; return this; }
  qmax(v: number): this { this.qmax_ = v; return this; }
  clamp(lo: number, hi: number): this { return this.qmin(lo).qmax(hi); }
  /** channels skipped at the start of every non-zero A row (a group offset) */
  aOffset(v: number): this { this.aOffset_ = v; return this; }
  /** every `v`-th pointer is the zero row (padding taps) */
  zeroEvery(v: number): this { this.zeroEvery_ = v; return this; }
  /** floats between output rows (default n) */
  cmStride(v: number): this { this.cmStride_ = v; return this; }
  seed(v: number): this { this.seed_ = v; return this; }

  test(kernel: Kernel<Entry<'igemm'>>): void {
    const { h, entry } = kernel;
    const MR = this.mr_ || entry.mr;
    const NR = this.nr_ || entry.nr;
    if (MR !== entry.mr || NR !== entry.nr) throw new Error(`${entry.name} is ${entry.mr}x${entry.nr}, not ${MR}x${NR}`);
    const { n_: n, k_: k, ks_: ks, aOffset_: off } = this;
    const m = this.m_ || MR;
    if (m > MR) throw new Error(`m ${m} > mr ${MR}`);
    const r = rng(this.seed_ + 31 * n + 7 * k);
    const rowLen = off + k;
    // distinct A rows per (tap, row)
    const rows: Float32Array[] = [];
    const rowPtr: number[] = [];
    const zero = h.alloc(k);
    const ind = new Uint32Array(ks * MR);
    for (let t = 0; t < ks; t++) {
      for (let i = 0; i < MR; i++) {
        const idx = t * MR + i;
        if (i < m) {
          if (this.zeroEvery_ > 0 && (t * m + i) % this.zeroEvery_ === 0) {
            rows[idx] = new Float32Array(rowLen);
            rowPtr[idx] = zero;
          } else {
            const a = new Float32Array(rowLen).map(() => r() * 2 - 1);
            rows[idx] = a;
            rowPtr[idx] = h.put(a);
          }
        }
        ind[idx] = rowPtr[t * MR + (i < m ? i : m - 1)];
      }
    }
    const indPtr = h.heap.alloc(ind.length * 4);
    h.heap.u32().set(ind, indPtr >>> 2);
    // B [ks][k][n] and bias [n]
    const b = new Float32Array(ks * k * n).map(() => r() * 2 - 1);
    const bias = new Float32Array(n).map(() => r() * 2 - 1);
    const packed = h.alloc(h.ex.size_pack_gemm_f32(ks, k, n, NR));
    h.ex.pack_gemm_f32(1, ks, k, n, NR, h.put(b), h.put(bias), packed);
    const cStride = this.cmStride_ || n;
    const SENTINEL = -12345;
    const c = h.alloc(MR * cStride, SENTINEL);
    h.ex[entry.export](m, n, k * 4, ks * MR * 4, indPtr, packed, c, cStride * 4, off * 4, zero, this.qmin_, this.qmax_);
    const got = h.get(c, MR * cStride);
    const want = new Float64Array(MR * cStride).fill(SENTINEL);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = bias[j];
        for (let t = 0; t < ks; t++) {
          const isZero = rowPtr[t * MR + i] === zero;
          for (let kk = 0; kk < k; kk++) s += (isZero ? 0 : rows[t * MR + i][off + kk]) * b[(t * k + kk) * n + j];
        }
        want[i * cStride + j] = Math.min(Math.max(s, this.qmin_), this.qmax_);
      }
    }
    h.heap.free(indPtr);
    h.reset();
    expectClose(got, want, `${entry.name} m=${m} n=${n} k=${k} ks=${ks}`);
  }
}
