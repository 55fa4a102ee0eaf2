/**
 * Depthwise convolution (plan.ts kind 'dw'), NHWC, vectorised across channels: one v128 holds
 * four channels of one pixel. A multiplier m > 1 is run as m = 1 on C*m channels after
 * `dwExpand` copies every input channel m times (output channel c*m + j reads input channel c,
 * which is exactly the expanded channel c*m + j), so one kernel covers every case.
 *
 * Packed weights, per block of 4 channels (the last block zero-padded):
 *
 *   [ 4 biases ][ tap 0: 4 weights ][ tap 1: 4 weights ] ... [ tap kH*kW-1 ]
 *
 * Reads: a full v128 at the last channel block of a pixel, i.e. up to 12 bytes past the row
 * (the next pixel, or the buffer's 16 padding bytes); only valid lanes are stored.
 */
import { DW_CB } from '../params';

/** Floats of the packed weights of `channels` channels and `taps` taps. */
export function dwPackedFloats(channels: i32, taps: i32): i32 {
  return (channels + DW_CB - 1) / DW_CB * DW_CB * (1 + taps);
}

/** Packs canonical dw weights [taps][channels] and bias [channels] (0: zeros). */
export function dwPack(channels: i32, taps: i32, w: usize, bias: usize, packed: usize): void {
  let p = packed;
  for (let c0 = 0; c0 < channels; c0 += DW_CB) {
    for (let j = 0; j < DW_CB; j++) {
      const c = c0 + j;
      store<f32>(p, bias != 0 && c < channels ? load<f32>(bias + (<usize>c << 2)) : 0);
      p += 4;
    }
    for (let t = 0; t < taps; t++) {
      for (let j = 0; j < DW_CB; j++) {
        const c = c0 + j;
        store<f32>(p, c < channels ? load<f32>(w + (<usize>(t * channels + c) << 2)) : 0);
        p += 4;
      }
    }
  }
}

/** dst[p][c*m + j] = x[p][c] for `pixels` pixels of `c` channels. */
export function dwExpand(x: usize, dst: usize, pixels: i32, c: i32, m: i32): void {
  let s = x;
  let d = dst;
  const total = pixels * c;
  for (let i = 0; i < total; i++) {
    const v = load<f32>(s);
    s += 4;
    for (let j = 0; j < m; j++) {
      store<f32>(d, v);
      d += 4;
    }
  }
}

// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, n: i32): void {
  if (n & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (n & 1) {
    v128.store32_lane(p, v, 0);
  }
}

/** First k in [0, kSize) with o*s - pad + k*d >= 0. */
// @ts-ignore: decorator
@inline
function firstTap(o: i32, s: i32, pad: i32, d: i32, kSize: i32): i32 {
  const start = o * s - pad;
  if (start >= 0) return 0;
  const k = (-start + d - 1) / d;
  return k < kSize ? k : kSize;
}

/** One past the last k in [0, kSize) with o*s - pad + k*d < size. */
// @ts-ignore: decorator
@inline
function endTap(o: i32, s: i32, pad: i32, d: i32, kSize: i32, size: i32): i32 {
  const start = o * s - pad;
  if (start >= size) return 0;
  const k = (size - 1 - start) / d + 1;
  return k < kSize ? k : kSize;
}

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
              if (ASC_FEATURE_RELAXED_SIMD) {
                vacc = f32x4.relaxed_madd(vx, vw, vacc);
              } else {
                vacc = f32x4.add(vacc, f32x4.mul(vx, vw));
              }
            }
            wr += tapRowBytes;
            xr += dyBytes;
          }
          vacc = f32x4.min(f32x4.max(vacc, lo), hi);
          if (cb + 1 < blocks) {
            v128.store(o, vacc);
            o += 16;
          } else if (tail == 4) {
            v128.store(o, vacc);
            o += 16;
          } else {
            storeLanes(o, vacc, tail);
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
          store<f32>(o, min<f32>(max<f32>(acc0, vmin), vmax));
          if (nv > 1) store<f32>(o, min<f32>(max<f32>(acc1, vmin), vmax), 4);
          if (nv > 2) store<f32>(o, min<f32>(max<f32>(acc2, vmin), vmax), 8);
          if (nv > 3) store<f32>(o, min<f32>(max<f32>(acc3, vmin), vmax), 12);
          o += <usize>nv << 2;
          wb += blockBytes;
          xc += 16;
        }
      }
    }
  }
}

/** The build's depthwise kernel. */
export function dwRun(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    f32_dwconv_minmax_up4__simd(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
  } else {
    f32_dwconv_minmax_up4__scalar(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
  }
}
