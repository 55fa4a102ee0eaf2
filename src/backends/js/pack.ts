/**
 * Weight packing for gemm.ts, done once per kernel. For every group, the group's B matrix
 * [kc x n] is cut into ceil(n/NR) panels of NR columns; a panel holds NR biases, then kc rows of
 * NR weights (float64); columns past n are zero. Groups follow each other:
 *
 *   group g at g * panelsPerGroup * (kc+1)*NR:  [b0..b3 | k0: w w w w | ... ] [next panel] ...
 *
 * After the last group, kc*MR values of scratch where the gemm packs A (see gemm.ts).
 *
 * - conv:   canonical [g][kH][kW][cinG][coutG] -> B_g[(ky*kW+kx)*cinG + ci][oc], n = coutG,
 *           bias = the stage's bias (the im2col row order matches: taps outer, channels inner).
 * - deconv: canonical [g][cinG][kH][kW][coutG] -> B_g[ci][(ky*kW+kx)*coutG + oc], n = kH*kW*coutG,
 *           bias zero (col2im adds the bias once per output pixel).
 */
import { MR, NR } from './gemm.js';

/** Offset of the gemm's A scratch in packPanels' output. */
export function scratchOffset(groups: number, kc: number, n: number): number {
  return groups * packedGroupSize(kc, n);
}

/** Size (values) of one group's packed panels. */
export function packedGroupSize(kc: number, n: number): number {
  return Math.ceil(n / NR) * (kc + 1) * NR;
}

/**
 * Packs `groups` row-major matrices B_g[kc x n] (group g at b[g*kc*n]) with per-column biases
 * (bias[g*n + j], or none) into NR-wide panels, followed by the gemm's A scratch.
 * @returns the packed Float64Array: groups * packedGroupSize(kc, n) values, then kc*MR of scratch
 *   (starting at scratchOffset(groups, kc, n))
 */
export function packPanels(b: Float32Array, bias: Float32Array | null, groups: number, kc: number, n: number): Float64Array {
  const gs = packedGroupSize(kc, n);
  const out = new Float64Array(groups * gs + kc * MR);
  const ps = (kc + 1) * NR;
  for (let g = 0; g < groups; g++) {
    const src = g * kc * n;
    for (let j0 = 0, p = g * gs; j0 < n; j0 += NR, p += ps) {
      const nr = Math.min(NR, n - j0);
      if (bias !== null) for (let j = 0; j < nr; j++) out[p + j] = bias[g * n + j0 + j];
      for (let k = 0; k < kc; k++) {
        const d = p + NR + k * NR;
        const s = src + k * n + j0;
        for (let j = 0; j < nr; j++) out[d + j] = b[s + j];
      }
    }
  }
  return out;
}
