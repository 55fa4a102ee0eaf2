/**
 * NCHW <-> NHWC at the Runner's boundary: per image a [C x HW] <-> [HW x C] matrix transpose,
 * in 32 x 32 tiles so that both the strided reads and the strided writes stay in L1.
 */

const TILE = 32;

/**
 * Transposes `n` row-major matrices [rows x cols] from src to dst ([cols x rows] each).
 * src and dst must not overlap.
 */
export function transposeBlocked(
  src: Float32Array, dst: Float32Array, n: number, rows: number, cols: number,
): void {
  const size = rows * cols;
  for (let b = 0; b < n; b++) {
    const base = b * size;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          const s = base + r * cols;
          let d = base + c0 * rows + r;
          for (let c = c0; c < c1; c++, d += rows) dst[d] = src[s + c];
        }
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
