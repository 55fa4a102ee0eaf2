/**
 * Depthwise 1-D convolution on NCW rows at stride 1 (Conformer's and TCNs' long depthwise
 * kernels): per output channel, its input row is copied once into `row` with the padding's
 * zeros around it, then 16 adjacent outputs (four v128) accumulate every tap from one splatted
 * weight and four unaligned loads, so a tap costs 1.25 loads per multiply-add instead of the
 * NHWC kernel's two, and no layout transpose runs around it.
 *
 * packed: dwPlanesPack's [cout][1 + kW][4] (bias, then each weight splatted).
 * row: at least 16 * ceil(ow / 16) + (kW - 1) * dW + 16 floats, then 16 floats for the tail block.
 */
import { vclamp, vmadd } from '../simd';

export function dw1dNcw(
  x: usize, packed: usize, out: usize, row: usize, n: i32, c: i32, w: i32, cout: i32, ow: i32,
  kW: i32, dW: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  if (!ASC_FEATURE_SIMD) unreachable(); // select.ts takes it on SIMD builds only
  else dw1dSimd(x, packed, out, row, n, c, w, cout, ow, kW, dW, padLeft, vmin, vmax);
}

// @ts-ignore: decorator
@inline
function dw1dSimd(
  x: usize, packed: usize, out: usize, row: usize, n: i32, c: i32, w: i32, cout: i32, ow: i32,
  kW: i32, dW: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const m = cout / c;
  const blocks = (ow + 15) >> 4;
  const span = (blocks << 4) + (kW - 1) * dW + 16;
  const tail = row + (<usize>span << 2);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const dBytes = <usize>dW << 2;
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      // the padded row: zeros, the input, zeros to the end of what the last block reads
      const src = x + (<usize>(b * c + ci) * <usize>w << 2);
      const left = min(padLeft, span);
      memory.fill(row, 0, <usize>left << 2);
      const copied = min(w, span - left);
      memory.copy(row + (<usize>left << 2), src, <usize>copied << 2);
      memory.fill(row + (<usize>(left + copied) << 2), 0, <usize>(span - left - copied) << 2);
      for (let j = 0; j < m; j++) {
        const o = ci * m + j;
        const wp = packed + (<usize>(o * (1 + kW)) << 4);
        const vb = v128.load(wp);
        const dst = out + (<usize>(b * cout + o) * <usize>ow << 2);
        for (let blk = 0; blk < blocks; blk++) {
          let vacc0 = vb;
          let vacc1 = vb;
          let vacc2 = vb;
          let vacc3 = vb;
          let p = row + (<usize>(blk << 4) << 2);
          let q = wp + 16;
          for (let k = 0; k < kW; k++) {
            const vw = v128.load(q);
            vacc0 = vmadd(v128.load(p), vw, vacc0);
            vacc1 = vmadd(v128.load(p, 16), vw, vacc1);
            vacc2 = vmadd(v128.load(p, 32), vw, vacc2);
            vacc3 = vmadd(v128.load(p, 48), vw, vacc3);
            p += dBytes;
            q += 16;
          }
          const full = (blk << 4) + 16 <= ow;
          const d = full ? dst + (<usize>(blk << 4) << 2) : tail;
          v128.store(d, vclamp(vacc0, lo, hi));
          v128.store(d, vclamp(vacc1, lo, hi), 16);
          v128.store(d, vclamp(vacc2, lo, hi), 32);
          v128.store(d, vclamp(vacc3, lo, hi), 48);
          if (!full) memory.copy(dst + (<usize>(blk << 4) << 2), tail, <usize>(ow - (blk << 4)) << 2);
        }
      }
    }
  }
}
