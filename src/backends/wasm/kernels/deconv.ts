/**
 * 'deconv' stages (transposed): one gemm of the input pixels against the weights as a
 * cinG x (taps*coutG) matrix per group into a column buffer, then col2im (crop, outputPadding,
 * bias and clamp) to NHWC, or, when the taps tile the output (stride = kernel, dilation 1, one
 * group), straight to NCHW planes.
 */
import type { Stage } from '../../types.js';
import type { Geometry } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import type { Pool } from '../pool.js';
import { indirectionLength, packedGemmFloats, Scratch, upload } from '../scratch.js';
import type { Packing, StageChoice } from '../select.js';
import { BaseKernel } from './base.js';

export class DeconvKernel extends BaseKernel {
  private readonly packed: number;
  private readonly zero: number;
  private readonly bias: number;
  private readonly ind: Scratch;
  private readonly col: Scratch;
  private indKey = '';

  constructor(stage: Stage, p: Extract<Packing, { family: 'deconv' }>, heap: Heap, ex: WasmExports, pool?: Pool) {
    super(stage.spec, p, heap, ex, pool);
    const { groups, cin, cout, kD, kH, kW } = stage.spec;
    const cinG = cin / groups;
    const coutG = cout / groups;
    const taps = kD * kH * kW;
    this.ind = this.newScratch();
    this.col = this.newScratch();
    let w = 0;
    try {
      // canonical [groups][cinG][taps][coutG] is, per group, a cinG x (taps*coutG) matrix
      this.packed = this.own(heap.alloc(groups * packedGemmFloats(1, cinG, taps * coutG, p.nr) * 4));
      this.zero = this.own(heap.alloc(cinG * 4));
      heap.zero(this.zero, cinG * 4 + 16);
      this.bias = this.own(upload(heap, stage.bias));
      w = upload(heap, stage.weights);
      ex.pack_gemm_f32(groups, 1, cinG, taps * coutG, p.nr, w, 0, this.packed);
    } catch (e) {
      this.abort(e);
    } finally {
      heap.free(w);
    }
  }

  run(choice: StageChoice, g: Geometry, x: number, out: number): void {
    if (choice.kernel === 'deconv-col2im') {
      this.gemmCol(g, x, choice.threads);
      const args = [this.col.ptr, this.bias, out, g.n, g.d, g.h, g.w, g.od, g.oh, g.ow, g.groups, g.coutG, g.kD, g.kH,
        g.kW, g.strideD, g.strideH, g.strideW, g.dilationD, g.dilationH, g.dilationW, g.padFront, g.padTop, g.padLeft,
        g.min, g.max] as const;
      if (choice.threads > 1 && this.split !== undefined) this.split.col2im(args);
      else this.ex.run_deconv_col2im_ndhwc_f32(...args);
    } else if (choice.kernel === 'deconv-tiles') {
      // the col2im writes the planes itself: no bias pass, no read-modify-write, no transpose
      this.gemmCol(g, x, choice.threads);
      if (choice.threads > 1 && this.split !== undefined) {
        this.split.deconvTiles([this.col.ptr, this.bias, out, g.n, g.h, g.w, g.oh, g.ow, g.cout, g.kH, g.kW, g.padTop,
          g.padLeft, g.min, g.max]);
        return;
      }
      this.ex.run_deconv2d_tiles_nchw_f32(this.col.ptr, this.bias, out, g.n, g.h, g.w, g.oh, g.ow, g.cout,
        g.kH, g.kW, g.padTop, g.padLeft, g.min, g.max);
    } else {
      this.unexpected(choice);
    }
  }

  /** The gemm: col[p][g][tap][oc] for every input pixel p. */
  private gemmCol(g: Geometry, x: number, threads: number): void {
    const ex = this.ex;
    const pixels = g.n * g.d * g.h * g.w;
    const taps = g.kD * g.kH * g.kW;
    const colCols = g.groups * taps * g.coutG;
    const key = `${x},${pixels},${g.c}`;
    const mr = (this.packing as Extract<Packing, { family: 'deconv' }>).mr;
    if (this.ind.ensure(indirectionLength(pixels, 1, mr) * 4) || key !== this.indKey) {
      ex.build_rows_indirection_u32(this.ind.ptr, x, pixels, g.c * 4, mr);
      this.indKey = key;
    }
    this.col.ensure(pixels * colCols * 4);
    if (threads > 1 && this.split !== undefined) {
      const { mr, nr } = this.packing as Extract<Packing, { family: 'deconv' }>;
      this.split.gemm({ ind: this.ind.ptr, packed: this.packed, out: this.col.ptr, zero: this.zero, pixels,
        groups: g.groups, cinG: g.cinG, coutG: taps * g.coutG, taps: 1, cout: colCols, min: -Infinity, max: Infinity,
        alt: 0, mr, nr, outPlane: 0 });
      return;
    }
    ex.run_conv2d_nhwc_f32(this.ind.ptr, this.packed, this.col.ptr, this.zero, pixels, g.groups, g.cinG,
      taps * g.coutG, 1, colCols, -Infinity, Infinity, 0);
  }
}
