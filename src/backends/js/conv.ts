/**
 * The 'conv' kind (standard, strided, dilated, grouped, pointwise) on NHWC activations.
 * - 1x1, stride 1, no padding: gemm straight on the NHWC rows (A = x, lda = c), per group.
 * - otherwise: blocks of output pixels are gathered by im2col (one group at a time) and
 *   multiplied by the group's packed weights; results land at channel offset grp*coutG of
 *   the NHWC output rows (ldc = cout). Bias and clamp are fused in the gemm's store.
 */
import type { Geometry } from '../../ops/plan.js';
import { gemm } from './gemm.js';
import { im2col } from './im2col.js';
import { packedGroupSize } from './pack.js';
import type { Scratch } from './scratch.js';

/** Float32 values of an im2col block (256 KiB: stays in L2 while the gemm reads it). */
const COL_BLOCK = 65536;
/** Rows of a direct (pointwise) gemm call. */
const ROW_BLOCK = 64;

/** True when the stage is a matrix product over the NHWC rows (no gather needed). */
export function isDirectPointwise(g: Geometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0;
}

/**
 * y[n, oy, ox, :] = clamp(bias + conv(x), min, max) for a 'conv' geometry.
 * @param w packed weights (pack.ts, conv form) of kc = kH*kW*cinG, n = coutG per group
 * @param x NHWC input [n, h, w, c]; y NHWC output [n, oh, ow, cout]; x and y must not overlap
 */
export function runConv(w: Float64Array, g: Geometry, x: Float32Array, y: Float32Array, s: Scratch): void {
  const { groups, cinG, coutG, cout, c, min, max } = g;
  const kc = g.kH * g.kW * cinG;
  const gs = packedGroupSize(kc, coutG);
  const ap = s.packedA(kc);
  if (isDirectPointwise(g)) {
    // Row blocks keep each block's A and C rows in cache while all the panels pass over them.
    const m = g.n * g.h * g.w;
    for (let p0 = 0; p0 < m; p0 += ROW_BLOCK) {
      const mc = Math.min(ROW_BLOCK, m - p0);
      for (let grp = 0; grp < groups; grp++) {
        gemm(mc, coutG, kc, x, p0 * c + grp * cinG, c, w, grp * gs, y, p0 * cout + grp * coutG, cout, min, max, ap);
      }
    }
    return;
  }
  const total = g.n * g.oh * g.ow;
  const mb = Math.min(total, Math.max(4, Math.floor(COL_BLOCK / kc) & ~3));
  const col = s.cols(mb * kc);
  for (let p0 = 0; p0 < total; p0 += mb) {
    const mc = Math.min(mb, total - p0);
    for (let grp = 0; grp < groups; grp++) {
      im2col(x, g, grp, p0, mc, col);
      gemm(mc, coutG, kc, col, 0, kc, w, grp * gs, y, p0 * cout + grp * coutG, cout, min, max, ap);
    }
  }
}
