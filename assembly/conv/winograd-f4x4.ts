/**
 * F(4x4, 3x3) (winograd.ts runs it): every 4x4 block of output pixels from the 6x6 input patch under it, 36
 * multiply-adds per channel pair instead of 144 (the 2x2 transform's 64 for the same 16 outputs).
 * Interpolation points 0, 1, -1, 1/2, -2 and infinity, the matrices derived as in Lavin and Gray:
 *
 *   B^T = | 1  -3/2   -2    3/2  1  0 |   G = |    1      0      0   |   A^T = | 1  1  1   1    1  0 |
 *         | 0   -1    1/2   5/2  1  0 |       |   1/3    1/3    1/3  |         | 0  1 -1  1/2  -2  0 |
 *         | 0    1   -5/2   1/2  1  0 |       |  -1/3    1/3   -1/3  |         | 0  1  1  1/4   4  0 |
 *         | 0   -2    -1     2   1  0 |       | -16/15 -8/15  -4/15  |         | 0  1 -1  1/8  -8  1 |
 *         | 0   1/2   -1   -1/2  1  0 |       |  1/15  -2/15   4/15  |
 *         | 0    1   -3/2   -2  3/2 1 |       |    0      0      1   |
 *
 * The usual points 0, +-1, +-2 (ncnn's winograd43) have larger constants, and about three times
 * these points' error on deep channel sums (Barabasz et al., "Error analysis and improving the
 * accuracy of Winograd convolution for deep neural networks", 2020; see
 * docs/performance.md#winograd-points); F(2x2) errs far less. The weights are transformed in
 * float64. Both 2-D transforms run as two passes of 1-D transforms through SCRATCH (36 vectors in
 * L1): all 36 values of a patch in registers would spill.
 */
import { scratchArea, SCRATCH_OUTROW, SCRATCH_T, SCRATCH_WINO } from '../thread';
import { storeTransposed4x4, vclamp, vmadd } from '../simd';
import { ptrs, tileCol, tileImage, tileOrigin, tileRow } from './winograd-tiles';

/** 36 v128 of one tile's intermediate transform (4 channels), row-major [i][j]. */
const SCRATCH_STATIC: usize = ASC_FEATURE_THREADS ? 0 : memory.data(36 * 16, 16);

/** This instance's SCRATCH. */
// @ts-ignore: decorator
@inline
function wino(): usize {
  return scratchArea(SCRATCH_STATIC, SCRATCH_WINO);
}

/** U[e] = (G g G^T)[e], e = 6*i + j, for every (ci, co): w canonical [3][3][cin][cout], u [36][cin][cout]. */
export function winogradWeights43(w: usize, cin: i32, cout: i32, u: usize): void {
  const n = <usize>cin * <usize>cout;
  // G's rows (6 x 3), float64
  const G = memory.data<f64>([
    1, 0, 0,
    1.0 / 3, 1.0 / 3, 1.0 / 3,
    -1.0 / 3, 1.0 / 3, -1.0 / 3,
    -16.0 / 15, -8.0 / 15, -4.0 / 15,
    1.0 / 15, -2.0 / 15, 4.0 / 15,
    0, 0, 1,
  ]);
  const T = ASC_FEATURE_THREADS ? scratchArea(0, SCRATCH_T) : memory.data(18 * 8, 8); // t = G g (6 x 3), float64
  for (let k: usize = 0; k < n; k++) {
    for (let i = 0; i < 6; i++) {
      for (let c = 0; c < 3; c++) {
        let s: f64 = 0;
        for (let r = 0; r < 3; r++) {
          s += load<f64>(G + (<usize>(i * 3 + r) << 3)) * <f64>load<f32>(w + ((<usize>(r * 3 + c) * n + k) << 2));
        }
        store<f64>(T + (<usize>(i * 3 + c) << 3), s);
      }
    }
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        let s: f64 = 0;
        for (let c = 0; c < 3; c++) {
          s += load<f64>(T + (<usize>(i * 3 + c) << 3)) * load<f64>(G + (<usize>(j * 3 + c) << 3));
        }
        store<f32>(u + ((<usize>(i * 6 + j) * n + k) << 2), <f32>s);
      }
    }
  }
}


/**
 * B^T applied to (d0 .. d5), the results stored `stride` bytes apart from dst; with
 * a = d4 - d2 and b = d3 - d1: [d0 + d4 - 2d2 + 3/2 b, d4 - d1 + d2/2 + 5/2 d3,
 * d1 + d4 + d3/2 - 5/2 d2, a + 2b, a - b/2, d1 + d5 - 2d3 + 3/2 a].
 */
// @ts-ignore: decorator
@inline
function bt6(dst: usize, stride: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128): void {
  const a = f32x4.sub(d4, d2);
  const b = f32x4.sub(d3, d1);
  const c15 = f32x4.splat(1.5);
  const cm2 = f32x4.splat(-2);
  const c05 = f32x4.splat(0.5);
  v128.store(dst, vmadd(c15, b, vmadd(cm2, d2, f32x4.add(d0, d4))));
  v128.store(dst + stride, vmadd(f32x4.splat(2.5), d3, vmadd(c05, d2, f32x4.sub(d4, d1))));
  v128.store(dst + 2 * stride, vmadd(f32x4.splat(-2.5), d2, vmadd(c05, d3, f32x4.add(d1, d4))));
  v128.store(dst + 3 * stride, vmadd(f32x4.splat(2), b, a));
  v128.store(dst + 4 * stride, vmadd(f32x4.splat(-0.5), b, a));
  v128.store(dst + 5 * stride, vmadd(c15, a, vmadd(cm2, d3, f32x4.add(d1, d5))));
}

/**
 * One F(4x4) tile's V[e] (e = 6*i + j, eBytes apart from dst) from its 36 input pointers in PTRS,
 * four channels at a time: columns of B^T d into SCRATCH, then its rows times B.
 */
// @ts-ignore: decorator
@inline
export function inputTile43(dst: usize, pixelBytes: usize, eBytes: usize): void {
  for (let off: usize = 0; off < pixelBytes; off += 16) {
    // columns: SCRATCH[i][j] = (B^T d)[i][j]
    for (let j = 0; j < 6; j++) {
      const q = ptrs() + (<usize>j << 2);
      bt6(wino() + (<usize>j << 4), 96,
        v128.load(load<usize>(q) + off), v128.load(load<usize>(q, 24) + off), v128.load(load<usize>(q, 48) + off),
        v128.load(load<usize>(q, 72) + off), v128.load(load<usize>(q, 96) + off), v128.load(load<usize>(q, 120) + off));
    }
    // rows: V[6i + j] = ((B^T d) B)[i][j]
    for (let i = 0; i < 6; i++) {
      const s = wino() + <usize>i * 96;
      bt6(dst + <usize>(6 * i) * eBytes, eBytes,
        v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), v128.load(s, 64), v128.load(s, 80));
    }
    dst += 16;
  }
}

/**
 * A^T applied to (m0 .. m5), the four results stored `stride` bytes apart from dst; with
 * a = m1 + m2 and b = m1 - m2: [m0 + a + m3 + m4, b + m3/2 - 2m4, a + m3/4 + 4m4, b + m3/8 - 8m4 + m5].
 */
// @ts-ignore: decorator
@inline
function at6(dst: usize, stride: usize, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): void {
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  v128.store(dst, f32x4.add(f32x4.add(m0, a), f32x4.add(m3, m4)));
  v128.store(dst + stride, vmadd(f32x4.splat(0.5), m3, vmadd(f32x4.splat(-2), m4, b)));
  v128.store(dst + 2 * stride, vmadd(f32x4.splat(0.25), m3, vmadd(f32x4.splat(4), m4, a)));
  v128.store(dst + 3 * stride, f32x4.add(vmadd(f32x4.splat(0.125), m3, vmadd(f32x4.splat(-8), m4, b)), m5));
}

/** The four outputs of one row of a tile (4 channels each) after bias and clamp, in OUTROW. */
const OUTROW_STATIC: usize = ASC_FEATURE_THREADS ? 0 : memory.data(4 * 16, 16);

/** This instance's OUTROW. */
// @ts-ignore: decorator
@inline
function outRow(): usize {
  return scratchArea(OUTROW_STATIC, SCRATCH_OUTROW);
}

/**
 * winogradOutput for F(4x4): y = clamp(bias + A^T M A) for output channels c0 .. c1-1, the parts
 * of edge tiles past oh or ow not stored.
 */
export function winogradOutput43(
  m: usize, T: i32, t0: i32, count: i32, oh: i32, ow: i32, cout: i32, d: i32, rows: usize, tilesH: i32,
  cols: usize, tilesW: i32, bias: usize, y: usize, outPlane: i32, vmin: f32, vmax: f32, c0: i32, c1: i32,
): void {
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const pixelBytes = <usize>cout << 2;
  const eBytes = <usize>T * pixelBytes;
  const perImage = tilesH * tilesW;
  const cs = <usize>outPlane << 2;
  for (let t = 0; t < count; t++) {
    tileOrigin(t0 + t, perImage, tilesW, rows, cols);
    const b = tileImage;
    const oy = tileRow;
    const ox = tileCol;
    // output rows and columns of the tile inside the image
    let nr = (oh - 1 - oy) / d + 1;
    if (nr > 4) nr = 4;
    let nc = (ow - 1 - ox) / d + 1;
    if (nc > 4) nc = 4;
    let src = m + <usize>t * pixelBytes + (<usize>c0 << 2);
    for (let co = c0; co < c1; co += 4) {
      const vb = v128.load(bias + (<usize>co << 2));
      // columns: SCRATCH[r][j] = (A^T M)[r][j]
      for (let j = 0; j < 6; j++) {
        const p = src + <usize>j * eBytes;
        at6(wino() + (<usize>j << 4), 96, v128.load(p), v128.load(p + 6 * eBytes), v128.load(p + 12 * eBytes),
          v128.load(p + 18 * eBytes), v128.load(p + 24 * eBytes), v128.load(p + 30 * eBytes));
      }
      for (let rr = 0; rr < nr; rr++) {
        const s = wino() + <usize>rr * 96;
        at6(outRow(), 16, v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), v128.load(s, 64), v128.load(s, 80));
        const y0 = vclamp(f32x4.add(vb, v128.load(outRow())), lo, hi);
        const y1 = vclamp(f32x4.add(vb, v128.load(outRow(), 16)), lo, hi);
        const y2 = vclamp(f32x4.add(vb, v128.load(outRow(), 32)), lo, hi);
        const y3 = vclamp(f32x4.add(vb, v128.load(outRow(), 48)), lo, hi);
        const py = oy + rr * d;
        if (outPlane == 0) {
          const p = y + ((<usize>b * <usize>oh + <usize>py) * <usize>ow + <usize>ox) * pixelBytes + (<usize>co << 2);
          const step = <usize>d * pixelBytes;
          v128.store(p, y0);
          if (nc > 1) v128.store(p + step, y1);
          if (nc > 2) v128.store(p + 2 * step, y2);
          if (nc > 3) v128.store(p + 3 * step, y3);
        } else {
          const p = y + (<usize>b * <usize>cout + <usize>co) * cs + (<usize>(py * ow + ox) << 2);
          if (d == 1 && nc == 4) {
            // 4 pixels x 4 channels transposed: one 16-byte store per channel
            storeTransposed4x4(p, cs, y0, y1, y2, y3);
          } else {
            const step = <usize>d << 2;
            v128.store(outRow(), y0);
            v128.store(outRow(), y1, 16);
            v128.store(outRow(), y2, 32);
            v128.store(outRow(), y3, 48);
            for (let k = 0; k < 4; k++) {
              const pk = p + <usize>k * cs;
              for (let j = 0; j < nc; j++) {
                store<f32>(pk + <usize>j * step, load<f32>(outRow() + (<usize>(j * 4 + k) << 2)));
              }
            }
          }
        }
      }
      src += 16;
    }
  }
}
