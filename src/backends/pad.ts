/**
 * The padded copy of a channels-last activation for a stage whose paddingMode is not 'zeros'
 * and whose kernel cannot read the padded values through an indirection buffer (Winograd, the
 * row-merged igemm, depthwise, the js kernels): the stage then runs on the copy with no padding
 * (paddedGeometry). Both backends call it, the wasm one on views of its memory.
 */
import { Geometry, paddedGeometry } from '../ops/plan.js';

/** Where index i of an axis of `size` reads from under a mode other than 'zeros'. */
function source(i: number, size: number, mode: Geometry['paddingMode']): number {
  if (i >= 0 && i < size) return i;
  if (mode === 'replicate') return i < 0 ? 0 : size - 1;
  if (mode === 'reflect') return i < 0 ? -i : 2 * (size - 1) - i;
  return i < 0 ? i + size : i - size; // circular: the plan keeps each pad at most the size
}

/** Whether a stage reads padded values that are not zeros. */
export function needsPaddedCopy(g: Geometry): boolean {
  return g.paddingMode !== 'zeros' && g.kind !== 'deconv' &&
    (g.padFront + g.padBack + g.padTop + g.padBottom + g.padLeft + g.padRight) > 0;
}

/**
 * Writes into dst[dstOff ..] the input of g (channels-last at src[srcOff ..]) padded by g's pads
 * with g's paddingMode: the input of paddedGeometry(g). Rows are copied whole where they can be.
 */
export function padChannelsLast(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number,
  g: Geometry): void {
  const p = paddedGeometry(g);
  const { c, d, h, w } = g;
  const rowIn = w * c;
  let o = dstOff;
  for (let b = 0; b < g.n; b++) {
    for (let z = 0; z < p.d; z++) {
      const iz = source(z - g.padFront, d, g.paddingMode);
      for (let y = 0; y < p.h; y++) {
        const iy = source(y - g.padTop, h, g.paddingMode);
        const row = srcOff + ((b * d + iz) * h + iy) * rowIn;
        for (let x = 0; x < g.padLeft; x++, o += c) copy(src, row + source(x - g.padLeft, w, g.paddingMode) * c, dst, o, c);
        copy(src, row, dst, o, rowIn);
        o += rowIn;
        for (let x = 0; x < g.padRight; x++, o += c) copy(src, row + source(w + x, w, g.paddingMode) * c, dst, o, c);
      }
    }
  }
}

function copy(src: Float32Array, s: number, dst: Float32Array, o: number, n: number): void {
  if (n <= 8) {
    for (let i = 0; i < n; i++) dst[o + i] = src[s + i];
  } else {
    dst.set(src.subarray(s, s + n), o);
  }
}
