'use strict';
/**
 * The wasm kernels, one list per family, as XNNPACK's per-family kernel lists: the kernel tests
 * (tests/assembly/**: cases generated on each entry's tile boundaries, k_lt_4, n_gt_nr, c_eq_4 ...)
 * and the kernel micro-benchmarks (bench/kernels/*.bench.mjs, run by bench/kernels/run.mjs:
 * the export called directly on operands already in wasm memory) both walk these entries, so
 * two tiles of a family are tested and timed the same way.
 *
 * An entry: { family, name, export, flavor, ...tile }. `name` is what describe() prints for a
 * stage that runs it (src/backends/wasm/select.ts: dtype, kind, activation, tile, ISA, variant;
 * "minmax" stands for every clamp); `export` the ABI function (assembly/index.ts) the test and
 * the benchmark call; `flavor` the build it is compiled into. Tile fields per family:
 *
 * - igemm:  mr x nr register tile, kr channels per trip of the k loop; tailNr: width of the tile
 *           that runs a last panel of at most that many columns (2x8 on the 2x16 panel).
 * - conv:   run_conv2d_nhwc_f32 / run_conv2d_nchw_out_f32 over an igemm tile (alt: its tile
 *           argument, 0 the build's mr x nr, 1 the 4x8 / 4x4), input 'indirection' (one pointer
 *           per tap) or 'rows' (one per kernel row of a zero-padded copy), output NHWC or NCHW.
 * - groups4: groups of 4 output channels, 4 pixels per tile, NHWC (alt 2) or NCHW planes.
 * - gemm-nchw, im2col-nchw: blocks of `pixels` pixels of a plane (1: the scalar build's plain
 *           loop), kr channels per trip.
 * - dwconv: NHWC, cb channels per vector; `path` the kernel the export dispatches to
 *           (dwconvPath: the row kernels for kW = 5 and for kW = 3 from 16 output columns, the
 *           3x3 pixel kernel, the generic up4).
 * - dwconv-nchw: NCHW planes, `block` output columns per vector; `path` the whole-row 3x3
 *           kernels (stride 1 or 2, column dilation 1) or the per-tap loops (dwconvNchwPath).
 * - winograd: F(m x m, 3x3), m the output tile.
 * - deconv: the col2im after the one-tap gemm (NHWC), or the tiles kernel (stride = kernel,
 *           dilation 1, one group) writing NCHW planes.
 *
 * CommonJS, as bench/rng.cjs, so that jest and the benchmarks' ES modules both import it; types
 * in list.d.cts.
 */

const ISAS = ['relaxed', 'simd', 'scalar'];
const SIMD = ['relaxed', 'simd'];

/** The entries of every build of `isas`: entries(isa) gives one entry or several, without the flavor. */
const perIsa = (isas, entries) => isas.flatMap((isa) => [].concat(entries(isa)).map((e) => ({ flavor: isa, ...e })));

const IGEMM = [
  ...perIsa(SIMD, (isa) => ({ name: `f32_igemm_minmax_2x16__${isa}`, export: 'run_igemm_nhwc_f32', mr: 2, nr: 16, kr: isa === 'relaxed' ? 4 : 1, tailNr: 8 })),
  { flavor: 'scalar', name: 'f32_igemm_minmax_2x4__scalar', export: 'run_igemm_nhwc_f32', mr: 2, nr: 4, kr: 1, tailNr: 0 },
  ...perIsa(SIMD, (isa) => ({ name: `f32_igemm_minmax_4x8__${isa}`, export: 'run_igemm4x8_nhwc_f32', mr: 4, nr: 8, kr: 1, tailNr: 0 })),
  { flavor: 'scalar', name: 'f32_igemm_minmax_4x4__scalar', export: 'run_igemm4x8_nhwc_f32', mr: 4, nr: 4, kr: 1, tailNr: 0 },
];

const buildTile = (isa) => (isa === 'scalar' ? { mr: 2, nr: 4, tile: '2x4' } : { mr: 2, nr: 16, tile: '2x16' });
const altTile = (isa) => (isa === 'scalar' ? { mr: 4, nr: 4, tile: '4x4' } : { mr: 4, nr: 8, tile: '4x8' });

const CONV = perIsa(ISAS, (isa) => {
  const b = buildTile(isa);
  const a = altTile(isa);
  return [
    { name: `f32_igemm_minmax_${b.tile}__${isa}`, export: 'run_conv2d_nhwc_f32', alt: 0, mr: b.mr, nr: b.nr, input: 'indirection', output: 'NHWC' },
    { name: `f32_igemm_minmax_${a.tile}__${isa}`, export: 'run_conv2d_nhwc_f32', alt: 1, mr: a.mr, nr: a.nr, input: 'indirection', output: 'NHWC' },
    { name: `f32_igemm_minmax_${b.tile}__${isa}_rows`, export: 'run_conv2d_nhwc_f32', alt: 0, mr: b.mr, nr: b.nr, input: 'rows', output: 'NHWC' },
    { name: `f32_igemm_minmax_${a.tile}__${isa}_rows`, export: 'run_conv2d_nhwc_f32', alt: 1, mr: a.mr, nr: a.nr, input: 'rows', output: 'NHWC' },
    { name: `f32_igemm_minmax_${b.tile}__${isa}_nchw_out`, export: 'run_conv2d_nchw_out_f32', alt: 0, mr: b.mr, nr: b.nr, input: 'indirection', output: 'NCHW' },
  ];
});

const GROUPS4 = perIsa(ISAS, (isa) => [
  { name: `f32_igemm_minmax_4x4__${isa}_groups4`, export: 'run_conv2d_nhwc_f32', alt: 2, mr: 4, nr: 4, output: 'NHWC' },
  { name: `f32_igemm_minmax_4x4__${isa}_groups4_nchw_out`, export: 'run_conv2d_groups4_f32', alt: 2, mr: 4, nr: 4, output: 'NCHW' },
]);

const GEMM_NCHW = perIsa(ISAS, (isa) => ({
  name: `f32_gemm_minmax_nchw_16p__${isa}`, export: 'run_pointwise_nchw_f32', mr: 2, pixels: isa === 'scalar' ? 1 : 16, kr: isa === 'scalar' ? 1 : 8,
}));

const IM2COL_NCHW = perIsa(ISAS, (isa) => ({
  name: `f32_conv_im2col_minmax_nchw_16p__${isa}`, export: 'run_conv2d_im2col_nchw_f32', mr: 2, pixels: isa === 'scalar' ? 1 : 16, kr: isa === 'scalar' ? 1 : 8,
}));

const DWCONV = [
  ...perIsa(SIMD, (isa) => [
    { name: `f32_dwconv_minmax_up4__${isa}`, path: 'up4' },
    { name: `f32_dwconv_minmax_9p4c__${isa}`, path: '3x3' },
    { name: `f32_dwconv_minmax_9p4c__${isa}_rows`, path: 'rows3' },
    { name: `f32_dwconv_minmax_25p4c__${isa}_rows`, path: 'rows5' },
  ]),
  { flavor: 'scalar', name: 'f32_dwconv_minmax_up4__scalar', path: 'up4' },
].map((e) => ({ ...e, export: 'run_dwconv2d_nhwc_f32', cb: 4 }));

/** The kernel run_dwconv2d_nhwc_f32 dispatches to (assembly/conv/depthwise.ts dwRun). */
function dwconvPath(flavor, kH, kW, ow) {
  if (flavor === 'scalar') return 'up4';
  if (kW === 5) return 'rows5';
  if (kW === 3 && ow >= 16) return 'rows3';
  return kH === 3 && kW === 3 ? '3x3' : 'up4';
}

const DWCONV_NCHW = [
  ...perIsa(SIMD, (isa) => [
    { name: `f32_dwconv2d_chw_minmax_3x3s1__${isa}`, path: 'rows3x3s1' },
    { name: `f32_dwconv2d_chw_minmax_3x3s2__${isa}`, path: 'rows3x3s2' },
    { name: `f32_dwconv2d_chw_minmax__${isa}`, path: 'taps' },
  ]),
  { flavor: 'scalar', name: 'f32_dwconv2d_chw_minmax__scalar', path: 'taps' },
].map((e) => ({ ...e, export: 'run_dwconv2d_nchw_f32', block: 4 }));

/** The path run_dwconv2d_nchw_f32 takes (assembly/conv/depthwise-nchw.ts dwNchw: whole rows or per tap). */
function dwconvNchwPath(flavor, kH, kW, sW, dW) {
  if (flavor === 'scalar' || kH !== 3 || kW !== 3 || dW !== 1) return 'taps';
  return sW === 1 ? 'rows3x3s1' : sW === 2 ? 'rows3x3s2' : 'taps';
}

const WINOGRAD = perIsa(SIMD, (isa) => [2, 4].map((m) => ({
  name: `f32_conv3x3_winograd_f${m}x${m}_minmax__${isa}`, export: 'run_conv2d_winograd_f32', m, mr: 2, nr: 16,
  weights: m === 4 ? 'pack_winograd4x4_f32' : 'pack_winograd2x2_f32',
})));

const DECONV = perIsa(ISAS, (isa) => {
  const b = buildTile(isa);
  return [
    { name: `f32_deconv_gemm_col2im_minmax__${isa}`, export: 'run_deconv_col2im_ndhwc_f32', mr: b.mr, nr: b.nr, output: 'NHWC' },
    { name: `f32_deconv_gemm_tiles_minmax_nchw_out__${isa}`, export: 'run_deconv2d_tiles_nchw_f32', mr: b.mr, nr: b.nr, output: 'NCHW', cb: 4 },
  ];
});

const tag = (family, list) => Object.freeze(list.map((e) => Object.freeze({ family, ...e })));

/** Every kernel, by family. */
const KERNELS = Object.freeze({
  igemm: tag('igemm', IGEMM),
  conv: tag('conv', CONV),
  groups4: tag('groups4', GROUPS4),
  'gemm-nchw': tag('gemm-nchw', GEMM_NCHW),
  'im2col-nchw': tag('im2col-nchw', IM2COL_NCHW),
  dwconv: tag('dwconv', DWCONV),
  'dwconv-nchw': tag('dwconv-nchw', DWCONV_NCHW),
  winograd: tag('winograd', WINOGRAD),
  deconv: tag('deconv', DECONV),
});

/** The entries of a family, of the builds in `flavors` (all builds when omitted). */
function kernelsOf(family, flavors) {
  const list = KERNELS[family];
  if (!list) throw new Error(`kernels: unknown family '${family}' (expected ${Object.keys(KERNELS).join(', ')})`);
  return flavors ? list.filter((e) => flavors.includes(e.flavor)) : list;
}

exports.KERNELS = KERNELS;
exports.kernelsOf = kernelsOf;
exports.dwconvPath = dwconvPath;
exports.dwconvNchwPath = dwconvNchwPath;
