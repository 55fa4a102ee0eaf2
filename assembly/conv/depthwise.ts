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
 *
 * SIMD kernels: kW = 5, and kW = 3 with 16 or more output columns, run the row kernels
 * (dwRows__simd: channel block outer, two pixels per trip); narrower 3x3 layers keep the
 * pixel kernel dw3x3__simd (wide channel loops: 14x14x512); everything else the generic up4.
 */
import { DW_CB } from '../params';
import { clampf, vclamp, vmadd } from '../simd';

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

function dw3x3__simd(
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
          storeLanes(o, vclamp(dwBlock9(i0, i1, i2, i3, i4, i5, i6, i7, i8, c, wp, o), lo, hi), tail);
          o += <usize>tail << 2;
        }
      }
    }
  }
}

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
          else storeLanes(op, vacc, tail);
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
            storeLanes(op, vacc, tail);
            storeLanes(op + pixelBytes, vaccB, tail);
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
          else storeLanes(op, vacc, tail);
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
          else storeLanes(op, vacc, tail);
          op += pixelBytes;
        }
      }
      orow += outRowBytes;
    }
  }
}

/** dwRows__simd for kW = 3 (3x3 and kH x 3 kernels). */
function f32_dwconv_minmax_9p4c__simd_rows(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  dwRows__simd(x, packed, out, n, h, w, channels, oh, ow, kH, 3, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
}

/** dwRows__simd for kW = 5 (5x5 and kH x 5 kernels). */
function f32_dwconv_minmax_25p4c__simd_rows(
  x: usize, packed: usize, out: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  dwRows__simd(x, packed, out, n, h, w, channels, oh, ow, kH, 5, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
}

/**
 * The build's depthwise kernel: the row kernels where they win, 3x3 rows only from 16 output
 * columns, since narrower rows run faster on the pixel kernel
 * (see docs/performance.md#depthwise-row-kernels).
 */
export function dwRun(
  x: usize, packed: usize, out: usize, zero: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (kW == 5) {
      f32_dwconv_minmax_25p4c__simd_rows(x, packed, out, n, h, w, channels, oh, ow, kH, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else if (kW == 3 && ow >= 16) {
      f32_dwconv_minmax_9p4c__simd_rows(x, packed, out, n, h, w, channels, oh, ow, kH, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else if (kH == 3 && kW == 3) {
      dw3x3__simd(x, packed, out, zero, n, h, w, channels, oh, ow, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else {
      f32_dwconv_minmax_up4__simd(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    }
  } else {
    f32_dwconv_minmax_up4__scalar(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
  }
}
