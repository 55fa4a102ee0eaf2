/**
 * The js backend's one selection table, as the wasm backend's (../wasm/select.ts): per stage,
 * the kernel and the layouts its data enter and leave it in, for one input. The runner executes
 * it and describe() prints it. The figures behind the thresholds are in
 * docs/performance.md#kernel-selection.
 */
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';
import { needsPaddedCopy } from '../pad.js';

/** Output pixels from which a depthwise stage on NCHW data runs on the planes (per-plane overhead below). */
export const DW_PLANES_MIN_PIXELS = 400;

export type JsKernelId = 'gemm' | 'im2col-gemm' | 'dwconv' | 'dwconv-planes' | 'deconv-gemm-col2im';

export interface JsStageChoice {
  readonly kernel: JsKernelId;
  readonly input: Layout;
  readonly output: Layout;
  readonly name: string;
}

/** A 1x1 stride-1 unpadded conv: a matrix product over the input's rows or planes, no gather. */
export function isDirectPointwise(g: Geometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0;
}

const NAMES: Record<JsKernelId, string> = {
  gemm: 'gemmMinmax4x4 (js)',
  'im2col-gemm': 'im2colGemmMinmax4x4 (js)',
  dwconv: 'dwconvMinmax (js)',
  'dwconv-planes': 'dwconvChwMinmax (js)',
  'deconv-gemm-col2im': 'deconvGemmCol2im (js)',
};

/**
 * Per stage of a chain on `layout` data. Conv kernels read either layout but run faster on an
 * NHWC copy (contiguous rows), and a last conv writes the user's layout itself; depthwise keeps
 * NCHW planes on large planes; everything else is NHWC inside.
 */
export function selectJsRun(geoms: readonly Geometry[], layout: Layout): JsStageChoice[] {
  const last = geoms.length - 1;
  let input: Layout = layout;
  return geoms.map((g, i) => {
    // a stage on a padded copy (paddingMode) reads channels-last
    if (input === 'NCHW' && !(g.kind === 'dw' && g.oh * g.ow >= DW_PLANES_MIN_PIXELS && !needsPaddedCopy(g))) input = 'NHWC';
    const output: Layout = g.kind === 'dw' ? input : i === last && g.kind === 'conv' ? layout : 'NHWC';
    const kernel: JsKernelId = g.kind === 'conv' ? (isDirectPointwise(g) ? 'gemm' : 'im2col-gemm')
      : g.kind === 'dw' ? (input === 'NCHW' ? 'dwconv-planes' : 'dwconv') : 'deconv-gemm-col2im';
    const c = Object.freeze({ kernel, input, output, name: NAMES[kernel] });
    input = output;
    return c;
  });
}
