/**
 * Fluent tester of the transposed-convolution kernels (family deconv of bench/kernels/list.cjs):
 * the gemm of the input pixels against the weights as a cinG x (taps*coutG) matrix per group
 * into a column buffer (run_conv2d_nhwc_f32 with one tap, the build's tile), then the entry's
 * export: the col2im (bias, scatter-add with crop, stride, dilation, outputPadding, groups, clamp)
 * to NHWC, or the tiles kernel (stride = kernel, dilation 1, one group) to NCHW planes; against
 * the float64 reference, nothing written past the output.
 *
 *   new DeconvTester().c(8).cout(4).kernel(2, 2).stride(2).test(kernel)
 *
 * Weights are canonical [groups][cinG][kH][kW][coutG].
 */
import { expectClose, randomArray } from '../harness';
import { Geo, refDeconv, rng, toNchw } from '../../src/backends/wasm/wasm-helpers';
import type { Entry, Kernel } from '../kernels';

export class DeconvTester {
  private n_ = 1;
  private c_ = 4;
  private h_ = 4;
  private w_ = 4;
  private cout_ = 4;
  private groups_ = 1;
  private kH_ = 2;
  private kW_ = 2;
  private s_: [number, number] = [2, 2];
  private d_: [number, number] = [1, 1];
  private pad_: [number, number, number, number] = [0, 0, 0, 0];
  private op_: [number, number] = [0, 0];
  private min_ = -Infinity;
  private max_ = Infinity;
  private seed_ = -1;

  n(v: number): this { this.n_ = v; return this; }
  /** input channels (all groups) */
  c(v: number): this { this.c_ = v; return this; }
  size(h: number, w: number): this { this.h_ = h; this.w_ = w; return this; }
  /** output channels (all groups) */
  cout(v: number): this { this.cout_ = v; return this; }
  groups(v: number): this { this.groups_ = v; return this; }
  kernel(kH: number, kW: number): this { this.kH_ = kH; this.kW_ = kW; return this; }
  stride(sH: number, sW = sH): this { this.s_ = [sH, sW]; return this; }
  dilation(dH: number, dW = dH): this { this.d_ = [dH, dW]; return this; }
  /** the crop: top, left, bottom, right */
  pad(t: number, l: number, b: number, r: number): this { this.pad_ = [t, l, b, r]; return this; }
  outputPadding(h: number, w = h): this { this.op_ = [h, w]; return this; }
  clamp(lo: number, hi: number): this { this.min_ = lo; this.max_ = hi; return this; }
  seed(v: number): this { this.seed_ = v; return this; }

  test(kernel: Kernel<Entry<'deconv'>>): void {
    const { h, entry } = kernel;
    const { n_: n, c_: c, cout_: cout, groups_: groups, kH_: kH, kW_: kW, min_: lo, max_: hi } = this;
    const [sH, sW] = this.s_;
    const [dH, dW] = this.d_;
    const [pt, pl, pb, pr] = this.pad_;
    const [opH, opW] = this.op_;
    const tiles = entry.export === 'run_deconv2d_tiles_nchw_f32';
    if (tiles && (groups !== 1 || sH !== kH || sW !== kW || dH !== 1 || dW !== 1)) {
      throw new Error('the tiles kernel takes one group, stride = kernel, dilation 1');
    }
    const r = rng(this.seed_ >= 0 ? this.seed_ : c * 7 + cout);
    const cinG = c / groups, coutG = cout / groups, taps = kH * kW;
    const oh = (this.h_ - 1) * sH - pt - pb + dH * (kH - 1) + opH + 1;
    const ow = (this.w_ - 1) * sW - pl - pr + dW * (kW - 1) + opW + 1;
    const pixels = n * this.h_ * this.w_;
    const x = randomArray(pixels * c, r), w = randomArray(groups * cinG * taps * coutG, r), bias = randomArray(cout, r);
    const xp = h.put(x);
    const zero = h.alloc(cinG);
    const packed = h.alloc(groups * h.ex.size_pack_gemm_f32(1, cinG, taps * coutG, entry.nr));
    h.ex.pack_gemm_f32(groups, 1, cinG, taps * coutG, entry.nr, h.put(w), 0, packed);
    const ind = h.alloc(h.ex.size_conv_indirection_u32(pixels, 1, entry.mr));
    h.ex.build_rows_indirection_u32(ind, xp, pixels, c * 4, entry.mr);
    const colCols = groups * taps * coutG;
    const col = h.alloc(pixels * colCols);
    h.ex.run_conv2d_nhwc_f32(ind, packed, col, zero, pixels, groups, cinG, taps * coutG, 1, colCols, -Infinity, Infinity, 0);
    const outLen = n * oh * ow * cout;
    const GUARD = 99;
    const out = h.alloc(outLen + 4, GUARD);
    if (tiles) {
      h.ex.run_deconv2d_tiles_nchw_f32(col, h.put(bias), out, n, this.h_, this.w_, oh, ow, cout, kH, kW, pt, pl, lo, hi);
    } else {
      h.ex.run_deconv_col2im_ndhwc_f32(col, h.put(bias), out, n, 1, this.h_, this.w_, 1, oh, ow, groups, coutG, 1, kH, kW,
        1, sH, sW, 1, dH, dW, 0, pt, pl, lo, hi);
    }
    const got = h.get(out, outLen + 4);
    h.reset();
    const g: Geo = { n, h: this.h_, w: this.w_, c, oh, ow, cout, groups, cinG, coutG, kH, kW, strideH: sH, strideW: sW,
      dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min: lo, max: hi };
    const nhwc = refDeconv(g, x, w, bias);
    const want = tiles ? toNchw(nhwc, n, oh, ow, cout) : nhwc;
    expectClose(got.subarray(0, outLen), want, `${entry.name} n=${n} c=${c} ${this.h_}x${this.w_} cout=${cout} g=${groups} ` +
      `k=${kH}x${kW} s=${this.s_} d=${this.d_} crop=${this.pad_} op=${this.op_}`);
    expect(Array.from(got.subarray(outLen))).toEqual([GUARD, GUARD, GUARD, GUARD]);
  }
}
