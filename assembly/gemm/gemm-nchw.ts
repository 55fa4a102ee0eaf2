/**
 * Pointwise convolution straight on NCHW data (a lone 1x1, stride 1, unpadded, ungrouped layer
 * on NCHW input): per image Y[cout][P] = clamp(bias + W[cout][cin] x X[cin][P]), P = h*w. No
 * boundary transposes: X's rows (input channel planes) are the gemm's B rows, contiguous over
 * pixels, and Y's rows come out as NCHW planes.
 *
 * Micro-kernel f32_gemm_nchw_minmax_2x16: 2 output channels x 16 pixels, 8 accumulators,
 * 4 B vectors (16 pixels of one input plane), 2 weight broadcasts = 14 registers, like the
 * 2x16 igemm but with B read in place (row stride P*4 bytes) and the bias per row.
 *
 *   w (wRow bytes per output channel): [co][ci]        x: [ci][P]        y: [co][P]
 *
 * Only full 16-pixel blocks run the kernel; the last P % 16 pixels of each plane run a scalar
 * loop, so nothing is read past a plane except by that loop's exact loads.
 */
import { vmadd } from '../simd';

/** 2 x 16 block: rows w0 (and w0 + wRow when mr == 2), 16 pixels from xp (row stride xStride). */
// @ts-ignore: decorator
@inline
function f32_gemm_nchw_minmax_2x16__simd(
  mr: i32, kc: i32, w0: usize, wRow: usize, xp: usize, xStride: usize, bias: usize, y0: usize, yStride: usize,
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
  let k = kc;
  do {
    const vb0 = v128.load(xp);
    const vb1 = v128.load(xp, 16);
    const vb2 = v128.load(xp, 32);
    const vb3 = v128.load(xp, 48);
    xp += xStride;
    const va0 = v128.load32_splat(a0);
    const va1 = v128.load32_splat(a1);
    a0 += 4;
    a1 += 4;
    vacc0x0 = vmadd(va0, vb0, vacc0x0);
    vacc0x1 = vmadd(va0, vb1, vacc0x1);
    vacc0x2 = vmadd(va0, vb2, vacc0x2);
    vacc0x3 = vmadd(va0, vb3, vacc0x3);
    vacc1x0 = vmadd(va1, vb0, vacc1x0);
    vacc1x1 = vmadd(va1, vb1, vacc1x1);
    vacc1x2 = vmadd(va1, vb2, vacc1x2);
    vacc1x3 = vmadd(va1, vb3, vacc1x3);
    k -= 1;
  } while (k != 0);
  v128.store(y1, f32x4.pmin(f32x4.pmax(vacc1x0, vmin), vmax));
  v128.store(y1, f32x4.pmin(f32x4.pmax(vacc1x1, vmin), vmax), 16);
  v128.store(y1, f32x4.pmin(f32x4.pmax(vacc1x2, vmin), vmax), 32);
  v128.store(y1, f32x4.pmin(f32x4.pmax(vacc1x3, vmin), vmax), 48);
  v128.store(y0, f32x4.pmin(f32x4.pmax(vacc0x0, vmin), vmax));
  v128.store(y0, f32x4.pmin(f32x4.pmax(vacc0x1, vmin), vmax), 16);
  v128.store(y0, f32x4.pmin(f32x4.pmax(vacc0x2, vmin), vmax), 32);
  v128.store(y0, f32x4.pmin(f32x4.pmax(vacc0x3, vmin), vmax), 48);
}

/**
 * y (n x cout x P) = clamp(bias + w (cout x cin) x x (n x cin x P)). SIMD builds only use the
 * kernel; the scalar build runs the plain loop for every pixel.
 */
export function pointwiseNchw(
  x: usize, w: usize, bias: usize, y: usize, n: i32, cin: i32, cout: i32, P: i32, vmin: f32, vmax: f32,
): void {
  const planeBytes = <usize>P << 2;
  const wRow = <usize>cin << 2;
  let full = 0;
  if (ASC_FEATURE_SIMD) full = P & ~15;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>cin * planeBytes;
    const yb = y + <usize>b * <usize>cout * planeBytes;
    if (ASC_FEATURE_SIMD) {
      const lo = f32x4.splat(vmin);
      const hi = f32x4.splat(vmax);
      for (let p0 = 0; p0 < full; p0 += 16) {
        for (let co = 0; co < cout; co += 2) {
          const mr = cout - co < 2 ? cout - co : 2;
          f32_gemm_nchw_minmax_2x16__simd(mr, cin, w + <usize>co * wRow, wRow, xb + (<usize>p0 << 2), planeBytes,
            bias + (<usize>co << 2), yb + <usize>co * planeBytes + (<usize>p0 << 2), planeBytes, lo, hi);
        }
      }
    }
    // the pixels after the last full block
    for (let co = 0; co < cout; co++) {
      const wr = w + <usize>co * wRow;
      const bv = load<f32>(bias + (<usize>co << 2));
      const yr = yb + <usize>co * planeBytes;
      for (let p = full; p < P; p++) {
        let acc = bv;
        let xp = xb + (<usize>p << 2);
        for (let ci = 0; ci < cin; ci++) {
          acc += load<f32>(wr + (<usize>ci << 2)) * load<f32>(xp);
          xp += planeBytes;
        }
        store<f32>(yr + (<usize>p << 2), min<f32>(max<f32>(acc, vmin), vmax));
      }
    }
  }
}
