/**
 * NCHW <-> NHWC transposes, run per call at the boundary of a Runner. Each image is a
 * [rows][cols] <-> [cols][rows] transpose (NCHW -> NHWC: rows = C, cols = H*W), done in 32x32
 * tiles so both sides stay in L1, with a 4x4 v128 shuffle transpose inside SIMD builds.
 */
import { storeTransposed4x4 } from './simd';

const TILE = 16;

/**
 * Address of output pixel m's channel 0 (m numbered across the batch): row m of `cout` floats
 * (outPlane 0: NHWC), or its place in channel 0's plane of outPlane pixels (NCHW: `cout` planes
 * per image). Channel j follows 4 bytes on (NHWC) or j planes on (NCHW).
 */
// @ts-ignore: decorator
@inline
export function pixelAt(out: usize, m: i32, outPlane: i32, cout: i32): usize {
  if (outPlane == 0) return out + (<usize>m * <usize>cout << 2);
  const b = m / outPlane;
  return out + ((<usize>b * <usize>cout * <usize>outPlane + <usize>(m - b * outPlane)) << 2);
}

/** 4x4 block transpose: src rows of srcStride bytes -> dst rows of dstStride bytes. */
// @ts-ignore: decorator
@inline
function transpose4x4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  storeTransposed4x4(dst, dstStride, v128.load(src), v128.load(src + srcStride), v128.load(src + 2 * srcStride),
    v128.load(src + 3 * srcStride));
}

/**
 * dst[j][i] = src[i][j] for one rows x cols matrix of f32. 16x16 tiles, column-tile-major, the
 * output written in whole 64-byte lines per tile row: the fastest of the tile sizes and orders
 * tried on MobileNet and ResNet activations (see docs/performance.md#transposes).
 */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  transposeStrided(src, dst, rows, cols, <usize>cols << 2, <usize>rows << 2);
}

/**
 * transpose2d on a block of a larger matrix: src rows srcRow bytes apart, dst rows dstRow bytes
 * apart (a task of a split transpose takes a range of one side's rows).
 */
function transposeStrided(src: usize, dst: usize, rows: i32, cols: i32, srcRow: usize, dstRow: usize): void {
  for (let j0 = 0; j0 < cols; j0 += TILE) {
    const j1 = j0 + TILE < cols ? j0 + TILE : cols;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = i0 + TILE < rows ? i0 + TILE : rows;
      let i = i0;
      if (ASC_FEATURE_SIMD) {
        for (; i + 4 <= i1; i += 4) {
          let j = j0;
          for (; j + 4 <= j1; j += 4) {
            transpose4x4(src + <usize>i * srcRow + (<usize>j << 2), srcRow, dst + <usize>j * dstRow + (<usize>i << 2), dstRow);
          }
          for (; j < j1; j++) {
            const s = src + <usize>i * srcRow + (<usize>j << 2);
            const d = dst + <usize>j * dstRow + (<usize>i << 2);
            store<f32>(d, load<f32>(s));
            store<f32>(d, load<f32>(s + srcRow), 4);
            store<f32>(d, load<f32>(s + 2 * srcRow), 8);
            store<f32>(d, load<f32>(s + 3 * srcRow), 12);
          }
        }
      }
      for (; i < i1; i++) {
        const s = src + <usize>i * srcRow;
        for (let j = j0; j < j1; j++) {
          store<f32>(dst + <usize>j * dstRow + (<usize>i << 2), load<f32>(s + (<usize>j << 2)));
        }
      }
    }
  }
}

/**
 * Three planes (RGB images: the first layer of most networks) -> interleaved pixels, four pixels
 * per step: r, g, b vectors become [r0 g0 b0 r1] [g1 b1 r2 g2] [b2 r3 g3 b3]. `count` pixels
 * from `src` on, the planes `plane` bytes apart.
 */
function planes3ToPixels(src: usize, dst: usize, count: i32, plane: usize): void {
  let r = src;
  let d = dst;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= count; j += 4) {
      const vr = v128.load(r);
      const vg = v128.load(r + plane);
      const vb = v128.load(r + 2 * plane);
      const t0 = v128.shuffle<f32>(vr, vg, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(vg, vb, 1, 5, 2, 6);
      const t2 = v128.shuffle<f32>(vr, vg, 3, 7, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, vb, 0, 1, 4, 2));
      v128.store(d, v128.shuffle<f32>(t1, vr, 0, 1, 6, 2), 16);
      v128.store(d, v128.shuffle<f32>(vb, t2, 2, 4, 5, 3), 32);
      r += 16;
      d += 48;
    }
  }
  for (; j < count; j++) {
    store<f32>(d, load<f32>(r));
    store<f32>(d, load<f32>(r + plane), 4);
    store<f32>(d, load<f32>(r + 2 * plane), 8);
    r += 4;
    d += 12;
  }
}

/** NCHW (n x c x hw) -> NHWC (n x hw x c). */
export function nchwToNhwc(src: usize, dst: usize, n: i32, c: i32, hw: i32): void {
  nchwToNhwcAt(src, dst, n, c, hw, 0, hw, 0, c);
}

/**
 * nchwToNhwc on pixels [p0, p1) and channels [c0, c1) of every image (a task of a split
 * transpose; a copy, so any cut gives the same bits).
 */
export function nchwToNhwcAt(src: usize, dst: usize, n: i32, c: i32, hw: i32, p0: i32, p1: i32, c0: i32, c1: i32): void {
  if (p1 <= p0 || c1 <= c0) return;
  const imageBytes = <usize>c * <usize>hw << 2;
  const s0 = (<usize>c0 * <usize>hw + <usize>p0) << 2;
  const d0 = (<usize>p0 * <usize>c + <usize>c0) << 2;
  for (let b = 0; b < n; b++) {
    const s = src + <usize>b * imageBytes + s0;
    const d = dst + <usize>b * imageBytes + d0;
    if (c == 3 && c1 - c0 == 3) planes3ToPixels(s, d, p1 - p0, <usize>hw << 2);
    else transposeStrided(s, d, c1 - c0, p1 - p0, <usize>hw << 2, <usize>c << 2);
  }
}

/** NHWC (n x hw x c) -> NCHW (n x c x hw). */
export function nhwcToNchw(src: usize, dst: usize, n: i32, c: i32, hw: i32): void {
  nhwcToNchwAt(src, dst, n, c, hw, 0, hw, 0, c);
}

/** nhwcToNchw on pixels [p0, p1) and channels [c0, c1) of every image (a task of a split transpose). */
export function nhwcToNchwAt(src: usize, dst: usize, n: i32, c: i32, hw: i32, p0: i32, p1: i32, c0: i32, c1: i32): void {
  if (p1 <= p0 || c1 <= c0) return;
  const imageBytes = <usize>c * <usize>hw << 2;
  const s0 = (<usize>p0 * <usize>c + <usize>c0) << 2;
  const d0 = (<usize>c0 * <usize>hw + <usize>p0) << 2;
  for (let b = 0; b < n; b++) {
    transposeStrided(src + <usize>b * imageBytes + s0, dst + <usize>b * imageBytes + d0, p1 - p0, c1 - c0,
      <usize>c << 2, <usize>hw << 2);
  }
}
