/**
 * Weight packing for the gemm/igemm micro-kernels.
 *
 * Canonical weights are [groups][ks][kc][nc] (ks taps, kc input channels per group, nc output
 * channels per group; plan.ts's conv layout, and the deconv layout with ks = 1, nc = taps*coutG).
 * Packed weights, per group, per nr-wide panel of output channels (nr = the build's NR):
 *
 *   [ nr biases ][ ks*kc rows of nr weights ]      (tail panels zero-padded to nr)
 *
 * so a micro-kernel reads one panel front to back: bias into the accumulators, then one row of
 * NR weights per k step, in the order it walks the indirection buffer (tap-major, channel-minor).
 */

/** Floats of one group's packed weights in panels of `nr` columns (the build's GEMM_NR). */
export function packedGemmFloats(ks: i32, kc: i32, nc: i32, nr: i32): i32 {
  const panels = (nc + nr - 1) / nr;
  return panels * (nr + ks * kc * nr);
}

/**
 * Packs canonical weights `w` [groups][ks][kc][nc] and `bias` [groups*nc] (0: zeros) into `packed`
 * (groups * packedGemmFloats(ks, kc, nc, nr) floats) in panels of `nr` columns.
 */
export function packGemm(groups: i32, ks: i32, kc: i32, nc: i32, nr: i32, w: usize, bias: usize, packed: usize): void {
  let p = packed;
  const kk = ks * kc;
  for (let g = 0; g < groups; g++) {
    const wg = w + (<usize>g * <usize>kk * <usize>nc << 2);
    for (let n0 = 0; n0 < nc; n0 += nr) {
      for (let j = 0; j < nr; j++) {
        const n = n0 + j;
        store<f32>(p, bias != 0 && n < nc ? load<f32>(bias + (<usize>(g * nc + n) << 2)) : 0);
        p += 4;
      }
      for (let k = 0; k < kk; k++) {
        const row = wg + (<usize>k * <usize>nc << 2);
        for (let j = 0; j < nr; j++) {
          const n = n0 + j;
          store<f32>(p, n < nc ? load<f32>(row + (<usize>n << 2)) : 0);
          p += 4;
        }
      }
    }
  }
}
