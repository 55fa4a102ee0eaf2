/**
 * The wasm backend's one selection table: which kernel runs a stage, and how its data enter and
 * leave it. Nothing else in the backend decides. Two steps, as XNNPACK's create and reshape:
 *
 * - selectPacking(spec, features), when a layer is created: the stage's kernel family and the
 *   forms its weights are packed in (igemm tile, Winograd tile, the NCHW gemms' weights).
 * - selectRun(packings, geometries, layout, apart), when a layer meets an input size: one
 *   StageChoice per stage (kernel, input and output layout) and the run's path (NHWC, NCHW staged
 *   through transposes, NCHW planes end to end, bands of pixels or of channels).
 *
 * Both return frozen plain data: the kernels execute a StageChoice, the runner a RunChoice,
 * describe() prints them and the tests walk every entry on both sides of each threshold.
 * The figures behind each threshold are in docs/performance.md#kernel-selection.
 */
import type { Layout } from '../../ops/options.js';
import { Geometry, paddedGeometry, StageSpec } from '../../ops/plan.js';
import { needsPaddedCopy } from '../pad.js';

/** What a build offers, read once from its exports. */
export interface WasmFeatures {
  readonly simd: boolean;
  readonly relaxed: boolean;
  /** The build's igemm tile (2x16 on SIMD builds, 2x4 scalar). */
  readonly gemmMr: number;
  readonly gemmNr: number;
  /** The most input channels (or c*kH*kW) the NCHW gemms' panel holds. */
  readonly nchwPanelChannels: number;
}

// Thresholds: each one line of why; the measurements are in docs/performance.md#kernel-selection.
/** 3x3 stride-1 layers with cin + cout at least this run F(2x2,3x3) Winograd (fewer channels lose to the igemm). */
export const WINOGRAD_MIN_CHANNELS = 64;
/** F(4x4,3x3) up to this dilation: with larger ones the 4-row tiles waste more of each short phase. */
export const WINOGRAD43_MAX_DILATION = 3;
/** F(4x4,3x3) up to this many input channels: its larger transform constants cost accuracy. */
export const WINOGRAD43_MAX_CIN = 256;
/** Both Winograd tiles need at least this many input and output channels (8 input channels lose). */
export const WINOGRAD_MIN_CIN = 16;
/** NCHW pointwise weights up to this size: it reads all weights once per 16 pixels. */
export const NCHW_POINTWISE_MAX_WEIGHT_BYTES = 512 * 1024;
/** ... on planes of at least this many pixels (small planes with large weights lose). */
export const NCHW_POINTWISE_MIN_PLANE = 512;
/** The im2col NCHW gemm up to this many weights per output channel (more costs more packing than it saves). */
export const IM2COL_MAX_K = 64;
/** Row-merged igemm for at most this many input channels (kW taps of c channels become one of kW*c). */
export const ROWS_MAX_CIN = 16;
/** Groups of at most this many output channels run the 4x8 tile instead of the 2x16 one. */
export const SMALL_GROUP_MAX_COUT = 8;
/** The NCHW depthwise kernel from this many output columns at stride 1 (it has a fixed cost per row). */
export const DW_NCHW_MIN_OW_S1 = 48;
/** ... and from this many at stride 2. */
export const DW_NCHW_MIN_OW_S2 = 24;
/** Bands of a lone NCHW stage hold at most this many bytes of input and output planes (an L2's share). */
export const BAND_BYTES = 512 * 1024;
/** Pixel bands narrower than this cost more in copy calls than the cache saves. */
export const MIN_PIXEL_BAND = 1024;

/**
 * Stages of fewer multiply-adds than this stay on the caller's thread: below it, waking the
 * workers and waiting for the last task costs more than the share of work they take (a run costs
 * 1 to 10 us with the workers polling and some 25 us with them asleep, tools/pool-dispatch.mjs;
 * 2^20 multiply-adds take some 50 us on one core).
 */
export const SPLIT_MIN_MACS = 1 << 20;
/** The threshold in force (tests and benches lower it to split small shapes). */
export const splitTuning = { minMacs: SPLIT_MIN_MACS };

/** The igemm tile a conv stage packs for: the build's, 4x8 (small groups), or groups of 4 outputs. */
export type ConvTile = 'build' | '4x8' | 'groups4';

/** A stage's packed forms, fixed at creation. */
export type Packing =
  | {
    readonly family: 'conv';
    readonly tile: ConvTile;
    /** Rows per tile and panel width of the igemm packing. */
    readonly mr: number;
    readonly nr: number;
    /** Winograd F(m x m, 3x3) output tile m, or 0: then the igemm packing exists from the start. */
    readonly winograd: 0 | 2 | 4;
    /** The row-merged igemm applies (the geometry still decides, see selectConv). */
    readonly rows: boolean;
    /** The NCHW 1x1 kernel's OIHW weights exist (a 1x1 ungrouped layer whose weights fit). */
    readonly pointwiseNchw: boolean;
    /** The im2col NCHW kernel's OIHW weights exist (a small kernel on few channels). */
    readonly im2colNchw: boolean;
    readonly isa: string;
    readonly epilogue: string;
  }
  | { readonly family: 'dw'; readonly simd: boolean; readonly isa: string; readonly epilogue: string }
  | { readonly family: 'deconv'; readonly mr: number; readonly nr: number; readonly isa: string; readonly epilogue: string };

/** The kernels a stage can run. */
export const KERNEL_IDS = [
  'igemm', 'igemm-rows', 'winograd', 'pointwise-nchw', 'im2col-nchw',
  'dwconv', 'dwconv-nchw', 'dwconv1d-ncw',
  'deconv-col2im', 'deconv-tiles',
] as const;
export type KernelId = typeof KERNEL_IDS[number];

/** How one stage runs for one geometry. */
export interface StageChoice {
  readonly kernel: KernelId;
  /** Layout of the stage's input and output inside wasm memory. */
  readonly input: Layout;
  readonly output: Layout;
  /**
   * A paddingMode other than 'zeros' that the kernel cannot read through its indirection
   * buffer: the runner pads a copy (backends/pad.ts) and runs the kernel on this geometry.
   */
  readonly padded?: Geometry;
  /** Threads the stage's kernel splits its work over (split.ts): 1 keeps it on the caller's thread. */
  readonly threads: number;
  /** XNNPACK-style name of what runs, for describe(). */
  readonly name: string;
}

/**
 * The path of a run: 'nhwc' (NHWC data, no transposes), 'nchw-staged' (an NCHW input transposed
 * in; the last stage writes NCHW itself or is transposed out), 'nchw-planes' (every stage reads
 * and writes NCHW planes), 'nchw-pixel-bands' / 'nchw-channel-bands' (a lone planes stage copied
 * in and out in bands of `band` pixels or channels, so that it works in L2).
 */
export const RUN_PATHS = ['nhwc', 'nchw-staged', 'nchw-planes', 'nchw-pixel-bands', 'nchw-channel-bands'] as const;
export type RunPath = typeof RUN_PATHS[number];

export interface RunChoice {
  readonly path: RunPath;
  readonly stages: readonly StageChoice[];
  /** Pixels or channels per band (band paths), else 0. */
  readonly band: number;
}

function isaOf(f: WasmFeatures): string {
  return f.relaxed ? 'relaxed' : f.simd ? 'simd' : 'scalar';
}

/** The packed forms of a stage (a 'dw' spec: depthwise, possibly written as a grouped conv). */
export function selectPacking(spec: StageSpec, f: WasmFeatures): Packing {
  const isa = isaOf(f);
  // the activation that runs after the kernel's clamp, for describe()
  const epilogue = spec.act.kind === 'none' ? '' : ` + ${spec.act.name}`;
  if (spec.kind === 'dw') return Object.freeze({ family: 'dw', simd: f.simd, isa, epilogue });
  if (spec.kind === 'deconv') return Object.freeze({ family: 'deconv', mr: f.gemmMr, nr: f.gemmNr, isa, epilogue });
  const { groups, cin, cout, kD, kH, kW } = spec;
  const coutG = cout / groups;
  const taps = kD * kH * kW;
  // the 2-D-only kernels: Winograd, the row-merged igemm, the im2col NCHW gemm
  const flat = spec.rank < 3;
  const tile: ConvTile = f.simd && groups > 1 && coutG === 4 ? 'groups4'
    : f.simd && coutG <= SMALL_GROUP_MAX_COUT ? '4x8' : 'build';
  const mr = tile === 'build' ? f.gemmMr : 4;
  const nr = tile === 'groups4' ? 4 : tile === '4x8' ? (f.simd ? 8 : 4) : f.gemmNr;
  const winogradShape = flat && f.simd && groups === 1 && kH === 3 && kW === 3 && spec.strideH === 1 && spec.strideW === 1 &&
    spec.dilationH === spec.dilationW && cin % 4 === 0 && cout % 4 === 0 &&
    cin >= WINOGRAD_MIN_CIN && cout >= WINOGRAD_MIN_CIN;
  const tile4 = spec.dilationH <= WINOGRAD43_MAX_DILATION && cin <= WINOGRAD43_MAX_CIN;
  const winograd = !winogradShape ? 0 : tile4 ? 4 : cin + cout >= WINOGRAD_MIN_CHANNELS ? 2 : 0;
  const K = cin * taps;
  return Object.freeze({
    family: 'conv', tile, mr, nr, winograd, isa, epilogue,
    rows: flat && groups === 1 && cin <= ROWS_MAX_CIN && kW > 1 && spec.dilationW === 1,
    pointwiseNchw: f.simd && taps === 1 && groups === 1 && cin * cout * 4 <= NCHW_POINTWISE_MAX_WEIGHT_BYTES &&
      cin <= f.nchwPanelChannels,
    im2colNchw: flat && f.simd && groups === 1 && taps > 1 && K <= Math.min(IM2COL_MAX_K, f.nchwPanelChannels),
  });
}

/** The padded input the row-merged igemm copies: rows and columns the taps reach. */
export function rowsPadded(g: Geometry): { hp: number; wp: number } {
  return { hp: (g.oh - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1, wp: (g.ow - 1) * g.strideW + g.kW };
}

const unpaddedStride1 = (g: Geometry): boolean => g.strideD === 1 && g.strideH === 1 && g.strideW === 1 &&
  g.padFront === 0 && g.padBack === 0 && g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0;

/** Whether the NCHW 1x1 kernel runs this geometry (it maps each input pixel to the same output pixel). */
function pointwiseNchwFits(p: Packing, g: Geometry): boolean {
  return p.family === 'conv' && p.pointwiseNchw && unpaddedStride1(g) && g.d * g.h * g.w >= NCHW_POINTWISE_MIN_PLANE;
}

function dwNchwFits(g: Geometry): boolean {
  return g.kH === 3 && g.kW === 3 && g.dilationW === 1 &&
    ((g.strideW === 1 && g.ow >= DW_NCHW_MIN_OW_S1) || (g.strideW === 2 && g.ow >= DW_NCHW_MIN_OW_S2));
}

/** A 1-D depthwise layer at stride 1: the NCW row kernel (dwconv-1d.ts). */
const dw1dFits = (p: Packing, g: Geometry): boolean =>
  p.family === 'dw' && p.simd && g.d === 1 && g.h === 1 && g.kH === 1 && g.oh === 1 && g.strideW === 1;

/** The kernel that reads and writes NCHW planes for this geometry, if any. */
function planesKernel(p: Packing, g: Geometry): KernelId | undefined {
  if (needsPaddedCopy(g)) return undefined;
  if (dw1dFits(p, g)) return 'dwconv1d-ncw';
  if (p.family === 'dw') return dwNchwFits(g) ? 'dwconv-nchw' : undefined;
  if (p.family !== 'conv') return undefined;
  if (pointwiseNchwFits(p, g)) return 'pointwise-nchw';
  return p.im2colNchw ? 'im2col-nchw' : undefined;
}

/** Whether the stage's NHWC kernel can write NCHW planes itself for this geometry. */
function writesNchw(p: Packing, g: Geometry): boolean {
  if (p.family === 'conv') return p.tile !== '4x8';
  if (p.family === 'deconv') {
    return g.d === 1 && g.kD === 1 && g.groups === 1 && g.strideH === g.kH && g.strideW === g.kW &&
      g.dilationH === 1 && g.dilationW === 1;
  }
  return false;
}

/** The NHWC-input kernel of a stage for a geometry. */
function nhwcKernel(p: Packing, g: Geometry): KernelId {
  if (p.family === 'dw') return 'dwconv';
  if (p.family === 'deconv') return 'deconv-col2im';
  if (p.winograd !== 0) return 'winograd';
  if (p.rows) {
    // the padded copy must not be much more than the input (huge strides or paddings)
    const { hp, wp } = rowsPadded(g);
    if (hp * wp <= 4 * g.h * g.w + 65536) return 'igemm-rows';
  }
  return 'igemm';
}

function nameOf(p: Packing, kernel: KernelId, g: Geometry, output: Layout): string {
  const act = g.max === 6 ? 'relu6' : g.min === 0 ? 'relu' : 'minmax';
  const out = output === 'NCHW' ? '_nchw_out' : '';
  switch (kernel) {
    case 'igemm':
    case 'igemm-rows': {
      if (p.family !== 'conv') break;
      const tile = p.tile === 'groups4' ? '4x4' : `${p.mr}x${p.nr}`;
      const variant = p.tile === 'groups4' ? '_groups4' : kernel === 'igemm-rows' ? '_rows' : '';
      return `f32_igemm_${act}_${tile}__${p.isa}${variant}${out}`;
    }
    case 'winograd': {
      const m = p.family === 'conv' ? p.winograd : 2;
      return `f32_conv3x3_winograd_f${m}x${m}_${act}__${p.isa}${out} (igemm for non-finite inputs)`;
    }
    case 'pointwise-nchw':
      return `f32_gemm_${act}_nchw_16p__${p.isa}`;
    case 'im2col-nchw':
      return `f32_conv_im2col_${act}_nchw_16p__${p.isa}`;
    case 'dwconv':
      return `f32_dwconv_${act}_${g.kH * g.kW}p4c__${p.isa}${g.coutG > 1 ? `_m${g.coutG}_expanded` : ''}`;
    case 'dwconv-nchw':
      return `f32_dwconv2d_chw_${act}_3x3s${g.strideW}__${p.isa}`;
    case 'dwconv1d-ncw':
      return `f32_dwconv1d_ncw_${act}_${g.kW}p16x__${p.isa}`;
    case 'deconv-col2im':
      return `f32_deconv_gemm_col2im_${act}__${p.isa}`;
    case 'deconv-tiles':
      return `f32_deconv_gemm_tiles_${act}_nchw_out__${p.isa}`;
  }
  return kernel;
}

function choice(p: Packing, kernel: KernelId, g: Geometry, input: Layout, output: Layout): StageChoice {
  return Object.freeze({ kernel, input, output, threads: 1, name: nameOf(p, kernel, g, output) + p.epilogue });
}

/** The kernels split.ts splits across the pool. */
const SPLIT_KERNELS: ReadonlySet<KernelId> = new Set<KernelId>([
  'igemm', 'igemm-rows', 'winograd', 'deconv-col2im', 'deconv-tiles', 'pointwise-nchw', 'im2col-nchw', 'dwconv', 'dwconv-nchw',
  'dwconv1d-ncw',
]);

/** Multiply-adds of a stage on geometry g. */
export function stageMacs(g: Geometry): number {
  return g.n * g.od * g.oh * g.ow * g.cout * g.cinG * g.kD * g.kH * g.kW;
}

/** Threads a stage splits over: the pool's, for a split kernel with enough work, else 1. */
function stageThreads(s: StageChoice, g: Geometry, threads: number): number {
  if (threads <= 1 || !SPLIT_KERNELS.has(s.kernel)) return 1;
  const q = s.padded ?? g;
  // a transposed convolution's gemm runs over input pixels
  const macs = s.kernel.startsWith('deconv') ? q.n * q.d * q.h * q.w * q.cout * q.cinG * q.kD * q.kH * q.kW : stageMacs(q);
  return macs >= splitTuning.minMacs ? threads : 1;
}

function withThreads(s: StageChoice, g: Geometry, threads: number): StageChoice {
  const t = stageThreads(s, g, threads);
  return t === 1 ? s : Object.freeze({ ...s, threads: t, name: `${s.name} on ${t} threads` });
}

/**
 * The NHWC choice of a stage: with a paddingMode other than 'zeros', the igemm reads the padded
 * values through its indirection buffer; any other kernel runs on a padded copy.
 */
function nhwcChoice(p: Packing, g: Geometry, output: Layout): StageChoice {
  if (!needsPaddedCopy(g)) return choice(p, nhwcKernel(p, g), g, 'NHWC', output);
  const pg = paddedGeometry(g);
  const k = nhwcKernel(p, pg);
  if (k === 'igemm') return choice(p, 'igemm', g, 'NHWC', output);
  return Object.freeze({ kernel: k, input: 'NHWC', output, padded: pg, threads: 1,
    name: `${nameOf(p, k, pg, output)}${p.epilogue} on a ${g.paddingMode}-padded copy` });
}

/**
 * How a chain of stages runs on one input. `apart`: out and x are distinct arrays or the same
 * one (a band of output must not overwrite input still to be copied in). `threads`: the pool's
 * size; each stage splits over it or stays on the caller's thread (StageChoice.threads).
 */
export function selectRun(packings: readonly Packing[], geoms: readonly Geometry[], layout: Layout,
  apart: boolean, threads = 1): RunChoice {
  const c = selectPath(packings, geoms, layout, apart);
  if (threads <= 1) return c;
  const stages = Object.freeze(c.stages.map((s, i) => withThreads(s, geoms[i], threads)));
  // a split stage runs on whole planes: the band copies would run on the caller's thread alone,
  // a pool run per band
  const banded = c.path === 'nchw-pixel-bands' || c.path === 'nchw-channel-bands';
  if (banded && stages[0].threads > 1) return Object.freeze({ path: 'nchw-planes', stages, band: 0 });
  return Object.freeze({ ...c, stages });
}

function selectPath(packings: readonly Packing[], geoms: readonly Geometry[], layout: Layout,
  apart: boolean): RunChoice {
  const n = geoms.length;
  const nhwc = (i: number, output: Layout = 'NHWC'): StageChoice => nhwcChoice(packings[i], geoms[i], output);
  if (layout === 'NHWC') {
    return Object.freeze({ path: 'nhwc', stages: Object.freeze(geoms.map((_, i) => nhwc(i))), band: 0 });
  }
  const planes = geoms.map((g, i) => planesKernel(packings[i], g));
  const g0 = geoms[0];
  const p0 = packings[0];
  if (n === 1 && planes[0] !== undefined) {
    const k = planes[0];
    const lone = choice(p0, k, g0, 'NCHW', 'NCHW');
    if (k === 'pointwise-nchw' && apart) {
      const band = Math.floor(BAND_BYTES / 4 / (g0.c + g0.cout) / 16) * 16;
      if (band >= MIN_PIXEL_BAND && g0.d * g0.h * g0.w >= 2 * band) {
        return Object.freeze({ path: 'nchw-pixel-bands', stages: [lone], band });
      }
    }
    if (k === 'dwconv-nchw' && apart) {
      const perChannel = g0.h * g0.w + g0.coutG * g0.oh * g0.ow;
      const band = Math.max(1, Math.floor(BAND_BYTES / 4 / perChannel));
      if (band < g0.c) return Object.freeze({ path: 'nchw-channel-bands', stages: [lone], band });
    }
    // a lone im2col stage with the 4x8 tile measured no gain over the NHWC igemm
    if (k !== 'im2col-nchw' || (p0.family === 'conv' && p0.tile === 'build')) {
      return Object.freeze({ path: 'nchw-planes', stages: [lone], band: 0 });
    }
  } else if (n > 1 && planes.every((k) => k !== undefined)) {
    const stages = planes.map((k, i) => choice(packings[i], k!, geoms[i], 'NCHW', 'NCHW'));
    return Object.freeze({ path: 'nchw-planes', stages: Object.freeze(stages), band: 0 });
  }
  const stages = geoms.map((_, i) => nhwc(i));
  const last = n - 1;
  if (writesNchw(packings[last], geoms[last])) {
    stages[last] = packings[last].family === 'deconv'
      ? choice(packings[last], 'deconv-tiles', geoms[last], 'NHWC', 'NCHW')
      : nhwc(last, 'NCHW');
  }
  return Object.freeze({ path: 'nchw-staged', stages: Object.freeze(stages), band: 0 });
}
