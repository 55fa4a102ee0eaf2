/**
 * The gemm kernels' micro-benchmarks, two kinds:
 * - `cases`: the suite's (npx simdconv bench) through prepared pointwise layers (a 1x1 conv is
 *   one matrix product: M = pixels, K = input channels, N = output channels), plus two standard
 *   3x3 shapes that go through the indirection-buffer igemm. Shapes sit on either side of the
 *   register tile's boundaries (XNNPACK's case names: k_lt_4, n_gt_8, m tails) so the tail cost
 *   shows.
 * - `kernelBenchmarks`: every igemm tile and the conv, groups4, NCHW and Winograd kernels of the
 *   kernel list (list.cjs), called directly (bench/kernels/run.mjs).
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

// ---------------------------------------------------------------------------------------------
// Direct kernel micro-benchmarks (bench/kernels/run.mjs): per entry of list.cjs's families igemm,
// conv, groups4, gemm-nchw, im2col-nchw and winograd, the export alone on operands already in
// wasm memory. flop counts 2 per multiply-add of the direct convolution (Winograd included, so its
// GFLOP/s compare with the igemm's on the same layer).

/** igemm tiles on M x K x N (ks taps): pointwise shapes of MobileNet and 3x3 layers, tails on k and n. */
const IGEMM_SHAPES = [
  // name, M, k, n, ks
  ['m784_k32_n64', 784, 32, 64, 1],
  ['m729_k32_n64', 729, 32, 64, 1],
  ['m784_k32_n67', 784, 32, 67, 1],
  ['m784_k32_n61', 784, 32, 61, 1],
  ['m784_k35_n64', 784, 35, 64, 1],
  ['m784_k3_n64', 784, 3, 64, 1],
  ['m784_k13_n13', 784, 13, 13, 1],
  ['m784_k64_n4', 784, 64, 4, 1],
  ['m196_k256_n256', 196, 256, 256, 1],
  ['m196_k255_n253', 196, 255, 253, 1],
  ['m784_k32_n32_ks9', 784, 32, 32, 9],
  ['m784_k29_n35_ks9', 784, 29, 35, 9],
  ['m784_k8_n8_ks9', 784, 8, 8, 9],
];

/**
 * A tile over every tile of mr rows of M x K x N, the indirection built once. Timed through the
 * tile loop of run_conv2d_nhwc_f32 with the entry's tile (alt 0: run_igemm_nhwc_f32, 1: run_igemm4x8_nhwc_f32):
 * a JS call per tile would cost as much as a 2-row tile's work and favour the taller tile.
 */
function igemm(entry) {
  const alt = entry.export === 'run_igemm4x8_nhwc_f32' ? 1 : 0;
  return IGEMM_SHAPES.map(([shape, M, k, n, ks]) => ({
    shape,
    flop: 2 * M * k * n * ks,
    setup(mem) {
      const { ex } = mem;
      const { mr, nr } = entry;
      const a = mem.put(mem.random(M * k));
      const tiles = Math.ceil(M / mr);
      // per tile, per tap, mr row pointers (distinct rows per tap; rows past M repeat the last)
      const ind = new Uint32Array(tiles * ks * mr);
      for (let t = 0; t < tiles; t++) {
        for (let tap = 0; tap < ks; tap++) {
          for (let i = 0; i < mr; i++) {
            const row = Math.min(t * mr + i, M - 1);
            ind[(t * ks + tap) * mr + i] = a + ((row + tap * 7) % M) * k * 4;
          }
        }
      }
      const indPtr = mem.put(ind);
      const packed = mem.alloc(ex.size_pack_gemm_f32(ks, k, n, nr));
      ex.pack_gemm_f32(1, ks, k, n, nr, mem.put(mem.random(ks * k * n)), mem.put(mem.random(n)), packed);
      const c = mem.alloc(M * n);
      const zero = mem.alloc(k);
      return () => ex.run_conv2d_nhwc_f32(indPtr, packed, c, zero, M, 1, k, n, ks, n, -Infinity, Infinity, alt);
    },
  }));
}

/** Conv layers (NHWC, batch 1): name, c, h, w, cout, k, stride, pad, groups. */
const CONV_SHAPES = [
  ['3x3_c32_n32_28x28', 32, 28, 28, 32, 3, 1, 1, 1],
  ['3x3_c29_n35_28x28', 29, 28, 28, 35, 3, 1, 1, 1],
  ['1x1_c32_n64_28x28', 32, 28, 28, 64, 1, 1, 0, 1],
  ['3x3s2_c3_n32_112x112', 3, 112, 112, 32, 3, 2, 1, 1],
  ['3x3_c64_n64_g8_28x28', 64, 28, 28, 64, 3, 1, 1, 8],
];

/** Grouped layers of 4 outputs per group: name, c, h, w, groups, k. */
const GROUPS4_SHAPES = [
  ['3x3_c32_g8_28x28', 32, 28, 28, 8, 3],
  ['3x3_c64_g16_14x14', 64, 14, 14, 16, 3],
];

const outSize = (i, k, s, p) => Math.floor((i + 2 * p - k) / s) + 1;

/** One conv layer through run_conv2d_nhwc_f32 / run_conv2d_nchw_out_f32 / run_conv2d_groups4_f32. */
function convLayer(entry, c, h, w, cout, k, s, p, groups) {
  const oh = outSize(h, k, s, p);
  const ow = outSize(w, k, s, p);
  const cinG = c / groups;
  const coutG = cout / groups;
  const taps = k * k;
  return {
    flop: 2 * oh * ow * cout * cinG * taps,
    setup(mem) {
      const { ex } = mem;
      const { mr, nr } = entry;
      const pixels = oh * ow;
      const x = mem.put(mem.random(h * w * c));
      const wts = mem.put(mem.random(taps * cinG * cout));
      const bias = mem.put(mem.random(cout));
      const packed = mem.alloc(groups * ex.size_pack_gemm_f32(taps, cinG, coutG, nr));
      if (entry.family === 'groups4') ex.pack_groups4_f32(groups, taps, cinG, wts, bias, packed);
      else ex.pack_gemm_f32(groups, taps, cinG, coutG, nr, wts, bias, packed);
      const zero = mem.alloc(c);
      const out = mem.alloc(pixels * cout);
      if (entry.input === 'rows') {
        const hp = (oh - 1) * s + k;
        const wp = (ow - 1) * s + k;
        const xpad = mem.alloc(hp * wp * c);
        ex.pad_input_nhwc_f32(x, xpad, 1, h, w, c, p, p, hp, wp);
        const ind = mem.alloc(ex.size_conv_indirection_u32(pixels, k, mr));
        ex.build_conv2d_rows_indirection_nhwc_u32(ind, xpad, 1, hp, wp, c, oh, ow, k, s, s, 1, mr);
        return () => ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, 1, k * c, cout, k, cout, -Infinity, Infinity, entry.alt);
      }
      const ind = mem.alloc(ex.size_conv_indirection_u32(pixels, taps, mr));
      ex.build_conv_indirection_ndhwc_u32(ind, x, zero, 1, 1, h, w, c, 1, oh, ow, 1, k, k, 1, s, s, 1, 1, 1, 0, p, p, 0, mr);
      if (entry.export === 'run_conv2d_groups4_f32') {
        return () => ex.run_conv2d_groups4_f32(ind, packed, out, zero, pixels, groups, cinG, taps, cout, -Infinity, Infinity, pixels);
      }
      if (entry.export === 'run_conv2d_nchw_out_f32') {
        return () => ex.run_conv2d_nchw_out_f32(ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, -Infinity, Infinity, pixels);
      }
      return () => ex.run_conv2d_nhwc_f32(ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, -Infinity, Infinity, entry.alt);
    },
  };
}

function conv(entry) {
  // the row-merged igemm takes one group
  const shapes = CONV_SHAPES.filter((sh) => entry.input !== 'rows' || (sh[8] === 1 && sh[5] > 1));
  return shapes.map(([shape, c, h, w, cout, k, s, p, groups]) => ({ shape, ...convLayer(entry, c, h, w, cout, k, s, p, groups) }));
}

function groups4(entry) {
  return GROUPS4_SHAPES.map(([shape, c, h, w, groups, k]) => ({ shape, ...convLayer(entry, c, h, w, groups * 4, k, 1, (k - 1) / 2, groups) }));
}

/** NCHW pointwise: name, cin, cout, pixels. */
const GEMM_NCHW_SHAPES = [
  ['c32_n64_p3136', 32, 64, 3136],
  ['c64_n64_p784', 64, 64, 784],
  ['c128_n128_p784', 128, 128, 784],
  ['c35_n61_p3136', 35, 61, 3136],
];

function gemmNchw() {
  return GEMM_NCHW_SHAPES.map(([shape, cin, cout, P]) => ({
    shape,
    flop: 2 * cin * cout * P,
    setup(mem) {
      const { ex } = mem;
      const x = mem.put(mem.random(cin * P));
      const w = mem.put(mem.random(cout * cin));
      const bias = mem.put(mem.random(cout));
      const y = mem.alloc(cout * P);
      return () => ex.run_pointwise_nchw_f32(x, w, bias, y, 1, cin, cout, P, -Infinity, Infinity);
    },
  }));
}

/** im2col NCHW (K = c*k*k up to 64): name, c, h, w, cout, k, stride, pad. */
const IM2COL_SHAPES = [
  ['3x3s2_c3_n32_224x224', 3, 224, 224, 32, 3, 2, 1],
  ['3x3_c3_n16_112x112', 3, 112, 112, 16, 3, 1, 1],
  ['5x5_c1_n8_112x112', 1, 112, 112, 8, 5, 1, 2],
];

function im2colNchw() {
  return IM2COL_SHAPES.map(([shape, c, h, w, cout, k, s, p]) => {
    const oh = outSize(h, k, s, p);
    const ow = outSize(w, k, s, p);
    return {
      shape,
      flop: 2 * oh * ow * cout * c * k * k,
      setup(mem) {
        const { ex } = mem;
        const x = mem.put(mem.random(c * h * w));
        const wts = mem.put(mem.random(cout * c * k * k));
        const bias = mem.put(mem.random(cout));
        const y = mem.alloc(cout * oh * ow);
        return () => ex.run_conv2d_im2col_nchw_f32(x, wts, bias, y, 1, c, h, w, cout, oh, ow, k, k, s, s, 1, 1, p, p, -Infinity, Infinity);
      },
    };
  });
}

/** Winograd 3x3 stride 1 pad 1: name, c, cout, h, w. */
const WINOGRAD_SHAPES = [
  ['3x3_c32_n32_56x56', 32, 32, 56, 56],
  ['3x3_c64_n64_28x28', 64, 64, 28, 28],
  ['3x3_c128_n128_14x14', 128, 128, 14, 14],
];

function winograd(entry) {
  return WINOGRAD_SHAPES.map(([shape, c, cout, h, w]) => ({
    shape,
    flop: 2 * h * w * cout * c * 9,
    setup(mem) {
      const { ex } = mem;
      const { m } = entry;
      const nr = ex.GEMM_NR.value;
      const mr = ex.GEMM_MR.value;
      const E = (m + 2) ** 2;
      const uFloats = ex.size_pack_gemm_f32(1, c, cout, nr);
      const u = mem.alloc(E * c * cout);
      ex[entry.weights](mem.put(mem.random(9 * c * cout)), c, cout, u);
      const packed = mem.alloc(E * uFloats);
      for (let e = 0; e < E; e++) ex.pack_gemm_f32(1, 1, c, cout, nr, u + e * c * cout * 4, 0, packed + e * uFloats * 4);
      const tiles = Math.ceil(h / m) * Math.ceil(w / m);
      let T = Math.min(64, tiles);
      T += T & 1;
      const v = mem.alloc(E * T * c);
      const mm = mem.alloc(E * T * cout);
      const ind = mem.alloc(E * T);
      ex.build_rows_indirection_u32(ind, v, E * T, c * 4, mr);
      const zero = mem.alloc(c);
      const tab = mem.alloc(h + w);
      const x = mem.put(mem.random(h * w * c));
      const bias = mem.put(mem.random(cout));
      const y = mem.alloc(h * w * cout);
      return () => ex.run_conv2d_winograd_f32(x, packed, bias, y, ind, v, mm, zero, tab, 1, h, w, c, cout, h, w, 1, 1, 1, T,
        -Infinity, Infinity, 0, m);
    },
  }));
}

/** The direct micro-benchmarks of each family: family -> (entry) -> [{ shape, flop, setup(mem) -> run }]. */
export const kernelBenchmarks = {
  igemm,
  conv,
  groups4,
  'gemm-nchw': gemmNchw,
  'im2col-nchw': im2colNchw,
  winograd,
};
