/**
 * Standard, strided, dilated, grouped and pointwise convolution (plan.ts kind 'conv'): an
 * indirection buffer plus the igemm micro-kernel (XNNPACK's approach). Activations are NHWC.
 *
 * Indirection buffer: per tile of MR output pixels (numbered across the whole batch), per tap
 * (ky-major), MR u32 pointers to the first channel of the input pixel that tap reads, or `zero`
 * when the tap falls into the padding. The last tile repeats its last valid pixel.
 *
 *   [tile 0: tap 0: p0 p1 p2 p3 | tap 1: p0 p1 p2 p3 | ...][tile 1: ...]
 *
 * It depends only on the geometry and the input's address, so callers rebuild it only when one
 * of those changes. Group g's channels are reached by the kernel adding g*cinG*4 bytes.
 */
import { MR, NR as GEMM_NR } from '../params';
import { igemm, igemm4x8, igemmNchw } from '../gemm/igemm';
import { packedGemmFloats } from '../gemm/pack';
import { convGroups4 } from './grouped';
import { pixelAt } from '../layout';

/** Rows and columns of the alternative (4x8) tile; the scalar build's alternative is its 4x4. */
// @ts-ignore: decorator
@lazy const ALT_MR: i32 = 4;
// @ts-ignore: decorator
@lazy const ALT_NR: i32 = ASC_FEATURE_SIMD ? 8 : 4;

/** Tile rows of the build's tile (alt = 0) or of the 4x8 tile (alt = 1). */
// @ts-ignore: decorator
@inline
function tileRows(alt: i32): i32 {
  return alt ? ALT_MR : MR;
}

/** Pointers (u32) of the indirection buffer of `pixels` output pixels, `taps` taps, tiles of `mr`. */
export function convIndirectionLength(pixels: i32, taps: i32, mr: i32): i32 {
  return (pixels + mr - 1) / mr * mr * taps;
}

/** Padding modes of the indirection buffer (API.md paddingMode). */
export const PAD_ZEROS = 0;
export const PAD_REFLECT = 1;
export const PAD_REPLICATE = 2;
export const PAD_CIRCULAR = 3;

/**
 * Where index i of an axis of `size` reads from under a padding mode, or -1 for a zero.
 * The plan keeps every reflected pad below the size and every circular one at most the size,
 * so one reflection or wrap lands inside.
 */
// @ts-ignore: decorator
@inline
function padIndex(i: i32, size: i32, mode: i32): i32 {
  if (<u32>i < <u32>size) return i;
  if (mode == PAD_ZEROS) return -1;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : size - 1;
  if (mode == PAD_REFLECT) return i < 0 ? -i : 2 * (size - 1) - i;
  return i < 0 ? i + size : i - size;
}

/**
 * Builds the indirection buffer `ind` for input `x` (NDHWC, n x d x h x w x c; d = 1 for 2-D)
 * and output n x od x oh x ow, kernel kD x kH x kW, strides, dilations and front/top/left
 * padding, in tiles of `mr` pixels (GEMM_MR, or 4 for the alternative tile). Taps in the
 * padding point at the zero row, or at the input pixel the padding mode reads.
 */
export function convIndirection(
  ind: usize, x: usize, zero: usize, n: i32, d: i32, h: i32, w: i32, c: i32, od: i32, oh: i32, ow: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32, dD: i32, dH: i32, dW: i32,
  padFront: i32, padTop: i32, padLeft: i32, mode: i32, mr: i32,
): void {
  const MR = mr;
  const pixels = n * od * oh * ow;
  const taps = kD * kH * kW;
  const tiles = (pixels + MR - 1) / MR;
  const pixelBytes = <usize>c << 2;
  for (let t = 0; t < tiles; t++) {
    const tileBase = ind + (<usize>t * <usize>(taps * MR) << 2);
    for (let i = 0; i < MR; i++) {
      let m = t * MR + i;
      if (m >= pixels) m = pixels - 1;
      const ox = m % ow;
      let r = m / ow;
      const oy = r % oh;
      r /= oh;
      const oz = r % od;
      const b = r / od;
      const iz0 = oz * sD - padFront;
      const iy0 = oy * sH - padTop;
      const ix0 = ox * sW - padLeft;
      let q = tileBase + (<usize>i << 2);
      for (let kz = 0; kz < kD; kz++) {
        const iz = padIndex(iz0 + kz * dD, d, mode);
        for (let ky = 0; ky < kH; ky++) {
          const iy = padIndex(iy0 + ky * dH, h, mode);
          const rowOk = iz >= 0 && iy >= 0;
          const rowBase = x + <usize>((b * d + iz) * h + iy) * <usize>w * pixelBytes;
          for (let kx = 0; kx < kW; kx++) {
            const ix = padIndex(ix0 + kx * dW, w, mode);
            store<u32>(q, rowOk && ix >= 0 ? <u32>(rowBase + <usize>ix * pixelBytes) : <u32>zero);
            q += MR << 2;
          }
        }
      }
    }
  }
}

/**
 * Indirection buffer of `pixels` rows of `rowBytes` each (one tap): a plain gemm through igemm,
 * used by transposed convolution.
 */
export function rowsIndirection(ind: usize, x: usize, pixels: i32, rowBytes: usize, mr: i32): void {
  const MR = mr;
  const tiles = (pixels + MR - 1) / MR;
  let q = ind;
  for (let t = 0; t < tiles; t++) {
    for (let i = 0; i < MR; i++) {
      let m = t * MR + i;
      if (m >= pixels) m = pixels - 1;
      store<u32>(q, <u32>(x + <usize>m * rowBytes));
      q += 4;
    }
  }
}

/**
 * Packed weight bytes above which a group's columns are split into blocks, each run over every
 * tile before the next, so that the block stays in L2 while all output pixels stream past it
 * (ResNet 3x3x256x256 and 1x1x1024x1024 have 2.3 and 4 MiB of weights; without the split every
 * tile of 4 pixels would read them all again from L3 or DRAM).
 */
const L2_BLOCK_BYTES: usize = 256 << 10;

/**
 * Output columns per L2 block of a group whose packed weights exceed L2_BLOCK_BYTES: as many whole
 * panels of `panelBytes` as the block holds, at least one.
 */
// @ts-ignore: decorator
@inline
function l2BlockCols(panelBytes: usize, nr: i32): i32 {
  let blockPanels = <i32>(L2_BLOCK_BYTES / panelBytes);
  if (blockPanels < 1) blockPanels = 1;
  return blockPanels * nr;
}

/**
 * Runs igemm over every tile and group: out[m][g*coutG + j] (row stride cout floats) =
 * clamp(bias + sum over taps and cinG). `packed` holds groups blocks of packGemm panels.
 *
 * alt = 1 runs the 4x8 tile (weights packed with nr = 8; indirection in tiles of 4): for groups
 * of at most 8 output channels it wastes at most half of each panel, the 2x16 tile three quarters.
 *
 * alt = 2 runs conv/grouped.ts (coutG must be 4; weights packed with nr = 4, indirection in
 * tiles of 4, `zero` at least cin floats long): grouped conv with many groups of 4 output channels.
 *
 * Loop order: small groups (the common case, and grouped conv with many tiny groups) run
 * tile-major so a tile's input rows are read once for all groups; groups whose weights exceed
 * L2_BLOCK_BYTES run column-block-major (see above).
 */
export function convRun(
  ind: usize, packed: usize, out: usize, zero: usize, pixels: i32, groups: i32, cinG: i32,
  coutG: i32, taps: i32, cout: i32, vmin: f32, vmax: f32, alt: i32,
): void {
  if (alt == 2) {
    convGroups4(ind, packed, out, zero, pixels, groups, cinG, taps, cout, vmin, vmax, 0);
    return;
  }
  const MR = tileRows(alt);
  const NR = alt ? ALT_NR : GEMM_NR;
  const tiles = (pixels + MR - 1) / MR;
  const groupBytes = <usize>packedGemmFloats(taps, cinG, coutG, NR) << 2;
  const kc = <usize>cinG << 2;
  const ks = <usize>(taps * MR) << 2;
  const cStride = <usize>cout << 2;
  if (groupBytes <= L2_BLOCK_BYTES || tiles == 1) {
    for (let t = 0; t < tiles; t++) {
      const m0 = t * MR;
      const mr = pixels - m0 < MR ? pixels - m0 : MR;
      const a = ind + <usize>t * ks;
      const c = out + <usize>m0 * cStride;
      let w = packed;
      for (let g = 0; g < groups; g++) {
        if (alt) {
          igemm4x8(mr, coutG, kc, ks, a, w, c + (<usize>(g * coutG) << 2), cStride, <usize>(g * cinG) << 2, zero, vmin, vmax);
        } else {
          igemm(mr, coutG, kc, ks, a, w, c + (<usize>(g * coutG) << 2), cStride, <usize>(g * cinG) << 2, zero, vmin, vmax);
        }
        w += groupBytes;
      }
    }
    return;
  }
  const panelBytes = <usize>(NR + taps * cinG * NR) << 2;
  const blockCols = l2BlockCols(panelBytes, NR);
  for (let g = 0; g < groups; g++) {
    const wg = packed + <usize>g * groupBytes;
    for (let n0 = 0; n0 < coutG; n0 += blockCols) {
      const nc = coutG - n0 < blockCols ? coutG - n0 : blockCols;
      const w = wg + <usize>(n0 / NR) * panelBytes;
      const cg = out + (<usize>(g * coutG + n0) << 2);
      for (let t = 0; t < tiles; t++) {
        const m0 = t * MR;
        const mr = pixels - m0 < MR ? pixels - m0 : MR;
        if (alt) {
          igemm4x8(mr, nc, kc, ks, ind + <usize>t * ks, w, cg + <usize>m0 * cStride, cStride, <usize>(g * cinG) << 2, zero, vmin, vmax);
        } else {
          igemm(mr, nc, kc, ks, ind + <usize>t * ks, w, cg + <usize>m0 * cStride, cStride, <usize>(g * cinG) << 2, zero, vmin, vmax);
        }
      }
    }
  }
}

/**
 * convRun's build tile (GEMM_MR x GEMM_NR, alt 0 packing, groups as convRun) writing NCHW output
 * planes of `outPlane` pixels directly, so a lone layer on NCHW data skips the output transpose;
 * the stores cost 2 shuffles and 4 8-byte stores per 4x2 values instead of 2 v128 stores.
 * Column-block-major for every size (the tile-major order of convRun's small groups gains nothing
 * here: the stores already touch cs-apart planes).
 *
 * Reading A in place from NCHW planes (A stepping one plane per channel) lost to transposing the
 * input first: each k step then touches a new cache line (see
 * docs/performance.md#nchw-input-read-in-place).
 */
export function convRunNchw(
  ind: usize, packed: usize, out: usize, zero: usize, pixels: i32, groups: i32, cinG: i32,
  coutG: i32, taps: i32, cout: i32, vmin: f32, vmax: f32, outPlane: i32,
): void {
  convRunNchwAt(ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, vmin, vmax, outPlane, 0);
}

/**
 * convRunNchw on the `pixels` pixels from pixel p0 of the batch (a task of a split run): `ind`
 * is p0's tile (p0 a multiple of MR), and pixel p0 + m lands where convRunNchw puts it.
 */
export function convRunNchwAt(
  ind: usize, packed: usize, out: usize, zero: usize, pixels: i32, groups: i32, cinG: i32,
  coutG: i32, taps: i32, cout: i32, vmin: f32, vmax: f32, outPlane: i32, p0: i32,
): void {
  const tiles = (pixels + MR - 1) / MR;
  const groupBytes = <usize>packedGemmFloats(taps, cinG, coutG, GEMM_NR) << 2;
  const kc = <usize>cinG << 2;
  const ks = <usize>(taps * MR) << 2;
  const cs = <usize>outPlane << 2;
  let panelBytes = groupBytes;
  let blockCols = coutG;
  if (groupBytes > L2_BLOCK_BYTES && tiles > 1) {
    panelBytes = <usize>(GEMM_NR + taps * cinG * GEMM_NR) << 2;
    blockCols = l2BlockCols(panelBytes, GEMM_NR);
  }
  for (let g = 0; g < groups; g++) {
    const wg = packed + <usize>g * groupBytes;
    for (let n0 = 0; n0 < coutG; n0 += blockCols) {
      const nc = coutG - n0 < blockCols ? coutG - n0 : blockCols;
      const w = wg + <usize>(n0 / GEMM_NR) * panelBytes;
      const ch = <usize>(g * coutG + n0) * cs;
      for (let t = 0; t < tiles; t++) {
        const m0 = t * MR;
        const c0 = pixelAt(out, p0 + m0, outPlane, cout) + ch;
        // a one-row last tile stores its row twice
        const c1 = m0 + 1 < pixels ? pixelAt(out, p0 + m0 + 1, outPlane, cout) + ch : c0;
        igemmNchw(nc, kc, ks, ind + <usize>t * ks, w, c0, c1, cs, <usize>(g * cinG) << 2, zero, vmin, vmax);
      }
    }
  }
}

/**
 * Row-merged convolution for small input channel counts (ResNet's 7x7 and MobileNet's 3x3 first
 * layers on RGB): with column dilation 1 the kW taps of one kernel row read kW adjacent input
 * pixels, i.e. kW*c contiguous floats of NHWC data, once the input is copied into a zero-padded
 * buffer. The igemm then walks kH "taps" of kc = kW*c channels instead of kH*kW taps of c
 * channels (3 channels per tap leave the k loop 3 trips long and per-tap overhead dominating).
 * The packed weights are the same: canonical [ky][kx][ci] order is the merged row order.
 *
 * padInput copies x (n x h x w x c) into dst (n x hp x wp x c), rows and columns shifted by
 * padTop/padLeft, zeros elsewhere; input rows/columns at or beyond hp/wp are never read and
 * dropped.
 */
export function padInput(
  x: usize, dst: usize, n: i32, h: i32, w: i32, c: i32, padTop: i32, padLeft: i32, hp: i32, wp: i32,
): void {
  const pixelBytes = <usize>c << 2;
  const rowBytes = <usize>wp * pixelBytes;
  memory.fill(dst, 0, <usize>n * <usize>hp * rowBytes);
  let cols = w;
  if (padLeft + cols > wp) cols = wp - padLeft;
  if (cols <= 0) return;
  const copyBytes = <usize>cols * pixelBytes;
  for (let b = 0; b < n; b++) {
    for (let iy = 0; iy < h; iy++) {
      const y = iy + padTop;
      if (y >= hp) break;
      memory.copy(
        dst + (<usize>(b * hp + y) * <usize>wp + <usize>padLeft) * pixelBytes,
        x + <usize>(b * h + iy) * <usize>w * pixelBytes,
        copyBytes,
      );
    }
  }
}

/**
 * Indirection of the row-merged convolution: per tile of `mr` output pixels, per kernel row ky,
 * mr pointers to the first of the kW adjacent pixels that row reads in the padded input
 * (n x hp x wp x c). No pointer is the zero row: the padding is in the buffer.
 */
export function convRowsIndirection(
  ind: usize, xp: usize, n: i32, hp: i32, wp: i32, c: i32, oh: i32, ow: i32, kH: i32, sH: i32, sW: i32, dH: i32,
  mr: i32,
): void {
  const pixels = n * oh * ow;
  const tiles = (pixels + mr - 1) / mr;
  const pixelBytes = <usize>c << 2;
  for (let t = 0; t < tiles; t++) {
    const tileBase = ind + (<usize>t * <usize>(kH * mr) << 2);
    for (let i = 0; i < mr; i++) {
      let m = t * mr + i;
      if (m >= pixels) m = pixels - 1;
      const ox = m % ow;
      const r = m / ow;
      const oy = r % oh;
      const b = r / oh;
      let q = tileBase + (<usize>i << 2);
      for (let ky = 0; ky < kH; ky++) {
        const y = oy * sH + ky * dH;
        store<u32>(q, <u32>(xp + (<usize>(b * hp + y) * <usize>wp + <usize>(ox * sW)) * pixelBytes));
        q += <usize>mr << 2;
      }
    }
  }
}
