/**
 * The wasm ABI of simdconv: every export, no logic. One source builds five modules:
 * build/scalar.wasm, build/simd.wasm (--enable simd) and build/relaxed.wasm (--enable simd
 * --enable relaxed-simd), and the threaded builds build/simd-threads.wasm and
 * build/relaxed-threads.wasm (the same plus --enable threads, importing a shared memory that
 * every instance of a pool runs on; see thread.ts). All memory is owned by the host
 * (src/backends/wasm/heap.ts): kernels allocate nothing and take byte addresses (usize) into
 * linear memory from `heap_base()` up.
 * Counts are in elements, anything named *Bytes/*Stride/*Offset in bytes.
 *
 * The *_floats / *_length helpers compute in i32 and are for tests and small shapes: the host
 * computes buffer sizes itself in float64 (src/backends/wasm/kernels.ts), so that a size of 2^32
 * or more is refused by its allocator instead of wrapping around.
 */
import { ABI, MR, NR, DW_CB, EXTRA_BYTES, NCHW_PANEL } from './params';
import { SCRATCH_BYTES } from './thread';

/** ABI version; the loader refuses a module whose version differs from its own. */
export const ABI_VERSION: i32 = ABI;
/** 1 when built with SIMD128. */
export const HAS_SIMD: i32 = ASC_FEATURE_SIMD ? 1 : 0;
/** 1 when built with relaxed SIMD (f32x4.relaxed_madd in the gemm and depthwise kernels). */
export const HAS_RELAXED: i32 = ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
/** 1 when built with threads (imported shared memory; set_thread_scratch before any kernel). */
export const HAS_THREADS: i32 = ASC_FEATURE_THREADS ? 1 : 0;
/** Bytes of the scratch block each instance of a threaded build needs (0 in the others). */
export const THREAD_SCRATCH_BYTES: i32 = <i32>SCRATCH_BYTES;
/** Rows (output pixels) of the gemm register tile. */
export const GEMM_MR: i32 = MR;
/** Columns (output channels) of the gemm register tile, i.e. the packed panel width. */
export const GEMM_NR: i32 = NR;
/** Channels per packed depthwise block. */
export const DW_BLOCK: i32 = DW_CB;
/** Bytes the kernels may read past the end of a buffer. */
export const OVERREAD_BYTES: i32 = EXTRA_BYTES;
/** Most input channels run_pointwise_nchw_f32 runs with its SIMD kernel (its panel's size). */
export const NCHW_PANEL_CHANNELS: i32 = NCHW_PANEL;

/** First free byte of linear memory (after the module's static data). */
export function heap_base(): usize {
  return __heap_base;
}

export { setThreadScratch as set_thread_scratch } from './thread';
export {
  packedGemmFloats as size_pack_gemm_f32,
  packGemm as pack_gemm_f32,
} from './gemm/pack';
export { igemm as run_igemm_nhwc_f32, igemm4x8 as run_igemm4x8_nhwc_f32 } from './gemm/igemm';
export {
  convGroups4 as run_conv2d_groups4_f32, convGroups4At as run_conv2d_groups4_at_f32, packGroups4 as pack_groups4_f32,
} from './conv/grouped';
export {
  pointwiseNchw as run_pointwise_nchw_f32, pointwiseNchwAt as run_pointwise_nchw_at_f32,
  convNchw as run_conv2d_im2col_nchw_f32, convNchwRows as run_conv2d_im2col_nchw_rows_f32,
} from './gemm/gemm-nchw';
export {
  convIndirectionLength as size_conv_indirection_u32,
  convIndirection as build_conv_indirection_ndhwc_u32,
  rowsIndirection as build_rows_indirection_u32,
  convRun as run_conv2d_nhwc_f32,
  padInput as pad_input_nhwc_f32,
  convRowsIndirection as build_conv2d_rows_indirection_nhwc_u32,
  convRunNchw as run_conv2d_nchw_out_f32,
  convRunNchwAt as run_conv2d_nchw_out_at_f32,
} from './conv/standard';
export {
  winogradWeights as pack_winograd2x2_f32,
  winogradRun as run_conv2d_winograd_f32,
  winogradRunBlocks as run_conv2d_winograd_blocks_f32,
  winogradScratchBytes as size_winograd_scratch_u8,
} from './conv/winograd';
export { winogradWeights43 as pack_winograd4x4_f32 } from './conv/winograd-f4x4';
export { allFinite as check_finite_f32 } from './finite';
export {
  dwPackedFloats as size_pack_dwconv2d_f32,
  dwPack as pack_dwconv2d_f32,
  dwExpand as expand_dwconv2d_nhwc_f32,
  dwRun as run_dwconv2d_nhwc_f32,
} from './conv/depthwise';
export {
  dwPlanesPackedFloats as size_pack_dwconv2d_planes_f32,
  dwPlanesPack as pack_dwconv2d_planes_f32,
  dwNchw as run_dwconv2d_nchw_f32,
} from './conv/depthwise-nchw';
export {
  deconvCol2im as run_deconv_col2im_ndhwc_f32,
  deconvCol2imRows as run_deconv_col2im_rows_ndhwc_f32,
  deconvTilesNchw as run_deconv2d_tiles_nchw_f32,
  deconvTilesNchwRows as run_deconv2d_tiles_nchw_rows_f32,
  clampBuffer as run_clamp_f32,
} from './conv/transposed';
export { activate as run_activation_f32 } from './activation';
export { dw1dNcw as run_dwconv1d_ncw_f32 } from './conv/dwconv-1d';
export {
  nchwToNhwc as transpose_nchw_nhwc_f32,
  nhwcToNchw as transpose_nhwc_nchw_f32,
  nchwToNhwcAt as transpose_nchw_nhwc_at_f32,
  nhwcToNchwAt as transpose_nhwc_nchw_at_f32,
} from './layout';
