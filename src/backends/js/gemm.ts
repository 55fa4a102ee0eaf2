/**
 * The JS path's one matrix-multiply micro-kernel and its driver, reused by pointwise, standard
 * (im2col) and transposed (col2im) convolution.
 *
 * Packed weights (see pack.ts), per NR-panel of 4 output columns: 4 biases, then kc x 4 weights,
 * all float64 (no float32 -> float64 conversion in the inner loop):
 *
 *   w[wOff + p*(kc+1)*4] : b0 b1 b2 b3 | k0: w00 w01 w02 w03 | k1: ... | k(kc-1): ...
 *
 * A is read from any strided Float32Array (NHWC rows, NCHW planes or an im2col block) and packed
 * per 4-row block ([k][4], float64) into a scratch area at the end of the weights' own array
 * (w[apOff ..]), so that the inner loop reads a single typed array: TurboFan re-checks the map,
 * reloads the base and bounds-checks every typed-array load on every iteration, so one array is
 * faster than two. C is written with any row and column strides (NHWC or NCHW). Accumulation is
 * float64; results are rounded once, when stored.
 *
 * The tile is 4x4: V8 keeps about 14 doubles in xmm registers and schedules all loads of an
 * iteration first, so bigger tiles spill, and unrolling k loses (see docs/performance.md#js-gemm).
 */

/** Rows of the register tile. */
export const MR = 4;
/** Columns of the register tile and width of a packed weight panel. */
export const NR = 4;

/**
 * C[mc x nc] = clamp(bias + A[mc x kc] * B[kc x nc], min, max), one 4x4 register tile at a time.
 * The clamp `Math.max(min, Math.min(max, v))` lets NaN through, as PyTorch does; it is branch-free
 * in V8 (minsd/maxsd), faster than `v < min ? min : v > max ? max : v` on short k loops.
 * Strides let A and C be NHWC rows (lda = channels, ka = 1; ldc = channels, cn = 1) or NCHW
 * planes (lda = 1, ka = h*w; ldc = 1, cn = h*w).
 *
 * @param mc   rows of A and C (any, tails handled by repeating the last row)
 * @param nc   columns of C (any; the last panel's unused columns are computed and not stored)
 * @param kc   depth (>= 0)
 * @param a    A: row i, column k at a[aOff + i*lda + k*ka]
 * @param w    packed panels starting at wOff, ceil(nc/NR) of them, each (kc+1)*NR values
 * @param c    C: row i, column j at c[cOff + i*ldc + j*cn]
 * @param apOff start of kc*MR scratch values inside w (pack.ts reserves them after the panels)
 */
export function gemmMinmax4x4(
  mc: number, nc: number, kc: number,
  a: Float32Array, aOff: number, lda: number, ka: number,
  w: Float64Array, wOff: number,
  c: Float32Array, cOff: number, ldc: number, cn: number,
  min: number, max: number, apOff: number,
): void {
  const ps = (kc + 1) * NR;
  const kc4 = kc * MR;
  const qEnd = apOff + kc4;
  for (let i = 0; i < mc; i += MR) {
    const a0 = aOff + i * lda;
    const a1 = i + 1 < mc ? a0 + lda : a0;
    const a2 = i + 2 < mc ? a1 + lda : a1;
    const a3 = i + 3 < mc ? a2 + lda : a2;
    for (let q = apOff, o = 0; q < qEnd; q += 4, o += ka) {
      w[q] = a[a0 + o];
      w[q + 1] = a[a1 + o];
      w[q + 2] = a[a2 + o];
      w[q + 3] = a[a3 + o];
    }
    const mr = mc - i;
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    const cn2 = 2 * cn;
    const cn3 = 3 * cn;
    for (let j = 0, wp = wOff; j < nc; j += NR, wp += ps) {
      let vacc0x0 = w[wp], vacc0x1 = w[wp + 1], vacc0x2 = w[wp + 2], vacc0x3 = w[wp + 3];
      let vacc1x0 = vacc0x0, vacc1x1 = vacc0x1, vacc1x2 = vacc0x2, vacc1x3 = vacc0x3;
      let vacc2x0 = vacc0x0, vacc2x1 = vacc0x1, vacc2x2 = vacc0x2, vacc2x3 = vacc0x3;
      let vacc3x0 = vacc0x0, vacc3x1 = vacc0x1, vacc3x2 = vacc0x2, vacc3x3 = vacc0x3;
      // `| 0` keeps the index arithmetic in int32 without overflow checks (docs/performance.md#js-gemm).
      let wk = (wp + NR) | 0;
      for (let q = apOff; q < qEnd; q = (q + 4) | 0, wk = (wk + 4) | 0) {
        const va0 = w[q], va1 = w[(q + 1) | 0], va2 = w[(q + 2) | 0], va3 = w[(q + 3) | 0];
        const vb0 = w[wk], vb1 = w[(wk + 1) | 0], vb2 = w[(wk + 2) | 0], vb3 = w[(wk + 3) | 0];
        vacc0x0 += va0 * vb0; vacc0x1 += va0 * vb1; vacc0x2 += va0 * vb2; vacc0x3 += va0 * vb3;
        vacc1x0 += va1 * vb0; vacc1x1 += va1 * vb1; vacc1x2 += va1 * vb2; vacc1x3 += va1 * vb3;
        vacc2x0 += va2 * vb0; vacc2x1 += va2 * vb1; vacc2x2 += va2 * vb2; vacc2x3 += va2 * vb3;
        vacc3x0 += va3 * vb0; vacc3x1 += va3 * vb1; vacc3x2 += va3 * vb2; vacc3x3 += va3 * vb3;
      }
      const nr = nc - j;
      const jc = j * cn;
      if (nr >= 4) {
        c[c0 + jc] = Math.max(min, Math.min(max, vacc0x0));
        c[c0 + jc + cn] = Math.max(min, Math.min(max, vacc0x1));
        c[c0 + jc + cn2] = Math.max(min, Math.min(max, vacc0x2));
        c[c0 + jc + cn3] = Math.max(min, Math.min(max, vacc0x3));
        if (mr > 1) {
          c[c1 + jc] = Math.max(min, Math.min(max, vacc1x0));
          c[c1 + jc + cn] = Math.max(min, Math.min(max, vacc1x1));
          c[c1 + jc + cn2] = Math.max(min, Math.min(max, vacc1x2));
          c[c1 + jc + cn3] = Math.max(min, Math.min(max, vacc1x3));
        }
        if (mr > 2) {
          c[c2 + jc] = Math.max(min, Math.min(max, vacc2x0));
          c[c2 + jc + cn] = Math.max(min, Math.min(max, vacc2x1));
          c[c2 + jc + cn2] = Math.max(min, Math.min(max, vacc2x2));
          c[c2 + jc + cn3] = Math.max(min, Math.min(max, vacc2x3));
        }
        if (mr > 3) {
          c[c3 + jc] = Math.max(min, Math.min(max, vacc3x0));
          c[c3 + jc + cn] = Math.max(min, Math.min(max, vacc3x1));
          c[c3 + jc + cn2] = Math.max(min, Math.min(max, vacc3x2));
          c[c3 + jc + cn3] = Math.max(min, Math.min(max, vacc3x3));
        }
      } else {
        storeTail(c, c0 + jc, cn, nr, vacc0x0, vacc0x1, vacc0x2, min, max);
        if (mr > 1) storeTail(c, c1 + jc, cn, nr, vacc1x0, vacc1x1, vacc1x2, min, max);
        if (mr > 2) storeTail(c, c2 + jc, cn, nr, vacc2x0, vacc2x1, vacc2x2, min, max);
        if (mr > 3) storeTail(c, c3 + jc, cn, nr, vacc3x0, vacc3x1, vacc3x2, min, max);
      }
    }
  }
}

/** Stores the first nr (1..3) columns of a tile row (columns cn apart). */
function storeTail(
  c: Float32Array, o: number, cn: number, nr: number, v0: number, v1: number, v2: number, min: number, max: number,
): void {
  c[o] = Math.max(min, Math.min(max, v0));
  if (nr > 1) c[o + cn] = Math.max(min, Math.min(max, v1));
  if (nr > 2) c[o + 2 * cn] = Math.max(min, Math.min(max, v2));
}

/** Float64 values of packed B kept in cache per column block (256 KiB). */
const B_BLOCK = 32768;

/**
 * Cache-blocked driver over gemmMinmax4x4: splits the columns into blocks whose packed weights
 * fit in L2, so that large K x N weights (1024 x 1024 pointwise) are not streamed once per row block.
 * Same arguments as gemmMinmax4x4.
 */
export function gemm(
  mc: number, nc: number, kc: number,
  a: Float32Array, aOff: number, lda: number, ka: number,
  w: Float64Array, wOff: number,
  c: Float32Array, cOff: number, ldc: number, cn: number,
  min: number, max: number, apOff: number,
): void {
  const ps = (kc + 1) * NR;
  const nb = Math.max(NR, Math.floor(B_BLOCK / ps) * NR);
  if (nb >= nc) {
    gemmMinmax4x4(mc, nc, kc, a, aOff, lda, ka, w, wOff, c, cOff, ldc, cn, min, max, apOff);
    return;
  }
  for (let j = 0; j < nc; j += nb) {
    gemmMinmax4x4(mc, Math.min(nb, nc - j), kc, a, aOff, lda, ka, w, wOff + (j / NR) * ps, c, cOff + j * cn, ldc, cn, min, max, apOff);
  }
}
