/**
 * What the NHWC depthwise kernels share (depthwise.ts): the packed weights (per block of 4
 * channels, 4 biases then 4 weights per tap), the m-fold input expansion, tail stores and the
 * range of taps inside the input.
 */
import { DW_CB } from '../params';

/** Floats of the packed weights of `channels` channels and `taps` taps. */
export function dwPackedFloats(channels: i32, taps: i32): i32 {
  return (channels + DW_CB - 1) / DW_CB * DW_CB * (1 + taps);
}

/** Packs canonical dw weights [taps][channels] and bias [channels] (0: zeros). */
export function dwPack(channels: i32, taps: i32, w: usize, bias: usize, packed: usize): void {
  let p = packed;
  for (let c0 = 0; c0 < channels; c0 += DW_CB) {
    for (let j = 0; j < DW_CB; j++) {
      const c = c0 + j;
      store<f32>(p, bias != 0 && c < channels ? load<f32>(bias + (<usize>c << 2)) : 0);
      p += 4;
    }
    for (let t = 0; t < taps; t++) {
      for (let j = 0; j < DW_CB; j++) {
        const c = c0 + j;
        store<f32>(p, c < channels ? load<f32>(w + (<usize>(t * channels + c) << 2)) : 0);
        p += 4;
      }
    }
  }
}

/** dst[p][c*m + j] = x[p][c] for `pixels` pixels of `c` channels. */
export function dwExpand(x: usize, dst: usize, pixels: i32, c: i32, m: i32): void {
  let s = x;
  let d = dst;
  const total = pixels * c;
  for (let i = 0; i < total; i++) {
    const v = load<f32>(s);
    s += 4;
    for (let j = 0; j < m; j++) {
      store<f32>(d, v);
      d += 4;
    }
  }
}

/** First k in [0, kSize) with o*s - pad + k*d >= 0. */
// @ts-ignore: decorator
@inline
export function firstTap(o: i32, s: i32, pad: i32, d: i32, kSize: i32): i32 {
  const start = o * s - pad;
  if (start >= 0) return 0;
  const k = (-start + d - 1) / d;
  return k < kSize ? k : kSize;
}

/** One past the last k in [0, kSize) with o*s - pad + k*d < size. */
// @ts-ignore: decorator
@inline
export function endTap(o: i32, s: i32, pad: i32, d: i32, kSize: i32, size: i32): i32 {
  const start = o * s - pad;
  if (start >= size) return 0;
  const k = (size - 1 - start) / d + 1;
  return k < kSize ? k : kSize;
}
