/**
 * convNchw: the im2col NCHW gemm (see gemm-nchw.ts), on the panel and micro-kernel of
 * f32-gemm-nchw-2x16.ts.
 */
import { NCHW_PANEL } from '../params';
import { scratchArea, SCRATCH_TAIL } from '../thread';
import { clampf } from '../simd';
import { gemmPanel, panel } from './f32-gemm-nchw-2x16';

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
  convNchwRows(x, w, bias, y, n, c, h, wIn, cout, oh, ow, kH, kW, sH, sW, dH, dW, pT, pL, vmin, vmax, 0, oh);
}

/**
 * convNchw on output rows [oy0, oy1) of every image (a task of a split run: every row is packed
 * and computed on its own, so any cut gives the same bits).
 */
export function convNchwRows(
  x: usize, w: usize, bias: usize, y: usize, n: i32, c: i32, h: i32, wIn: i32, cout: i32,
  oh: i32, ow: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, pT: i32, pL: i32,
  vmin: f32, vmax: f32, oy0: i32, oy1: i32,
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
      // blocks of a row per PANEL fill: as many as PANEL holds (K <= NCHW_PANEL)
      const blocks = ow >= 16 ? (ow + 15) >> 4 : 1;
      let chunk = NCHW_PANEL / K;
      if (chunk > blocks) chunk = blocks;
      const blockBytes = <usize>K << 6;
      for (let oy = oy0; oy < oy1; oy++) {
        const yr = yb + (<usize>(oy * ow) << 2);
        const iy0 = oy * sH - pT;
        for (let b0 = 0; b0 < blocks; b0 += chunk) {
          const nb = blocks - b0 < chunk ? blocks - b0 : chunk;
          const oxLast = blockStart(b0 + nb - 1, ow);
          packIm2colRow(xb, c, h, wIn, kH, kW, sW, dH, dW, iy0, (b0 << 4) * sW - pL, oxLast * sW - pL, nb);
          if (ow >= 16) {
            for (let b = 0; b < nb; b++) {
              const ox0 = blockStart(b0 + b, ow);
              gemmPanel(cout, K, w, bias, panel() + <usize>b * blockBytes, yr + (<usize>ox0 << 2), planeBytes, vmin, vmax);
            }
          } else {
            // a row narrower than a block: through TAIL, one pair of output channels at a time
            for (let co = 0; co < cout; co += 2) {
              const mr = cout - co < 2 ? cout - co : 2;
              gemmPanel(mr, K, w + <usize>co * wRow, bias + (<usize>co << 2), panel(), tail(), 64, vmin, vmax);
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
        for (let oy = oy0; oy < oy1; oy++) {
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
