/**
 * Depthwise convolution straight on NCHW planes, for a depthwise layer that is the only stage of
 * a run on NCHW data: a depthwise layer is memory-bound, and the two boundary transposes cost as
 * much as the layer itself (DESIGN.md: where a kernel that reads NCHW directly measures faster,
 * use it). Output plane o = c*m + j reads input plane c.
 *
 * Vectorised across output columns: four adjacent output pixels of one row per v128. Stride 1
 * loads four adjacent inputs per tap; stride 2 loads eight and keeps the even lanes. Columns
 * whose taps leave the image, other strides, and row tails run a scalar loop.
 *
 * Packed weights, per output channel: [ bias ][ kH*kW weights ] (dwPlanesPack).
 * Reads: stride 2 reads one float past the last tap of a row (the next row, or the buffer's
 * 16 padding bytes). The 3x3 paths (stride 1 and 2, column dilation 1) keep the nine weights in
 * registers and take three row pointers, a zero row standing for rows in the padding.
 */

/** Floats of the plane-packed weights. */
export function dwPlanesPackedFloats(channels: i32, taps: i32): i32 {
  return channels * (1 + taps);
}

/** Packs canonical dw weights [taps][channels] and bias (0: zeros) into [channels][1 + taps]. */
export function dwPlanesPack(channels: i32, taps: i32, w: usize, bias: usize, packed: usize): void {
  let p = packed;
  for (let c = 0; c < channels; c++) {
    store<f32>(p, bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0);
    p += 4;
    for (let t = 0; t < taps; t++) {
      store<f32>(p, load<f32>(w + (<usize>(t * channels + c) << 2)));
      p += 4;
    }
  }
}

// @ts-ignore: decorator
@inline
function vmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/**
 * out (n x cout x oh x ow) = clamp(bias + depthwise(x (n x c x h x w))), cout = c * m.
 * `zeroRow` holds at least w + 8 zeros (rows of the 3x3 path that fall into the padding).
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
  let o = out;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cout; oc++) {
      const plane = x + <usize>(b * c + oc / m) * planeBytes;
      const wp = packed + (<usize>(oc * (1 + taps)) << 2);
      const bias = load<f32>(wp);
      for (let oy = 0; oy < oh; oy++) {
        const iy0 = oy * sH - padTop;
        let ky0 = 0;
        if (iy0 < 0) ky0 = (-iy0 + dH - 1) / dH;
        let ky1 = iy0 >= h ? 0 : (h - 1 - iy0) / dH + 1;
        if (ky1 > kH) ky1 = kH;
        if (ky0 > ky1) ky0 = ky1;
        let ox = 0;
        for (; ox < oxA; ox++) {
          store<f32>(o, edgePixel(plane, wp, bias, w, rowBytes, iy0, ky0, ky1, ox * sW - padLeft, kW, dH, dW, vmin, vmax));
          o += 4;
        }
        if (ASC_FEATURE_SIMD) {
          if (vEnd > oxA && kH == 3 && kW == 3 && dW == 1) {
            const ra = <u32>iy0 < <u32>h ? plane + <usize>iy0 * rowBytes : zeroRow;
            const rb = <u32>(iy0 + dH) < <u32>h ? plane + <usize>(iy0 + dH) * rowBytes : zeroRow;
            const rc = <u32>(iy0 + 2 * dH) < <u32>h ? plane + <usize>(iy0 + 2 * dH) * rowBytes : zeroRow;
            const ix0 = oxA * sW - padLeft;
            if (sW == 1) {
              columns3x3s1(ra, rb, rc, wp, o, ix0, (vEnd - oxA) >> 2, bias, vmin, vmax);
            } else {
              columns3x3s2(ra, rb, rc, wp, o, ix0, (vEnd - oxA) >> 2, bias, vmin, vmax);
            }
            o += <usize>(vEnd - oxA) << 2;
            ox = vEnd;
          } else if (vEnd > oxA) {
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
      const wr = wp + 4 + (<usize>(ky * kW) << 2);
      for (let kx = 0; kx < kW; kx++) {
        const p = row + (<usize>(kx * dW) << 2);
        let vx: v128;
        if (sW == 1) {
          vx = v128.load(p);
        } else {
          vx = v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
        }
        vacc = vmadd(vx, v128.load32_splat(wr + (<usize>kx << 2)), vacc);
      }
    }
    v128.store(o, f32x4.pmin(f32x4.pmax(vacc, lo), hi));
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
    const wr = wp + 4 + (<usize>(ky * kW) << 2);
    for (let kx = 0; kx < kW; kx++) {
      const ix = ix0 + kx * dW;
      if (<u32>ix < <u32>w) acc += load<f32>(row + (<usize>ix << 2)) * load<f32>(wr + (<usize>kx << 2));
    }
  }
  return min<f32>(max<f32>(acc, vmin), vmax);
}

/**
 * 3x3, stride 1, dilation 1 along the row: `blocks` blocks of 4 output columns from rows ra, rb,
 * rc (a zero row where the tap row is padding), the first block reading column ix0.
 */
// @ts-ignore: decorator
@inline
function columns3x3s1(
  ra: usize, rb: usize, rc: usize, wp: usize, o: usize, ix0: i32, blocks: i32, bias: f32, vmin: f32, vmax: f32,
): void {
  const vbias = f32x4.splat(bias);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const vw0 = v128.load32_splat(wp, 4);
  const vw1 = v128.load32_splat(wp, 8);
  const vw2 = v128.load32_splat(wp, 12);
  const vw3 = v128.load32_splat(wp, 16);
  const vw4 = v128.load32_splat(wp, 20);
  const vw5 = v128.load32_splat(wp, 24);
  const vw6 = v128.load32_splat(wp, 28);
  const vw7 = v128.load32_splat(wp, 32);
  const vw8 = v128.load32_splat(wp, 36);
  let a = ra + (<usize>ix0 << 2);
  let b = rb + (<usize>ix0 << 2);
  let c = rc + (<usize>ix0 << 2);
  for (let i = 0; i < blocks; i++) {
    let vacc = vmadd(v128.load(a), vw0, vbias);
    let vacc2 = f32x4.mul(v128.load(a, 4), vw1);
    vacc = vmadd(v128.load(a, 8), vw2, vacc);
    vacc2 = vmadd(v128.load(b), vw3, vacc2);
    vacc = vmadd(v128.load(b, 4), vw4, vacc);
    vacc2 = vmadd(v128.load(b, 8), vw5, vacc2);
    vacc = vmadd(v128.load(c), vw6, vacc);
    vacc2 = vmadd(v128.load(c, 4), vw7, vacc2);
    vacc = vmadd(v128.load(c, 8), vw8, vacc);
    vacc = f32x4.add(vacc, vacc2);
    v128.store(o, f32x4.pmin(f32x4.pmax(vacc, lo), hi));
    o += 16;
    a += 16;
    b += 16;
    c += 16;
  }
}

/** The stride-2 twin of columns3x3s1: inputs 2*ox + kx, split into even and odd lanes. */
// @ts-ignore: decorator
@inline
function columns3x3s2(
  ra: usize, rb: usize, rc: usize, wp: usize, o: usize, ix0: i32, blocks: i32, bias: f32, vmin: f32, vmax: f32,
): void {
  const vbias = f32x4.splat(bias);
  const lo = f32x4.splat(vmin);
  const hi = f32x4.splat(vmax);
  const vw0 = v128.load32_splat(wp, 4);
  const vw1 = v128.load32_splat(wp, 8);
  const vw2 = v128.load32_splat(wp, 12);
  const vw3 = v128.load32_splat(wp, 16);
  const vw4 = v128.load32_splat(wp, 20);
  const vw5 = v128.load32_splat(wp, 24);
  const vw6 = v128.load32_splat(wp, 28);
  const vw7 = v128.load32_splat(wp, 32);
  const vw8 = v128.load32_splat(wp, 36);
  let a = ra + (<usize>ix0 << 2);
  let b = rb + (<usize>ix0 << 2);
  let c = rc + (<usize>ix0 << 2);
  for (let i = 0; i < blocks; i++) {
    // row a: columns 2j, 2j+1, 2j+2 for j = 0..3
    let v0 = v128.load(a);
    let v1 = v128.load(a, 16);
    let v2 = v128.load32_zero(a, 32);
    let even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
    let odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
    let next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
    let vacc = vmadd(even, vw0, vbias);
    let vacc2 = f32x4.mul(odd, vw1);
    vacc = vmadd(next, vw2, vacc);
    v0 = v128.load(b);
    v1 = v128.load(b, 16);
    v2 = v128.load32_zero(b, 32);
    even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
    odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
    next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
    vacc2 = vmadd(even, vw3, vacc2);
    vacc = vmadd(odd, vw4, vacc);
    vacc2 = vmadd(next, vw5, vacc2);
    v0 = v128.load(c);
    v1 = v128.load(c, 16);
    v2 = v128.load32_zero(c, 32);
    even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
    odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
    next = v128.shuffle<f32>(even, v2, 1, 2, 3, 4);
    vacc = vmadd(even, vw6, vacc);
    vacc2 = vmadd(odd, vw7, vacc2);
    vacc = vmadd(next, vw8, vacc);
    vacc = f32x4.add(vacc, vacc2);
    v128.store(o, f32x4.pmin(f32x4.pmax(vacc, lo), hi));
    o += 16;
    a += 32;
    b += 32;
    c += 32;
  }
}
