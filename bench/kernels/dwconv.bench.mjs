/**
 * The depthwise kernels' micro-benchmarks, two kinds:
 * - `cases`: the suite's (npx simdconv bench) through prepared depthwise layers (dwconv, 9 and 25
 *   taps; 3x3 stride 1 and 2 fast paths) on MobileNet-like shapes, with channel counts on either
 *   side of the 4-lane SIMD width (c_lt_4, c_div_4, c_gt_4 ...) and a channel multiplier.
 * - `kernelBenchmarks`: every NHWC and NCHW depthwise kernel of the kernel list (list.cjs),
 *   called directly (bench/kernels/run.mjs).
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

// ---------------------------------------------------------------------------------------------
// Direct kernel micro-benchmarks (bench/kernels/run.mjs): per entry of list.cjs's families
// dwconv and dwconv-nchw, run_dwconv2d_nhwc_f32 / run_dwconv2d_nchw_f32 alone on operands already
// in wasm memory, on the shapes that reach the entry's path (list.cjs dwconvPath, dwconvNchwPath).

/** name, c, h, w, k, stride, pad, multiplier */
const DW_SHAPES = [
  ['3x3s1_c32_56x56', 32, 56, 56, 3, 1, 1, 1],
  ['3x3s1_c35_56x56', 35, 56, 56, 3, 1, 1, 1],
  ['3x3s1_c3_56x56', 3, 56, 56, 3, 1, 1, 1],
  ['3x3s2_c32_112x112', 32, 112, 112, 3, 2, 1, 1],
  ['3x3s1_c512_14x14', 512, 14, 14, 3, 1, 1, 1],
  ['3x3s1_c96_7x7', 96, 7, 7, 3, 1, 1, 1],
  ['5x5s1_c32_56x56', 32, 56, 56, 5, 1, 2, 1],
  ['5x5s2_c37_56x56', 37, 56, 56, 5, 2, 2, 1],
  ['7x7s1_c32_28x28', 32, 28, 28, 7, 1, 3, 1],
  ['3x3s1_c16_m2_56x56', 16, 56, 56, 3, 1, 1, 2],
];

const outSize = (i, k, s, p) => Math.floor((i + 2 * p - k) / s) + 1;

function dw(entry, list) {
  const nchw = entry.family === 'dwconv-nchw';
  return DW_SHAPES.filter(([, , , w, k, s, p]) => (nchw
    ? list.dwconvNchwPath(entry.flavor, k, k, s, 1)
    : list.dwconvPath(entry.flavor, k, k, outSize(w, k, s, p))) === entry.path)
    .map(([shape, c, h, w, k, s, p, m]) => {
      const oh = outSize(h, k, s, p);
      const ow = outSize(w, k, s, p);
      const cout = c * m;
      const taps = k * k;
      return {
        shape,
        flop: 2 * oh * ow * cout * taps,
        setup(mem) {
          const { ex } = mem;
          const wts = mem.put(mem.random(taps * cout));
          const bias = mem.put(mem.random(cout));
          const out = mem.alloc(oh * ow * cout);
          if (nchw) {
            const packed = mem.alloc(ex.size_pack_dwconv2d_planes_f32(cout, taps));
            ex.pack_dwconv2d_planes_f32(cout, taps, wts, bias, packed);
            const x = mem.put(mem.random(c * h * w));
            const zeroRow = mem.alloc(w + 60);
            return () => ex.run_dwconv2d_nchw_f32(x, packed, out, zeroRow, 1, c, h, w, cout, oh, ow, k, k, s, s, 1, 1, p, p,
              -Infinity, Infinity);
          }
          const packed = mem.alloc(ex.size_pack_dwconv2d_f32(cout, taps));
          ex.pack_dwconv2d_f32(cout, taps, wts, bias, packed);
          // a multiplier runs on the input expanded once (the timed call is the kernel's)
          let x = mem.put(mem.random(h * w * c));
          if (m > 1) {
            const e = mem.alloc(h * w * cout);
            ex.expand_dwconv2d_nhwc_f32(x, e, h * w, c, m);
            x = e;
          }
          const zero = mem.alloc(cout);
          return () => ex.run_dwconv2d_nhwc_f32(x, packed, out, zero, 1, h, w, cout, oh, ow, k, k, s, s, 1, 1, p, p,
            -Infinity, Infinity);
        },
      };
    });
}

/** The direct micro-benchmarks of each family: family -> (entry, list) -> [{ shape, flop, setup(mem) -> run }]. */
export const kernelBenchmarks = { dwconv: dw, 'dwconv-nchw': dw };
