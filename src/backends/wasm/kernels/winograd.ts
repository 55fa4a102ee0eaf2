/**
 * Winograd F(m x m, 3x3), m = 2 or 4 (assembly/conv/winograd.ts), for a conv stage: the
 * transformed weights, the per-block scratch and the igemm weights rebuilt from the transformed
 * ones for the rare input that holds NaN or infinity.
 */
import type { Geometry } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import { indirectionLength, packedGemmFloats, Scratch } from '../scratch.js';
import { Split } from '../split.js';

/** Transformed inputs and products per block of tiles (see runWinograd). */
const WINOGRAD_BLOCK_BYTES = 1 << 20;

/**
 * Packs the E = (m + 2)^2 transformed weight matrices U[e] of weights `w` (canonical
 * [3][3][cin][cout] at a heap address) into `dst`, each as one gemm panel set of nr columns.
 */
export function packWinograd(heap: Heap, ex: WasmExports, m: 2 | 4, w: number, cin: number, cout: number,
  nr: number, dst: number): void {
  const E = (m + 2) ** 2;
  const uFloats = packedGemmFloats(1, cin, cout, nr);
  const u = heap.alloc(E * cin * cout * 4);
  try {
    if (m === 4) ex.pack_winograd4x4_f32(w, cin, cout, u);
    else ex.pack_winograd2x2_f32(w, cin, cout, u);
    for (let e = 0; e < E; e++) ex.pack_gemm_f32(1, 1, cin, cout, nr, u + e * cin * cout * 4, 0, dst + e * uFloats * 4);
  } finally {
    heap.free(u);
  }
}

/** Floats of the packed U[e] of one layer. */
export function winogradFloats(m: 2 | 4, cin: number, cout: number, nr: number): number {
  return (m + 2) ** 2 * packedGemmFloats(1, cin, cout, nr);
}

/**
 * The 3x3 weights g, canonical [3][3][cin][cout], back from nine of the packed U = G g G^T: G's
 * rows are [1, 0, 0], [1/s, 1/s, 1/s] (s = 2 for F(2x2), 3 for F(4x4)) and, last, [0, 0, 1], so
 * a layer keeps no copy of its weights for the igemm fallback. They come back within a few
 * float32 roundings.
 */
export function weightsFromWinograd(f32: Float32Array, packedU: number, m: 2 | 4, cin: number, cout: number,
  nr: number): Float32Array {
  const alpha = m + 2;
  const last = alpha - 1;
  const s = m === 4 ? 3 : 2;
  const uFloats = packedGemmFloats(1, cin, cout, nr);
  const panel = nr + cin * nr;
  const n = cin * cout;
  const g = new Float32Array(9 * n);
  const base = packedU >>> 2;
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
  return g;
}

/** The scratch of one Winograd layer, sized per input. */
export class WinogradScratch {
  private key = '';
  private blocksKey = '';
  /** `blocks`: the threads' scratch blocks of a split run (split.ts). */
  constructor(private readonly v: Scratch, private readonly m: Scratch, private readonly ind: Scratch,
    private readonly tab: Scratch, private readonly blocks?: Scratch) {}

  /** The run over the pool: blocks of fewer tiles if that gives every thread some, a scratch block per thread. */
  private runSplit(ex: WasmExports, split: Split, g: Geometry, tile: 2 | 4, packedU: number, bias: number,
    zero: number, x: number, out: number, outPlane: number, tiles: number, T0: number): void {
    const E = (tile + 2) ** 2;
    const T = Split.winogradT(tiles, T0, split.width);
    const bytes = ex.size_winograd_scratch_u8(g.c, g.cout, g.oh, g.ow, T, tile);
    const s = this.blocks!;
    const moved = s.ensure(bytes * split.size);
    const mr = ex.GEMM_MR.value as number;
    const key = `${s.ptr},${T},${bytes},${g.c}`;
    if (moved || key !== this.blocksKey) {
      const indBytes = (Math.ceil(E * T / mr) * mr * 4 + 15) & ~15;
      for (let i = 0; i < split.size; i++) {
        const base = s.ptr + i * bytes;
        ex.build_rows_indirection_u32(base, base + indBytes, E * T, g.c * 4, mr);
      }
      this.blocksKey = key;
    }
    split.winograd([x, packedU, bias, out, s.ptr, zero, g.n, g.h, g.w, g.c, g.cout, g.oh, g.ow, g.padTop, g.padLeft,
      g.dilationH, T, g.min, g.max, outPlane, tile], Math.ceil(tiles / T), bytes, ex.GEMM_NR.value as number);
  }

  /**
   * Runs F(m x m, 3x3) over blocks of T tiles: T even (the rows indirection pairs rows), the
   * block's transformed inputs and products (E*T*(cin+cout) floats) about WINOGRAD_BLOCK_BYTES,
   * but at least 1024 / E tiles, so the E U[e] are streamed once per block.
   */
  run(ex: WasmExports, g: Geometry, tile: 2 | 4, packedU: number, bias: number, zero: number, x: number, out: number,
    outPlane: number, split?: Split): void {
    const cin = g.c;
    const cout = g.cout;
    const E = (tile + 2) ** 2;
    // tile rows per dilation phase a: ceil(ceil((oh - a) / d) / m), summed (likewise columns)
    const d = g.dilationH;
    let th = 0;
    let tw = 0;
    for (let a = 0; a < d; a++) {
      th += Math.ceil(Math.ceil((g.oh - a) / d) / tile);
      tw += Math.ceil(Math.ceil((g.ow - a) / d) / tile);
    }
    const tiles = g.n * th * tw;
    let T = Math.max(Math.ceil(1024 / E), Math.floor(WINOGRAD_BLOCK_BYTES / (4 * E * (cin + cout))));
    T = Math.min(T, tiles);
    T += T & 1;
    if (split !== undefined && this.blocks !== undefined) {
      this.runSplit(ex, split, g, tile, packedU, bias, zero, x, out, outPlane, tiles, T);
      return;
    }
    const moved = this.v.ensure(E * T * cin * 4);
    this.m.ensure(E * T * cout * 4);
    const mr = ex.GEMM_MR.value as number;
    const key = `${this.v.ptr},${T}`;
    if (this.ind.ensure(indirectionLength(E * T, 1, mr) * 4) || moved || key !== this.key) {
      ex.build_rows_indirection_u32(this.ind.ptr, this.v.ptr, E * T, cin * 4, mr);
      this.key = key;
    }
    this.tab.ensure((g.oh + g.ow) * 4);
    ex.run_conv2d_winograd_f32(x, packedU, bias, out, this.ind.ptr, this.v.ptr, this.m.ptr, zero, this.tab.ptr,
      g.n, g.h, g.w, cin, cout, g.oh, g.ow, g.padTop, g.padLeft, g.dilationH, T, g.min, g.max, outPlane, tile);
  }
}
