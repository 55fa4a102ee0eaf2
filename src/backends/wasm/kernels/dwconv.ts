/**
 * 'dw' stages (depthwise, any multiplier m): 4-channel blocks for the NHWC kernels
 * (conv/depthwise.ts; m > 1 runs on the m-fold expanded input) and splatted per-plane weights
 * for the NCHW row kernels (conv/depthwise-nchw.ts).
 */
import type { Stage } from '../../types.js';
import type { Geometry } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import type { Pool } from '../pool.js';
import { Scratch, upload } from '../scratch.js';
import type { Packing, StageChoice } from '../select.js';
import { type Feed, Split } from '../split.js';
import { BaseKernel } from './base.js';

export class DwKernel extends BaseKernel {
  private readonly packed: number;
  private readonly planes: number;
  private readonly zero: number;
  private readonly zeroRow: Scratch;
  private readonly expanded: Scratch;

  constructor(stage: Stage, p: Packing, heap: Heap, ex: WasmExports, pool?: Pool) {
    super(stage.spec, p, heap, ex, pool);
    const { cout, kH, kW } = stage.spec;
    const taps = kH * kW;
    this.expanded = this.newScratch();
    this.zeroRow = this.newScratch();
    let w = 0;
    let b = 0;
    try {
      this.packed = this.own(heap.alloc(Math.ceil(cout / 4) * 4 * (1 + taps) * 4));
      this.zero = this.own(heap.alloc(cout * 4));
      heap.zero(this.zero, cout * 4 + 16);
      // NCHW planes: every value splatted to 4 lanes
      this.planes = this.own(heap.alloc(cout * (1 + taps) * 16));
      w = upload(heap, stage.weights);
      b = upload(heap, stage.bias);
      ex.pack_dwconv2d_f32(cout, taps, w, b, this.packed);
      ex.pack_dwconv2d_planes_f32(cout, taps, w, b, this.planes);
    } catch (e) {
      this.abort(e);
    } finally {
      heap.free(w);
      heap.free(b);
    }
  }

  run(choice: StageChoice, g: Geometry, x: number, out: number, c0 = 0, feed?: Feed): void {
    this.checkFeed(choice, feed);
    if (choice.kernel === 'dwconv') this.runNhwc(g, x, out, choice.threads);
    else if (choice.kernel === 'dwconv-nchw') this.runNchw(g, x, out, c0, choice.threads, feed);
    else if (choice.kernel === 'dwconv1d-ncw') this.run1d(g, x, out, c0, choice.threads, feed);
    else this.unexpected(choice);
  }

  /** The NCHW kernels split over channel runs, each reading its own planes only. */
  protected override readonly feedKernels: readonly StageChoice['kernel'][] = ['dwconv-nchw', 'dwconv1d-ncw'];

  private runNhwc(g: Geometry, x: number, out: number, threads: number): void {
    const ex = this.ex;
    const m = g.coutG;
    let src = x;
    if (m > 1) {
      const pixels = g.n * g.h * g.w;
      this.expanded.ensure(pixels * g.cout * 4);
      if (threads > 1 && this.split !== undefined && Split.passSplits(pixels * g.c * (1 + m) * 4)) {
        this.split.expand(x, this.expanded.ptr, pixels, g.c, m);
      } else {
        ex.expand_dwconv2d_nhwc_f32(x, this.expanded.ptr, pixels, g.c, m);
      }
      src = this.expanded.ptr;
    }
    if (threads > 1 && this.split !== undefined) {
      this.split.dwRows([src, this.packed, out, this.zero, g.n, g.h, g.w, g.cout, g.oh, g.ow, g.kH, g.kW,
        g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max]);
      return;
    }
    ex.run_dwconv2d_nhwc_f32(src, this.packed, out, this.zero, g.n, g.h, g.w, g.cout, g.oh, g.ow, g.kH, g.kW,
      g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  }

  /** 1-D NCW rows at stride 1, input channels [c0, c0 + g.c) (dwconv-1d.ts). */
  private run1d(g: Geometry, x: number, out: number, c0: number, threads: number, feed?: Feed): void {
    // the padded row, then a 16-float block for the last, partial, output block
    const span = Math.ceil(g.ow / 16) * 16 + (g.kW - 1) * g.dilationW + 16;
    const weights = this.planes + c0 * g.coutG * (1 + g.kW) * 16;
    if (threads > 1 && this.split !== undefined) {
      // the kernel fills its row itself: a block per thread, none zeroed
      const bytes = Math.ceil((span + 16) / 4) * 16;
      this.zeroRow.ensure(bytes * this.split.size);
      this.split.dwPlanes({ x, weights, out, scratch: this.zeroRow.ptr, scratchBytes: bytes, n: g.n, c: g.c,
        inPlane: g.w, outPlane: g.ow, m: g.coutG, taps: g.kW, dims: [g.w], oneD: true,
        rest: [g.ow, g.kW, g.dilationW, g.padLeft, g.min, g.max], feed });
      return;
    }
    this.zeroRow.ensure((span + 16) * 4);
    this.ex.run_dwconv1d_ncw_f32(x, weights, out, this.zeroRow.ptr, g.n, g.c, g.w, g.cout, g.ow, g.kW, g.dilationW,
      g.padLeft, g.min, g.max);
  }

  /** NCHW planes in and out, input channels [c0, c0 + g.c). */
  private runNchw(g: Geometry, x: number, out: number, c0: number, threads: number, feed?: Feed): void {
    // w + 8 zeros (rounded up to 4), then the 48 floats the kernel stages edge columns in; the
    // zeros are written every call: a narrower run before staged its edges where they now are
    const zeros = ((g.w + 11) & ~3) * 4;
    const rowBytes = zeros + 48 * 4;
    // the plane-packed weights of output channel c0 * m on: 1 + taps splatted values each
    const weights = this.planes + c0 * g.coutG * (1 + g.kH * g.kW) * 16;
    if (threads > 1 && this.split !== undefined) {
      // a row (zeros, staging) per thread
      const threadsN = this.split.size;
      this.zeroRow.ensure(rowBytes * threadsN);
      for (let i = 0; i < threadsN; i++) this.heap.zero(this.zeroRow.ptr + i * rowBytes, zeros);
      this.split.dwPlanes({ x, weights, out, scratch: this.zeroRow.ptr, scratchBytes: rowBytes, n: g.n, c: g.c,
        inPlane: g.h * g.w, outPlane: g.oh * g.ow, m: g.coutG, taps: g.kH * g.kW, dims: [g.h, g.w], oneD: false,
        rest: [g.oh, g.ow, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max],
        feed });
      return;
    }
    this.zeroRow.ensure(rowBytes);
    this.heap.zero(this.zeroRow.ptr, zeros);
    this.ex.run_dwconv2d_nchw_f32(x, weights, out, this.zeroRow.ptr, g.n, g.c, g.h, g.w, g.cout, g.oh, g.ow, g.kH,
      g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  }
}
