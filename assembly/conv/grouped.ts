/**
 * Grouped convolution with tiny groups (ResNeXt's 32 groups of 4 -> 4 channels): convRun's alt 2.
 *
 * Why a kernel of its own: through igemm each group of 4 output columns fills half of the 4x8
 * tile's panel (half the multiply-adds wasted), and every (tile, group) pays a call, a 4-pointer
 * zero test per tap, a k loop of only cinG trips and the tail-store path. Here one function walks
 * all groups of a tile of 4 output pixels with a 4x4 register tile (4 pixels x the group's 4
 * output channels, nothing wasted) and no zero tests: the zero buffer spans all `cin` channels, so
 * the group's channel offset is added to every pointer, padding taps included.
 *
 * Weights: packGemm with nr = 4 and coutG = 4, i.e. per group [4 biases][taps*cinG rows of 4].
 * Indirection: convIndirection in tiles of 4 pixels (the last tile repeats its last pixel; its
 * output pointers alias row mr-1, which receives the same values twice).
 *
 * Register budget (PERF.md): 4 accumulators + 1 B + 4 A broadcasts = 9 of V8's 14. Each
 * accumulator takes one multiply-add per k step, so the loop is bound by the multiply-add latency
 * (4 chains), not by issue; it still beats 4x8 igemm per group by about 3x (measured, see the
 * commit), since that ran at the same latency with half its lanes on padding.
 */
import { pixelAt } from '../layout';
import { storeTransposed4x4, vclamp, vmadd } from '../simd';

/** Floats of one group's packed weights for convGroups4 (nr = 4, coutG = 4). */
// @ts-ignore: decorator
@inline
function groupFloats(taps: i32, cinG: i32): i32 {
  return 4 + taps * cinG * 4;
}

/** The four lanes of v (four channels of one pixel) into four NCHW planes `cs` bytes apart. */
// @ts-ignore: decorator
@inline
function storeChannels(p: usize, cs: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + cs, v, 1);
  v128.store32_lane(p + 2 * cs, v, 2);
  v128.store32_lane(p + 3 * cs, v, 3);
}

/**
 * out[m][g*4 + j] (row stride cout floats) = clamp(bias + sum over taps and cinG), j < 4, for all
 * `groups` groups of 4 output channels; with outPlane > 0 into NCHW planes of outPlane pixels
 * instead, so a lone grouped layer on NCHW data skips the output transpose.
 * `ind`: tiles of 4 pixels; `zero`: at least cin zeros.
 */
export function convGroups4(
  ind: usize, packed: usize, out: usize, zero: usize, pixels: i32, groups: i32, cinG: i32,
  taps: i32, cout: i32, min: f32, max: f32, outPlane: i32,
): void {
  const tiles = (pixels + 3) >> 2;
  const ks = <usize>(taps * 4) << 2;
  const kc = <usize>cinG << 2;
  const gBytes = <usize>groupFloats(taps, cinG) << 2;
  // bytes from one output channel to the next: 4 in NHWC rows, a plane in NCHW
  const cs: usize = outPlane > 0 ? <usize>outPlane << 2 : 4;
  for (let t = 0; t < tiles; t++) {
    const m0 = t << 2;
    const mr = pixels - m0 < 4 ? pixels - m0 : 4;
    const a = ind + <usize>t * ks;
    // channel 0 of the tile's pixels; past a short last tile, its last pixel again (which then
    // receives the same values twice)
    const q0 = pixelAt(out, m0, outPlane, cout);
    const q1 = pixelAt(out, m0 + (mr > 1 ? 1 : 0), outPlane, cout);
    const q2 = pixelAt(out, m0 + (mr > 2 ? 2 : mr - 1), outPlane, cout);
    const q3 = pixelAt(out, m0 + mr - 1, outPlane, cout);
    // NCHW: the four pixels side by side in one plane take one 16-byte store per channel
    const side = outPlane > 0 && mr == 4 && q3 == q0 + 12;
    let w = packed;
    if (ASC_FEATURE_SIMD) {
      const vmin = f32x4.splat(min);
      const vmax = f32x4.splat(max);
      for (let g = 0; g < groups; g++) {
        const goff = <usize>g * kc;
        let vacc0 = v128.load(w);
        w += 16;
        let vacc1 = vacc0;
        let vacc2 = vacc0;
        let vacc3 = vacc0;
        let ap = a;
        let p = ks;
        do {
          let a0 = load<usize>(ap) + goff;
          let a1 = load<usize>(ap, 4) + goff;
          let a2 = load<usize>(ap, 8) + goff;
          let a3 = load<usize>(ap, 12) + goff;
          ap += 16;
          let k = kc;
          do {
            const vb = v128.load(w);
            w += 16;
            const va0 = v128.load32_splat(a0);
            const va1 = v128.load32_splat(a1);
            const va2 = v128.load32_splat(a2);
            const va3 = v128.load32_splat(a3);
            a0 += 4;
            a1 += 4;
            a2 += 4;
            a3 += 4;
            vacc0 = vmadd(va0, vb, vacc0);
            vacc1 = vmadd(va1, vb, vacc1);
            vacc2 = vmadd(va2, vb, vacc2);
            vacc3 = vmadd(va3, vb, vacc3);
            k -= 4;
          } while (k != 0);
          p -= 16;
        } while (p != 0);
        const y0 = vclamp(vacc0, vmin, vmax);
        const y1 = vclamp(vacc1, vmin, vmax);
        const y2 = vclamp(vacc2, vmin, vmax);
        const y3 = vclamp(vacc3, vmin, vmax);
        const coff = <usize>(g << 2) * cs;
        if (outPlane == 0) {
          v128.store(q3 + coff, y3);
          v128.store(q2 + coff, y2);
          v128.store(q1 + coff, y1);
          v128.store(q0 + coff, y0);
        } else if (side) {
          // 4 pixels x 4 channels transposed: channel j's four pixels in one vector
          storeTransposed4x4(q0 + coff, cs, y0, y1, y2, y3);
        } else {
          // NCHW, pixels in two images or a short last tile
          storeChannels(q3 + coff, cs, y3);
          storeChannels(q2 + coff, cs, y2);
          storeChannels(q1 + coff, cs, y1);
          storeChannels(q0 + coff, cs, y0);
        }
      }
    } else {
      // scalar build: the same walk, one output column at a time
      for (let g = 0; g < groups; g++) {
        const goff = <usize>g * kc;
        for (let i = 3; i >= 0; i--) {
          const qi = i == 0 ? q0 : i == 1 ? q1 : i == 2 ? q2 : q3;
          for (let j = 0; j < 4; j++) {
            let s = load<f32>(w + (<usize>j << 2));
            let wp = w + 16 + (<usize>j << 2);
            let ap = a + (<usize>i << 2);
            for (let tap = 0; tap < taps; tap++) {
              let x = load<usize>(ap) + goff;
              ap += 16;
              for (let k = 0; k < cinG; k++) {
                s += load<f32>(x) * load<f32>(wp);
                x += 4;
                wp += 16;
              }
            }
            // NaN-propagating clamp, as the SIMD pmax/pmin
            s = s < min ? min : s;
            s = s > max ? max : s;
            store<f32>(qi + <usize>((g << 2) + j) * cs, s);
          }
        }
        w += gBytes;
      }
    }
  }
}
