/**
 * Depthwise convolution straight on NCHW planes, for a depthwise layer that is the only stage of
 * a run on NCHW data: a depthwise layer is memory-bound, and the two boundary transposes cost as
 * much as the layer itself (DESIGN.md: where a kernel that reads NCHW directly measures faster,
 * use it). Output plane o = c*m + j reads input plane c.
 *
 * Vectorised across output columns: four adjacent output pixels of one row per v128. The 3x3
 * kernels with stride 1 or 2 and column dilation 1 (row3x3s1/s2) run whole rows in vector
 * blocks: three row pointers (a zero row for rows in the padding), the blocks that would read
 * outside the row (about one per side) read a staged copy of their columns with zeros for the
 * padding. Other kernels: stride 1 loads four adjacent inputs per tap, stride 2 loads eight and
 * keeps the even lanes; columns whose taps leave the image, other strides and row tails run a
 * scalar loop.
 *
 * Packed weights, per output channel: [ bias x4 ][ kH*kW weights, each x4 ] (dwPlanesPack).
 * `zeroRow`: ((w + 11) & ~3) zeros, then 48 floats of scratch (the staged columns).
 * Reads: stride 2 reads one float past the last tap of a row (the next row, or the buffer's
 * 16 padding bytes).
 */
import { clampf, vclamp, vmadd } from '../simd';

/** Floats of the plane-packed weights: 4 copies of every value. */
export function dwPlanesPackedFloats(channels: i32, taps: i32): i32 {
  return channels * (1 + taps) * 4;
}

/**
 * Packs canonical dw weights [taps][channels] and bias (0: zeros) into [channels][1 + taps][4],
 * every value splatted to a v128: the kernels take a weight with a plain v128.load at a constant
 * offset. With v128.load32_splat V8 kept one address register per tap offset and spilled it and
 * the splats inside the stride-2 loop (see docs/performance.md#depthwise-nchw-weights).
 */
export function dwPlanesPack(channels: i32, taps: i32, w: usize, bias: usize, packed: usize): void {
  let p = packed;
  for (let c = 0; c < channels; c++) {
    const b = bias != 0 ? load<f32>(bias + (<usize>c << 2)) : <f32>0;
    for (let l = 0; l < 4; l++) store<f32>(p + (<usize>l << 2), b);
    p += 16;
    for (let t = 0; t < taps; t++) {
      const v = load<f32>(w + (<usize>(t * channels + c) << 2));
      for (let l = 0; l < 4; l++) store<f32>(p + (<usize>l << 2), v);
      p += 16;
    }
  }
}

/**
 * out (n x cout x oh x ow) = clamp(bias + depthwise(x (n x c x h x w))), cout = c * m.
 * `zeroRow` holds ((w + 11) & ~3) zeros (rows of the 3x3 path in the padding), then 48 floats of
 * scratch the 3x3 path overwrites.
 */
export function dwNchw(
  x: usize, packed: usize, out: usize, zeroRow: usize, n: i32, c: i32, h: i32, w: i32, cout: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  const m = cout / c;
  const taps = kH * kW;
  const planeBytes = <usize>(h * w) << 2;
  const rowBytes = <usize>w << 2;
  // output columns [oxA, oxB) have every tap inside the row; vector blocks need 4 of them
  let oxA = padLeft > 0 ? (padLeft + sW - 1) / sW : 0;
  if (oxA > ow) oxA = ow;
  // last column with ox*sW - padLeft + (kW-1)*dW <= w-1
  const lastX = w - 1 + padLeft - (kW - 1) * dW;
  let oxB = lastX < 0 ? 0 : lastX / sW + 1;
  if (oxB > ow) oxB = ow;
  if (oxB < oxA) oxB = oxA;
  // vector blocks of 4 columns cover [oxA, vEnd) for stride 1 and 2 in SIMD builds
  let vEnd = oxA;
  if (ASC_FEATURE_SIMD) {
    if (sW == 1 || sW == 2) vEnd = oxA + ((oxB - oxA) & ~3);
  }
  // whole-row 3x3 path: blocks [jA, jB) of 4 output columns read only columns inside the row;
  // the others (at most a few per side) read a staged copy of their columns with zeros outside
  const row3x3 = kH == 3 && kW == 3 && dW == 1 && (sW == 1 || sW == 2);
  const span = sW == 1 ? 6 : 9; // columns a block reads
  const nb = (ow + 3) >> 2;
  let jA = padLeft > 0 ? (padLeft + 4 * sW - 1) / (4 * sW) : 0;
  if (jA > nb) jA = nb;
  // last block j with 4*sW*j - padLeft + span - 1 <= w - 1
  const lastBase = w - span + padLeft;
  let jB = lastBase < 0 ? 0 : lastBase / (4 * sW) + 1;
  if (jB > nb) jB = nb;
  if (jB < jA) jB = jA;
  const stage = zeroRow + (<usize>((w + 11) & ~3) << 2);
  let o = out;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cout; oc++) {
      const plane = x + <usize>(b * c + oc / m) * planeBytes;
      const wp = packed + (<usize>(oc * (1 + taps)) << 4);
      const bias = load<f32>(wp);
      for (let oy = 0; oy < oh; oy++) {
        const iy0 = oy * sH - padTop;
        let ky0 = 0;
        if (iy0 < 0) ky0 = (-iy0 + dH - 1) / dH;
        let ky1 = iy0 >= h ? 0 : (h - 1 - iy0) / dH + 1;
        if (ky1 > kH) ky1 = kH;
        if (ky0 > ky1) ky0 = ky1;
        if (ASC_FEATURE_SIMD) {
          if (row3x3) {
            const ra = <u32>iy0 < <u32>h ? plane + <usize>iy0 * rowBytes : zeroRow;
            const rb = <u32>(iy0 + dH) < <u32>h ? plane + <usize>(iy0 + dH) * rowBytes : zeroRow;
            const rc = <u32>(iy0 + 2 * dH) < <u32>h ? plane + <usize>(iy0 + 2 * dH) * rowBytes : zeroRow;
            if (sW == 1) {
              row3x3s1(ra, rb, rc, wp, o, stage, w, ow, padLeft, jA, jB, bias, vmin, vmax);
            } else {
              row3x3s2(ra, rb, rc, wp, o, stage, w, ow, padLeft, jA, jB, bias, vmin, vmax);
            }
            o += <usize>ow << 2;
            continue;
          }
        }
        let ox = 0;
        for (; ox < oxA; ox++) {
          store<f32>(o, edgePixel(plane, wp, bias, w, rowBytes, iy0, ky0, ky1, ox * sW - padLeft, kW, dH, dW, vmin, vmax));
          o += 4;
        }
        if (ASC_FEATURE_SIMD) {
          if (vEnd > oxA) {
            vectorColumns(plane, wp, o, rowBytes, iy0, ky0, ky1, oxA * sW - padLeft, (vEnd - oxA) >> 2, kW, sW, dH, dW,
              bias, vmin, vmax);
            o += <usize>(vEnd - oxA) << 2;
            ox = vEnd;
          }
        }
        for (; ox < ow; ox++) {
          store<f32>(o, edgePixel(plane, wp, bias, w, rowBytes, iy0, ky0, ky1, ox * sW - padLeft, kW, dH, dW, vmin, vmax));
          o += 4;
        }
      }
    }
  }
}

/** `blocks` blocks of 4 interior output columns of one row, the first reading column ix0. */
// @ts-ignore: decorator
@inline
function vectorColumns(
  plane: usize, wp: usize, o: usize, rowBytes: usize, iy0: i32, ky0: i32, ky1: i32, ix0: i32, blocks: i32, kW: i32,
  sW: i32, dH: i32, dW: i32, bias: f32, vmin: f32, vmax: f32,
): void {
  const vbias = f32x4.splat(bias);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const stepBytes = <usize>(4 * sW) << 2;
  let col = plane + (<usize>ix0 << 2);
  for (let i = 0; i < blocks; i++) {
    let vacc = vbias;
    for (let ky = ky0; ky < ky1; ky++) {
      const row = col + <usize>(iy0 + ky * dH) * rowBytes;
      const wr = wp + 16 + (<usize>(ky * kW) << 4);
      for (let kx = 0; kx < kW; kx++) {
        const p = row + (<usize>(kx * dW) << 2);
        let vx: v128;
        if (sW == 1) {
          vx = v128.load(p);
        } else {
          vx = v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
        }
        vacc = vmadd(vx, v128.load(wr + (<usize>kx << 4)), vacc);
      }
    }
    v128.store(o, vclamp(vacc, lo, hi));
    o += 16;
    col += stepBytes;
  }
}

/** One output pixel with bounds checks on every column tap. */
// @ts-ignore: decorator
@inline
function edgePixel(
  plane: usize, wp: usize, bias: f32, w: i32, rowBytes: usize, iy0: i32, ky0: i32, ky1: i32, ix0: i32, kW: i32,
  dH: i32, dW: i32, vmin: f32, vmax: f32,
): f32 {
  let acc = bias;
  for (let ky = ky0; ky < ky1; ky++) {
    const row = plane + <usize>(iy0 + ky * dH) * rowBytes;
    const wr = wp + 16 + (<usize>(ky * kW) << 4);
    for (let kx = 0; kx < kW; kx++) {
      const ix = ix0 + kx * dW;
      if (<u32>ix < <u32>w) acc += load<f32>(row + (<usize>ix << 2)) * load<f32>(wr + (<usize>kx << 4));
    }
  }
  return clampf(acc, vmin, vmax);
}

/**
 * Copies columns [col, col + count) (count <= 12) of a row to dst, zeros for the columns outside
 * [0, w): three zero vectors, then a plain copy of the columns inside the row.
 */
// @ts-ignore: decorator
@inline
function stageColumns(row: usize, col: i32, count: i32, w: i32, dst: usize): void {
  const z = f32x4.splat(0);
  v128.store(dst, z);
  v128.store(dst, z, 16);
  v128.store(dst, z, 32);
  const i0 = col < 0 ? -col : 0;
  let i1 = w - col;
  if (i1 > count) i1 = count;
  for (let i = i0; i < i1; i++) {
    store<f32>(dst + (<usize>i << 2), load<f32>(row + (<usize>(col + i) << 2)));
  }
}

/** stageColumns of the three input rows of a 3x3 block, to stage, stage + 64 and stage + 128. */
// @ts-ignore: decorator
@inline
function stageRows(ra: usize, rb: usize, rc: usize, col: i32, count: i32, w: i32, stage: usize): void {
  stageColumns(ra, col, count, w, stage);
  stageColumns(rb, col, count, w, stage + 64);
  stageColumns(rc, col, count, w, stage + 128);
}

/** Stores the first `n` (1..4) lanes of v. */
// @ts-ignore: decorator
@inline
function storePart(p: usize, v: v128, n: i32): void {
  if (n == 4) {
    v128.store(p, v);
  } else {
    if (n & 2) {
      v128.store64_lane(p, v, 0);
      v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
      p += 8;
    }
    if (n & 1) v128.store32_lane(p, v, 0);
  }
}

/** 4 outputs of a 3x3 stride-1 row: columns a[0..5], b[0..5], c[0..5] (byte pointers). */
// @ts-ignore: decorator
@inline
function block3x3s1(
  a: usize, b: usize, c: usize, vbias: v128, vw0: v128, vw1: v128, vw2: v128, vw3: v128, vw4: v128, vw5: v128,
  vw6: v128, vw7: v128, vw8: v128,
): v128 {
  let vacc = vmadd(v128.load(a), vw0, vbias);
  let vacc2 = f32x4.mul(v128.load(a, 4), vw1);
  vacc = vmadd(v128.load(a, 8), vw2, vacc);
  vacc2 = vmadd(v128.load(b), vw3, vacc2);
  vacc = vmadd(v128.load(b, 4), vw4, vacc);
  vacc2 = vmadd(v128.load(b, 8), vw5, vacc2);
  vacc = vmadd(v128.load(c), vw6, vacc);
  vacc2 = vmadd(v128.load(c, 4), vw7, vacc2);
  vacc = vmadd(v128.load(c, 8), vw8, vacc);
  return f32x4.add(vacc, vacc2);
}

/** 4 outputs of a 3x3 stride-2 row: columns a[0..8], b[0..8], c[0..8], split into even and odd lanes. */
// @ts-ignore: decorator
@inline
function block3x3s2(a: usize, b: usize, c: usize, wp: usize, vbias: v128): v128 {
  let v0 = v128.load(a);
  let v1 = v128.load(a, 16);
  let v2 = v128.load32_zero(a, 32);
  let even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  let odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  let next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
  let vacc = vmadd(even, v128.load(wp, 16), vbias);
  let vacc2 = f32x4.mul(odd, v128.load(wp, 32));
  vacc = vmadd(next, v128.load(wp, 48), vacc);
  v0 = v128.load(b);
  v1 = v128.load(b, 16);
  v2 = v128.load32_zero(b, 32);
  even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
  vacc2 = vmadd(even, v128.load(wp, 64), vacc2);
  vacc = vmadd(odd, v128.load(wp, 80), vacc);
  vacc2 = vmadd(next, v128.load(wp, 96), vacc2);
  v0 = v128.load(c);
  v1 = v128.load(c, 16);
  v2 = v128.load32_zero(c, 32);
  even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
  vacc = vmadd(even, v128.load(wp, 112), vacc);
  vacc2 = vmadd(odd, v128.load(wp, 128), vacc2);
  vacc = vmadd(next, v128.load(wp, 144), vacc);
  return f32x4.add(vacc, vacc2);
}

/**
 * One output row of a 3x3 stride-1 plane, all `ow` columns in blocks of 4 (the last one partial).
 * Blocks [jA, jB) read the rows in place; the others read `stage`, where the six columns they
 * need are copied with zeros for the padding (no scalar edge pixels: at 112 columns those took
 * 4 of 112 outputs and about half the row's time).
 */
// @ts-ignore: decorator
@inline
function row3x3s1(
  ra: usize, rb: usize, rc: usize, wp: usize, o: usize, stage: usize, w: i32, ow: i32, padLeft: i32, jA: i32, jB: i32,
  bias: f32, vmin: f32, vmax: f32,
): void {
  const vbias = f32x4.splat(bias);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  // the nine weights stay in registers (15 v128 live in the loop, V8's xmm0-xmm14)
  const vw0 = v128.load(wp, 16);
  const vw1 = v128.load(wp, 32);
  const vw2 = v128.load(wp, 48);
  const vw3 = v128.load(wp, 64);
  const vw4 = v128.load(wp, 80);
  const vw5 = v128.load(wp, 96);
  const vw6 = v128.load(wp, 112);
  const vw7 = v128.load(wp, 128);
  const vw8 = v128.load(wp, 144);
  const nb = (ow + 3) >> 2;
  let j = 0;
  for (; j < jA; j++) {
    const col = 4 * j - padLeft;
    stageRows(ra, rb, rc, col, 6, w, stage);
    const v = vclamp(block3x3s1(stage, stage + 64, stage + 128, vbias, vw0, vw1, vw2, vw3, vw4, vw5, vw6, vw7, vw8), lo, hi);
    const left = ow - 4 * j;
    storePart(o, v, left < 4 ? left : 4);
    o += 16;
  }
  const off = <usize>(4 * j - padLeft) << 2;
  let a = ra + off;
  let b = rb + off;
  let c = rc + off;
  for (; j < jB; j++) {
    const v = vclamp(block3x3s1(a, b, c, vbias, vw0, vw1, vw2, vw3, vw4, vw5, vw6, vw7, vw8), lo, hi);
    if (j + 1 < nb) {
      v128.store(o, v);
    } else {
      storePart(o, v, ow - 4 * j);
    }
    o += 16;
    a += 16;
    b += 16;
    c += 16;
  }
  for (; j < nb; j++) {
    const col = 4 * j - padLeft;
    stageRows(ra, rb, rc, col, 6, w, stage);
    const v = vclamp(block3x3s1(stage, stage + 64, stage + 128, vbias, vw0, vw1, vw2, vw3, vw4, vw5, vw6, vw7, vw8), lo, hi);
    const left = ow - 4 * j;
    storePart(o, v, left < 4 ? left : 4);
    o += 16;
  }
}

/** The stride-2 twin of row3x3s1: a block reads nine columns per row. */
// @ts-ignore: decorator
@inline
function row3x3s2(
  ra: usize, rb: usize, rc: usize, wp: usize, o: usize, stage: usize, w: i32, ow: i32, padLeft: i32, jA: i32, jB: i32,
  bias: f32, vmin: f32, vmax: f32,
): void {
  const vbias = f32x4.splat(bias);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const nb = (ow + 3) >> 2;
  let j = 0;
  for (; j < jA; j++) {
    const col = 8 * j - padLeft;
    stageRows(ra, rb, rc, col, 9, w, stage);
    const v = vclamp(block3x3s2(stage, stage + 64, stage + 128, wp, vbias), lo, hi);
    const left = ow - 4 * j;
    storePart(o, v, left < 4 ? left : 4);
    o += 16;
  }
  const off = <usize>(8 * j - padLeft) << 2;
  let a = ra + off;
  let b = rb + off;
  let c = rc + off;
  for (; j < jB; j++) {
    const v = vclamp(block3x3s2(a, b, c, wp, vbias), lo, hi);
    if (j + 1 < nb) {
      v128.store(o, v);
    } else {
      storePart(o, v, ow - 4 * j);
    }
    o += 16;
    a += 32;
    b += 32;
    c += 32;
  }
  for (; j < nb; j++) {
    const col = 8 * j - padLeft;
    stageRows(ra, rb, rc, col, 9, w, stage);
    const v = vclamp(block3x3s2(stage, stage + 64, stage + 128, wp, vbias), lo, hi);
    const left = ow - 4 * j;
    storePart(o, v, left < 4 ? left : 4);
    o += 16;
  }
}
