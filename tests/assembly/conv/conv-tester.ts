/**
 * Fluent tester of the convolutions over the igemm tiles (families conv and groups4 of
 * bench/kernels/list.cjs): weights packed for the kernel's tile, the indirection buffer built
 * (one pointer per tap, or per kernel row of a zero-padded copy for the row-merged entries), the
 * export run once, NHWC output or NCHW planes against the float64 reference; nothing is written
 * past the output.
 *
 *   new ConvTester().c(8).cout(12).groups(4).kernel(3, 3).pad(1, 1, 1, 1).test(kernel)
 *
 * Weights are canonical [groups][kH][kW][cinG][coutG]; a groups4 entry has 4 outputs per group.
 */
import { expectClose, randomArray } from '../harness';
import { Geo, refConv, rng, toNchw } from '../../src/backends/wasm/wasm-helpers';
import type { Entry, Kernel } from '../kernels';

export class ConvTester {
  protected n_ = 1;
  protected c_ = 4;
  protected h_ = 5;
  protected w_ = 5;
  protected cout_ = 8;
  protected groups_ = 1;
  protected kH_ = 3;
  protected kW_ = 3;
  protected s_: [number, number] = [1, 1];
  protected d_: [number, number] = [1, 1];
  protected pad_: [number, number, number, number] = [0, 0, 0, 0];
  protected min_ = -Infinity;
  protected max_ = Infinity;
  protected seed_ = -1;

  /** batch */
  n(v: number): this { this.n_ = v; return this; }
  /** input channels (all groups) */
  c(v: number): this { this.c_ = v; return this; }
  /** input height and width */
  size(h: number, w: number): this { this.h_ = h; this.w_ = w; return this; }
  /** output channels (all groups); a groups4 kernel has 4 per group */
  cout(v: number): this { this.cout_ = v; return this; }
  groups(v: number): this { this.groups_ = v; return this; }
  kernel(kH: number, kW: number): this { this.kH_ = kH; this.kW_ = kW; return this; }
  stride(sH: number, sW = sH): this { this.s_ = [sH, sW]; return this; }
  dilation(dH: number, dW = dH): this { this.d_ = [dH, dW]; return this; }
  /** top, left, bottom, right */
  pad(t: number, l: number, b: number, r: number): this { this.pad_ = [t, l, b, r]; return this; }
  clamp(lo: number, hi: number): this { this.min_ = lo; this.max_ = hi; return this; }
  qmin(v: number): this { this.min_ = v; return this; }
  qmax(v: number): this { this.max_ = v; return this; }
  /** the generator's seed (default: from the shape) */
  seed(v: number): this { this.seed_ = v; return this; }

  /** The geometry, the output size from the padding; refConv takes it. */
  protected geo(coutOverride?: number): Geo {
    const cout = coutOverride ?? this.cout_;
    const [sH, sW] = this.s_;
    const [dH, dW] = this.d_;
    const [pt, pl, pb, pr] = this.pad_;
    const oh = Math.floor((this.h_ + pt + pb - dH * (this.kH_ - 1) - 1) / sH) + 1;
    const ow = Math.floor((this.w_ + pl + pr - dW * (this.kW_ - 1) - 1) / sW) + 1;
    if (!(oh >= 1 && ow >= 1)) throw new Error(`empty output ${oh}x${ow}`);
    return { n: this.n_, h: this.h_, w: this.w_, c: this.c_, oh, ow, cout, groups: this.groups_,
      cinG: this.c_ / this.groups_, coutG: cout / this.groups_, kH: this.kH_, kW: this.kW_, strideH: sH, strideW: sW,
      dilationH: dH, dilationW: dW, padTop: pt, padLeft: pl, min: this.min_, max: this.max_ };
  }

  test(kernel: Kernel<Entry<'conv'>> | Kernel<Entry<'groups4'>>): void {
    const { h, entry } = kernel;
    const g = this.geo(entry.family === 'groups4' ? this.groups_ * 4 : undefined);
    const rows = entry.family === 'conv' && entry.input === 'rows';
    if (rows && (g.groups !== 1 || g.dilationW !== 1)) throw new Error('the row-merged igemm takes one group, column dilation 1');
    const taps = g.kH * g.kW;
    const pixels = g.n * g.oh * g.ow;
    const r = rng(this.seed_ >= 0 ? this.seed_ : g.cout * 13 + g.c);
    const x = randomArray(g.n * g.h * g.w * g.c, r);
    const w = randomArray(g.groups * taps * g.cinG * g.coutG, r);
    const bias = randomArray(g.cout, r);
    const { mr, nr } = entry;
    const packed = h.alloc(g.groups * h.ex.size_pack_gemm_f32(taps, g.cinG, g.coutG, nr));
    if (entry.family === 'groups4') h.ex.pack_groups4_f32(g.groups, taps, g.cinG, h.put(w), h.put(bias), packed);
    else h.ex.pack_gemm_f32(g.groups, taps, g.cinG, g.coutG, nr, h.put(w), h.put(bias), packed);
    // the zero row: cinG zeros, all channels for groups of 4 (its tiles read every group's)
    const zero = h.alloc(entry.family === 'groups4' ? g.c : rows ? 1 : g.cinG);
    let ind: number;
    if (rows) {
      // rows and columns the taps reach, zero-padded; NaN outside them would show any over-read
      const hp = (g.oh - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1;
      const wp = (g.ow - 1) * g.strideW + g.kW;
      const xpad = h.alloc(g.n * hp * wp * g.c, NaN);
      h.ex.pad_input_nhwc_f32(h.put(x), xpad, g.n, g.h, g.w, g.c, g.padTop, g.padLeft, hp, wp);
      ind = h.alloc(h.ex.size_conv_indirection_u32(pixels, g.kH, mr));
      h.ex.build_conv2d_rows_indirection_nhwc_u32(ind, xpad, g.n, hp, wp, g.c, g.oh, g.ow, g.kH, g.strideH, g.strideW, g.dilationH, mr);
    } else {
      ind = h.alloc(h.ex.size_conv_indirection_u32(pixels, taps, mr));
      h.ex.build_conv_indirection_ndhwc_u32(ind, h.put(x), zero, g.n, 1, g.h, g.w, g.c, 1, g.oh, g.ow, 1, g.kH, g.kW, 1,
        g.strideH, g.strideW, 1, g.dilationH, g.dilationW, 0, g.padTop, g.padLeft, 0, mr);
    }
    // a guard float before the output and four after it: the stores stay inside
    const len = pixels * g.cout;
    const GUARD = 12345;
    const buf = h.alloc(len + 5, GUARD);
    const out = buf + 4;
    const plane = g.oh * g.ow;
    if (entry.export === 'run_conv2d_groups4_f32') {
      h.ex.run_conv2d_groups4_f32(ind, packed, out, zero, pixels, g.groups, g.cinG, taps, g.cout, g.min, g.max, plane);
    } else if (entry.export === 'run_conv2d_nchw_out_f32') {
      h.ex.run_conv2d_nchw_out_f32(ind, packed, out, zero, pixels, g.groups, g.cinG, g.coutG, taps, g.cout, g.min, g.max, plane);
    } else if (rows) {
      h.ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, 1, g.kW * g.c, g.cout, g.kH, g.cout, g.min, g.max, entry.alt);
    } else {
      h.ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, g.groups, g.cinG, g.coutG, taps, g.cout, g.min, g.max, entry.alt);
    }
    const all = h.get(buf, len + 5);
    h.reset();
    const nhwc = refConv(g, x, w, bias);
    const want = entry.output === 'NCHW' ? toNchw(nhwc, g.n, g.oh, g.ow, g.cout) : nhwc;
    const what = `${entry.name} ${JSON.stringify(this.describe())}`;
    expectClose(all.subarray(1, 1 + len), want, what);
    const guard = [all[0], ...all.subarray(1 + len)];
    if (!guard.every((v) => v === GUARD)) throw new Error(`${what}: written outside the output: ${guard}`);
  }

  /** The parameters, for messages. */
  describe(): Record<string, unknown> {
    return { n: this.n_, c: this.c_, h: this.h_, w: this.w_, cout: this.cout_, groups: this.groups_, k: [this.kH_, this.kW_],
      s: this.s_, d: this.d_, pad: this.pad_, clamp: [this.min_, this.max_] };
  }
}
