/**
 * Transposed convolution (plan.ts kind 'deconv'), NHWC: a gemm then a col2im scatter-add.
 *
 * 1. gemm (igemm with one tap, through rowsIndirection): per group g,
 *      col[p][g][tap][oc] = sum over ci of x[p][g*cinG + ci] * W[g][ci][tap][oc]
 *    with the weights packed by packGemm as groups x [1 tap][cinG][taps*coutG] (no bias).
 *    col has n*h*w rows of groups*taps*coutG floats.
 * 2. deconvCol2im: out = bias, then for every input pixel and tap the output pixel
 *      oy = iy*sH - padTop + ky*dH,  ox = ix*sW - padLeft + kx*dW
 *    (skipped when cropped away or beyond the output, which includes outputPadding rows that
 *    only the bias reaches) receives col[p][g][tap][:], then a clamp pass.
 */

// @ts-ignore: decorator
@inline
function addRow(dst: usize, src: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= count; i += 4) {
      v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
      dst += 16;
      src += 16;
    }
  }
  for (; i < count; i++) {
    store<f32>(dst, load<f32>(dst) + load<f32>(src));
    dst += 4;
    src += 4;
  }
}

/**
 * Scatter-adds the column buffer into `out` (n x oh x ow x cout, NHWC), after filling it with
 * `bias` (cout floats), and clamps it to [vmin, vmax].
 */
export function deconvCol2im(
  col: usize, bias: usize, out: usize, n: i32, h: i32, w: i32, oh: i32, ow: i32, groups: i32,
  coutG: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32,
  vmin: f32, vmax: f32,
): void {
  const cout = groups * coutG;
  const taps = kH * kW;
  const outPixels = n * oh * ow;
  const pixelBytes = <usize>cout << 2;
  // 1. bias
  let o = out;
  for (let p = 0; p < outPixels; p++) {
    memory.copy(o, bias, pixelBytes);
    o += pixelBytes;
  }
  // 2. scatter-add
  const colRowBytes = <usize>(groups * taps * coutG) << 2;
  const tapBytes = <usize>coutG << 2;
  const groupBytes = <usize>(taps * coutG) << 2;
  let src = col;
  for (let b = 0; b < n; b++) {
    const ob = out + <usize>b * <usize>oh * <usize>ow * pixelBytes;
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < w; ix++) {
        for (let ky = 0; ky < kH; ky++) {
          const oy = iy * sH - padTop + ky * dH;
          if (<u32>oy >= <u32>oh) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ox = ix * sW - padLeft + kx * dW;
            if (<u32>ox >= <u32>ow) continue;
            const dst = ob + <usize>(oy * ow + ox) * pixelBytes;
            const s = src + <usize>(ky * kW + kx) * tapBytes;
            if (groups == 1) {
              addRow(dst, s, coutG);
            } else {
              for (let g = 0; g < groups; g++) {
                addRow(dst + <usize>g * tapBytes, s + <usize>g * groupBytes, coutG);
              }
            }
          }
        }
        src += colRowBytes;
      }
    }
  }
  // 3. clamp
  clampBuffer(out, outPixels * cout, vmin, vmax);
}

/** Clamps `count` floats at p to [vmin, vmax] (NaN propagates); no-op for (-inf, inf). */
export function clampBuffer(p: usize, count: i32, vmin: f32, vmax: f32): void {
  if (vmin == -Infinity && vmax == Infinity) return;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lo = f32x4.splat(vmin);
    const hi = f32x4.splat(vmax);
    for (; i + 4 <= count; i += 4) {
      v128.store(p, f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi));
      p += 16;
    }
  }
  for (; i < count; i++) {
    store<f32>(p, min<f32>(max<f32>(load<f32>(p), vmin), vmax));
    p += 4;
  }
}
