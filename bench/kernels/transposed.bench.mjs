/**
 * The transposed-conv kernels' micro-benchmarks, two kinds:
 * - `cases`: the suite's (npx simdconv bench) through prepared ConvTranspose layers: the U-Net
 *   2x2 s2 and DCGAN 4x4 s2 p1 upsamplers at small sizes, stride 1, output padding, and channel
 *   counts off the tile (tails on Cin and Cout).
 * - `kernelBenchmarks`: the col2im and tiles kernels of the kernel list (list.cjs), called
 *   directly (bench/kernels/run.mjs).
 */
export const cases = [
  { name: 'tconv.2x2s2_c64_n32', type: 'transposed', c: 64, h: 32, w: 32, cout: 32, k: 2, stride: 2, pad: 0 },
  { name: 'tconv.2x2s2_c67_n33', type: 'transposed', c: 67, h: 32, w: 32, cout: 33, k: 2, stride: 2, pad: 0 },
  { name: 'tconv.4x4s2p1_c64_n32', type: 'transposed', c: 64, h: 16, w: 16, cout: 32, k: 4, stride: 2, pad: 1 },
  { name: 'tconv.4x4s2p1_c61_n35', type: 'transposed', c: 61, h: 16, w: 16, cout: 35, k: 4, stride: 2, pad: 1 },
  { name: 'tconv.3x3s2p1op1_c32_n16', type: 'transposed', c: 32, h: 28, w: 28, cout: 16, k: 3, stride: 2, pad: 1, outputPadding: 1 },
  { name: 'tconv.3x3s1p1_c32_n32', type: 'transposed', c: 32, h: 28, w: 28, cout: 32, k: 3, stride: 1, pad: 1 },
];

// ---------------------------------------------------------------------------------------------
// Direct kernel micro-benchmarks (bench/kernels/run.mjs): per entry of list.cjs's family deconv,
// the col2im or the tiles kernel alone, on a column buffer the gemm filled once. flop counts one
// per add of the scatter (input pixels x taps x output channels).

/** name, c, h, w, cout, k, stride, pad, outputPadding */
const DECONV_SHAPES = [
  ['2x2s2_c64_n32_32x32', 64, 32, 32, 32, 2, 2, 0, 0],
  ['2x2s2_c67_n33_32x32', 67, 32, 32, 33, 2, 2, 0, 0],
  ['4x4s2p1_c64_n32_16x16', 64, 16, 16, 32, 4, 2, 1, 0],
  ['3x3s2p1op1_c32_n16_28x28', 32, 28, 28, 16, 3, 2, 1, 1],
  ['3x3s1p1_c32_n32_28x28', 32, 28, 28, 32, 3, 1, 1, 0],
];

function deconv(entry) {
  const tiles = entry.export === 'run_deconv2d_tiles_nchw_f32';
  return DECONV_SHAPES.filter(([, , , , , k, s]) => !tiles || s === k).map(([shape, c, h, w, cout, k, s, p, op]) => {
    const oh = (h - 1) * s - 2 * p + k + op;
    const ow = (w - 1) * s - 2 * p + k + op;
    const taps = k * k;
    return {
      shape,
      flop: h * w * taps * cout,
      setup(mem) {
        const { ex } = mem;
        const pixels = h * w;
        const x = mem.put(mem.random(pixels * c));
        const packed = mem.alloc(ex.size_pack_gemm_f32(1, c, taps * cout, entry.nr));
        ex.pack_gemm_f32(1, 1, c, taps * cout, entry.nr, mem.put(mem.random(c * taps * cout)), 0, packed);
        const ind = mem.alloc(ex.size_conv_indirection_u32(pixels, 1, entry.mr));
        ex.build_rows_indirection_u32(ind, x, pixels, c * 4, entry.mr);
        const col = mem.alloc(pixels * taps * cout);
        ex.run_conv2d_nhwc_f32(ind, packed, col, mem.alloc(c), pixels, 1, c, taps * cout, 1, taps * cout, -Infinity, Infinity, 0);
        const bias = mem.put(mem.random(cout));
        const out = mem.alloc(oh * ow * cout);
        if (tiles) return () => ex.run_deconv2d_tiles_nchw_f32(col, bias, out, 1, h, w, oh, ow, cout, k, k, p, p, -Infinity, Infinity);
        return () => ex.run_deconv_col2im_ndhwc_f32(col, bias, out, 1, 1, h, w, 1, oh, ow, 1, cout, 1, k, k, 1, s, s, 1, 1, 1,
          0, p, p, -Infinity, Infinity);
      },
    };
  });
}

/** The direct micro-benchmarks of each family: family -> (entry) -> [{ shape, flop, setup(mem) -> run }]. */
export const kernelBenchmarks = { deconv };
