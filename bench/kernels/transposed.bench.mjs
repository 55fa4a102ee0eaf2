/**
 * Micro-benchmarks of the transposed-conv kernels (sub-convolutions or col2im on the gemm) through
 * prepared ConvTranspose layers: the U-Net 2x2 s2 and DCGAN 4x4 s2 p1 upsamplers at small sizes,
 * stride 1, output padding, and channel counts off the tile (tails on Cin and Cout).
 */
export const cases = [
  { name: 'tconv.2x2s2_c64_n32', type: 'transposed', c: 64, h: 32, w: 32, cout: 32, k: 2, stride: 2, pad: 0 },
  { name: 'tconv.2x2s2_c67_n33', type: 'transposed', c: 67, h: 32, w: 32, cout: 33, k: 2, stride: 2, pad: 0 },
  { name: 'tconv.4x4s2p1_c64_n32', type: 'transposed', c: 64, h: 16, w: 16, cout: 32, k: 4, stride: 2, pad: 1 },
  { name: 'tconv.4x4s2p1_c61_n35', type: 'transposed', c: 61, h: 16, w: 16, cout: 35, k: 4, stride: 2, pad: 1 },
  { name: 'tconv.3x3s2p1op1_c32_n16', type: 'transposed', c: 32, h: 28, w: 28, cout: 16, k: 3, stride: 2, pad: 1, outputPadding: 1 },
  { name: 'tconv.3x3s1p1_c32_n32', type: 'transposed', c: 32, h: 28, w: 28, cout: 32, k: 3, stride: 1, pad: 1 },
];
