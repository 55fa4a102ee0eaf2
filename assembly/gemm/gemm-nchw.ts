/**
 * Pointwise convolution straight on NCHW data (a lone 1x1, stride 1, unpadded, ungrouped layer
 * on NCHW input, or every pointwise stage of an all-NCHW chain): per image
 * Y[cout][P] = clamp(bias + W[cout][cin] x X[cin][P]), P = h*w. No boundary transposes: X's rows
 * (input channel planes) are the gemm's B rows, contiguous over pixels, and Y's rows come out as
 * NCHW planes.
 *
 * Per block of 16 pixels, the block's cin rows of 16 pixels are first copied into PANEL, one
 * 64-byte line per channel, then every pair of output channels runs the micro-kernel over that
 * panel. Read in place, the rows sit one plane apart: planes of 12544 or 3136 pixels put the
 * 32..128 lines of a block into 4..16 of the 64 sets of the 8-way L1 cache, which then evicts
 * them between output channels.
 *
 * Micro-kernel f32_gemm_nchw_minmax_2x16: 2 output channels x 16 pixels, 8 accumulators,
 * 4 B vectors (16 pixels of one channel), 2 weight broadcasts = 14 registers, the 2x16 igemm's
 * tile with the bias per row. Its k loop takes eight channels per trip at constant offsets
 * (written out, as in igemm.ts: load offsets must be literals), each
 * followed by a real exit test: with four, V8 unrolled the loop twice and left jumps across
 * 32-byte boundaries (see the igemm 2x16 loop in igemm.ts and scripts/loop-report.mjs); with
 * eight it does not unroll, and no jump crosses one (Node 20.20).
 *
 * Measured 2026-11-29 (relaxed, raw kernel, interleaved A/B against the in-place 1-channel
 * loop): 56x56 128->128 1.20-1.28x, 28x28 256->256 1.28x, 32x32 512->64 2.5x (the L1 sets), 112x112
 * 32->64 1.00x (its 3.2 MB of output planes bound it); the simd build 1.20-1.27x and 2.5x.
 *
 *   w (wRow bytes per output channel): [co][ci]        x: [ci][P]        y: [co][P]
 *
 * Only full 16-pixel blocks run the kernel; the last P % 16 pixels of each plane run a scalar
 * loop, so nothing is read past a plane except by that loop's exact loads.
 */
import { NCHW_PANEL } from '../params';
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

/** The panel: NCHW_PANEL lines of 16 pixels in the module's static memory (SIMD builds). */
const PANEL: usize = ASC_FEATURE_SIMD ? memory.data(NCHW_PANEL * 64, 64) : 0;

/** Copies 16 pixels of `cin` planes (`planeBytes` apart, from x) into PANEL, 64 bytes per channel. */
function packPanel(x: usize, planeBytes: usize, cin: i32): usize {
  let d = PANEL;
  for (let c = 0; c < cin; c++) {
    v128.store(d, v128.load(x));
    v128.store(d, v128.load(x, 16), 16);
    v128.store(d, v128.load(x, 32), 32);
    v128.store(d, v128.load(x, 48), 48);
    x += planeBytes;
    d += 64;
  }
  return PANEL;
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
  // more channels than the panel holds: the plain loop for every pixel (never sent by the runner)
  if (ASC_FEATURE_SIMD && cin <= NCHW_PANEL) full = P & ~15;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>cin * planeBytes;
    const yb = y + <usize>b * <usize>cout * planeBytes;
    if (ASC_FEATURE_SIMD) {
      const lo = f32x4.splat(vmin);
      const hi = f32x4.splat(vmax);
      for (let p0 = 0; p0 < full; p0 += 16) {
        const panel = packPanel(xb + (<usize>p0 << 2), planeBytes, cin);
        for (let co = 0; co < cout; co += 2) {
          const mr = cout - co < 2 ? cout - co : 2;
          f32_gemm_nchw_minmax_2x16__simd(mr, cin, w + <usize>co * wRow, wRow, panel,
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
        store<f32>(yr + (<usize>p << 2), clampf(acc, vmin, vmax));
      }
    }
  }
}
