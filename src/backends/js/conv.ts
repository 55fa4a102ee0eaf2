/**
 * The 'conv' kind (standard, strided, dilated, grouped, pointwise), reading NHWC or NCHW and
 * writing NHWC or NCHW (the gemm takes strides), so a lone conv layer needs no transposes.
 * - 1x1, stride 1, no padding: gemm straight on the input (A = x: NHWC rows or NCHW planes), per group.
 * - otherwise: blocks of output pixels of one image are gathered by im2col (one group at a time)
 *   and multiplied by the group's packed weights; results land at channel offset grp*coutG.
 * Bias and clamp are fused in the gemm's store.
 */
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';
import { gemm } from './gemm.js';
import { im2col, stridesOf } from './im2col.js';
import { packedGroupSize, scratchOffset } from './pack.js';
import { isDirectPointwise } from './select.js';
import type { Scratch } from './scratch.js';

/** Float32 values of an im2col block (256 KiB: stays in L2 while the gemm reads it). */
const COL_BLOCK = 65536;
/** Rows of a direct (pointwise) gemm call. */
const ROW_BLOCK = 64;


/**
 * y = clamp(bias + conv(x), min, max) for a 'conv' geometry, in either layout on each side.
 * @param w packed weights (pack.ts, conv form) of kc = kH*kW*cinG, n = coutG per group
 * @param x input [n, c, h, w] in xLayout; y output [n, cout, oh, ow] in yLayout; must not overlap
 */
export function runConv(
  w: Float64Array, g: Geometry, x: Float32Array, xLayout: Layout, y: Float32Array, yLayout: Layout, s: Scratch,
): void {
  const { n, groups, cinG, coutG, cout, c, min, max } = g;
  const kc = g.kD * g.kH * g.kW * cinG;
  const gs = packedGroupSize(kc, coutG);
  const apOff = scratchOffset(groups, kc, coutG);
  const ohw = g.od * g.oh * g.ow;
  // output pixel p of image b, channel o at y[yb*b + p*ldc + o*cn]
  const yb = ohw * cout;
  const ldc = yLayout === 'NHWC' ? cout : 1;
  const cn = yLayout === 'NHWC' ? 1 : ohw;
  if (isDirectPointwise(g)) {
    // gemm straight on the input: pixel p, channel k at x[xb*b + p*lda + k*ka]
    const lda = xLayout === 'NHWC' ? c : 1;
    const ka = xLayout === 'NHWC' ? 1 : ohw;
    // Row blocks keep each block's A and C rows in cache while all the panels pass over them.
    for (let b = 0; b < n; b++) {
      for (let p0 = 0; p0 < ohw; p0 += ROW_BLOCK) {
        const mc = Math.min(ROW_BLOCK, ohw - p0);
        for (let grp = 0; grp < groups; grp++) {
          gemm(mc, coutG, kc, x, b * ohw * c + p0 * lda + grp * cinG * ka, lda, ka, w, grp * gs,
            y, b * yb + p0 * ldc + grp * coutG * cn, ldc, cn, min, max, apOff);
        }
      }
    }
    return;
  }
  const xs = stridesOf(xLayout, c, g.h, g.w, g.d);
  const mb = Math.min(ohw, Math.max(4, Math.floor(COL_BLOCK / kc) & ~3));
  const col = s.cols(mb * kc);
  for (let b = 0; b < n; b++) {
    for (let p0 = 0; p0 < ohw; p0 += mb) {
      const mc = Math.min(mb, ohw - p0);
      for (let grp = 0; grp < groups; grp++) {
        im2col(x, xs, g, grp, b * ohw + p0, mc, col);
        gemm(mc, coutG, kc, col, 0, kc, 1, w, grp * gs, y, b * yb + p0 * ldc + grp * coutG * cn, ldc, cn, min, max, apOff);
      }
    }
  }
}
