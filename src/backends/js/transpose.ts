/**
 * NCHW <-> NHWC at the Runner's boundary: per image a [C x HW] <-> [HW x C] matrix transpose,
 * in 32 x 32 tiles so that both the strided reads and the strided writes stay in L1.
 */

const TILE = 32;

/**
 * Transposes `n` row-major matrices [rows x cols] from src to dst ([cols x rows] each), in
 * 32 x 32 tiles of 4 x 4 register blocks (16 loads, then 16 stores: faster than an
 * element-by-element tile loop, see docs/performance.md#js-transposes); ragged edges element by
 * element. src and dst must not overlap.
 */
export function transposeBlocked(
  src: Float32Array, dst: Float32Array, n: number, rows: number, cols: number,
): void {
  const size = rows * cols;
  if (rows < 4 || cols < 4) {
    transposeThin(src, dst, n, rows, cols);
    return;
  }
  for (let b = 0; b < n; b++) {
    const base = b * size;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      const r4 = r0 + ((r1 - r0) & ~3);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        const c4 = c0 + ((c1 - c0) & ~3);
        for (let r = r0; r < r4; r += 4) {
          const s0 = base + r * cols, s1 = s0 + cols, s2 = s1 + cols, s3 = s2 + cols;
          for (let c = c0; c < c4; c += 4) {
            const d0 = base + c * rows + r, d1 = d0 + rows, d2 = d1 + rows, d3 = d2 + rows;
            const v00 = src[s0 + c], v01 = src[s0 + c + 1], v02 = src[s0 + c + 2], v03 = src[s0 + c + 3];
            const v10 = src[s1 + c], v11 = src[s1 + c + 1], v12 = src[s1 + c + 2], v13 = src[s1 + c + 3];
            const v20 = src[s2 + c], v21 = src[s2 + c + 1], v22 = src[s2 + c + 2], v23 = src[s2 + c + 3];
            const v30 = src[s3 + c], v31 = src[s3 + c + 1], v32 = src[s3 + c + 2], v33 = src[s3 + c + 3];
            dst[d0] = v00; dst[d0 + 1] = v10; dst[d0 + 2] = v20; dst[d0 + 3] = v30;
            dst[d1] = v01; dst[d1 + 1] = v11; dst[d1 + 2] = v21; dst[d1 + 3] = v31;
            dst[d2] = v02; dst[d2 + 1] = v12; dst[d2 + 2] = v22; dst[d2 + 3] = v32;
            dst[d3] = v03; dst[d3 + 1] = v13; dst[d3 + 2] = v23; dst[d3 + 3] = v33;
          }
          for (let c = c4; c < c1; c++) {
            const d = base + c * rows + r;
            dst[d] = src[s0 + c]; dst[d + 1] = src[s1 + c]; dst[d + 2] = src[s2 + c]; dst[d + 3] = src[s3 + c];
          }
        }
        for (let r = r4; r < r1; r++) {
          const s = base + r * cols;
          let d = base + c0 * rows + r;
          for (let c = c0; c < c1; c++, d += rows) dst[d] = src[s + c];
        }
      }
    }
  }
}

/** Transposes matrices with 2 or 3 rows or columns (3-channel images): one pass along the long side. */
function transposeThin(src: Float32Array, dst: Float32Array, n: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < n; b++) {
    const base = b * size;
    if (rows <= 3) {
      for (let c = 0, d = base; c < cols; c++, d += rows) {
        const s = base + c;
        dst[d] = src[s];
        if (rows > 1) dst[d + 1] = src[s + cols];
        if (rows > 2) dst[d + 2] = src[s + 2 * cols];
      }
    } else {
      for (let r = 0, s = base; r < rows; r++, s += cols) {
        const d = base + r;
        dst[d] = src[s];
        if (cols > 1) dst[d + rows] = src[s + 1];
        if (cols > 2) dst[d + 2 * rows] = src[s + 2];
      }
    }
  }
}

/** NCHW [n, c, h, w] -> NHWC [n, h, w, c]; src and dst must not overlap. */
export function nchwToNhwc(src: Float32Array, dst: Float32Array, n: number, c: number, hw: number): void {
  if (c === 1 || hw === 1) {
    dst.set(src.subarray(0, n * c * hw));
    return;
  }
  transposeBlocked(src, dst, n, c, hw);
}

/** NHWC [n, h, w, c] -> NCHW [n, c, h, w]; src and dst must not overlap. */
export function nhwcToNchw(src: Float32Array, dst: Float32Array, n: number, c: number, hw: number): void {
  if (c === 1 || hw === 1) {
    dst.set(src.subarray(0, n * c * hw));
    return;
  }
  transposeBlocked(src, dst, n, hw, c);
}
