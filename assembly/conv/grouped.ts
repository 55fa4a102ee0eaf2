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
 * Weights: packGroups4 (packGemm with nr = 4 and coutG = 4, i.e. per group [4 biases][taps*cinG
 * rows of 4], each 4x4 block rotated for the rotation loop).
 * Indirection: convIndirection in tiles of 4 pixels (the last tile repeats its last pixel; its
 * output pointers alias row mr-1, which receives the same values twice).
 *
 * Two k loops. With cinG a multiple of 4 (SIMD builds), per 4 input channels of a tap each pixel's
 * 4 channels are one vector load, rotated left by 1, 2 and 3 lanes (one shuffle each) and
 * multiplied by 4 weight vectors that packGroups4 rotated to match: 4 vector loads, 3 shuffles and
 * 4 multiply-adds per pixel where the other loop takes 4 broadcast loads and 4 pointer bumps
 * (fewer x64 instructions per multiply-add in `npm run loops`). Registers: 4 accumulators + 4 B +
 * 4 A = 12 of V8's 15. Other cinG keep the broadcast loop: 4 accumulators + 1 B + 4 A broadcasts
 * = 9 registers. Either way each accumulator takes its multiply-adds one after another (4
 * chains); the broadcast loop still beat the 4x8 igemm per group, which ran at the same latency
 * with half its lanes on padding (see docs/performance.md#groups-of-4-outputs).
 */
import { packGemm } from '../gemm/pack';
import { scratchArea, SCRATCH_BLOCK } from '../thread';
import { pixelAt } from '../layout';
import { storeTransposed4x4, vclamp, vmadd } from '../simd';

/** Floats of one group's packed weights for convGroups4 (nr = 4, coutG = 4). */
// @ts-ignore: decorator
@inline
function groupFloats(taps: i32, cinG: i32): i32 {
  return 4 + taps * cinG * 4;
}

/**
 * Whether convGroups4 runs the rotation loop (and packGroups4 rotates the weights): SIMD builds,
 * input channels per group a multiple of 4.
 */
// @ts-ignore: decorator
@inline
function rotated(cinG: i32): bool {
  return ASC_FEATURE_SIMD && (cinG & 3) == 0;
}

/**
 * Packs the weights of convGroups4: packGemm with nr = coutG = 4, i.e. per group [4 biases]
 * [taps*cinG rows of 4]; where the rotation loop runs (rotated), each block of 4 rows (4 input
 * channels k0..k0+3 x the 4 outputs) is stored as 4 vectors r = 0..3 whose lane i holds the weight
 * of input channel k0 + (i + r) % 4 for output i, which is what lane i of a pixel's 4 channels
 * rotated left by r multiplies.
 */
export function packGroups4(groups: i32, taps: i32, cinG: i32, w: usize, bias: usize, packed: usize): void {
  packGemm(groups, taps, cinG, 4, 4, w, bias, packed);
  if (!rotated(cinG)) return;
  const blocks = taps * (cinG >> 2);
  let p = packed;
  const block = scratchArea(BLOCK_STATIC, SCRATCH_BLOCK);
  for (let g = 0; g < groups; g++) {
    p += 16;
    for (let b = 0; b < blocks; b++) {
      memory.copy(block, p, 64);
      for (let r = 0; r < 4; r++) {
        for (let i = 0; i < 4; i++) {
          // row (input channel) (i + r) % 4, column (output) i
          store<f32>(p + (<usize>(r * 4 + i) << 2), load<f32>(block + (<usize>(((i + r) & 3) * 4 + i) << 2)));
        }
      }
      p += 64;
    }
  }
}

/** One 4x4 block of weights while packGroups4 rotates it (non-threaded builds; see thread.ts). */
const BLOCK_STATIC: usize = ASC_FEATURE_THREADS ? 0 : memory.data(64, 16);

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
  convGroups4At(ind, packed, out, zero, pixels, groups, cinG, taps, cout, min, max, outPlane, 0);
}

/**
 * convGroups4 on the `pixels` pixels from pixel p0 of the batch (a task of a split run): `ind` is
 * p0's tile (p0 a multiple of 4), and pixel p0 + m lands where convGroups4 puts it.
 */
export function convGroups4At(
  ind: usize, packed: usize, out: usize, zero: usize, pixels: i32, groups: i32, cinG: i32,
  taps: i32, cout: i32, min: f32, max: f32, outPlane: i32, p0: i32,
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
    const q0 = pixelAt(out, p0 + m0, outPlane, cout);
    const q1 = pixelAt(out, p0 + m0 + (mr > 1 ? 1 : 0), outPlane, cout);
    const q2 = pixelAt(out, p0 + m0 + (mr > 2 ? 2 : mr - 1), outPlane, cout);
    const q3 = pixelAt(out, p0 + m0 + mr - 1, outPlane, cout);
    // NCHW: the four pixels side by side in one plane take one 16-byte store per channel
    const side = outPlane > 0 && mr == 4 && q3 == q0 + 12;
    let w = packed;
    if (ASC_FEATURE_SIMD) {
      const vmin = f32x4.splat(min);
      const vmax = f32x4.splat(max);
      const rot = rotated(cinG);
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
          if (rot) {
            // per 4 input channels of a tap: each pixel's 4 channels in one vector, rotated left by
            // r = 0..3 (one shuffle each), times the weights packGroups4 rotated to match: lane i
            // sums channel (i + r) % 4 times its weight for output i over r, i.e. output i's dot
            // product. 4 vector loads and 3 shuffles per pixel replace 16 broadcast loads.
            let k = kc;
            do {
              const vb0 = v128.load(w);
              const vb1 = v128.load(w, 16);
              const vb2 = v128.load(w, 32);
              const vb3 = v128.load(w, 48);
              w += 64;
              const va0 = v128.load(a0);
              const va1 = v128.load(a1);
              const va2 = v128.load(a2);
              const va3 = v128.load(a3);
              a0 += 16;
              a1 += 16;
              a2 += 16;
              a3 += 16;
              vacc0 = vmadd(va0, vb0, vacc0);
              vacc1 = vmadd(va1, vb0, vacc1);
              vacc2 = vmadd(va2, vb0, vacc2);
              vacc3 = vmadd(va3, vb0, vacc3);
              vacc0 = vmadd(i32x4.shuffle(va0, va0, 1, 2, 3, 0), vb1, vacc0);
              vacc1 = vmadd(i32x4.shuffle(va1, va1, 1, 2, 3, 0), vb1, vacc1);
              vacc2 = vmadd(i32x4.shuffle(va2, va2, 1, 2, 3, 0), vb1, vacc2);
              vacc3 = vmadd(i32x4.shuffle(va3, va3, 1, 2, 3, 0), vb1, vacc3);
              vacc0 = vmadd(i32x4.shuffle(va0, va0, 2, 3, 0, 1), vb2, vacc0);
              vacc1 = vmadd(i32x4.shuffle(va1, va1, 2, 3, 0, 1), vb2, vacc1);
              vacc2 = vmadd(i32x4.shuffle(va2, va2, 2, 3, 0, 1), vb2, vacc2);
              vacc3 = vmadd(i32x4.shuffle(va3, va3, 2, 3, 0, 1), vb2, vacc3);
              vacc0 = vmadd(i32x4.shuffle(va0, va0, 3, 0, 1, 2), vb3, vacc0);
              vacc1 = vmadd(i32x4.shuffle(va1, va1, 3, 0, 1, 2), vb3, vacc1);
              vacc2 = vmadd(i32x4.shuffle(va2, va2, 3, 0, 1, 2), vb3, vacc2);
              vacc3 = vmadd(i32x4.shuffle(va3, va3, 3, 0, 1, 2), vb3, vacc3);
              k -= 16;
            } while (k != 0);
          } else {
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
          }
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
