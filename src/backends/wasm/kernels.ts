/**
 * The wasm Kernels: a stage's weights packed once into wasm memory (create), plus the scratch the
 * stage needs per input size (indirection buffers, column buffers, channel-expanded inputs),
 * rebuilt only when the geometry or the input's address changes, and freed on dispose.
 *
 *   conv   packed gemm panels (gemm/pack.ts) + zero row + indirection buffer -> igemm,
 *          or 36 (16) transformed weight matrices -> Winograd F(4x4,3x3) (F(2x2,3x3)) (conv/winograd.ts:
 *          3x3 stride 1)
 *          [+ OIHW weights for the NCHW gemms (gemm/gemm-nchw.ts): pointwise, small-K im2col]
 *   dw     packed 4-channel blocks (conv/depthwise.ts) [+ m-fold expanded input when m > 1]
 *   deconv packed gemm panels (no bias) + bias row + rows indirection + column buffer -> col2im
 */
import type { Kernel, Stage } from '../types.js';
import type { Geometry, StageSpec } from '../../ops/plan.js';
import type { WasmExports } from '../../loader/load.js';

import type { Heap } from './heap.js';

/**
 * 3x3 stride-1 one-group layers of at least 16 input and 16 output channels (multiples of 4) run
 * Winograd (conv/winograd.ts): F(4x4,3x3) all of them (see below), F(2x2,3x3) those whose input
 * and output channels sum to at least WINOGRAD_MIN_CHANNELS. F(4x4) against the igemm (same A/B
 * as below): 112x112x16->32 1.36x, 112x112x16 1.16x, 28x28x24 1.74x (8 input channels lose:
 * 112x112x8->16 0.90x). F(2x2,3x3) measured 2026-11-29, Node 20.20, relaxed, layer run(x, {out})
 * NCHW, interleaved A/B against the igemm: 56x56x64 1.50-1.57x, 14x14x256 1.68-1.82x, 28x28x128
 * 1.66x, 7x7x512 1.32x, 33x33x256 dilation 2 1.71x, dilation 6 1.39x, 56x56x32 1.12-1.17x,
 * 28x28x32->48 1.33x, 14x14x32 1.18x, 4x4x128 1.37x, 56x56x16->64 1.06x; 112x112x16->32 0.98x.
 * wasm-simd: 1.41-1.86x. NHWC: 1.14-2.07x.
 */
const WINOGRAD_MIN_CHANNELS = 64;
/**
 * Winograd layers of dilation up to WINOGRAD43_MAX_DILATION and at most WINOGRAD43_MAX_CIN input
 * channels run F(4x4,3x3) (36 multiply-adds per channel pair and 16 outputs against F(2x2)'s 64),
 * the others F(2x2,3x3). Measured 2026-11-29, Node 20.20, relaxed, layer run(x, {out}) NCHW,
 * interleaved A/B against F(2x2): 56x56x64 1.35x, 28x28x128 1.50x, 14x14x256 1.19x, 7x7x512
 * 1.16x, 33x33x256 dilation 2 1.43x, dilation 3 1.45x, 40x40x128 dilation 4 1.05x, 33x33x256
 * dilation 6 0.92x (with dilation d the tiles cover d x d phases of about oh/d rows, and 4-row
 * tiles waste more of a short phase).
 * Why the channel cap: F(4x4)'s larger transform constants cost accuracy. Against the js path on
 * random layers (inputs in [-1, 1], outputs of magnitude 1) its worst error was 15-40% of
 * API.md's tolerance at 64-256 input channels, 27-43% at 512 and 41-57% at 1024 (F(2x2): 4-7%).
 * And its 36 transformed weight matrices take 4x the memory of the 3x3 weights (F(2x2): 16/9),
 * 38 MB for 512 -> 512 channels, where the gain is least (7x7x512: 1.18x).
 */
const WINOGRAD43_MAX_DILATION = 3;
const WINOGRAD43_MAX_CIN = 256;
/** Winograd's transformed inputs and products per block of tiles (see runWinograd). */
const WINOGRAD_BLOCK_BYTES = 1 << 20;
/** Pointwise weights up to this size run straight on NCHW planes when the layer is alone (measured, see prefersNchw). */
const NCHW_POINTWISE_MAX_WEIGHT_BYTES = 512 * 1024;
/** Layers of at most this many weights per output channel run the im2col gemm on NCHW data (measured, see runNchw). */
const IM2COL_MAX_K = 64;
/** ... and planes of at least this many pixels (measured, see prefersNchw). */
const NCHW_POINTWISE_MIN_PLANE = 512;

/** A Kernel that runs one geometry from NHWC `x` to NHWC `out`, both byte addresses in wasm memory. */
export interface WasmKernel extends Kernel {
  run(g: Geometry, x: number, out: number): void;
  /** Present when the kernel can also run NCHW to NCHW directly (a lone depthwise stage). */
  runNchw?(g: Geometry, x: number, out: number): void;
  /** Whether runNchw beats NHWC plus the two boundary transposes for this geometry. */
  prefersNchw?(g: Geometry): boolean;
  /**
   * Whether runNchw reads and writes the NCHW planes in place for this geometry (no transpose
   * inside it): a chain of such stages runs NCHW from end to end.
   */
  nativeNchw?(g: Geometry): boolean;
  /**
   * Present when the kernel can read NHWC `x` and write NCHW `out` itself (the last stage of a
   * chain on NCHW data, saving the output transpose); returns false when it cannot for this stage.
   */
  runToNchw?(g: Geometry, x: number, out: number): boolean;
  /**
   * Whether runNchw maps each pixel of the input planes to the same pixel of the output planes
   * (a 1x1 unpadded stride-1 layer run on the planes in place): the runner may then run it on
   * bands of pixels.
   */
  pixelwise?(g: Geometry): boolean;
  /**
   * Present when the kernel maps each input plane to its own output planes (depthwise): runNchw
   * on the layer's input channels [c0, c0 + g.c) only (g.c and g.cout count the band's channels),
   * so that the runner may run it on bands of channels.
   */
  runNchwChannels?(g: Geometry, x: number, out: number, c0: number): void;
}

/*
 * Sizes are computed here in float64, never by the module's i32 helpers: a buffer of 2^32 or
 * more bytes must reach Heap.alloc as such (and be refused with OUT_OF_MEMORY), not wrap around
 * to a small block that the kernel then overruns.
 */

/** Pointers of an indirection buffer: tiles of `mr` pixels, `taps` pointers per pixel. */
function indirectionLength(pixels: number, taps: number, mr: number): number {
  return Math.ceil(pixels / mr) * mr * taps;
}

/** Floats of one group's packed gemm weights (assembly/gemm/pack.ts). */
function packedGemmFloats(ks: number, kc: number, nc: number, nr: number): number {
  return Math.ceil(nc / nr) * (nr + ks * kc * nr);
}

/** Copies `data` into a fresh heap block; the caller frees it. */
function upload(heap: Heap, data: Float32Array): number {
  const p = heap.alloc(data.length * 4);
  heap.write(p, data);
  return p;
}

/** A heap block that grows on demand and keeps its address otherwise. */
class Scratch {
  ptr = 0;
  size = 0;
  constructor(private readonly heap: Heap) {}
  /** Ensures at least `bytes`; returns true when the address changed. */
  ensure(bytes: number): boolean {
    if (this.ptr !== 0 && this.size >= bytes) return false;
    this.release();
    this.ptr = this.heap.alloc(bytes);
    this.size = bytes;
    return true;
  }
  bytes(): number {
    return this.heap.sizeOf(this.ptr);
  }
  release(): void {
    if (this.ptr !== 0) this.heap.free(this.ptr);
    this.ptr = 0;
    this.size = 0;
  }
}

abstract class BaseKernel implements WasmKernel {
  protected disposed = false;
  protected readonly owned: number[] = [];
  protected readonly scratch: Scratch[] = [];
  constructor(readonly spec: StageSpec, protected readonly heap: Heap, protected readonly ex: WasmExports) {}
  abstract run(g: Geometry, x: number, out: number): void;
  protected own(ptr: number): number {
    this.owned.push(ptr);
    return ptr;
  }
  protected newScratch(): Scratch {
    const s = new Scratch(this.heap);
    this.scratch.push(s);
    return s;
  }
  bytes(): number {
    let b = 0;
    for (const p of this.owned) b += this.heap.sizeOf(p);
    for (const s of this.scratch) b += s.bytes();
    return b;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.owned) this.heap.free(p);
    this.owned.length = 0;
    for (const s of this.scratch) s.release();
  }
  /** Frees what was allocated so far when a constructor fails half-way. */
  protected abort(e: unknown): never {
    this.dispose();
    throw e;
  }
}

/** 'conv': standard, strided, dilated, grouped, pointwise. */
export class ConvKernel extends BaseKernel {
  /** 2: grouped 4x4 (groups of 4 outputs), 1: the 4x8 tile (groups of at most 8 output channels), 0: the build's tile */
  private readonly alt: number;
  private readonly mr: number;
  /** The igemm's packed weights (for a Winograd layer 0 until an input holds NaN or infinity). */
  private packed: number = 0;
  private readonly zero: number;
  private readonly ind: Scratch;
  private indKey = '';
  /**
   * Row-merged mode (conv/standard.ts padInput): few input channels, one group, column dilation 1
   * and a kernel wider than 1: the kW taps of a kernel row become one tap of kW*c channels.
   */
  private readonly rows: boolean;
  private readonly padded: Scratch;
  /** The NHWC copy of an NCHW input (runNchw through the igemm). */
  private readonly nhwc: Scratch;
  /** At most IM2COL_MAX_K weights per output channel, one group, SIMD: runNchw runs the im2col gemm. */
  private readonly im2col: boolean = false;
  /** A 1x1 ungrouped layer whose weights fit the NCHW pointwise kernel (see gemmNchw). */
  private readonly pointwiseNchw: boolean = false;
  /**
   * Pointwise or im2col, one group, SIMD: OIHW weights [cout][cin*kH*kW] for the NCHW gemms (0
   * otherwise).
   */
  private readonly wNchw: number = 0;
  /** Winograd (conv/winograd.ts): the E = (winoTile + 2)^2 packed U[e], 0 when the layer does not qualify. */
  private readonly wino: number = 0;
  /** Winograd's output tile: F(4x4,3x3) or F(2x2,3x3) (see WINOGRAD43_MAX_DILATION). */
  private readonly winoTile: number = 2;
  /** The bias on its own, for the NCHW gemms and Winograd (which pack none); 0 for the others. */
  private readonly biasRow: number = 0;
  private readonly winoV: Scratch;
  private readonly winoM: Scratch;
  private readonly winoInd: Scratch;
  private readonly winoTab: Scratch;
  private winoKey = '';

  constructor(stage: Stage, heap: Heap, ex: WasmExports) {
    super(stage.spec, heap, ex);
    const { groups, cin, cout, kH, kW } = stage.spec;
    this.rows = groups === 1 && cin <= 16 && kW > 1 && stage.spec.dilationW === 1;
    this.padded = this.newScratch();
    this.nhwc = this.newScratch();
    this.winoV = this.newScratch();
    this.winoM = this.newScratch();
    this.winoInd = this.newScratch();
    this.winoTab = this.newScratch();
    const cinG = cin / groups;
    const coutG = cout / groups;
    const taps = kH * kW;
    this.ind = this.newScratch();
    const simd = (ex.HAS_SIMD.value as number) === 1;
    // alt 2 (conv/grouped.ts): several groups of exactly 4 output channels (ResNeXt), one 4x4
    // register tile walking all groups of a tile; measured 2026-11-28 (raw kernel, relaxed,
    // 56x56x128 g32 3x3, best of 30 interleaved): 1.9 ms against 3.1 ms for the 4x8 igemm per group
    this.alt = simd && groups > 1 && coutG === 4 ? 2 : simd && coutG <= 8 ? 1 : 0;
    this.mr = this.alt ? 4 : (ex.GEMM_MR.value as number);
    const nr = this.alt === 2 ? 4 : this.alt ? (simd ? 8 : 4) : (ex.GEMM_NR.value as number);
    // alt 2 adds the group's channel offset to padding taps too: its zero row spans all channels
    const zeroFloats = this.alt === 2 ? cin : cinG;
    const sp = stage.spec;
    // Winograd takes every geometry of such a layer (stride and dilation are fixed per layer), so
    // the igemm's packed weights are made only if an input holds NaN or infinity (packIgemm)
    const tile4 = sp.dilationH <= WINOGRAD43_MAX_DILATION && cin <= WINOGRAD43_MAX_CIN;
    const wino = simd && groups === 1 && kH === 3 && kW === 3 && sp.strideH === 1 && sp.strideW === 1 &&
      sp.dilationH === sp.dilationW && cin % 4 === 0 && cout % 4 === 0 && cin >= 16 && cout >= 16 &&
      (tile4 || cin + cout >= WINOGRAD_MIN_CHANNELS);
    let w = 0;
    let b = 0;
    try {
      this.zero = this.own(heap.alloc(zeroFloats * 4));
      heap.zero(this.zero, zeroFloats * 4 + 16);
      w = upload(heap, stage.weights);
      b = upload(heap, stage.bias);
      if (!wino) {
        this.packed = this.own(heap.alloc(groups * packedGemmFloats(taps, cinG, coutG, nr) * 4));
        if (this.alt === 2) ex.pack_groups4_f32(groups, taps, cinG, w, b, this.packed);
        else ex.pack_gemm_f32(groups, taps, cinG, coutG, nr, w, b, this.packed);
      }
      // The NCHW copy only pays for weights small enough for gemmNchw: skip it for the rest
      // (a MobileNetV1 held 24 MiB for its 12 MiB of weights).
      const K = cin * taps;
      this.im2col = simd && groups === 1 && taps > 1 && K <= IM2COL_MAX_K;
      this.pointwiseNchw = simd && taps === 1 && groups === 1 && cin * cout * 4 <= NCHW_POINTWISE_MAX_WEIGHT_BYTES &&
        cin <= (ex.NCHW_PANEL_CHANNELS.value as number);
      if (this.im2col || this.pointwiseNchw) {
        // canonical [kH][kW][cin][cout] -> OIHW [cout][cin][kH][kW]
        const t = new Float32Array(K * cout);
        const src = stage.weights;
        for (let tap = 0; tap < taps; tap++) {
          for (let ci = 0; ci < cin; ci++) {
            for (let co = 0; co < cout; co++) t[co * K + ci * taps + tap] = src[(tap * cin + ci) * cout + co];
          }
        }
        this.wNchw = this.own(upload(heap, t));
      }
      if (wino) {
        // one group of 16+ output channels: alt 0, so nr is the build's GEMM_NR, as winogradRun assumes
        this.winoTile = tile4 ? 4 : 2;
        const E = (this.winoTile + 2) ** 2;
        const uFloats = packedGemmFloats(1, cin, cout, nr);
        this.wino = this.own(heap.alloc(E * uFloats * 4));
        const u = heap.alloc(E * cin * cout * 4);
        try {
          if (this.winoTile === 4) ex.winograd_weights43_f32(w, cin, cout, u);
          else ex.winograd_weights_f32(w, cin, cout, u);
          for (let e = 0; e < E; e++) {
            ex.pack_gemm_f32(1, 1, cin, cout, nr, u + e * cin * cout * 4, 0, this.wino + e * uFloats * 4);
          }
        } finally {
          heap.free(u);
        }
      }
      if (this.wNchw !== 0 || this.wino !== 0) this.biasRow = this.own(upload(heap, stage.bias));
    } catch (e) {
      this.abort(e);
    } finally {
      heap.free(w);
      heap.free(b);
    }
  }

  run(g: Geometry, x: number, out: number): void {
    this.exec(g, x, out, 0);
  }

  /** NHWC x to NHWC out (outPlane 0), or to NCHW planes of outPlane pixels (see gemm). */
  private exec(g: Geometry, x: number, out: number, outPlane: number): void {
    if (this.wino !== 0) {
      // Winograd would spread a NaN or an infinity over a whole tile (as NaN): such an input runs
      // the igemm, which propagates it as PyTorch does (the check is one pass over x)
      if (this.ex.all_finite_f32(x, g.n * g.h * g.w * g.c) === 1) {
        this.runWinograd(g, x, out, outPlane);
        return;
      }
      this.packIgemm();
    }
    if (this.rows) {
      // the padded copy spans exactly the rows and columns the taps reach; skip the mode when
      // that is much more than the input (huge strides or paddings)
      const hp = (g.oh - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1;
      const wp = (g.ow - 1) * g.strideW + g.kW;
      if (hp * wp <= 4 * g.h * g.w + 65536) {
        this.runRows(g, x, out, hp, wp, outPlane);
        return;
      }
    }
    const ex = this.ex;
    const pixels = g.n * g.oh * g.ow;
    const taps = g.kH * g.kW;
    const key = `c${x},${g.n},${g.h},${g.w},${g.oh},${g.ow},${g.padTop},${g.padLeft}`;
    const len = indirectionLength(pixels, taps, this.mr);
    if (this.ind.ensure(len * 4) || key !== this.indKey) {
      ex.build_conv2d_indirection_nhwc(this.ind.ptr, x, this.zero, g.n, g.h, g.w, g.c, g.oh, g.ow, g.kH, g.kW,
        g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, this.mr);
      this.indKey = key;
    }
    this.gemm(g, out, pixels, g.groups, g.cinG, taps, outPlane);
  }

  /**
   * The igemm over the indirection buffer: NHWC out (outPlane 0), or NCHW planes of outPlane
   * pixels (the build's tile only). `groups`, `cinG` and `taps` are the gemm's view of the layer
   * (row-merged mode: one group, kW*c channels per tap, kH taps).
   */
  private gemm(g: Geometry, out: number, pixels: number, groups: number, cinG: number, taps: number, outPlane: number): void {
    if (outPlane > 0 && this.alt === 2) {
      this.ex.run_conv2d_groups4_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, taps, g.cout,
        g.min, g.max, outPlane);
    } else if (outPlane > 0) {
      this.ex.run_conv2d_nchw_out_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, g.coutG, taps,
        g.cout, g.min, g.max, outPlane);
    } else {
      this.ex.run_conv2d_nhwc_f32(this.ind.ptr, this.packed, out, this.zero, pixels, groups, cinG, g.coutG, taps,
        g.cout, g.min, g.max, this.alt);
    }
  }

  /**
   * A lone layer on NCHW data. A stride-1 unpadded pointwise layer with a large plane and weights
   * of at most 512 KiB multiplies the input planes in place (assembly/gemm/gemm-nchw.ts: no
   * transposes; it reads all the weights once per 16 pixels, so it loses on small planes with
   * large weights). Measured 2026-11-29, Node 20.20, 2-core Xeon, relaxed, interleaved A/B
   * against transposes + the igemm tile: 28x28 256->256 1.14x, 256->512 1.11x, 128->256 1.18x;
   * 14x14 512->512 0.79x (hence planes of 512+ pixels); 56x56 128->128 1.17x. Every other
   * layer with the build's tile transposes the input and writes the output planes from the tile
   * (run_conv2d_nchw_out_f32), saving the output transpose (best of 21 interleaved, relaxed:
   * 224x224x3 3x3 s2 ->32 +9%, 7x7 s2 ->64 +2%, 14x14x512 1x1 +3%).
   * Groups of 4 outputs (conv/grouped.ts) write the planes too (56x56x128 in 32 groups 1.14x,
   * 28x28x256 in 64 groups 1.16x, layer A/B 2026-11-29); the 4x8 tile (coutG <= 8) keeps both
   * transposes in the runner.
   */
  prefersNchw(g: Geometry): boolean {
    return this.alt === 0 || this.gemmNchw(g);
  }

  nativeNchw(g: Geometry): boolean {
    return this.gemmNchw(g) || this.im2col;
  }

  pixelwise(g: Geometry): boolean {
    return this.gemmNchw(g);
  }

  runToNchw(g: Geometry, x: number, out: number): boolean {
    if (this.alt === 1) return false;
    this.exec(g, x, out, g.oh * g.ow);
    return true;
  }

  /** Only a 1x1 layer: wNchw also holds the im2col layers' weights, of another shape. */
  private gemmNchw(g: Geometry): boolean {
    return this.pointwiseNchw && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 &&
      g.padBottom === 0 && g.padRight === 0 && g.h * g.w >= NCHW_POINTWISE_MIN_PLANE;
  }

  /**
   * A lone layer (or every stage of a chain that is nativeNchw) on NCHW planes. Pointwise: see
   * gemmNchw. A kernel of at most IM2COL_MAX_K weights per output channel (RGB or grayscale first
   * layers): the im2col gemm of assembly/gemm/gemm-nchw.ts straight from the input planes (no
   * transpose, no padded copy; the k loop runs all c*kH*kW weights at once instead of kH taps of
   * kW*c; 64-byte output lines written whole). Measured 2026-11-29, Node 20.20, relaxed, layer
   * run(x, {out}), interleaved A/B against the igemm path: 224x224x3 3x3 s2 ->32 1.19-1.53x,
   * 128x128x3 3x3 ->32 1.20x, 96x96x6 3x3 ->24 1.21x, 128x128x1 5x5 ->16 1.22x, 100x100x3 3x3 s2
   * 1.07x; with more weights the packing of c*kH*kW lines per 16 pixels costs more than it
   * saves: 112x112x8 3x3 (K 72) 0.84x, 112x112x16 3x3 0.88x, 7x7 kernels on 3-4 channels
   * 0.78-0.91x (224x224x3 7x7 s2 ->64, ResNet's conv1, 0.97-1.06x).
   * Everything else: the input transposed to NHWC, then the igemm writing NCHW planes.
   */
  runNchw(g: Geometry, x: number, out: number): void {
    if (this.gemmNchw(g)) {
      this.ex.run_pointwise_nchw_f32(x, this.wNchw, this.biasRow, out, g.n, g.c, g.cout, g.h * g.w, g.min, g.max);
      return;
    }
    if (this.im2col) {
      this.ex.run_conv2d_im2col_nchw_f32(x, this.wNchw, this.biasRow, out, g.n, g.c, g.h, g.w, g.cout, g.oh, g.ow,
        g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
      return;
    }
    this.nhwc.ensure(g.n * g.h * g.w * g.c * 4);
    this.ex.nchw_to_nhwc_f32(x, this.nhwc.ptr, g.n, g.c, g.h * g.w);
    this.exec(g, this.nhwc.ptr, out, g.oh * g.ow);
  }

  /**
   * The igemm's packed weights of a Winograd layer (one group, alt 0), made once, when first
   * needed: the 3x3 weights g come back from nine of the transformed U = G g G^T, whose G has rows
   * [1, 0, 0], [1/s, 1/s, 1/s] (s = 2 for F(2x2), 3 for F(4x4)) and, last, [0, 0, 1], so that the
   * layer keeps no copy of its weights for this rare path. U is float32 (F(4x4)'s computed in
   * float64): the weights come back within a few float32 roundings.
   */
  private packIgemm(): void {
    if (this.packed !== 0 || this.wino === 0) return;
    const { cin, cout } = this.spec;
    const nr = this.ex.GEMM_NR.value as number;
    const alpha = this.winoTile + 2;
    const last = alpha - 1;
    const s = this.winoTile === 4 ? 3 : 2;
    const uFloats = packedGemmFloats(1, cin, cout, nr);
    const panel = nr + cin * nr;
    const n = cin * cout;
    const g = new Float32Array(9 * n);
    const f32 = this.heap.f32();
    const base = this.wino >>> 2;
    for (let co = 0; co < cout; co++) {
      const col = Math.floor(co / nr) * panel + nr + (co % nr);
      for (let ci = 0; ci < cin; ci++) {
        const at = base + col + ci * nr;
        const u = (i: number, j: number): number => f32[at + (i * alpha + j) * uFloats];
        const g00 = u(0, 0), g02 = u(0, last), g20 = u(last, 0), g22 = u(last, last);
        const g01 = s * u(0, 1) - g00 - g02;
        const g21 = s * u(last, 1) - g20 - g22;
        const g10 = s * u(1, 0) - g00 - g20;
        const g12 = s * u(1, last) - g02 - g22;
        const g11 = s * s * u(1, 1) - (g00 + g01 + g02 + g10 + g12 + g20 + g21 + g22);
        const k = ci * cout + co;
        g[k] = g00; g[n + k] = g01; g[2 * n + k] = g02;
        g[3 * n + k] = g10; g[4 * n + k] = g11; g[5 * n + k] = g12;
        g[6 * n + k] = g20; g[7 * n + k] = g21; g[8 * n + k] = g22;
      }
    }
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

  /**
   * Winograd F(m x m, 3x3) over blocks of T tiles: T even (the rows indirection pairs rows), the
   * block's transformed inputs and products (E*T*(cin+cout) floats, E = (m+2)^2) about
   * WINOGRAD_BLOCK_BYTES, but at least 1024 / E tiles, so the E U[e] are streamed once per block.
   */
  private runWinograd(g: Geometry, x: number, out: number, outPlane: number): void {
    const { cin, cout } = this.spec;
    const m = this.winoTile;
    const E = (m + 2) ** 2;
    // tile rows per dilation phase a: ceil(ceil((oh - a) / d) / m), summed (likewise columns)
    const d = g.dilationH;
    let th = 0;
    let tw = 0;
    for (let a = 0; a < d; a++) {
      th += Math.ceil(Math.ceil((g.oh - a) / d) / m);
      tw += Math.ceil(Math.ceil((g.ow - a) / d) / m);
    }
    const tiles = g.n * th * tw;
    let T = Math.max(Math.ceil(1024 / E), Math.floor(WINOGRAD_BLOCK_BYTES / (4 * E * (cin + cout))));
    T = Math.min(T, tiles);
    T += T & 1;
    const moved = this.winoV.ensure(E * T * cin * 4);
    this.winoM.ensure(E * T * cout * 4);
    const mr = this.ex.GEMM_MR.value as number;
    const key = `${this.winoV.ptr},${T}`;
    if (this.winoInd.ensure(indirectionLength(E * T, 1, mr) * 4) || moved || key !== this.winoKey) {
      this.ex.build_rows_indirection(this.winoInd.ptr, this.winoV.ptr, E * T, cin * 4, mr);
      this.winoKey = key;
    }
    this.winoTab.ensure((g.oh + g.ow) * 4);
    this.ex.run_conv2d_winograd_f32(x, this.wino, this.biasRow, out, this.winoInd.ptr, this.winoV.ptr, this.winoM.ptr,
      this.zero, this.winoTab.ptr, g.n, g.h, g.w, cin, cout, g.oh, g.ow, g.padTop, g.padLeft, g.dilationH, T, g.min, g.max,
      outPlane, m);
  }

  private runRows(g: Geometry, x: number, out: number, hp: number, wp: number, outPlane: number): void {
    const ex = this.ex;
    const pixels = g.n * g.oh * g.ow;
    const moved = this.padded.ensure(g.n * hp * wp * g.c * 4);
    ex.pad_input_nhwc_f32(x, this.padded.ptr, g.n, g.h, g.w, g.c, g.padTop, g.padLeft, hp, wp);
    const key = `r${this.padded.ptr},${g.n},${g.oh},${g.ow},${hp},${wp}`;
    const len = indirectionLength(pixels, g.kH, this.mr);
    if (this.ind.ensure(len * 4) || moved || key !== this.indKey) {
      ex.build_conv2d_rows_indirection_nhwc(this.ind.ptr, this.padded.ptr, g.n, hp, wp, g.c, g.oh, g.ow, g.kH,
        g.strideH, g.strideW, g.dilationH, this.mr);
      this.indKey = key;
    }
    this.gemm(g, out, pixels, 1, g.kW * g.c, g.kH, outPlane);
  }
}

/** 'dw': depthwise with any multiplier (m > 1 runs on the m-fold expanded input). */
export class DwKernel extends BaseKernel {
  private readonly packed: number;
  private readonly planes: number;
  private readonly zero: number;
  private readonly zeroRow: Scratch;
  private readonly expanded: Scratch;

  constructor(stage: Stage, heap: Heap, ex: WasmExports) {
    super(stage.spec, heap, ex);
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
      // NCHW planes: every value splatted to 4 lanes (dwPlanesPack)
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

  run(g: Geometry, x: number, out: number): void {
    const ex = this.ex;
    const m = g.coutG;
    let src = x;
    if (m > 1) {
      const pixels = g.n * g.h * g.w;
      this.expanded.ensure(pixels * g.cout * 4);
      ex.expand_dwconv2d_nhwc_f32(x, this.expanded.ptr, pixels, g.c, m);
      src = this.expanded.ptr;
    }
    ex.run_dwconv2d_nhwc_f32(src, this.packed, out, this.zero, g.n, g.h, g.w, g.cout, g.oh, g.ow, g.kH, g.kW,
      g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  }

  /**
   * The NCHW kernel wins with its whole-row 3x3 paths (stride 1 or 2, column dilation 1) on wide
   * rows: no boundary transposes, but a fixed cost per plane row. Measured 2026-11-28, Node 20.20,
   * 2-core Xeon (busy): stride 2 from 24 output columns (56x56x32 layer 0.263 -> 0.199 ms,
   * 56x56x35 0.338 -> 0.209 ms against NHWC + transposes); stride 1 only from 48 (28x28x256
   * kernel alone: 1.3 ms NCHW against 0.4-0.9 ms NHWC).
   */
  prefersNchw(g: Geometry): boolean {
    return g.kH === 3 && g.kW === 3 && g.dilationW === 1 &&
      ((g.strideW === 1 && g.ow >= 48) || (g.strideW === 2 && g.ow >= 24));
  }

  nativeNchw(g: Geometry): boolean {
    return this.prefersNchw(g);
  }

  /** NCHW in, NCHW out: no boundary transposes for a lone depthwise layer (it is memory-bound). */
  runNchw(g: Geometry, x: number, out: number): void {
    this.runNchwChannels(g, x, out, 0);
  }

  runNchwChannels(g: Geometry, x: number, out: number, c0: number): void {
    // w + 8 zeros (rounded up to 4), then the 48 floats the kernel stages edge columns in
    const rowBytes = (((g.w + 11) & ~3) + 48) * 4;
    if (this.zeroRow.ensure(rowBytes)) this.heap.zero(this.zeroRow.ptr, rowBytes + 16);
    // the plane-packed weights of output channel c0 * m on: 1 + taps splatted values each
    const weights = this.planes + c0 * g.coutG * (1 + g.kH * g.kW) * 16;
    this.ex.run_dwconv2d_nchw_f32(x, weights, out, this.zeroRow.ptr, g.n, g.c, g.h, g.w, g.cout, g.oh, g.ow, g.kH, g.kW,
      g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  }
}

/** 'deconv': gemm into a column buffer, then col2im with crop, outputPadding, bias and clamp. */
export class DeconvKernel extends BaseKernel {
  private readonly packed: number;
  private readonly zero: number;
  private readonly bias: number;
  private readonly ind: Scratch;
  private readonly col: Scratch;
  private indKey = '';

  constructor(stage: Stage, heap: Heap, ex: WasmExports) {
    super(stage.spec, heap, ex);
    const { groups, cin, cout, kH, kW } = stage.spec;
    const cinG = cin / groups;
    const coutG = cout / groups;
    const taps = kH * kW;
    this.ind = this.newScratch();
    this.col = this.newScratch();
    let w = 0;
    try {
      // canonical [groups][cinG][taps][coutG] is, per group, a cinG x (taps*coutG) matrix
      const nr = ex.GEMM_NR.value as number;
      this.packed = this.own(heap.alloc(groups * packedGemmFloats(1, cinG, taps * coutG, nr) * 4));
      this.zero = this.own(heap.alloc(cinG * 4));
      heap.zero(this.zero, cinG * 4 + 16);
      this.bias = this.own(upload(heap, stage.bias));
      w = upload(heap, stage.weights);
      ex.pack_gemm_f32(groups, 1, cinG, taps * coutG, nr, w, 0, this.packed);
    } catch (e) {
      this.abort(e);
    } finally {
      heap.free(w);
    }
  }

  run(g: Geometry, x: number, out: number): void {
    this.gemmCol(g, x);
    this.ex.run_deconv2d_col2im_nhwc_f32(this.col.ptr, this.bias, out, g.n, g.h, g.w, g.oh, g.ow, g.groups, g.coutG,
      g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
  }

  /**
   * NHWC in, NCHW out, for a stage whose taps tile the output (stride = kernel, dilation 1, one
   * group: U-Net's 2x2 stride-2 upsampling): the col2im writes the planes itself (no bias pass,
   * no read-modify-write, no output transpose). Interleaved A/B, 2026-11-29, relaxed, NCHW:
   * 64x64x128 -> 128x128x64 1.13x, 128x128x64 -> 256x256x32 1.20x, bit-identical outputs.
   */
  runToNchw(g: Geometry, x: number, out: number): boolean {
    if (g.groups !== 1 || g.strideH !== g.kH || g.strideW !== g.kW || g.dilationH !== 1 || g.dilationW !== 1) return false;
    this.gemmCol(g, x);
    this.ex.run_deconv2d_tiles_nchw_f32(this.col.ptr, this.bias, out, g.n, g.h, g.w, g.oh, g.ow, g.cout,
      g.kH, g.kW, g.padTop, g.padLeft, g.min, g.max);
    return true;
  }

  /** The gemm: col[p][g][tap][oc] for every input pixel p. */
  private gemmCol(g: Geometry, x: number): void {
    const ex = this.ex;
    const pixels = g.n * g.h * g.w;
    const taps = g.kH * g.kW;
    const colCols = g.groups * taps * g.coutG;
    const key = `${x},${pixels},${g.c}`;
    const mr = ex.GEMM_MR.value as number;
    const len = indirectionLength(pixels, 1, mr);
    if (this.ind.ensure(len * 4) || key !== this.indKey) {
      ex.build_rows_indirection(this.ind.ptr, x, pixels, g.c * 4, mr);
      this.indKey = key;
    }
    this.col.ensure(pixels * colCols * 4);
    ex.run_conv2d_nhwc_f32(this.ind.ptr, this.packed, this.col.ptr, this.zero, pixels, g.groups, g.cinG,
      taps * g.coutG, 1, colCols, -Infinity, Infinity, 0);
  }
}

/** Packs a stage into the kernel of its kind. */
export function createWasmKernel(stage: Stage, heap: Heap, ex: WasmExports): WasmKernel {
  const kind = stage.spec.kind;
  switch (kind) {
    case 'conv':
      return new ConvKernel(stage, heap, ex);
    case 'dw':
      return new DwKernel(stage, heap, ex);
    case 'deconv':
      return new DeconvKernel(stage, heap, ex);
    default: {
      const never: never = kind;
      throw new Error(`wasm backend: unknown stage kind ${String(never)}`);
    }
  }
}
