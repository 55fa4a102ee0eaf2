/**
 * Fluent tester of the Winograd kernels (family winograd of bench/kernels/list.cjs): the weight
 * transform of the entry's tile, each of the (m+2)^2 transformed matrices packed for the build's
 * igemm tile, then one run_conv2d_winograd_f32 (3x3, stride 1, one group, cin and cout multiples
 * of 4) against the float64 reference, NHWC or NCHW planes out; nothing is written past the output.
 *
 *   new WinogradTester().c(8).cout(20).size(7, 5).dilation(2).blockTiles(6).nchw().test(kernel)
 */
import { expectClose, randomArray } from '../harness';
import { refConv, rng, toNchw } from '../../src/backends/wasm/wasm-helpers';
import type { Entry, Kernel } from '../kernels';

/** Tile rows (columns) of an output of `size` with dilation d: per phase, groups of m rows d apart. */
export function tileCount(size: number, d: number, m: number): number {
  let t = 0;
  for (let a = 0; a < d; a++) t += Math.ceil(Math.ceil((size - a) / d) / m);
  return t;
}

export class WinogradTester {
  private n_ = 1;
  private c_ = 4;
  private cout_ = 16;
  private h_ = 6;
  private w_ = 8;
  private pad_: [number, number, number, number] = [1, 1, 1, 1];
  private d_ = 1;
  private T_: number | undefined;
  private nchw_ = false;
  private min_ = -Infinity;
  private max_ = Infinity;

  n(v: number): this { this.n_ = v; return this; }
  /** input channels (a multiple of 4) */
  c(v: number): this { this.c_ = v; return this; }
  /** output channels (a multiple of 4) */
  cout(v: number): this { this.cout_ = v; return this; }
  size(h: number, w: number): this { this.h_ = h; this.w_ = w; return this; }
  /** top, left, bottom, right (default 1 on every side) */
  pad(t: number, l: number, b: number, r: number): this { this.pad_ = [t, l, b, r]; return this; }
  dilation(d: number): this { this.d_ = d; return this; }
  /** tiles per block (default 64, at most the layer's; rounded up to even) */
  blockTiles(T: number): this { this.T_ = T; return this; }
  /** NCHW output planes instead of NHWC */
  nchw(v = true): this { this.nchw_ = v; return this; }
  clamp(lo: number, hi: number): this { this.min_ = lo; this.max_ = hi; return this; }

  test(kernel: Kernel<Entry<'winograd'>>): void {
    const { h, entry } = kernel;
    const { m } = entry;
    const { n_: n, c_: c, cout_: cout, d_: d, min_: lo, max_: hi } = this;
    const [pT, pL, pB, pR] = this.pad_;
    const oh = this.h_ + pT + pB - 2 * d;
    const ow = this.w_ + pL + pR - 2 * d;
    const r = rng(n * 31 + c * 7 + this.h_ * 3 + d + (this.T_ ?? 0));
    const x = randomArray(n * this.h_ * this.w_ * c, r);
    const wts = randomArray(9 * c * cout, r);
    const bias = randomArray(cout, r);
    const nr = h.nr, mr = h.mr;
    // weights: canonical [3][3][c][cout] -> E U[e], each packed with a zero bias
    const E = (m + 2) ** 2;
    const uFloats = h.ex.size_pack_gemm_f32(1, c, cout, nr);
    const u = h.alloc(E * c * cout);
    h.ex[entry.weights](h.put(wts), c, cout, u);
    const packed = h.alloc(E * uFloats);
    for (let e = 0; e < E; e++) h.ex.pack_gemm_f32(1, 1, c, cout, nr, u + e * c * cout * 4, 0, packed + e * uFloats * 4);
    const tiles = n * tileCount(oh, d, m) * tileCount(ow, d, m);
    let T = Math.min(this.T_ ?? 64, tiles);
    T += T & 1;
    const v = h.alloc(E * T * c), mm = h.alloc(E * T * cout);
    const ind = h.alloc(E * T);
    h.ex.build_rows_indirection_u32(ind, v, E * T, c * 4, mr);
    const zero = h.alloc(c);
    const tab = h.alloc(oh + ow);
    const outLen = n * oh * ow * cout;
    const GUARD = 55;
    const y = h.alloc(outLen + 4, GUARD);
    h.ex.run_conv2d_winograd_f32(h.put(x), packed, h.put(bias), y, ind, v, mm, zero, tab, n, this.h_, this.w_, c, cout, oh, ow,
      pT, pL, d, T, lo, hi, this.nchw_ ? oh * ow : 0, m);
    const got = h.get(y, outLen + 4);
    h.reset();
    const nhwc = refConv({ n, h: this.h_, w: this.w_, c, oh, ow, cout, groups: 1, cinG: c, coutG: cout, kH: 3, kW: 3,
      strideH: 1, strideW: 1, dilationH: d, dilationW: d, padTop: pT, padLeft: pL, min: lo, max: hi }, x, wts, bias);
    const want = this.nchw_ ? toNchw(nhwc, n, oh, ow, cout) : nhwc;
    expectClose(got.subarray(0, outLen), want, `${entry.name} n=${n} ${this.h_}x${this.w_} c=${c} cout=${cout} pad=${this.pad_} d=${d} T=${T}`);
    expect(Array.from(got.subarray(outLen))).toEqual([GUARD, GUARD, GUARD, GUARD]);
  }
}
