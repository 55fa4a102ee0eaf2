/**
 * What both Winograd transforms share (winograd.ts, winograd-f4x4.ts): where a tile lies, and
 * the pointers to the input patch under it.
 */
import { scratchArea, SCRATCH_PTRS } from '../thread';

/**
 * The 16 (F(2x2)) or 36 (F(4x4)) input pointers of one tile: a pixel's first channel, or `zero`
 * outside the image.
 */
const PTRS_STATIC: usize = ASC_FEATURE_THREADS ? 0 : memory.data(36 * 4, 16);

/** This instance's PTRS. */
// @ts-ignore: decorator
@inline
export function ptrs(): usize {
  return scratchArea(PTRS_STATIC, SCRATCH_PTRS);
}

/**
 * Where tileOrigin puts a tile's image and first output row and column (AssemblyScript has no
 * multiple returns).
 */
export let tileImage = 0;
export let tileRow = 0;
export let tileCol = 0;

/**
 * Tile g of a layer (numbered n-major, then tile row, tile column; rows and cols hold each tile
 * row's and column's first output row and column): its image, output row and output column.
 */
// @ts-ignore: decorator
@inline
export function tileOrigin(g: i32, perImage: i32, tilesW: i32, rows: usize, cols: usize): void {
  const b = g / perImage;
  const r = g - b * perImage;
  const ty = r / tilesW;
  tileImage = b;
  tileRow = load<i32>(rows + (<usize>ty << 2));
  tileCol = load<i32>(cols + (<usize>(r - ty * tilesW) << 2));
}

/**
 * The alpha x alpha input pointers of one tile into ptrs, row-major: pixel (iy0 + i*d, ix0 + j*d)
 * of the image at xb (h x w pixels of pixelBytes), or `zero` outside it.
 */
// @ts-ignore: decorator
@inline
export function patchPointers(
  xb: usize, h: i32, w: i32, pixelBytes: usize, iy0: i32, ix0: i32, d: i32, alpha: i32, zero: usize, ptrs: usize,
): void {
  const rowBytes = <usize>w * pixelBytes;
  for (let i = 0; i < alpha; i++) {
    const iy = iy0 + i * d;
    for (let j = 0; j < alpha; j++) {
      const ix = ix0 + j * d;
      const p = <u32>iy < <u32>h && <u32>ix < <u32>w ? xb + <usize>iy * rowBytes + <usize>ix * pixelBytes : zero;
      store<usize>(ptrs + (<usize>(i * alpha + j) << 2), p);
    }
  }
}


/**
 * The first output row (column) of every tile row (column) into tab, for tiles of m outputs: per
 * phase a = 0..d-1 of the dilation, the rows a, a+d, a+2d, ... in groups of m (a + k*m*d, ...).
 * Returns the count.
 */
export function tileStarts(tab: usize, size: i32, d: i32, m: i32): i32 {
  let n = 0;
  for (let a = 0; a < d; a++) {
    for (let o = a; o < size; o += m * d) {
      store<i32>(tab + (<usize>n << 2), o);
      n++;
    }
  }
  return n;
}

