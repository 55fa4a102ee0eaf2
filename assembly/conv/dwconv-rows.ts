/**
 * The NHWC depthwise row kernels for kW = 3 and 5: channel block outer, two pixels per trip.
 * See depthwise.ts.
 */
import { DW_CB } from '../params';
import { storeTail, vclamp, vmadd } from '../simd';
import { endTap, firstTap } from './dwconv-common';

/**
 * One output pixel of one 4-channel block, any taps: the valid rows [ky0, ky1) and columns
 * [kx0, kx1) only. `p` is the input address of tap (0, 0) at the block, `wr` the block's tap 0.
 */
// @ts-ignore: decorator
@inline
function edgeBlock(
  p: usize, wr: usize, vbias: v128, ky0: i32, ky1: i32, kx0: i32, kx1: i32, dyBytes: usize, dxBytes: usize,
  tapRowBytes: usize,
): v128 {
  let vacc = vbias;
  let xr = p + <usize>ky0 * dyBytes;
  let wk = wr + <usize>ky0 * tapRowBytes;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      vacc = vmadd(v128.load(xr + <usize>kx * dxBytes), v128.load(wk + (<usize>kx << 4)), vacc);
    }
    xr += dyBytes;
    wk += tapRowBytes;
  }
  return vacc;
}

/**
 * Depthwise with kW = 3 or 5 (any kH, stride, dilation, padding), channel block outer: per output
 * row and 4-channel block, the block walks the row's pixels two at a time. The taps of a kernel
 * row are unrolled with constant weight offsets and each weight load feeds both pixels' chains;
 * the generic pixel-outer loop ran one chain of kH*kW dependent multiply-adds per block
 * (latency-bound: 25 taps x 4 cycles for 5x5). Rows in the padding are
 * skipped through the tap-row range; the columns whose taps leave the row (at most a few per
 * side) run a bounds-checked loop.
 *
 *   packed block: [4 biases][tap (0,0): 4 w][tap (0,1): 4 w] ... [tap (kH-1,kW-1): 4 w]
 *
 * Reads up to 12 bytes past a pixel's channels (the next pixel or the 16 padding bytes).
 */
// @ts-ignore: decorator
@inline
function dwRows__simd(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>w * pixelBytes;
  const dyBytes = <usize>dH * rowBytes;
  const dxBytes = <usize>dW * pixelBytes;
  const dx2 = dxBytes + dxBytes;
  const dx3 = dx2 + dxBytes;
  const dx4 = dx3 + dxBytes;
  const stepBytes = <usize>sW * pixelBytes;
  const tapRowBytes = <usize>(kW * DW_CB) << 2;
  const blockBytes = <usize>(DW_CB * (1 + kH * kW)) << 2;
  const blocks = (channels + DW_CB - 1) / DW_CB;
  const tail = channels - (blocks - 1) * DW_CB;
  const outRowBytes = <usize>ow * pixelBytes;
  // output columns [oxA, oxB) have all kW taps inside the row
  let oxA = (padLeft + sW - 1) / sW;
  if (oxA > ow) oxA = ow;
  const lastX = w - 1 + padLeft - (kW - 1) * dW;
  let oxB = lastX < 0 ? 0 : lastX / sW + 1;
  if (oxB > ow) oxB = ow;
  if (oxB < oxA) oxB = oxA;
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  let orow = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>h * rowBytes;
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = firstTap(oy, sH, padTop, dH, kH);
      const ky1 = endTap(oy, sH, padTop, dH, kH, h);
      const rows = ky1 - ky0;
      // input address of tap (ky0, 0) for output column 0 (before the block offset)
      const rowIn = xb + <usize>(oy * sH - padTop) * rowBytes + <usize>ky0 * dyBytes - <usize>padLeft * pixelBytes;
      for (let cb = 0; cb < blocks; cb++) {
        const cOff = <usize>cb << 4;
        const wb = packed + <usize>cb * blockBytes;
        const vbias = v128.load(wb);
        const wr0 = wb + 16 + <usize>ky0 * tapRowBytes;
        const full = cb + 1 < blocks || tail == DW_CB;
        let op = orow + cOff;
        let ox = 0;
        for (; ox < oxA; ox++) {
          const kx0 = firstTap(ox, sW, padLeft, dW, kW);
          const kx1 = endTap(ox, sW, padLeft, dW, kW, w);
          const p = rowIn + <usize>(ox * sW) * pixelBytes + cOff;
          let vacc = edgeBlock(p, wr0, vbias, 0, rows, kx0, kx1, dyBytes, dxBytes, tapRowBytes);
          vacc = vclamp(vacc, lo, hi);
          if (full) v128.store(op, vacc);
          else storeTail(op, vacc, tail);
          op += pixelBytes;
        }
        let p = rowIn + <usize>(oxA * sW) * pixelBytes + cOff;
        // two pixels per trip: each weight load feeds two independent chains
        for (; ox + 1 < oxB; ox += 2) {
          let vacc = vbias;
          let vaccB = vbias;
          let q = p;
          let wr = wr0;
          for (let r = 0; r < rows; r++) {
            const qB = q + stepBytes;
            let vw = v128.load(wr);
            vacc = vmadd(v128.load(q), vw, vacc);
            vaccB = vmadd(v128.load(qB), vw, vaccB);
            vw = v128.load(wr, 16);
            vacc = vmadd(v128.load(q + dxBytes), vw, vacc);
            vaccB = vmadd(v128.load(qB + dxBytes), vw, vaccB);
            vw = v128.load(wr, 32);
            vacc = vmadd(v128.load(q + dx2), vw, vacc);
            vaccB = vmadd(v128.load(qB + dx2), vw, vaccB);
            if (kW == 5) {
              vw = v128.load(wr, 48);
              vacc = vmadd(v128.load(q + dx3), vw, vacc);
              vaccB = vmadd(v128.load(qB + dx3), vw, vaccB);
              vw = v128.load(wr, 64);
              vacc = vmadd(v128.load(q + dx4), vw, vacc);
              vaccB = vmadd(v128.load(qB + dx4), vw, vaccB);
            }
            q += dyBytes;
            wr += tapRowBytes;
          }
          vacc = vclamp(vacc, lo, hi);
          vaccB = vclamp(vaccB, lo, hi);
          if (full) {
            v128.store(op, vacc);
            v128.store(op + pixelBytes, vaccB);
          } else {
            storeTail(op, vacc, tail);
            storeTail(op + pixelBytes, vaccB, tail);
          }
          op += pixelBytes + pixelBytes;
          p += stepBytes + stepBytes;
        }
        for (; ox < oxB; ox++) {
          let vacc = vbias;
          let vacc2 = f32x4.splat(0);
          let q = p;
          let wr = wr0;
          for (let r = 0; r < rows; r++) {
            if (kW == 3) {
              vacc = vmadd(v128.load(q), v128.load(wr), vacc);
              vacc2 = vmadd(v128.load(q + dxBytes), v128.load(wr, 16), vacc2);
              vacc = vmadd(v128.load(q + dx2), v128.load(wr, 32), vacc);
            } else {
              vacc = vmadd(v128.load(q), v128.load(wr), vacc);
              vacc2 = vmadd(v128.load(q + dxBytes), v128.load(wr, 16), vacc2);
              vacc = vmadd(v128.load(q + dx2), v128.load(wr, 32), vacc);
              vacc2 = vmadd(v128.load(q + dx3), v128.load(wr, 48), vacc2);
              vacc = vmadd(v128.load(q + dx4), v128.load(wr, 64), vacc);
            }
            q += dyBytes;
            wr += tapRowBytes;
          }
          vacc = f32x4.add(vacc, vacc2);
          vacc = vclamp(vacc, lo, hi);
          if (full) v128.store(op, vacc);
          else storeTail(op, vacc, tail);
          op += pixelBytes;
          p += stepBytes;
        }
        for (; ox < ow; ox++) {
          const kx0 = firstTap(ox, sW, padLeft, dW, kW);
          const kx1 = endTap(ox, sW, padLeft, dW, kW, w);
          const p = rowIn + <usize>(ox * sW) * pixelBytes + cOff;
          let vacc = edgeBlock(p, wr0, vbias, 0, rows, kx0, kx1, dyBytes, dxBytes, tapRowBytes);
          vacc = vclamp(vacc, lo, hi);
          if (full) v128.store(op, vacc);
          else storeTail(op, vacc, tail);
          op += pixelBytes;
        }
      }
      orow += outRowBytes;
    }
  }
}

/** dwRows__simd for kW = 3 (3x3 and kH x 3 kernels). */
export function f32_dwconv_minmax_9p4c__simd_rows(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  dwRows__simd(x, packed, out, n, h, w, channels, oh, ow, kH, 3, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
}

/** dwRows__simd for kW = 5 (5x5 and kH x 5 kernels). */
export function f32_dwconv_minmax_25p4c__simd_rows(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  dwRows__simd(x, packed, out, n, h, w, channels, oh, ow, kH, 5, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
}
