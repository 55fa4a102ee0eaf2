/**
 * Depthwise convolution (plan.ts kind 'dw'), NHWC, vectorised across channels: one v128 holds
 * four channels of one pixel. A multiplier m > 1 is run as m = 1 on C*m channels after
 * `dwExpand` copies every input channel m times (output channel c*m + j reads input channel c,
 * which is exactly the expanded channel c*m + j), so one kernel covers every case.
 *
 * Packed weights, per block of 4 channels (the last block zero-padded):
 *
 *   [ 4 biases ][ tap 0: 4 weights ][ tap 1: 4 weights ] ... [ tap kH*kW-1 ]
 *
 * Reads: a full v128 at the last channel block of a pixel, i.e. up to 12 bytes past the row
 * (the next pixel, or the buffer's 16 padding bytes); only valid lanes are stored.
 *
 * SIMD kernels: kW = 5, and kW = 3 with 16 or more output columns, run the row kernels
 * (dwRows__simd: channel block outer, two pixels per trip); narrower 3x3 layers keep the
 * pixel kernel dw3x3__simd (wide channel loops: 14x14x512); everything else the generic up4.
 */
export { dwExpand, dwPack, dwPackedFloats } from './dwconv-common';
import { dw3x3__simd } from './dwconv-3x3';
import { f32_dwconv_minmax_25p4c__simd_rows, f32_dwconv_minmax_9p4c__simd_rows } from './dwconv-rows';
import { f32_dwconv_minmax_up4__scalar, f32_dwconv_minmax_up4__simd } from './dwconv-up4';

/**
 * The build's depthwise kernel: the row kernels where they win, 3x3 rows only from 16 output
 * columns, since narrower rows run faster on the pixel kernel
 * (see docs/performance.md#depthwise-row-kernels).
 */
export function dwRun(
  x: usize, packed: usize, out: usize, zero: usize, n: i32, h: i32, w: i32, channels: i32, oh: i32, ow: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32, vmin: f32, vmax: f32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (kW == 5) {
      f32_dwconv_minmax_25p4c__simd_rows(x, packed, out, n, h, w, channels, oh, ow, kH, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else if (kW == 3 && ow >= 16) {
      f32_dwconv_minmax_9p4c__simd_rows(x, packed, out, n, h, w, channels, oh, ow, kH, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else if (kH == 3 && kW == 3) {
      dw3x3__simd(x, packed, out, zero, n, h, w, channels, oh, ow, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    } else {
      f32_dwconv_minmax_up4__simd(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
    }
  } else {
    f32_dwconv_minmax_up4__scalar(x, packed, out, n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, vmin, vmax);
  }
}
