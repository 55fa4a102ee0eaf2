/**
 * 'conv' stages (standard, strided, dilated, grouped, pointwise), in the packed forms that
 * select.ts chose at creation:
 *
 *   igemm          packed gemm panels (gemm/pack.ts) + zero row + indirection buffer, in one of
 *                  three tiles (the build's, 4x8 for small groups, groups of 4 outputs)
 *   igemm-rows     the same panels over a padded copy whose kernel rows are single taps of kW*c
 *   winograd       (m+2)^2 transformed weight matrices (kernels/winograd.ts)
 *   pointwise-nchw, im2col-nchw   OIHW weights for the NCHW gemms (gemm/gemm-nchw.ts)
 */
import type { Stage } from '../../types.js';
import { Geometry, inLength } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import type { Pool } from '../pool.js';
import type { Feed } from '../split.js';
import { indirectionLength, packedGemmFloats, Scratch, upload } from '../scratch.js';
import { Packing, rowsPadded, StageChoice } from '../select.js';
import { BaseKernel } from './base.js';
import { packWinograd, weightsFromWinograd, winogradFloats, WinogradScratch } from './winograd.js';

type ConvPacking = Extract<Packing, { family: 'conv' }>;

/** The ABI's padding-mode argument of build_conv_indirection_ndhwc_u32. */
const PAD_MODE = { zeros: 0, reflect: 1, replicate: 2, circular: 3 } as const;

/** The ABI's tile argument of run_conv2d_nhwc_f32. */
const TILE_ARG = { build: 0, '4x8': 1, groups4: 2 } as const;

export class ConvKernel extends BaseKernel {
  declare readonly packing: ConvPacking;
  /** The igemm's packed weights (for a Winograd layer 0 until an input holds NaN or infinity). */
  private packed = 0;
  private readonly zero: number;
  private readonly ind: Scratch;
  private indKey = '';
  private readonly padded: Scratch;
  /** OIHW weights [cout][cin*kH*kW] for the NCHW gemms, 0 without them. */
  private readonly wNchw: number = 0;
  /** The packed U[e] of a Winograd layer, 0 otherwise. */
  private readonly wino: number = 0;
  private readonly winoScratch: WinogradScratch;
  /** The bias on its own, for the NCHW gemms and Winograd (which pack none); 0 for the others. */
  private readonly biasRow: number = 0;

  constructor(stage: Stage, p: ConvPacking, heap: Heap, ex: WasmExports, pool?: Pool) {
    super(stage.spec, p, heap, ex, pool);
    const { groups, cin, cout, kD, kH, kW } = stage.spec;
    const cinG = cin / groups;
    const coutG = cout / groups;
    const taps = kD * kH * kW;
    this.padded = this.newScratch();
    this.ind = this.newScratch();
    this.winoScratch = new WinogradScratch(this.newScratch(), this.newScratch(), this.newScratch(), this.newScratch(),
      this.newScratch());
    // groups of 4 add the group's channel offset to padding taps too: its zero row spans all channels
    const zeroFloats = p.tile === 'groups4' ? cin : cinG;
    let w = 0;
    let b = 0;
    try {
      this.zero = this.own(heap.alloc(zeroFloats * 4));
      heap.zero(this.zero, zeroFloats * 4 + 16);
      w = upload(heap, stage.weights);
      b = upload(heap, stage.bias);
      if (p.winograd === 0) {
        this.packed = this.own(heap.alloc(groups * packedGemmFloats(taps, cinG, coutG, p.nr) * 4));
        if (p.tile === 'groups4') ex.pack_groups4_f32(groups, taps, cinG, w, b, this.packed);
        else ex.pack_gemm_f32(groups, taps, cinG, coutG, p.nr, w, b, this.packed);
      } else {
        this.wino = this.own(heap.alloc(winogradFloats(p.winograd, cin, cout, p.nr) * 4));
        packWinograd(heap, ex, p.winograd, w, cin, cout, p.nr, this.wino);
      }
      if (p.pointwiseNchw || p.im2colNchw) {
        // canonical [kH][kW][cin][cout] -> OIHW [cout][cin][kH][kW]
        const K = cin * taps;
        const t = new Float32Array(K * cout);
        const src = stage.weights;
        for (let tap = 0; tap < taps; tap++) {
          for (let ci = 0; ci < cin; ci++) {
            for (let co = 0; co < cout; co++) t[co * K + ci * taps + tap] = src[(tap * cin + ci) * cout + co];
          }
        }
        this.wNchw = this.own(upload(heap, t));
      }
      if (this.wNchw !== 0 || this.wino !== 0) this.biasRow = this.own(upload(heap, stage.bias));
    } catch (e) {
      this.abort(e);
    } finally {
      heap.free(w);
      heap.free(b);
    }
  }

  run(choice: StageChoice, g: Geometry, x: number, out: number, _c0 = 0, feed?: Feed): void {
    this.checkFeed(choice, feed);
    const outPlane = choice.output === 'NCHW' ? g.od * g.oh * g.ow : 0;
    switch (choice.kernel) {
      case 'winograd':
        // Winograd would spread a NaN or an infinity over a whole tile (as NaN): such an input
        // runs the igemm, which propagates it as PyTorch does (the check is one pass over x)
        if (this.ex.check_finite_f32(x, inLength(g)) === 1) {
          this.winoScratch.run(this.ex, g, this.packing.winograd as 2 | 4, this.wino, this.biasRow, this.zero, x, out,
            outPlane, choice.threads > 1 ? this.split : undefined);
          return;
        }
        this.packIgemm();
        this.igemm(g, x, out, outPlane, choice.threads);
        return;
      case 'igemm':
        this.igemm(g, x, out, outPlane, choice.threads);
        return;
      case 'igemm-rows':
        this.igemmRows(g, x, out, outPlane, choice.threads);
        return;
      case 'pointwise-nchw':
        // select.ts takes this kernel only for 1x1 unpadded stride-1 layers: od*oh*ow = d*h*w
        if (choice.threads > 1 && this.split !== undefined) {
          const plane = g.od * g.oh * g.ow;
          this.split.nchwGemm({ x, w: this.wNchw, bias: this.biasRow, y: out, n: g.n, cin: g.c, cout: g.cout, plane,
            inFloats: g.c * plane, min: g.min, max: g.max, feed });
          return;
        }
        this.ex.run_pointwise_nchw_f32(x, this.wNchw, this.biasRow, out, g.n, g.c, g.cout, g.od * g.oh * g.ow, g.min, g.max);
        return;
      case 'im2col-nchw':
        if (choice.threads > 1 && this.split !== undefined) {
          this.split.nchwGemm({ x, w: this.wNchw, bias: this.biasRow, y: out, n: g.n, cin: g.c, cout: g.cout,
            plane: g.oh * g.ow, inFloats: g.c * g.h * g.w, min: g.min, max: g.max,
            conv: [g.h, g.w, g.oh, g.ow, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft],
            feed });
          return;
        }
        this.ex.run_conv2d_im2col_nchw_f32(x, this.wNchw, this.biasRow, out, g.n, g.c, g.h, g.w, g.cout, g.oh, g.ow,
          g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
        return;
      default:
        this.unexpected(choice);
    }
  }

  /** The NCHW gemms split over runs of pixels or rows, each packing the input it reads itself. */
  protected override readonly feedKernels: readonly StageChoice['kernel'][] = ['pointwise-nchw', 'im2col-nchw'];

  private igemm(g: Geometry, x: number, out: number, outPlane: number, threads: number): void {
    const pixels = g.n * g.od * g.oh * g.ow;
    const taps = g.kD * g.kH * g.kW;
    const mr = this.packing.mr;
    const key = `c${x},${g.n},${g.d},${g.h},${g.w},${g.od},${g.oh},${g.ow},${g.padFront},${g.padTop},${g.padLeft},${g.paddingMode}`;
    if (this.ind.ensure(indirectionLength(pixels, taps, mr) * 4) || key !== this.indKey) {
      this.ex.build_conv_indirection_ndhwc_u32(this.ind.ptr, x, this.zero, g.n, g.d, g.h, g.w, g.c, g.od, g.oh, g.ow,
        g.kD, g.kH, g.kW, g.strideD, g.strideH, g.strideW, g.dilationD, g.dilationH, g.dilationW,
        g.padFront, g.padTop, g.padLeft, PAD_MODE[g.paddingMode], mr);
      this.indKey = key;
    }
    this.gemm(g, out, pixels, g.groups, g.cinG, taps, outPlane, threads);
  }

  /** Row-merged: a padded copy spanning what the taps reach, kH taps of kW*c channels. */
  private igemmRows(g: Geometry, x: number, out: number, outPlane: number, threads: number): void {
    const ex = this.ex;
    const { hp, wp } = rowsPadded(g);
    const pixels = g.n * g.oh * g.ow;
    const mr = this.packing.mr;
    const moved = this.padded.ensure(g.n * hp * wp * g.c * 4);
    ex.pad_input_nhwc_f32(x, this.padded.ptr, g.n, g.h, g.w, g.c, g.padTop, g.padLeft, hp, wp);
    const key = `r${this.padded.ptr},${g.n},${g.oh},${g.ow},${hp},${wp}`;
    if (this.ind.ensure(indirectionLength(pixels, g.kH, mr) * 4) || moved || key !== this.indKey) {
      ex.build_conv2d_rows_indirection_nhwc_u32(this.ind.ptr, this.padded.ptr, g.n, hp, wp, g.c, g.oh, g.ow, g.kH,
        g.strideH, g.strideW, g.dilationH, mr);
      this.indKey = key;
    }
    this.gemm(g, out, pixels, 1, g.kW * g.c, g.kH, outPlane, threads);
  }

  /**
   * The igemm over the indirection buffer: NHWC out (outPlane 0), or NCHW planes of outPlane
   * pixels. `groups`, `cinG` and `taps` are the gemm's view of the layer (row-merged: one group,
   * kW*c channels per tap, kH taps). `threads` > 1: split over the pool (split.ts).
   */
  private gemm(g: Geometry, out: number, pixels: number, groups: number, cinG: number, taps: number,
    outPlane: number, threads: number): void {
    const tile = this.packing.tile;
    if (threads > 1 && this.split !== undefined) {
      const { mr, nr } = this.packing;
      this.split.gemm({ ind: this.ind.ptr, packed: this.packed, out, zero: this.zero, pixels, groups, cinG,
        coutG: g.coutG, taps, cout: g.cout, min: g.min, max: g.max, alt: TILE_ARG[tile], mr, nr, outPlane });
      return;
    }
    if (outPlane > 0 && tile === 'groups4') {
      this.ex.run_conv2d_groups4_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, taps, g.cout,
        g.min, g.max, outPlane);
    } else if (outPlane > 0) {
      this.ex.run_conv2d_nchw_out_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, g.coutG, taps,
        g.cout, g.min, g.max, outPlane);
    } else {
      this.ex.run_conv2d_nhwc_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, g.coutG, taps,
        g.cout, g.min, g.max, TILE_ARG[tile]);
    }
  }

  /** The igemm's packed weights of a Winograd layer (one group, the build's tile), made when first needed. */
  private packIgemm(): void {
    if (this.packed !== 0) return;
    const { cin, cout } = this.spec;
    const nr = this.packing.nr;
    const g = weightsFromWinograd(this.heap.f32(), this.wino, this.packing.winograd as 2 | 4, cin, cout, nr);
    const heap = this.heap;
    const w = upload(heap, g);
    try {
      const packed = heap.alloc(packedGemmFloats(9, cin, cout, nr) * 4);
      this.ex.pack_gemm_f32(1, 9, cin, cout, nr, w, this.biasRow, packed);
      this.packed = this.own(packed);
    } finally {
      heap.free(w);
    }
  }
}
