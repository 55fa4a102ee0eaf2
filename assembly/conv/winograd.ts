/**
 * Winograd F(2x2, 3x3) (and F(4x4, 3x3), winograd-f4x4.ts) convolution for 3x3, stride 1, one-group
 * layers of any (square) dilation (SIMD builds; channel counts multiples of 4): every 2x2 block
 * of output pixels (a tile; with dilation d, pixels d apart) is computed from the 4x4 input patch
 * under it with 16 multiply-adds per (input, output) channel pair instead of 36 (Lavin and Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016):
 *
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A        summed over input channels
 *
 *   B^T = | 1  0 -1  0 |     G = | 1    0    0   |     A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |         | 1/2  1/2  1/2 |           | 0  1 -1 -1 |
 *         | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |         | 0    0    1   |
 *
 * The sum over input channels of the 16 elementwise products is 16 independent gemms
 * M[e] (tiles x cout) = V[e] (tiles x cin) x U[e] (cin x cout), e = 4*i + j the position in the
 * 4x4 transform: they run on the igemm tile (convRun through a rows indirection buffer), with the
 * transformed weights U[e] packed once (gemm/pack.ts, zero bias). Per block of T tiles:
 *
 *   NHWC x --winogradInput--> V [16][T][cin] --16 x convRun--> M [16][T][cout]
 *          --winogradOutput (+ bias, clamp)--> y (NHWC, or NCHW planes of outPlane pixels)
 *
 * The transforms are additions and halvings only, four channels per v128; F(2x2, 3x3) keeps the
 * rounding error of the direct sum's order. F(4x4, 3x3) (winograd-f4x4.ts) saves more multiplies for larger
 * transform constants and errors; winogradRun runs either (the host picks:
 * src/backends/wasm/select.ts).
 */
import { MR, NR } from '../params';
import { packedGemmFloats } from '../gemm/pack';
import { vclamp } from '../simd';
import { convRun } from './standard';
import { patchPointers, ptrs, tileCol, tileImage, tileOrigin, tileRow, tileStarts } from './winograd-tiles';
import { inputTile43, winogradOutput43 } from './winograd-f4x4';

// @ts-ignore: decorator
@lazy const HALF: f32 = 0.5;

/**
 * U[e] = (G g G^T)[e] for every (ci, co): w canonical [3][3][cin][cout] (plan.ts), u [16][cin][cout].
 */
export function winogradWeights(w: usize, cin: i32, cout: i32, u: usize): void {
  const n = <usize>cin * <usize>cout;
  for (let k: usize = 0; k < n; k++) {
    // g[r][c] = w[(r*3 + c)][k]
    const g00 = load<f32>(w + ((0 * n + k) << 2)), g01 = load<f32>(w + ((1 * n + k) << 2)), g02 = load<f32>(w + ((2 * n + k) << 2));
    const g10 = load<f32>(w + ((3 * n + k) << 2)), g11 = load<f32>(w + ((4 * n + k) << 2)), g12 = load<f32>(w + ((5 * n + k) << 2));
    const g20 = load<f32>(w + ((6 * n + k) << 2)), g21 = load<f32>(w + ((7 * n + k) << 2)), g22 = load<f32>(w + ((8 * n + k) << 2));
    // t = G g (4 x 3), by columns
    const t00 = g00, t01 = g01, t02 = g02;
    const t10 = HALF * (g00 + g10 + g20), t11 = HALF * (g01 + g11 + g21), t12 = HALF * (g02 + g12 + g22);
    const t20 = HALF * (g00 - g10 + g20), t21 = HALF * (g01 - g11 + g21), t22 = HALF * (g02 - g12 + g22);
    const t30 = g20, t31 = g21, t32 = g22;
    // U = t G^T (4 x 4): row r = [t0, (t0+t1+t2)/2, (t0-t1+t2)/2, t2]
    storeRow(u, n, k, 0, t00, t01, t02);
    storeRow(u, n, k, 1, t10, t11, t12);
    storeRow(u, n, k, 2, t20, t21, t22);
    storeRow(u, n, k, 3, t30, t31, t32);
  }
}

// @ts-ignore: decorator
@inline
function storeRow(u: usize, n: usize, k: usize, r: i32, a: f32, b: f32, c: f32): void {
  const e = <usize>(r * 4);
  store<f32>(u + (((e + 0) * n + k) << 2), a);
  store<f32>(u + (((e + 1) * n + k) << 2), HALF * (a + b + c));
  store<f32>(u + (((e + 2) * n + k) << 2), HALF * (a - b + c));
  store<f32>(u + (((e + 3) * n + k) << 2), c);
}

/**
 * V[e][t][c] = (B^T d B)[e] for tiles t0 .. t0+count-1 (numbered n-major, then tile row, tile
 * column), t counted from t0; T tiles per e; alpha x alpha input patches (4: F(2x2), 6: F(4x4)).
 */
function winogradInput(
  x: usize, h: i32, w: i32, c: i32, pT: i32, pL: i32, d: i32, rows: usize, tilesH: i32, cols: usize, tilesW: i32,
  t0: i32, count: i32, T: i32, v: usize, zero: usize, alpha: i32,
): void {
  const pixelBytes = <usize>c << 2;
  const imageBytes = <usize>h * <usize>w * pixelBytes;
  const eBytes = <usize>T * pixelBytes;
  const perImage = tilesH * tilesW;
  for (let t = 0; t < count; t++) {
    tileOrigin(t0 + t, perImage, tilesW, rows, cols);
    patchPointers(x + <usize>tileImage * imageBytes, h, w, pixelBytes, tileRow - pT, tileCol - pL, d, alpha, zero,
      ptrs());
    const dst = v + <usize>t * pixelBytes;
    if (alpha == 6) {
      inputTile43(dst, pixelBytes, eBytes);
    } else {
      inputTile22(dst, pixelBytes, eBytes);
    }
  }
}

/** One F(2x2) tile's V[e] (eBytes apart from dst) from its 16 input pointers in PTRS. */
// @ts-ignore: decorator
@inline
function inputTile22(dst: usize, pixelBytes: usize, eBytes: usize): void {
  for (let off: usize = 0; off < pixelBytes; off += 16) {
    // rows of B^T d: r0 = d0 - d2, r1 = d1 + d2, r2 = d2 - d1, r3 = d1 - d3 (each 4 columns)
    const d00 = v128.load(load<usize>(ptrs()) + off), d01 = v128.load(load<usize>(ptrs(), 4) + off);
    const d02 = v128.load(load<usize>(ptrs(), 8) + off), d03 = v128.load(load<usize>(ptrs(), 12) + off);
    const d10 = v128.load(load<usize>(ptrs(), 16) + off), d11 = v128.load(load<usize>(ptrs(), 20) + off);
    const d12 = v128.load(load<usize>(ptrs(), 24) + off), d13 = v128.load(load<usize>(ptrs(), 28) + off);
    const d20 = v128.load(load<usize>(ptrs(), 32) + off), d21 = v128.load(load<usize>(ptrs(), 36) + off);
    const d22 = v128.load(load<usize>(ptrs(), 40) + off), d23 = v128.load(load<usize>(ptrs(), 44) + off);
    const d30 = v128.load(load<usize>(ptrs(), 48) + off), d31 = v128.load(load<usize>(ptrs(), 52) + off);
    const d32 = v128.load(load<usize>(ptrs(), 56) + off), d33 = v128.load(load<usize>(ptrs(), 60) + off);
    transformRow(dst, eBytes, 0, f32x4.sub(d00, d20), f32x4.sub(d01, d21), f32x4.sub(d02, d22), f32x4.sub(d03, d23));
    transformRow(dst, eBytes, 4, f32x4.add(d10, d20), f32x4.add(d11, d21), f32x4.add(d12, d22), f32x4.add(d13, d23));
    transformRow(dst, eBytes, 8, f32x4.sub(d20, d10), f32x4.sub(d21, d11), f32x4.sub(d22, d12), f32x4.sub(d23, d13));
    transformRow(dst, eBytes, 12, f32x4.sub(d10, d30), f32x4.sub(d11, d31), f32x4.sub(d12, d32), f32x4.sub(d13, d33));
    dst += 16;
  }
}

/** Row r of (B^T d) times B into V[e0 .. e0+3]: [r0 - r2, r1 + r2, r2 - r1, r1 - r3]. */
// @ts-ignore: decorator
@inline
function transformRow(dst: usize, eBytes: usize, e0: i32, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const p = dst + <usize>e0 * eBytes;
  v128.store(p, f32x4.sub(r0, r2));
  v128.store(p + eBytes, f32x4.add(r1, r2));
  v128.store(p + 2 * eBytes, f32x4.sub(r2, r1));
  v128.store(p + 3 * eBytes, f32x4.sub(r1, r3));
}

/**
 * y = clamp(bias + A^T M A) for tiles t0 .. t0+count-1 and output channels c0 .. c1-1 (multiples
 * of 4): NHWC (outPlane 0) or NCHW planes of outPlane = oh*ow pixels; the parts of edge tiles past
 * oh or ow are not stored.
 */
function winogradOutput(
  m: usize, T: i32, t0: i32, count: i32, oh: i32, ow: i32, cout: i32, d: i32, rows: usize, tilesH: i32,
  cols: usize, tilesW: i32, bias: usize, y: usize, outPlane: i32, vmin: f32, vmax: f32, c0: i32, c1: i32,
): void {
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const eBytes = <usize>T * (<usize>cout << 2);
  const perImage = tilesH * tilesW;
  const pixelBytes = <usize>cout << 2;
  for (let t = 0; t < count; t++) {
    tileOrigin(t0 + t, perImage, tilesW, rows, cols);
    const b = tileImage;
    const oy = tileRow;
    const ox = tileCol;
    const down = oy + d < oh;
    const right = ox + d < ow;
    let src = m + <usize>t * pixelBytes + (<usize>c0 << 2);
    for (let co = c0; co < c1; co += 4) {
      const vb = v128.load(bias + (<usize>co << 2));
      // per column j of M: s0j = m0j + m1j + m2j, s1j = m1j - m2j - m3j (rows i of A^T M)
      const s00 = colSum(src, eBytes, 0), s10 = colDiff(src, eBytes, 0);
      const s01 = colSum(src, eBytes, 1), s11 = colDiff(src, eBytes, 1);
      const s02 = colSum(src, eBytes, 2), s12 = colDiff(src, eBytes, 2);
      const s03 = colSum(src, eBytes, 3), s13 = colDiff(src, eBytes, 3);
      const y00 = vclamp(f32x4.add(vb, f32x4.add(f32x4.add(s00, s01), s02)), lo, hi);
      const y01 = vclamp(f32x4.add(vb, f32x4.sub(f32x4.sub(s01, s02), s03)), lo, hi);
      const y10 = vclamp(f32x4.add(vb, f32x4.add(f32x4.add(s10, s11), s12)), lo, hi);
      const y11 = vclamp(f32x4.add(vb, f32x4.sub(f32x4.sub(s11, s12), s13)), lo, hi);
      if (outPlane == 0) {
        const p = y + ((<usize>b * <usize>oh + <usize>oy) * <usize>ow + <usize>ox) * pixelBytes + (<usize>co << 2);
        const down1 = <usize>(ow * d) * pixelBytes;
        const right1 = <usize>d * pixelBytes;
        v128.store(p, y00);
        if (right) v128.store(p + right1, y01);
        if (down) {
          v128.store(p + down1, y10);
          if (right) v128.store(p + down1 + right1, y11);
        }
      } else if (d == 1 && right) {
        // both columns: per channel one 8-byte store per output row, after a 2x4 transpose
        const cs = <usize>outPlane << 2;
        const p = y + (<usize>b * <usize>cout + <usize>co) * cs + (<usize>(oy * ow + ox) << 2);
        let lo2 = v128.shuffle<f32>(y00, y01, 0, 4, 1, 5);
        let hi2 = v128.shuffle<f32>(y00, y01, 2, 6, 3, 7);
        v128.store64_lane(p, lo2, 0);
        v128.store64_lane(p + cs, lo2, 1);
        v128.store64_lane(p + 2 * cs, hi2, 0);
        v128.store64_lane(p + 3 * cs, hi2, 1);
        if (down) {
          const q = p + (<usize>ow << 2);
          lo2 = v128.shuffle<f32>(y10, y11, 0, 4, 1, 5);
          hi2 = v128.shuffle<f32>(y10, y11, 2, 6, 3, 7);
          v128.store64_lane(q, lo2, 0);
          v128.store64_lane(q + cs, lo2, 1);
          v128.store64_lane(q + 2 * cs, hi2, 0);
          v128.store64_lane(q + 3 * cs, hi2, 1);
        }
      } else {
        const cs = <usize>outPlane << 2;
        const p = y + (<usize>b * <usize>cout + <usize>co) * cs + (<usize>(oy * ow + ox) << 2);
        const down1 = <usize>(ow * d) << 2;
        const right1 = <usize>d << 2;
        storeLane(p, down1, right1, right, down, f32x4.extract_lane(y00, 0), f32x4.extract_lane(y01, 0),
          f32x4.extract_lane(y10, 0), f32x4.extract_lane(y11, 0));
        storeLane(p + cs, down1, right1, right, down, f32x4.extract_lane(y00, 1), f32x4.extract_lane(y01, 1),
          f32x4.extract_lane(y10, 1), f32x4.extract_lane(y11, 1));
        storeLane(p + 2 * cs, down1, right1, right, down, f32x4.extract_lane(y00, 2), f32x4.extract_lane(y01, 2),
          f32x4.extract_lane(y10, 2), f32x4.extract_lane(y11, 2));
        storeLane(p + 3 * cs, down1, right1, right, down, f32x4.extract_lane(y00, 3), f32x4.extract_lane(y01, 3),
          f32x4.extract_lane(y10, 3), f32x4.extract_lane(y11, 3));
      }
      src += 16;
    }
  }
}

/** m0j + m1j + m2j: column j of the first row of A^T M (M[e] blocks eBytes apart from src). */
// @ts-ignore: decorator
@inline
function colSum(src: usize, eBytes: usize, j: i32): v128 {
  const p = src + <usize>j * eBytes;
  return f32x4.add(f32x4.add(v128.load(p), v128.load(p + 4 * eBytes)), v128.load(p + 8 * eBytes));
}

/** m1j - m2j - m3j: column j of the second row of A^T M. */
// @ts-ignore: decorator
@inline
function colDiff(src: usize, eBytes: usize, j: i32): v128 {
  const p = src + <usize>(4 + j) * eBytes;
  return f32x4.sub(f32x4.sub(v128.load(p), v128.load(p + 4 * eBytes)), v128.load(p + 8 * eBytes));
}

/** One output channel's values of the tile's four outputs into its NCHW plane at p. */
// @ts-ignore: decorator
@inline
function storeLane(p: usize, down1: usize, right1: usize, right: bool, down: bool, y00: f32, y01: f32, y10: f32, y11: f32): void {
  store<f32>(p, y00);
  if (right) store<f32>(p + right1, y01);
  if (down) {
    store<f32>(p + down1, y10);
    if (right) store<f32>(p + down1 + right1, y11);
  }
}

/**
 * The layer: x NHWC [n][h][w][cin] -> y NHWC, or NCHW planes of outPlane = oh*ow pixels
 * (outPlane 0: NHWC); a 3x3 kernel of dilation d (the same in both directions), stride 1, with
 * F(m x m, 3x3), m = 2 or 4. A dilated layer splits into d x d phases (the outputs of rows a mod d
 * and columns b mod d read only input rows and columns of one phase): its tiles are m x m outputs
 * d apart, over (m+2) x (m+2) inputs d apart.
 * packedU: the E = (m+2)^2 U[e] packed by packGemm (1 group, 1 tap, zero bias), one after another;
 * v: E*T*cin floats, m: E*T*cout floats, T even; ind: the rows indirection of v's E*T rows of
 * cin floats (build_rows_indirection_u32); zero: cin zeros; tab: oh + ow i32. cin and cout multiples
 * of 4; SIMD builds only.
 */
export function winogradRun(
  x: usize, packedU: usize, bias: usize, y: usize, ind: usize, v: usize, mm: usize, zero: usize, tab: usize,
  n: i32, h: i32, w: i32, cin: i32, cout: i32, oh: i32, ow: i32, pT: i32, pL: i32, d: i32, T: i32,
  vmin: f32, vmax: f32, outPlane: i32, m: i32,
): void {
  winogradBlocks(x, packedU, bias, y, ind, v, mm, zero, tab, n, h, w, cin, cout, oh, ow, pT, pL, d, T, vmin, vmax,
    outPlane, m, 0, 0x7fffffff, 0, cout);
}

/**
 * Bytes of winogradRunBlocks' scratch: the rows indirection of E*T rows (16-byte aligned), then
 * v (E*T*cin floats), mm (E*T*cout floats) and the tile starts (oh + ow i32), rounded up to 16.
 */
export function winogradScratchBytes(cin: i32, cout: i32, oh: i32, ow: i32, T: i32, m: i32): i32 {
  const E = (m + 2) * (m + 2);
  const indBytes = ((E * T + MR - 1) / MR * MR * 4 + 15) & ~15;
  return (indBytes + E * T * (cin + cout) * 4 + (oh + ow) * 4 + 15) & ~15;
}

/**
 * winogradRun on blocks [b0, b1) of T tiles and output channels [c0, c1) (a task of a split run:
 * c0 a multiple of NR, c1 one or cout), its ind, v, mm and tab in one block of
 * winogradScratchBytes at `scratch`, whose indirection build_rows_indirection_u32 made for that
 * block's v (E*T rows of cin floats). A task of part of the channels transforms its blocks'
 * inputs all the same: the splits cut channels only where blocks are too few for the threads.
 */
export function winogradRunBlocks(
  x: usize, packedU: usize, bias: usize, y: usize, scratch: usize, zero: usize,
  n: i32, h: i32, w: i32, cin: i32, cout: i32, oh: i32, ow: i32, pT: i32, pL: i32, d: i32, T: i32,
  vmin: f32, vmax: f32, outPlane: i32, m: i32, b0: i32, b1: i32, c0: i32, c1: i32,
): void {
  const E = (m + 2) * (m + 2);
  const ind = scratch;
  const v = ind + <usize>(((E * T + MR - 1) / MR * MR * 4 + 15) & ~15);
  const mm = v + (<usize>(E * T * cin) << 2);
  const tab = mm + (<usize>(E * T * cout) << 2);
  winogradBlocks(x, packedU, bias, y, ind, v, mm, zero, tab, n, h, w, cin, cout, oh, ow, pT, pL, d, T, vmin, vmax,
    outPlane, m, b0, b1, c0, c1);
}

function winogradBlocks(
  x: usize, packedU: usize, bias: usize, y: usize, ind: usize, v: usize, mm: usize, zero: usize, tab: usize,
  n: i32, h: i32, w: i32, cin: i32, cout: i32, oh: i32, ow: i32, pT: i32, pL: i32, d: i32, T: i32,
  vmin: f32, vmax: f32, outPlane: i32, m: i32, b0: i32, b1: i32, c0: i32, c1: i32,
): void {
  if (!ASC_FEATURE_SIMD || (m != 2 && m != 4)) {
    unreachable();
    return;
  }
  const E = (m + 2) * (m + 2);
  const rows = tab;
  const tilesH = tileStarts(rows, oh, d, m);
  const cols = tab + (<usize>tilesH << 2);
  const tilesW = tileStarts(cols, ow, d, m);
  const total = n * tilesH * tilesW;
  const uBytes = <usize>packedGemmFloats(1, cin, cout, NR) << 2;
  // the packed panels of channels c0 .. c1-1: bias (NR floats) and cin rows of NR each
  const uPanels = <usize>(c0 / NR) * (<usize>(NR + cin * NR) << 2);
  const nc = c1 - c0;
  // T rows of one tap: T / MR tiles of MR pointers
  const indBytes = <usize>T << 2;
  const mBytes = <usize>T * (<usize>cout << 2);
  const blocks = (total + T - 1) / T;
  const end = b1 < blocks ? b1 : blocks;
  for (let b = b0; b < end; b++) {
    const t0 = b * T;
    const count = total - t0 < T ? total - t0 : T;
    winogradInput(x, h, w, cin, pT, pL, d, rows, tilesH, cols, tilesW, t0, count, T, v, zero, m + 2);
    for (let e = 0; e < E; e++) {
      convRun(ind + <usize>e * indBytes, packedU + <usize>e * uBytes + uPanels, mm + <usize>e * mBytes + (<usize>c0 << 2),
        zero, count, 1, cin, nc, 1, cout, -Infinity, Infinity, 0);
    }
    if (m == 4) {
      winogradOutput43(mm, T, t0, count, oh, ow, cout, d, rows, tilesH, cols, tilesW, bias, y, outPlane, vmin, vmax, c0, c1);
    } else {
      winogradOutput(mm, T, t0, count, oh, ow, cout, d, rows, tilesH, cols, tilesW, bias, y, outPlane, vmin, vmax, c0, c1);
    }
  }
}
