/**
 * Micro-benchmarks of the depthwise kernels (dwconv, 9 and 25 taps; 3x3 stride 1 and 2 fast
 * paths) through prepared depthwise layers on MobileNet-like shapes, with channel counts on either
 * side of the 4-lane SIMD width (c_lt_4, c_div_4, c_gt_4 ...) and a channel multiplier.
 */
export const cases = [
  { name: 'dwconv.3x3s1_c32', type: 'depthwise', c: 32, h: 56, w: 56, cout: 32, k: 3, stride: 1, pad: 1 },
  { name: 'dwconv.3x3s1_c35', type: 'depthwise', c: 35, h: 56, w: 56, cout: 35, k: 3, stride: 1, pad: 1 },
  { name: 'dwconv.3x3s1_c29', type: 'depthwise', c: 29, h: 56, w: 56, cout: 29, k: 3, stride: 1, pad: 1 },
  { name: 'dwconv.3x3s1_c3', type: 'depthwise', c: 3, h: 56, w: 56, cout: 3, k: 3, stride: 1, pad: 1 },
  { name: 'dwconv.3x3s2_c32', type: 'depthwise', c: 32, h: 56, w: 56, cout: 32, k: 3, stride: 2, pad: 1 },
  { name: 'dwconv.3x3s2_c35', type: 'depthwise', c: 35, h: 56, w: 56, cout: 35, k: 3, stride: 2, pad: 1 },
  { name: 'dwconv.5x5s1_c32', type: 'depthwise', c: 32, h: 56, w: 56, cout: 32, k: 5, stride: 1, pad: 2 },
  { name: 'dwconv.5x5s1_c37', type: 'depthwise', c: 37, h: 56, w: 56, cout: 37, k: 5, stride: 1, pad: 2 },
  { name: 'dwconv.3x3s1_c512', type: 'depthwise', c: 512, h: 14, w: 14, cout: 512, k: 3, stride: 1, pad: 1 },
  { name: 'dwconv.3x3s1_c16_m2', type: 'depthwise', c: 16, h: 56, w: 56, cout: 32, k: 3, stride: 1, pad: 1 },
];
