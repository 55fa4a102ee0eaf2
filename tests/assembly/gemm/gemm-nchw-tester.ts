/**
 * Fluent tester of the NCHW gemms (families gemm-nchw and im2col-nchw of bench/kernels/list.cjs):
 * NCHW input, OIHW weights, NCHW output planes against the float64 reference; nothing is written
 * past the output.
 *
 *   new NchwGemmTester().c(5).cout(4).pixels(33).test(pointwiseKernel)
 *   new NchwGemmTester().c(3).size(5, 20).cout(5).kernel(3, 3).pad(1, 1, 1, 1).test(im2colKernel)
 *
 * The pointwise kernel takes planes of h*w pixels, 1x1 weights, no stride or padding.
 */
import { expectClose, randomArray } from '../harness';
import { rng } from '../../src/backends/wasm/wasm-helpers';
import { refConvNd } from '../../helpers/reference-nd';
import type { Entry, Kernel } from '../kernels';

export class NchwGemmTester {
  private n_ = 1;
  private c_ = 4;
  private h_ = 1;
  private w_ = 16;
  private cout_ = 4;
  private kH_ = 1;
  private kW_ = 1;
  private s_: [number, number] = [1, 1];
  private d_: [number, number] = [1, 1];
  private pad_: [number, number, number, number] = [0, 0, 0, 0];
  private min_ = -Infinity;
  private max_ = Infinity;
  private seed_ = -1;

  n(v: number): this { this.n_ = v; return this; }
  /** input channels */
  c(v: number): this { this.c_ = v; return this; }
  cout(v: number): this { this.cout_ = v; return this; }
  /** input height and width */
  size(h: number, w: number): this { this.h_ = h; this.w_ = w; return this; }
  /** a plane of `p` pixels (one row) */
  pixels(p: number): this { return this.size(1, p); }
  kernel(kH: number, kW: number): this { this.kH_ = kH; this.kW_ = kW; return this; }
  stride(sH: number, sW = sH): this { this.s_ = [sH, sW]; return this; }
  dilation(dH: number, dW = dH): this { this.d_ = [dH, dW]; return this; }
  /** top, left, bottom, right */
  pad(t: number, l: number, b: number, r: number): this { this.pad_ = [t, l, b, r]; return this; }
  clamp(lo: number, hi: number): this { this.min_ = lo; this.max_ = hi; return this; }
  seed(v: number): this { this.seed_ = v; return this; }

  test(kernel: Kernel<Entry<'gemm-nchw'>> | Kernel<Entry<'im2col-nchw'>>): void {
    const { h, entry } = kernel;
    const { n_: n, c_: c, cout_: cout, kH_: kH, kW_: kW, min_: lo, max_: hi } = this;
    const [sH, sW] = this.s_;
    const [dH, dW] = this.d_;
    const [pT, pL, pB, pR] = this.pad_;
    const pointwise = entry.family === 'gemm-nchw';
    const P = this.h_ * this.w_;
    if (pointwise && (kH !== 1 || kW !== 1 || sH !== 1 || sW !== 1 || pT || pL || pB || pR)) {
      throw new Error('the NCHW pointwise kernel takes 1x1 weights, stride 1, no padding');
    }
    const oh = Math.floor((this.h_ + pT + pB - dH * (kH - 1) - 1) / sH) + 1;
    const ow = Math.floor((this.w_ + pL + pR - dW * (kW - 1) - 1) / sW) + 1;
    const seed = this.seed_ >= 0 ? this.seed_ : n * 7 + c * 131 + this.w_ * 17 + kH * 5 + kW + sW * 3 + dW;
    const r = rng(seed);
    const K = c * kH * kW;
    const x = randomArray(n * c * P, r);
    const w = randomArray(cout * K, r);
    const bias = randomArray(cout, r);
    const outLen = n * cout * oh * ow;
    const GUARD = 55;
    const y = h.alloc(outLen + 4, GUARD);
    if (pointwise) {
      h.ex.run_pointwise_nchw_f32(h.put(x), h.put(w), h.put(bias), y, n, c, cout, P, lo, hi);
    } else {
      h.ex.run_conv2d_im2col_nchw_f32(h.put(x), h.put(w), h.put(bias), y, n, c, this.h_, this.w_, cout, oh, ow, kH, kW,
        sH, sW, dH, dW, pT, pL, lo, hi);
    }
    const got = h.get(y, outLen + 4);
    h.reset();
    const want = refConvNd({ data: x, shape: [n, c, this.h_, this.w_] }, { data: w, shape: [cout, c, kH, kW] },
      { stride: this.s_, dilation: this.d_, padding: this.pad_, bias, clamp: [lo, hi] });
    const what = `${entry.name} n=${n} c=${c} ${this.h_}x${this.w_} cout=${cout} k=${kH}x${kW} s=${this.s_} d=${this.d_} pad=${this.pad_}`;
    expectClose(got.subarray(0, outLen), want.data, what);
    expect(Array.from(got.subarray(outLen))).toEqual([GUARD, GUARD, GUARD, GUARD]);
  }
}
