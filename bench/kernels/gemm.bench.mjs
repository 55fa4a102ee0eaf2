/**
 * Micro-benchmarks of the gemm micro-kernels through prepared pointwise layers (a 1x1 conv is one
 * matrix product: M = pixels, K = input channels, N = output channels), plus two standard 3x3
 * shapes that go through the indirection-buffer igemm. Shapes sit on either side of the register
 * tile's boundaries (XNNPACK's case names: k_lt_4, n_gt_8, m tails) so the tail cost shows.
 */
export const cases = [
  { name: 'gemm.m784_k32_n64', type: 'pointwise', c: 32, h: 28, w: 28, cout: 64, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m729_k32_n64', type: 'pointwise', c: 32, h: 27, w: 27, cout: 64, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k32_n67', type: 'pointwise', c: 32, h: 28, w: 28, cout: 67, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k32_n61', type: 'pointwise', c: 32, h: 28, w: 28, cout: 61, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k35_n64', type: 'pointwise', c: 35, h: 28, w: 28, cout: 64, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k3_n64', type: 'pointwise', c: 3, h: 28, w: 28, cout: 64, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k13_n13', type: 'pointwise', c: 13, h: 28, w: 28, cout: 13, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m784_k64_n4', type: 'pointwise', c: 64, h: 28, w: 28, cout: 4, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m196_k256_n256', type: 'pointwise', c: 256, h: 14, w: 14, cout: 256, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.m196_k255_n253', type: 'pointwise', c: 255, h: 14, w: 14, cout: 253, k: 1, stride: 1, pad: 0 },
  { name: 'gemm.s2_m196_k64_n64', type: 'pointwise', c: 64, h: 28, w: 28, cout: 64, k: 1, stride: 2, pad: 0 },
  { name: 'igemm.3x3_c32_n32', type: 'standard', c: 32, h: 28, w: 28, cout: 32, k: 3, stride: 1, pad: 1 },
  { name: 'igemm.3x3_c29_n35', type: 'standard', c: 29, h: 28, w: 28, cout: 35, k: 3, stride: 1, pad: 1 },
];
