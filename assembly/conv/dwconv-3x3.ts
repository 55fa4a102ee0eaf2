/**
 * The 3x3 NHWC depthwise pixel kernel (narrow rows, wide channel loops). See depthwise.ts.
 */
import { storeTail, vclamp, vmadd } from '../simd';

/**
 * One 4-channel block of a 3x3 depthwise output: bias (wp) + the nine taps (i0..i8 + c) times
 * their weights (wp + 16 ..). The two early returns never happen (wp and o are addresses of
 * buffers, never 0): they split the taps into three basic blocks, so that V8 cannot schedule all
 * 18 loads before the arithmetic (with them hoisted, 4 of the 18 vectors and the clamp bounds
 * spilled in dw3x3__simd's loop).
 */
// @ts-ignore: decorator
@inline
function dwBlock9(
  i0: usize, i1: usize, i2: usize, i3: usize, i4: usize, i5: usize, i6: usize, i7: usize, i8: usize,
  c: usize, wp: usize, o: usize,
): v128 {
  let vacc = v128.load(wp);
  let vacc2 = f32x4.mul(v128.load(i0 + c), v128.load(wp, 16));
  vacc = vmadd(v128.load(i1 + c), v128.load(wp, 32), vacc);
  vacc2 = vmadd(v128.load(i2 + c), v128.load(wp, 48), vacc2);
  if (wp == 0) return vacc;
  vacc = vmadd(v128.load(i3 + c), v128.load(wp, 64), vacc);
  vacc2 = vmadd(v128.load(i4 + c), v128.load(wp, 80), vacc2);
  vacc = vmadd(v128.load(i5 + c), v128.load(wp, 96), vacc);
  if (o == 0) return vacc;
  vacc2 = vmadd(v128.load(i6 + c), v128.load(wp, 112), vacc2);
  vacc = vmadd(v128.load(i7 + c), v128.load(wp, 128), vacc);
  vacc2 = vmadd(v128.load(i8 + c), v128.load(wp, 144), vacc2);
  return f32x4.add(vacc, vacc2);
}

export function dw3x3__simd(
  x: usize, packed: usize, out: usize, zero: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>w * pixelBytes;
  const tail = channels & 3;
  const end = <usize>(channels >> 2) << 4;
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  let o = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>h * rowBytes;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sH - padTop;
      const iy1 = iy0 + dH;
      const iy2 = iy1 + dH;
      const r0ok = <u32>iy0 < <u32>h;
      const r1ok = <u32>iy1 < <u32>h;
      const r2ok = <u32>iy2 < <u32>h;
      const r0 = xb + <usize>iy0 * rowBytes;
      const r1 = xb + <usize>iy1 * rowBytes;
      const r2 = xb + <usize>iy2 * rowBytes;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sW - padLeft;
        const ix1 = ix0 + dW;
        const ix2 = ix1 + dW;
        const c0ok = <u32>ix0 < <u32>w;
        const c1ok = <u32>ix1 < <u32>w;
        const c2ok = <u32>ix2 < <u32>w;
        const o0 = <usize>ix0 * pixelBytes;
        const o1 = <usize>ix1 * pixelBytes;
        const o2 = <usize>ix2 * pixelBytes;
        const i0 = r0ok && c0ok ? r0 + o0 : zero;
        const i1 = r0ok && c1ok ? r0 + o1 : zero;
        const i2 = r0ok && c2ok ? r0 + o2 : zero;
        const i3 = r1ok && c0ok ? r1 + o0 : zero;
        const i4 = r1ok && c1ok ? r1 + o1 : zero;
        const i5 = r1ok && c2ok ? r1 + o2 : zero;
        const i6 = r2ok && c0ok ? r2 + o0 : zero;
        const i7 = r2ok && c1ok ? r2 + o1 : zero;
        const i8 = r2ok && c2ok ? r2 + o2 : zero;
        // full 4-channel blocks at byte offset c of every tap, then the partial block
        let wp = packed;
        let c: usize = 0;
        while (c < end) {
          v128.store(o, vclamp(dwBlock9(i0, i1, i2, i3, i4, i5, i6, i7, i8, c, wp, o), lo, hi));
          wp += 160;
          o += 16;
          c += 16;
        }
        if (tail != 0) {
          storeTail(o, vclamp(dwBlock9(i0, i1, i2, i3, i4, i5, i6, i7, i8, c, wp, o), lo, hi), tail);
          o += <usize>tail << 2;
        }
      }
    }
  }
}
