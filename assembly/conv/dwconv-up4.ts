/**
 * The generic NHWC depthwise kernels: any kernel size, 4 channels per vector (up4), and the
 * scalar build's twin. See depthwise.ts for the layout.
 */
import { DW_CB } from '../params';
import { clampf, storeTail, vclamp, vmadd } from '../simd';
import { endTap, firstTap } from './dwconv-common';

/**
 * Generic depthwise kernel, any kernel size, stride, dilation and padding: out[b][oy][ox][c] =
 * clamp(bias[c] + sum over valid taps of x[b][iy][ix][c] * w[tap][c]).
 */
export function f32_dwconv_minmax_up4__simd(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>w * pixelBytes;
  const dyBytes = <usize>dH * rowBytes;
  const dxBytes = <usize>dW * pixelBytes;
  const blockBytes = <usize>(DW_CB * (1 + kH * kW)) << 2;
  const tapRowBytes = <usize>(kW * DW_CB) << 2;
  const blocks = (channels + DW_CB - 1) / DW_CB;
  const tail = channels - (blocks - 1) * DW_CB;
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  let o = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>h * rowBytes;
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = firstTap(oy, sH, padTop, dH, kH);
      const ky1 = endTap(oy, sH, padTop, dH, kH, h);
      const iy0 = oy * sH - padTop;
      for (let ox = 0; ox < ow; ox++) {
        const kx0 = firstTap(ox, sW, padLeft, dW, kW);
        const kx1 = endTap(ox, sW, padLeft, dW, kW, w);
        const ix0 = ox * sW - padLeft;
        // input address of tap (0, 0), possibly outside the image: only valid taps are added to it
        const base = xb + <usize>iy0 * rowBytes + <usize>ix0 * pixelBytes;
        let wb = packed;
        let xc = base;
        for (let cb = 0; cb < blocks; cb++) {
          let vacc = v128.load(wb);
          let wr = wb + 16 + <usize>ky0 * tapRowBytes;
          let xr = xc + <usize>ky0 * dyBytes;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const vx = v128.load(xr + <usize>kx * dxBytes);
              const vw = v128.load(wr + (<usize>kx << 4));
              vacc = vmadd(vx, vw, vacc);
            }
            wr += tapRowBytes;
            xr += dyBytes;
          }
          vacc = vclamp(vacc, lo, hi);
          if (cb + 1 < blocks) {
            v128.store(o, vacc);
            o += 16;
          } else if (tail == 4) {
            v128.store(o, vacc);
            o += 16;
          } else {
            storeTail(o, vacc, tail);
            o += <usize>tail << 2;
          }
          wb += blockBytes;
          xc += 16;
        }
      }
    }
  }
}

/** The scalar twin of f32_dwconv_minmax_up4__simd (same packed layout, four lanes unrolled). */
export function f32_dwconv_minmax_up4__scalar(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>w * pixelBytes;
  const dyBytes = <usize>dH * rowBytes;
  const dxBytes = <usize>dW * pixelBytes;
  const blockBytes = <usize>(DW_CB * (1 + kH * kW)) << 2;
  const tapRowBytes = <usize>(kW * DW_CB) << 2;
  const blocks = (channels + DW_CB - 1) / DW_CB;
  const tail = channels - (blocks - 1) * DW_CB;
  let o = out;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>h * rowBytes;
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = firstTap(oy, sH, padTop, dH, kH);
      const ky1 = endTap(oy, sH, padTop, dH, kH, h);
      const iy0 = oy * sH - padTop;
      for (let ox = 0; ox < ow; ox++) {
        const kx0 = firstTap(ox, sW, padLeft, dW, kW);
        const kx1 = endTap(ox, sW, padLeft, dW, kW, w);
        const ix0 = ox * sW - padLeft;
        const base = xb + <usize>iy0 * rowBytes + <usize>ix0 * pixelBytes;
        let wb = packed;
        let xc = base;
        for (let cb = 0; cb < blocks; cb++) {
          let acc0 = load<f32>(wb);
          let acc1 = load<f32>(wb, 4);
          let acc2 = load<f32>(wb, 8);
          let acc3 = load<f32>(wb, 12);
          let wr = wb + 16 + <usize>ky0 * tapRowBytes;
          let xr = xc + <usize>ky0 * dyBytes;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const px = xr + <usize>kx * dxBytes;
              const pw = wr + (<usize>kx << 4);
              acc0 += load<f32>(px) * load<f32>(pw);
              acc1 += load<f32>(px, 4) * load<f32>(pw, 4);
              acc2 += load<f32>(px, 8) * load<f32>(pw, 8);
              acc3 += load<f32>(px, 12) * load<f32>(pw, 12);
            }
            wr += tapRowBytes;
            xr += dyBytes;
          }
          const nv = cb + 1 < blocks ? 4 : tail;
          store<f32>(o, clampf(acc0, vmin, vmax));
          if (nv > 1) store<f32>(o, clampf(acc1, vmin, vmax), 4);
          if (nv > 2) store<f32>(o, clampf(acc2, vmin, vmax), 8);
          if (nv > 3) store<f32>(o, clampf(acc3, vmin, vmax), 12);
          o += <usize>nv << 2;
          wb += blockBytes;
          xc += 16;
        }
      }
    }
  }
}

/**
 * 3x3 depthwise, any stride, dilation and padding (MobileNet's 3x3 s1 and s2 layers): per
 * output pixel nine input pointers (taps in the padding point at `zero`, a row of `channels`
 * zeros), then one pass over the 4-channel blocks with the nine taps unrolled, each read at its
 * pointer + the block's byte offset (XNNPACK's dwconv up4x9 structure, which bumps the nine
 * pointers instead: in V8 they and the loads spilled; see
 * docs/performance.md#depthwise-3x3-pixel-kernel).
 *
 *   packed block: [4 biases][tap 0: 4 w]...[tap 8: 4 w]   = 160 bytes
 *
 * Two partial sums halve the add chain. Reads up to 12 bytes past a pixel's channels (the next
 * pixel or the 16 padding bytes of the buffer, and of `zero`).
 */
