/**
 * The NCHW gemm micro-kernel f32_gemm_nchw_minmax_2x16 and its panel, and pointwiseNchw (see
 * gemm-nchw.ts for both NCHW gemms).
 */
import { NCHW_PANEL } from '../params';
import { scratchArea, SCRATCH_PANEL } from '../thread';
import { clampf, vclamp, vmadd } from '../simd';

/** 2 x 16 block: rows w0 (and w0 + wRow when mr == 2), 16 pixels of kc channels from the panel xp. */
// @ts-ignore: decorator
@inline
function f32_gemm_nchw_minmax_2x16__simd(
  mr: i32, kc: i32, w0: usize, wRow: usize, xp: usize, bias: usize, y0: usize, yStride: usize,
  vmin: v128, vmax: v128,
): void {
  let a0 = w0;
  let a1 = w0 + wRow;
  let b1 = bias + 4;
  let y1 = y0 + yStride;
  if (mr < 2) {
    a1 = a0;
    b1 = bias;
    y1 = y0;
  }
  let vacc0x0 = v128.load32_splat(bias);
  let vacc0x1 = vacc0x0;
  let vacc0x2 = vacc0x0;
  let vacc0x3 = vacc0x0;
  let vacc1x0 = v128.load32_splat(b1);
  let vacc1x1 = vacc1x0;
  let vacc1x2 = vacc1x0;
  let vacc1x3 = vacc1x0;
  // 8 channels per trip, each followed by a real exit test (any kc)
  let k = kc;
  let vb0: v128, vb1: v128, vb2: v128, vb3: v128, va0: v128, va1: v128;
  do {
    // channel +0
    va0 = v128.load32_splat(a0);
    va1 = v128.load32_splat(a1);
    vb0 = v128.load(xp);
    vb1 = v128.load(xp, 16);
    vb2 = v128.load(xp, 32);
    vb3 = v128.load(xp, 48);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 1) break;
    // channel +1
    va0 = v128.load32_splat(a0, 4);
    va1 = v128.load32_splat(a1, 4);
    vb0 = v128.load(xp, 64);
    vb1 = v128.load(xp, 80);
    vb2 = v128.load(xp, 96);
    vb3 = v128.load(xp, 112);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 2) break;
    xp += 128;
    // channel +2
    va0 = v128.load32_splat(a0, 8);
    va1 = v128.load32_splat(a1, 8);
    vb0 = v128.load(xp);
    vb1 = v128.load(xp, 16);
    vb2 = v128.load(xp, 32);
    vb3 = v128.load(xp, 48);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 3) break;
    // channel +3
    va0 = v128.load32_splat(a0, 12);
    va1 = v128.load32_splat(a1, 12);
    vb0 = v128.load(xp, 64);
    vb1 = v128.load(xp, 80);
    vb2 = v128.load(xp, 96);
    vb3 = v128.load(xp, 112);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 4) break;
    xp += 128;
    // channel +4
    va0 = v128.load32_splat(a0, 16);
    va1 = v128.load32_splat(a1, 16);
    vb0 = v128.load(xp);
    vb1 = v128.load(xp, 16);
    vb2 = v128.load(xp, 32);
    vb3 = v128.load(xp, 48);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 5) break;
    // channel +5
    va0 = v128.load32_splat(a0, 20);
    va1 = v128.load32_splat(a1, 20);
    vb0 = v128.load(xp, 64);
    vb1 = v128.load(xp, 80);
    vb2 = v128.load(xp, 96);
    vb3 = v128.load(xp, 112);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 6) break;
    xp += 128;
    // channel +6
    va0 = v128.load32_splat(a0, 24);
    va1 = v128.load32_splat(a1, 24);
    vb0 = v128.load(xp);
    vb1 = v128.load(xp, 16);
    vb2 = v128.load(xp, 32);
    vb3 = v128.load(xp, 48);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    if (k == 7) break;
    // channel +7
    va0 = v128.load32_splat(a0, 28);
    va1 = v128.load32_splat(a1, 28);
    vb0 = v128.load(xp, 64);
    vb1 = v128.load(xp, 80);
    vb2 = v128.load(xp, 96);
    vb3 = v128.load(xp, 112);
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    a0 += 32;
    a1 += 32;
    xp += 128;
    k -= 8;
  } while (k != 0);
  v128.store(y1, vclamp(vacc1x0, vmin, vmax));
  v128.store(y1, vclamp(vacc1x1, vmin, vmax), 16);
  v128.store(y1, vclamp(vacc1x2, vmin, vmax), 32);
  v128.store(y1, vclamp(vacc1x3, vmin, vmax), 48);
  v128.store(y0, vclamp(vacc0x0, vmin, vmax));
  v128.store(y0, vclamp(vacc0x1, vmin, vmax), 16);
  v128.store(y0, vclamp(vacc0x2, vmin, vmax), 32);
  v128.store(y0, vclamp(vacc0x3, vmin, vmax), 48);
}

/** The panel: NCHW_PANEL lines of 16 pixels in static memory (non-threaded SIMD builds; see thread.ts). */
const PANEL_STATIC: usize = ASC_FEATURE_SIMD && !ASC_FEATURE_THREADS ? memory.data(NCHW_PANEL * 64, 64) : 0;

/** This instance's panel. */
// @ts-ignore: decorator
@inline
export function panel(): usize {
  return scratchArea(PANEL_STATIC, SCRATCH_PANEL);
}

/** Copies 16 pixels of `cin` planes (`planeBytes` apart, from x) into PANEL, 64 bytes per channel. */
function packPanel(x: usize, planeBytes: usize, cin: i32): void {
  let d = panel();
  for (let c = 0; c < cin; c++) {
    v128.store(d, v128.load(x));
    v128.store(d, v128.load(x, 16), 16);
    v128.store(d, v128.load(x, 32), 32);
    v128.store(d, v128.load(x, 48), 48);
    x += planeBytes;
    d += 64;
  }
}

/**
 * Every pair of output channels over K panel lines at xp: 16 pixels of y[co] (planes yStride
 * bytes apart) = clamp(bias[co] + w[co] (K floats) x panel). A function of its own, not inlined
 * into convNchw's block loop (Binaryen inlines no function with a loop): its k loop then gets
 * registers without the block loop's live values.
 */
export function gemmPanel(cout: i32, K: i32, w: usize, bias: usize, xp: usize, y: usize, yStride: usize, vmin: f32,
  vmax: f32): void {
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const wRow = <usize>K << 2;
  for (let co = 0; co < cout; co += 2) {
    const mr = cout - co < 2 ? cout - co : 2;
    f32_gemm_nchw_minmax_2x16__simd(mr, K, w + <usize>co * wRow, wRow, xp, bias + (<usize>co << 2),
      y + <usize>co * yStride, yStride, lo, hi);
  }
}

/**
 * y (n x cout x P) = clamp(bias + w (cout x cin) x x (n x cin x P)). SIMD builds only use the
 * kernel; the scalar build runs the plain loop for every pixel.
 */
export function pointwiseNchw(
  x: usize, w: usize, bias: usize, y: usize, n: i32, cin: i32, cout: i32, P: i32, vmin: f32, vmax: f32,
): void {
  pointwiseNchwAt(x, w, bias, y, n, cin, cout, P, vmin, vmax, 0, P);
}

/**
 * pointwiseNchw on pixels [p0, p1) of every image (a task of a split run): p0 a multiple of 16,
 * p1 too or P, and at least 16 pixels when P has 16, so that the blocks are those of the whole
 * plane and the last one, which overlaps its predecessor, stays inside the range. Every pixel
 * gets the same k loop as in one call over the plane.
 */
export function pointwiseNchwAt(
  x: usize, w: usize, bias: usize, y: usize, n: i32, cin: i32, cout: i32, P: i32, vmin: f32, vmax: f32,
  p0: i32, p1: i32,
): void {
  const planeBytes = <usize>P << 2;
  const wRow = <usize>cin << 2;
  // pixels the kernel computes: all of the range, or none with more channels than the panel
  // holds (never sent by the runner) or planes under one block
  let full = p0;
  if (ASC_FEATURE_SIMD && cin <= NCHW_PANEL && P >= 16) full = p1;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>cin * planeBytes;
    const yb = y + <usize>b * <usize>cout * planeBytes;
    if (ASC_FEATURE_SIMD) {
      const lo = f32x4.splat(vmin);
      const hi = f32x4.splat(vmax);
      for (let p = p0; p < full; p += 16) {
        // the last block ends at the range's end, overlapping its predecessor
        const q = p + 16 <= p1 ? p : p1 - 16;
        packPanel(xb + (<usize>q << 2), planeBytes, cin);
        for (let co = 0; co < cout; co += 2) {
          const mr = cout - co < 2 ? cout - co : 2;
          f32_gemm_nchw_minmax_2x16__simd(mr, cin, w + <usize>co * wRow, wRow, panel(),
            bias + (<usize>co << 2), yb + <usize>co * planeBytes + (<usize>q << 2), planeBytes, lo, hi);
        }
      }
    }
    // the plain loop for the pixels the kernel did not compute (all or none)
    for (let co = 0; co < cout; co++) {
      const wr = w + <usize>co * wRow;
      const bv = load<f32>(bias + (<usize>co << 2));
      const yr = yb + <usize>co * planeBytes;
      for (let p = full; p < p1; p++) {
        let acc = bv;
        let xp = xb + (<usize>p << 2);
        for (let ci = 0; ci < cin; ci++) {
          acc += load<f32>(wr + (<usize>ci << 2)) * load<f32>(xp);
          xp += planeBytes;
        }
        store<f32>(yr + (<usize>p << 2), clampf(acc, vmin, vmax));
      }
    }
  }
}
