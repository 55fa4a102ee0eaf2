/**
 * Convolution straight on NCHW data, no boundary transposes: gemms whose B rows are 16 pixels of
 * an input plane (or of an im2col line) and whose C rows come out as 16 pixels of an output plane.
 *
 * pointwiseNchw: a lone 1x1, stride 1, unpadded, ungrouped layer on NCHW input, or every
 * pointwise stage of an all-NCHW chain: per image Y[cout][P] = clamp(bias + W[cout][cin] x
 * X[cin][P]), P = h*w. Per block of 16 pixels, the block's cin rows of 16 pixels are first copied
 * into PANEL, one 64-byte line per channel, then every pair of output channels runs the
 * micro-kernel over that panel. Read in place, the rows sit one plane apart: planes of 12544 or
 * 3136 pixels put the 32..128 lines of a block into 4..16 of the 64 sets of the 8-way L1 cache,
 * which then evicts them between output channels.
 *
 * convNchw: a one-group convolution with few weights per output channel (RGB and grayscale first
 * layers) as the same gemm over im2col lines: per 16 output pixels of an output row, PANEL gets
 * the c*kH*kW lines of the block (packIm2colRow), so the k loop runs all of them at once.
 *
 * Micro-kernel f32_gemm_nchw_minmax_2x16: 2 output channels x 16 pixels, 8 accumulators,
 * 4 B vectors (16 pixels of one channel), 2 weight broadcasts = 14 registers, the 2x16 igemm's
 * tile with the bias per row. Its k loop takes eight channels per trip at constant offsets
 * (written out, as in igemm.ts: load offsets must be literals), each
 * followed by a real exit test: with four, V8 unrolled the loop twice and left jumps across
 * 32-byte boundaries (see the igemm 2x16 loop in igemm.ts and tools/loop-report.mjs); with
 * eight it does not unroll, and in pointwiseNchw no jump crosses one. In gemmPanel (convNchw)
 * two of the exit tests do in every variant tried, which is why pointwiseNchw keeps its own copy
 * of the loop (see docs/performance.md#nchw-pointwise-k-loop).
 *
 * The packed panel is what makes the kernel pay off on large planes and many channels
 * (see docs/performance.md#nchw-pointwise-panel). Weights stored pre-broadcast, or broadcast by
 * shuffles, were slower (see docs/performance.md#nchw-pointwise-weights-not-kept).
 *
 *   w (wRow bytes per output channel): [co][ci]        x: [ci][P]        y: [co][P]
 *
 * Every block is 16 whole pixels of a plane: when P is not a multiple of 16 the last block starts
 * at P - 16 and overlaps its predecessor (those pixels get the same values twice), so nothing is
 * read past a plane and no pixel runs a scalar loop, where such planes spent a large part of
 * their time (see docs/performance.md#overlapping-last-block). Planes under 16 pixels and the scalar build
 * run the plain loop.
 */
import { NCHW_PANEL } from '../params';
import { scratchArea, SCRATCH_PANEL, SCRATCH_TAIL } from '../thread';
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
function panel(): usize {
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
function gemmPanel(cout: i32, K: i32, w: usize, bias: usize, xp: usize, y: usize, yStride: usize, lo: v128, hi: v128): void {
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
  const planeBytes = <usize>P << 2;
  const wRow = <usize>cin << 2;
  // pixels the kernel computes: all, or none with more channels than the panel holds (never
  // sent by the runner) or planes under one block
  let full = 0;
  if (ASC_FEATURE_SIMD && cin <= NCHW_PANEL && P >= 16) full = P;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * <usize>cin * planeBytes;
    const yb = y + <usize>b * <usize>cout * planeBytes;
    if (ASC_FEATURE_SIMD) {
      const lo = f32x4.splat(vmin);
      const hi = f32x4.splat(vmax);
      for (let p = 0; p < full; p += 16) {
        // the last block ends at the plane's end, overlapping its predecessor
        const p0 = p + 16 <= P ? p : P - 16;
        packPanel(xb + (<usize>p0 << 2), planeBytes, cin);
        for (let co = 0; co < cout; co += 2) {
          const mr = cout - co < 2 ? cout - co : 2;
          f32_gemm_nchw_minmax_2x16__simd(mr, cin, w + <usize>co * wRow, wRow, panel(),
            bias + (<usize>co << 2), yb + <usize>co * planeBytes + (<usize>p0 << 2), planeBytes, lo, hi);
        }
      }
    }
    // the plain loop for the pixels the kernel did not compute (all or none)
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

/**
 * First output column of block b of an output row of ow pixels: 16*b, except that the last block
 * ends at the row's end, overlapping its predecessor (the overlapped pixels get the same values
 * twice); 0 for a row narrower than a block.
 */
// @ts-ignore: decorator
@inline
function blockStart(b: i32, ow: i32): i32 {
  const ox = b << 4;
  return ox + 16 <= ow ? ox : ow >= 16 ? ow - 16 : 0;
}

/** Two rows of 16 outputs of a block wider than its output row (output rows under 16 pixels). */
const TAIL_STATIC: usize = ASC_FEATURE_SIMD && !ASC_FEATURE_THREADS ? memory.data(2 * 64, 16) : 0;

/** This instance's TAIL. */
// @ts-ignore: decorator
@inline
function tail(): usize {
  return scratchArea(TAIL_STATIC, SCRATCH_TAIL);
}

/**
 * Fills PANEL with the im2col lines of `nb` blocks of 16 output pixels of one output row: block b
 * (its first input column ix = ixFirst + 16*sW*b, ixLast for the last block, which the caller may
 * shift left to end at the row's end) gets K = c*kH*kW lines of 64 bytes at PANEL + (b*K + line)*64,
 * line (ci, ky, kx) holding x[ci][iy0 + ky*dH][ix + kx*dW + j*sW] for j = 0..15, 0 outside the
 * image (and so for pixels past an output row narrower than 16, whose results the caller drops).
 * Line-major, so the per-line work (row address, padding rows) is done once for all blocks.
 * Stride 1 and 2 spans fully inside the row are whole v128 loads (copyBlocks); the others go a
 * lane at a time (gather16).
 */
function packIm2colRow(
  x: usize, c: i32, h: i32, w: i32, kH: i32, kW: i32, sW: i32, dH: i32, dW: i32,
  iy0: i32, ixFirst: i32, ixLast: i32, nb: i32,
): void {
  const rowBytes = <usize>w << 2;
  const planeBytes = <usize>h * rowBytes;
  const blockBytes = <usize>(c * kH * kW) << 6;
  const step = sW << 4;
  // a block whose first column ix satisfies 0 <= ix <= lim lies inside the row
  const lim = w - 1 - 15 * sW;
  const zero = f32x4.splat(0);
  let line = panel();
  for (let ci = 0; ci < c; ci++) {
    const xc = x + <usize>ci * planeBytes;
    for (let ky = 0; ky < kH; ky++) {
      const iy = iy0 + ky * dH;
      if (<u32>iy >= <u32>h) {
        for (let kx = 0; kx < kW; kx++) {
          let d = line;
          for (let b = 0; b < nb; b++) {
            v128.store(d, zero);
            v128.store(d, zero, 16);
            v128.store(d, zero, 32);
            v128.store(d, zero, 48);
            d += blockBytes;
          }
          line += 64;
        }
        continue;
      }
      const xr = xc + <usize>iy * rowBytes;
      for (let kx = 0; kx < kW; kx++) {
        const kxo = kx * dW;
        // blocks 0 .. nb-2 start at column i0 + b*step: those left of the row, then those
        // inside it (one run of whole-vector copies), then those reaching past it; the last
        // block starts at ixLast + kxo
        const i0 = ixFirst + kxo;
        const main = nb - 1;
        let d = line;
        let b = 0;
        while (b < main && i0 + b * step < 0) {
          gather16(d, xr, i0 + b * step, sW, w);
          d += blockBytes;
          b++;
        }
        let end = b;
        if (sW <= 2 && lim >= i0 + b * step) {
          end = (lim - i0) / step + 1;
          if (end > main) end = main;
          copyBlocks(d, xr + (<usize>(i0 + b * step) << 2), end - b, sW, blockBytes);
          d += <usize>(end - b) * blockBytes;
        }
        for (b = end; b < main; b++) {
          gather16(d, xr, i0 + b * step, sW, w);
          d += blockBytes;
        }
        const il = ixLast + kxo;
        if (sW <= 2 && il >= 0 && il <= lim) {
          copyBlocks(d, xr + (<usize>il << 2), 1, sW, blockBytes);
        } else {
          gather16(d, xr, il, sW, w);
        }
        line += 64;
      }
    }
  }
}

/**
 * `count` blocks of 16 pixels of one row, stride sW (1 or 2), starting at s, 16*sW floats apart,
 * into 64-byte lines blockBytes apart from d: whole v128 loads (stride 2: two loads and one
 * even-lane shuffle per 4 pixels, reading one float past the last pixel).
 */
function copyBlocks(d: usize, s: usize, count: i32, sW: i32, blockBytes: usize): void {
  if (sW == 2) {
    for (let i = 0; i < count; i++) {
      v128.store(d, v128.shuffle<f32>(v128.load(s), v128.load(s, 16), 0, 2, 4, 6));
      v128.store(d, v128.shuffle<f32>(v128.load(s, 32), v128.load(s, 48), 0, 2, 4, 6), 16);
      v128.store(d, v128.shuffle<f32>(v128.load(s, 64), v128.load(s, 80), 0, 2, 4, 6), 32);
      v128.store(d, v128.shuffle<f32>(v128.load(s, 96), v128.load(s, 112), 0, 2, 4, 6), 48);
      s += 128;
      d += blockBytes;
    }
  } else {
    for (let i = 0; i < count; i++) {
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
      v128.store(d, v128.load(s, 32), 32);
      v128.store(d, v128.load(s, 48), 48);
      s += 64;
      d += blockBytes;
    }
  }
}

/** d[j] = xr[ix + j*sW] for j = 0..15, 0 where that is outside the row of w floats. */
function gather16(d: usize, xr: usize, ix: i32, sW: i32, w: i32): void {
  for (let j = 0; j < 16; j++) {
    store<f32>(d + (<usize>j << 2), <u32>ix < <u32>w ? load<f32>(xr + (<usize>ix << 2)) : 0);
    ix += sW;
  }
}

/**
 * A convolution (one group) straight on NCHW data, as a gemm over im2col blocks: per 16 output
 * pixels of an output row, PANEL gets the block's c*kH*kW im2col lines (packIm2colRow) and every
 * pair of output channels runs the pointwise micro-kernel over them, with weights
 * w [cout][c][kH][kW] (OIHW, wRow = c*kH*kW floats) and the outputs stored as whole vectors into
 * the NCHW planes. For few input channels (MobileNet's and ResNet's first layers) this replaces
 * the input transpose, the padded copy and the short taps of the igemm (3 or 7 per pixel, of
 * 9 or 21 channels) with one k loop of c*kH*kW steps. Any c*kH*kW up to NCHW_PANEL works;
 * the runner sends at most 64 (IM2COL_MAX_K, src/backends/wasm/select.ts): larger K and 7x7
 * kernels run faster on the igemm (see docs/performance.md#first-layers-on-nchw-data). The
 * scalar build runs a plain loop.
 */
export function convNchw(
  x: usize, w: usize, bias: usize, y: usize, n: i32, c: i32, h: i32, wIn: i32, cout: i32,
  oh: i32, ow: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, pT: i32, pL: i32,
  vmin: f32, vmax: f32,
): void {
  const K = c * kH * kW;
  const wRow = <usize>K << 2;
  const inBytes = <usize>c * <usize>h * (<usize>wIn << 2);
  const P = oh * ow;
  const planeBytes = <usize>P << 2;
  for (let b = 0; b < n; b++) {
    const xb = x + <usize>b * inBytes;
    const yb = y + <usize>b * <usize>cout * planeBytes;
    if (ASC_FEATURE_SIMD) {
      const lo = f32x4.splat(vmin);
      const hi = f32x4.splat(vmax);
      // blocks of a row per PANEL fill: as many as PANEL holds (K <= NCHW_PANEL)
      const blocks = ow >= 16 ? (ow + 15) >> 4 : 1;
      let chunk = NCHW_PANEL / K;
      if (chunk > blocks) chunk = blocks;
      const blockBytes = <usize>K << 6;
      for (let oy = 0; oy < oh; oy++) {
        const yr = yb + (<usize>(oy * ow) << 2);
        const iy0 = oy * sH - pT;
        for (let b0 = 0; b0 < blocks; b0 += chunk) {
          const nb = blocks - b0 < chunk ? blocks - b0 : chunk;
          const oxLast = blockStart(b0 + nb - 1, ow);
          packIm2colRow(xb, c, h, wIn, kH, kW, sW, dH, dW, iy0, (b0 << 4) * sW - pL, oxLast * sW - pL, nb);
          if (ow >= 16) {
            for (let b = 0; b < nb; b++) {
              const ox0 = blockStart(b0 + b, ow);
              gemmPanel(cout, K, w, bias, panel() + <usize>b * blockBytes, yr + (<usize>ox0 << 2), planeBytes, lo, hi);
            }
          } else {
            // a row narrower than a block: through TAIL, one pair of output channels at a time
            for (let co = 0; co < cout; co += 2) {
              const mr = cout - co < 2 ? cout - co : 2;
              gemmPanel(mr, K, w + <usize>co * wRow, bias + (<usize>co << 2), panel(), tail(), 64, lo, hi);
              for (let r = 0; r < mr; r++) {
                const yt = yr + <usize>(co + r) * planeBytes;
                for (let j = 0; j < ow; j++) {
                  store<f32>(yt + (<usize>j << 2), load<f32>(tail() + (<usize>(r * 16 + j) << 2)));
                }
              }
            }
          }
        }
      }
    } else {
      for (let co = 0; co < cout; co++) {
        const wc = w + <usize>co * wRow;
        const bv = load<f32>(bias + (<usize>co << 2));
        const yc = yb + <usize>co * planeBytes;
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            let acc = bv;
            let wp = wc;
            for (let ci = 0; ci < c; ci++) {
              const xc = xb + <usize>ci * <usize>h * (<usize>wIn << 2);
              for (let ky = 0; ky < kH; ky++) {
                const iy = oy * sH - pT + ky * dH;
                for (let kx = 0; kx < kW; kx++) {
                  const ix = ox * sW - pL + kx * dW;
                  if (<u32>iy < <u32>h && <u32>ix < <u32>wIn) {
                    acc += load<f32>(wp) * load<f32>(xc + (<usize>(iy * wIn + ix) << 2));
                  }
                  wp += 4;
                }
              }
            }
            store<f32>(yc + (<usize>(oy * ow + ox) << 2), clampf(acc, vmin, vmax));
          }
        }
      }
    }
  }
}
