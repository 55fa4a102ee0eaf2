/**
 * Transposed convolution (plan.ts kind 'deconv'), NHWC: a gemm then a col2im scatter-add.
 *
 * 1. gemm (igemm with one tap, through rowsIndirection): per group g,
 *      col[p][g][tap][oc] = sum over ci of x[p][g*cinG + ci] * W[g][ci][tap][oc]
 *    with the weights packed by packGemm as groups x [1 tap][cinG][taps*coutG] (no bias).
 *    col has n*h*w rows of groups*taps*coutG floats.
 * 2. deconvCol2im: out = bias, then for every input pixel and tap the output pixel
 *      oy = iy*sH - padTop + ky*dH,  ox = ix*sW - padLeft + kx*dW
 *    (skipped when cropped away or beyond the output, which includes outputPadding rows that
 *    only the bias reaches) receives col[p][g][tap][:], then a clamp pass.
 */
import { clampf, vclamp } from '../simd';

// @ts-ignore: decorator
@inline
function addRow(dst: usize, src: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= count; i += 4) {
      v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
      dst += 16;
      src += 16;
    }
  }
  for (; i < count; i++) {
    store<f32>(dst, load<f32>(dst) + load<f32>(src));
    dst += 4;
    src += 4;
  }
}

/**
 * Scatter-adds the column buffer into `out` (n x od x oh x ow x cout, NDHWC; d = od = kD = 1
 * for 2-D), after filling it with `bias` (cout floats), and clamps it to [vmin, vmax].
 */
export function deconvCol2im(
  col: usize, bias: usize, out: usize, n: i32, d: i32, h: i32, w: i32, od: i32, oh: i32, ow: i32, groups: i32,
  coutG: i32, kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32, dD: i32, dH: i32, dW: i32,
  padFront: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  deconvCol2imRows(col, bias, out, n, d, h, w, od, oh, ow, groups, coutG, kD, kH, kW, sD, sH, sW, dD, dH, dW,
    padFront, padTop, padLeft, vmin, vmax, 0, n * od * oh, 0, groups * coutG);
}

/**
 * deconvCol2im on output rows [r0, r1), rows numbered (b * od + oz) * oh + oy, and channels
 * [c0, c1) (all of them unless groups is 1): a task of a split run, which writes only those.
 * Each output pixel receives the taps of its input pixels in the one-thread order (input pixels
 * in memory order; one input pixel reaches a pixel through one tap at most), and every float is
 * clamped by the vector or the scalar form as in one call over all rows, so any cut gives the
 * same bits.
 */
export function deconvCol2imRows(
  col: usize, bias: usize, out: usize, n: i32, d: i32, h: i32, w: i32, od: i32, oh: i32, ow: i32, groups: i32,
  coutG: i32, kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32, dD: i32, dH: i32, dW: i32,
  padFront: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32, r0: i32, r1: i32, c0: i32, c1: i32,
): void {
  if (r1 <= r0 || c1 <= c0) return;
  const cout = groups * coutG;
  const taps = kD * kH * kW;
  const pixelBytes = <usize>cout << 2;
  const rowBytes = <usize>ow * pixelBytes;
  const part = c1 - c0 < cout;
  const cBytes = <usize>c0 << 2;
  const nc = c1 - c0;
  // 1. bias
  let o = out + <usize>r0 * rowBytes + cBytes;
  for (let p = r0 * ow, e = r1 * ow; p < e; p++) {
    memory.copy(o, bias + cBytes, <usize>nc << 2);
    o += pixelBytes;
  }
  // 2. scatter-add into rows [r0, r1) only
  const colRowBytes = <usize>(groups * taps * coutG) << 2;
  const tapBytes = <usize>coutG << 2;
  const groupBytes = <usize>(taps * coutG) << 2;
  const imageRows = od * oh;
  const b0 = r0 / imageRows;
  const b1 = (r1 - 1) / imageRows;
  for (let b = b0; b <= b1; b++) {
    for (let iz = 0; iz < d; iz++) {
      for (let iy = 0; iy < h; iy++) {
        let src = col + <usize>(((b * d + iz) * h + iy) * w) * colRowBytes;
        // skip the input row when none of its taps reaches a row of the range
        let reaches = false;
        for (let kz = 0; kz < kD && !reaches; kz++) {
          const oz = iz * sD - padFront + kz * dD;
          if (<u32>oz >= <u32>od) continue;
          for (let ky = 0; ky < kH; ky++) {
            const oy = iy * sH - padTop + ky * dH;
            const r = (b * od + oz) * oh + oy;
            if (<u32>oy < <u32>oh && r >= r0 && r < r1) {
              reaches = true;
              break;
            }
          }
        }
        if (!reaches) continue;
        for (let ix = 0; ix < w; ix++) {
          for (let kz = 0; kz < kD; kz++) {
            const oz = iz * sD - padFront + kz * dD;
            if (<u32>oz >= <u32>od) continue;
            const rz = (b * od + oz) * oh;
            const ob = out + <usize>rz * rowBytes;
            for (let ky = 0; ky < kH; ky++) {
              const oy = iy * sH - padTop + ky * dH;
              if (<u32>oy >= <u32>oh || rz + oy < r0 || rz + oy >= r1) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ox = ix * sW - padLeft + kx * dW;
                if (<u32>ox >= <u32>ow) continue;
                const dst = ob + <usize>(oy * ow + ox) * pixelBytes;
                const s = src + <usize>((kz * kH + ky) * kW + kx) * tapBytes;
                if (groups == 1) {
                  addRow(dst + cBytes, s + cBytes, nc);
                } else {
                  for (let g = 0; g < groups; g++) {
                    addRow(dst + <usize>g * tapBytes, s + <usize>g * groupBytes, coutG);
                  }
                }
              }
            }
          }
          src += colRowBytes;
        }
      }
    }
  }
  // 3. clamp, float i of the output by the vector form where clampBuffer over every row would
  // (i below the last multiple of 4) and by the scalar one past it: the two differ on -0
  const total = n * imageRows * ow * cout;
  if (!part) {
    clampRange(out, r0 * ow * cout, r1 * ow * cout, total & ~3, vmin, vmax);
    return;
  }
  for (let p = r0 * ow, e = r1 * ow; p < e; p++) clampRange(out, p * cout + c0, p * cout + c1, total & ~3, vmin, vmax);
}

/**
 * Clamps floats [i0, i1) of the buffer at p: those below vEnd as f32x4.pmin/pmax do, the rest as
 * clampf (clampBuffer on the whole buffer, with vEnd its vector part's end).
 */
function clampRange(p: usize, i0: i32, i1: i32, vEnd: i32, vmin: f32, vmax: f32): void {
  if (vmin == -Infinity && vmax == Infinity) return;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    // lanes before the first whole vector, one at a time with the vector form's semantics
    for (; i < i1 && i < vEnd && (i & 3) != 0; i++) {
      const q = p + (<usize>i << 2);
      store<f32>(q, pclampf(load<f32>(q), vmin, vmax));
    }
    const lo = f32x4.splat(vmin);
    const hi = f32x4.splat(vmax);
    for (; i + 4 <= i1 && i + 4 <= vEnd; i += 4) {
      const q = p + (<usize>i << 2);
      v128.store(q, vclamp(v128.load(q), lo, hi));
    }
    for (; i < i1 && i < vEnd; i++) {
      const q = p + (<usize>i << 2);
      store<f32>(q, pclampf(load<f32>(q), vmin, vmax));
    }
  }
  for (; i < i1; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, clampf(load<f32>(q), vmin, vmax));
  }
}

/** vclamp on one lane: f32x4.pmax(x, lo) is x < lo ? lo : x, f32x4.pmin(y, hi) is hi < y ? hi : y. */
// @ts-ignore: decorator
@inline
function pclampf(x: f32, lo: f32, hi: f32): f32 {
  const y = x < lo ? lo : x;
  return hi < y ? hi : y;
}

/** Clamps `count` floats at p to [vmin, vmax] (NaN propagates); no-op for (-inf, inf). */
export function clampBuffer(p: usize, count: i32, vmin: f32, vmax: f32): void {
  if (vmin == -Infinity && vmax == Infinity) return;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lo = f32x4.splat(vmin);
    const hi = f32x4.splat(vmax);
    for (; i + 4 <= count; i += 4) {
      v128.store(p, vclamp(v128.load(p), lo, hi));
      p += 16;
    }
  }
  for (; i < count; i++) {
    store<f32>(p, clampf(load<f32>(p), vmin, vmax));
    p += 4;
  }
}

/**
 * The col2im of a transposed convolution whose taps tile the output (stride = kernel size,
 * dilation 1, one group), written straight to NCHW planes: every output pixel inside the tiled
 * region receives exactly one tap, out[oc][oy][ox] = clamp(bias[oc] + col[p][tap][oc]) with
 *   iy = (oy + padTop) / kH, ky = (oy + padTop) % kH   (the same for x),
 * and the pixels past it (outputPadding) receive clamp(bias[oc]). Same values as deconvCol2im
 * (one add per pixel, the same clamp) without its bias pass, its read-modify-write and the
 * NHWC -> NCHW transpose after it: the taps of four output columns are transposed in registers,
 * 4 channels x 4 columns at a time.
 *
 * col: n*h*w rows of kH*kW*cout floats (tap-major, as the igemm writes them); out: n x cout x oh x ow.
 */
export function deconvTilesNchw(
  col: usize, bias: usize, out: usize, n: i32, h: i32, w: i32, oh: i32, ow: i32, cout: i32,
  kH: i32, kW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  deconvTilesNchwRows(col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, vmin, vmax, 0, oh, 0, cout);
}

/**
 * deconvTilesNchw on output rows [oy0, oy1) and channels [c0, c1) of every image (a task of a
 * split run: each output pixel receives one tap, so the ranges write disjoint values; c0 a
 * multiple of 4, c1 one or cout, so the channel quads are the one-call ones).
 */
export function deconvTilesNchwRows(
  col: usize, bias: usize, out: usize, n: i32, h: i32, w: i32, oh: i32, ow: i32, cout: i32,
  kH: i32, kW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32, oy0: i32, oy1: i32, c0: i32, c1: i32,
): void {
  const planeBytes = <usize>(oh * ow) << 2;
  const tapBytes = <usize>cout << 2;
  const pixelBytes = <usize>(kH * kW) * tapBytes;
  // output columns [0, oxEnd) and rows [0, oyEnd) are covered by a tap (none when the crop is
  // wider than the taps reach and outputPadding alone keeps the output)
  const oxEnd = max(0, min(ow, w * kW - padLeft));
  const oyEnd = max(0, min(oh, h * kH - padTop));
  for (let b = 0; b < n; b++) {
    const ob = out + <usize>b * <usize>cout * planeBytes;
    const cb = col + <usize>b * <usize>(h * w) * pixelBytes;
    for (let oy = oy0; oy < oy1; oy++) {
      const orow = ob + (<usize>(oy * ow) << 2);
      let ox = 0;
      if (oy < oyEnd) {
        const ty = oy + padTop;
        const iy = ty / kH;
        const rowCol = cb + <usize>(iy * w) * pixelBytes + <usize>((ty - iy * kH) * kW) * tapBytes;
        if (ASC_FEATURE_SIMD) {
          // channel quads outside, columns inside: each plane row is written from left to right
          // while only 4 planes are open (planes of 4096 pixels all fall in one L1 set: with the
          // columns outside, every 16-byte store opened a line in each of the cout planes)
          const lo = f32x4.splat(vmin);
          const hi = f32x4.splat(vmax);
          const ox4 = oxEnd & ~3;
          const ix0 = padLeft / kW;
          const kx0 = padLeft - ix0 * kW;
          const s00 = rowCol + <usize>ix0 * pixelBytes + <usize>kx0 * tapBytes;
          // from one output column's tap to the next one's: the next tap, or the next pixel's first
          const nextPixel = pixelBytes - <usize>(kW - 1) * tapBytes;
          let oc = c0;
          for (; oc + 4 <= c1; oc += 4) {
            const q = <usize>oc << 2;
            const b0 = v128.load32_splat(bias + q);
            const b1 = v128.load32_splat(bias + q, 4);
            const b2 = v128.load32_splat(bias + q, 8);
            const b3 = v128.load32_splat(bias + q, 12);
            const d0 = orow + <usize>oc * planeBytes;
            let sp = s00 + q;
            let kx = kx0;
            for (let x = 0; x < ox4; x += 4) {
              const r0 = v128.load(sp);
              if (++kx == kW) { kx = 0; sp += nextPixel; } else sp += tapBytes;
              const r1 = v128.load(sp);
              if (++kx == kW) { kx = 0; sp += nextPixel; } else sp += tapBytes;
              const r2 = v128.load(sp);
              if (++kx == kW) { kx = 0; sp += nextPixel; } else sp += tapBytes;
              const r3 = v128.load(sp);
              if (++kx == kW) { kx = 0; sp += nextPixel; } else sp += tapBytes;
              const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
              const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
              const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
              const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
              const d = d0 + (<usize>x << 2);
              v128.store(d, vclamp(f32x4.add(b0, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5)), lo, hi));
              v128.store(d + planeBytes, vclamp(f32x4.add(b1, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7)), lo, hi));
              v128.store(d + 2 * planeBytes, vclamp(f32x4.add(b2, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5)), lo, hi));
              v128.store(d + 3 * planeBytes, vclamp(f32x4.add(b3, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7)), lo, hi));
            }
          }
          // the last cout % 4 channels of those columns
          for (; oc < c1; oc++) {
            const q = <usize>oc << 2;
            const bv = load<f32>(bias + q);
            const d0 = orow + <usize>oc * planeBytes;
            for (let x = 0; x < ox4; x++) {
              const sv = tapSource(rowCol, x, padLeft, kW, pixelBytes, tapBytes);
              store<f32>(d0 + (<usize>x << 2), clampf(bv + load<f32>(sv + q), vmin, vmax));
            }
          }
          ox = ox4;
        }
        for (; ox < oxEnd; ox++) {
          const s = tapSource(rowCol, ox, padLeft, kW, pixelBytes, tapBytes);
          const d = orow + (<usize>ox << 2);
          for (let oc = c0; oc < c1; oc++) {
            const q = <usize>oc << 2;
            store<f32>(d + <usize>oc * planeBytes, clampf(load<f32>(bias + q) + load<f32>(s + q), vmin, vmax));
          }
        }
      }
      // the columns (or the whole row) no tap reaches: the bias alone
      for (; ox < ow; ox++) {
        const d = orow + (<usize>ox << 2);
        for (let oc = c0; oc < c1; oc++) {
          store<f32>(d + <usize>oc * planeBytes, clampf(load<f32>(bias + (<usize>oc << 2)), vmin, vmax));
        }
      }
    }
  }
}

/** The col row segment (this input pixel's tap) that output column ox of a tiled row reads. */
// @ts-ignore: decorator
@inline
function tapSource(rowCol: usize, ox: i32, padLeft: i32, kW: i32, pixelBytes: usize, tapBytes: usize): usize {
  const tx = ox + padLeft;
  const ix = tx / kW;
  return rowCol + <usize>ix * pixelBytes + <usize>(tx - ix * kW) * tapBytes;
}
