/** Types of list.cjs: the wasm kernels by family (fields described there). */

export type Flavor = 'relaxed' | 'simd' | 'scalar';

interface Base<F extends string> {
  readonly family: F;
  /** describe()'s name of what runs (src/backends/wasm/select.ts) */
  readonly name: string;
  /** the ABI function called (assembly/index.ts) */
  readonly export: string;
  /** the build it is compiled into */
  readonly flavor: Flavor;
}

export interface IgemmKernel extends Base<'igemm'> {
  readonly export: 'run_igemm_nhwc_f32' | 'run_igemm4x8_nhwc_f32';
  readonly mr: number;
  readonly nr: number;
  /** channels per trip of the k loop */
  readonly kr: number;
  /** a last panel of at most this many columns runs a tile this wide (0: none) */
  readonly tailNr: number;
}

export interface ConvKernel extends Base<'conv'> {
  readonly export: 'run_conv2d_nhwc_f32' | 'run_conv2d_nchw_out_f32';
  /** run_conv2d_nhwc_f32's tile argument: 0 the build's tile, 1 the 4x8 (4x4 scalar) */
  readonly alt: 0 | 1;
  readonly mr: number;
  readonly nr: number;
  /** one pointer per tap, or one per kernel row of a zero-padded copy (row-merged) */
  readonly input: 'indirection' | 'rows';
  readonly output: 'NHWC' | 'NCHW';
}

export interface Groups4Kernel extends Base<'groups4'> {
  readonly export: 'run_conv2d_nhwc_f32' | 'run_conv2d_groups4_f32';
  readonly alt: 2;
  readonly mr: 4;
  readonly nr: 4;
  readonly output: 'NHWC' | 'NCHW';
}

export interface GemmNchwKernel extends Base<'gemm-nchw'> {
  readonly export: 'run_pointwise_nchw_f32';
  /** output channels per micro-kernel call */
  readonly mr: number;
  /** pixels per block (1: the plain loop) */
  readonly pixels: number;
  /** channels per trip of the k loop */
  readonly kr: number;
}

export interface Im2colNchwKernel extends Base<'im2col-nchw'> {
  readonly export: 'run_conv2d_im2col_nchw_f32';
  readonly mr: number;
  readonly pixels: number;
  readonly kr: number;
}

export type DwconvPath = 'up4' | '3x3' | 'rows3' | 'rows5';
export type DwconvNchwPath = 'rows3x3s1' | 'rows3x3s2' | 'taps';

export interface DwconvKernel extends Base<'dwconv'> {
  readonly export: 'run_dwconv2d_nhwc_f32';
  readonly path: DwconvPath;
  /** channels per vector */
  readonly cb: number;
}

export interface DwconvNchwKernel extends Base<'dwconv-nchw'> {
  readonly export: 'run_dwconv2d_nchw_f32';
  readonly path: DwconvNchwPath;
  /** output columns per vector */
  readonly block: number;
}

export interface WinogradKernel extends Base<'winograd'> {
  readonly export: 'run_conv2d_winograd_f32';
  /** output tile m of F(m x m, 3x3) */
  readonly m: 2 | 4;
  readonly mr: number;
  readonly nr: number;
  readonly weights: 'pack_winograd2x2_f32' | 'pack_winograd4x4_f32';
}

export interface DeconvKernel extends Base<'deconv'> {
  readonly export: 'run_deconv_col2im_ndhwc_f32' | 'run_deconv2d_tiles_nchw_f32';
  /** the igemm tile of the gemm into the column buffer */
  readonly mr: number;
  readonly nr: number;
  readonly output: 'NHWC' | 'NCHW';
  /** channels per vector of the tiles kernel */
  readonly cb?: number;
}

export interface Kernels {
  readonly igemm: readonly IgemmKernel[];
  readonly conv: readonly ConvKernel[];
  readonly groups4: readonly Groups4Kernel[];
  readonly 'gemm-nchw': readonly GemmNchwKernel[];
  readonly 'im2col-nchw': readonly Im2colNchwKernel[];
  readonly dwconv: readonly DwconvKernel[];
  readonly 'dwconv-nchw': readonly DwconvNchwKernel[];
  readonly winograd: readonly WinogradKernel[];
  readonly deconv: readonly DeconvKernel[];
}

export type Family = keyof Kernels;
export type KernelEntry = Kernels[Family][number];

/** Every kernel, by family. */
export declare const KERNELS: Kernels;

/** The entries of a family, of the builds in `flavors` (all builds when omitted). */
export declare function kernelsOf<F extends Family>(family: F, flavors?: readonly Flavor[]): Kernels[F];

/** The kernel run_dwconv2d_nhwc_f32 dispatches to (assembly/conv/depthwise.ts dwRun). */
export declare function dwconvPath(flavor: Flavor, kH: number, kW: number, ow: number): DwconvPath;

/** The path run_dwconv2d_nchw_f32 takes (assembly/conv/depthwise-nchw.ts dwNchw). */
export declare function dwconvNchwPath(flavor: Flavor, kH: number, kW: number, sW: number, dW: number): DwconvNchwPath;
