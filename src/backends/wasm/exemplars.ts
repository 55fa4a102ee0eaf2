/**
 * One small stage chain per entry that the selection table (select.ts) can return on a SIMD
 * build: init() runs them to warm every kernel up (V8 cannot switch a running call to optimised
 * code), and the tests run each, check that select.ts chose what the entry says and compare the
 * result with the float64 reference. Scalar builds run them too (their table has only the NHWC
 * igemm, dwconv and deconv kernels).
 */
import type { Layout } from '../../ops/options.js';
import type { StageSpec } from '../../ops/plan.js';
import type { KernelId, RunPath } from './select.js';

export interface Exemplar {
  readonly name: string;
  readonly stages: readonly StageSpec[];
  /** The input: [n, c, h, w] whatever the layout. */
  readonly input: readonly [number, number, number, number];
  readonly layout: Layout;
  /** What select.ts returns on a SIMD build. */
  readonly path: RunPath;
  readonly kernels: readonly KernelId[];
  /** Whether its output leaves the last kernel as NCHW planes (staged paths). */
  readonly nchwOut?: boolean;
  /** Whether init() runs it (the band paths run the same kernels as the planes path). */
  readonly warm: boolean;
}

interface StageArgs {
  kind: StageSpec['kind'];
  cin?: number;
  cout: number;
  groups?: number;
  k: number | [number, number];
  stride?: number;
  dilation?: number;
  pad?: number;
}

/** A StageSpec as plan.ts would build it (cin and groups 0 for 'dw': the input decides). */
export function stageSpec(a: StageArgs): StageSpec {
  const [kH, kW] = typeof a.k === 'number' ? [a.k, a.k] : a.k;
  const s = a.stride ?? 1;
  const d = a.dilation ?? 1;
  const p = a.pad ?? 0;
  return Object.freeze({
    fn: a.kind === 'deconv' ? 'convTranspose2d' : a.kind === 'dw' ? 'depthwiseConv2d' : 'conv2d',
    kind: a.kind, cin: a.cin ?? 0, cout: a.cout, groups: a.kind === 'dw' ? 0 : a.groups ?? 1,
    cinSource: 'w', rank: 2, kD: 1, kH, kW, strideD: 1, strideH: s, strideW: s, dilationD: 1, dilationH: d, dilationW: d,
    padding: { kind: 'explicit', front: 0, top: p, left: p, back: 0, bottom: p, right: p }, paddingMode: 'zeros',
    outPadD: 0, outPadH: 0, outPadW: 0, min: 0, max: 6,
    act: { kind: 'none', min: 0, max: 6, alpha: 0, name: 'relu6' },
  }) as StageSpec;
}

const conv = (cin: number, cout: number, k: number, o: Partial<StageArgs> = {}): StageSpec =>
  stageSpec({ kind: 'conv', cin, cout, k, ...o });
const dw = (cout: number, k: number | [number, number], o: Partial<StageArgs> = {}): StageSpec =>
  stageSpec({ kind: 'dw', cout, k, ...o });
const deconv = (cin: number, cout: number, k: number, o: Partial<StageArgs> = {}): StageSpec =>
  stageSpec({ kind: 'deconv', cin, cout, k, ...o });

export const EXEMPLARS: readonly Exemplar[] = [
  { name: 'igemm_nhwc', stages: [conv(20, 24, 3, { stride: 2, pad: 1 })], input: [1, 20, 9, 9], layout: 'NHWC',
    path: 'nhwc', kernels: ['igemm'], warm: true },
  { name: 'igemm_nchw_out', stages: [conv(20, 24, 3, { stride: 2, pad: 1 })], input: [1, 20, 9, 9], layout: 'NCHW',
    path: 'nchw-staged', kernels: ['igemm'], nchwOut: true, warm: true },
  { name: 'igemm_4x8_transposed_out', stages: [conv(20, 8, 3, { stride: 2, pad: 1 })], input: [2, 20, 9, 9],
    layout: 'NCHW', path: 'nchw-staged', kernels: ['igemm'], nchwOut: false, warm: true },
  { name: 'igemm_groups4', stages: [conv(16, 16, 3, { groups: 4, pad: 1 })], input: [1, 16, 8, 8], layout: 'NHWC',
    path: 'nhwc', kernels: ['igemm'], warm: true },
  { name: 'igemm_groups4_nchw_out', stages: [conv(16, 16, 3, { groups: 4, pad: 1 })], input: [1, 16, 8, 8],
    layout: 'NCHW', path: 'nchw-staged', kernels: ['igemm'], nchwOut: true, warm: true },
  { name: 'igemm_rows', stages: [conv(8, 16, 3, { pad: 1 })], input: [1, 8, 12, 12], layout: 'NHWC',
    path: 'nhwc', kernels: ['igemm-rows'], warm: true },
  { name: 'winograd_f4x4', stages: [conv(16, 16, 3, { pad: 1 })], input: [1, 16, 8, 8], layout: 'NHWC',
    path: 'nhwc', kernels: ['winograd'], warm: true },
  { name: 'winograd_f2x2_dilation_4', stages: [conv(16, 48, 3, { pad: 4, dilation: 4 })], input: [1, 16, 6, 6],
    layout: 'NCHW', path: 'nchw-staged', kernels: ['winograd'], nchwOut: true, warm: true },
  { name: 'pointwise_nchw', stages: [conv(16, 8, 1)], input: [1, 16, 32, 32], layout: 'NCHW',
    path: 'nchw-planes', kernels: ['pointwise-nchw'], warm: true },
  { name: 'pointwise_nchw_pixel_bands', stages: [conv(16, 16, 1)], input: [1, 16, 128, 64], layout: 'NCHW',
    path: 'nchw-pixel-bands', kernels: ['pointwise-nchw'], warm: false },
  { name: 'im2col_nchw', stages: [conv(3, 16, 3, { stride: 2, pad: 1 })], input: [1, 3, 16, 16], layout: 'NCHW',
    path: 'nchw-planes', kernels: ['im2col-nchw'], warm: true },
  { name: 'dwconv_nhwc_multiplier_2', stages: [dw(16, 3, { pad: 1 })], input: [1, 8, 6, 20], layout: 'NHWC',
    path: 'nhwc', kernels: ['dwconv'], warm: true },
  { name: 'dwconv_5x5_nhwc', stages: [dw(16, 5, { pad: 2 })], input: [1, 16, 5, 24], layout: 'NCHW',
    path: 'nchw-staged', kernels: ['dwconv'], nchwOut: false, warm: true },
  { name: 'dwconv_nchw_s2', stages: [dw(16, 3, { stride: 2, pad: 1 })], input: [1, 16, 2, 50], layout: 'NCHW',
    path: 'nchw-planes', kernels: ['dwconv-nchw'], warm: true },
  { name: 'dwconv_nchw_s1', stages: [dw(16, 3, { pad: 1 })], input: [1, 16, 3, 48], layout: 'NCHW',
    path: 'nchw-planes', kernels: ['dwconv-nchw'], warm: true },
  { name: 'dwconv1d_ncw', stages: [dw(16, [1, 7], { pad: 0 })], input: [1, 16, 1, 40], layout: 'NCHW',
    path: 'nchw-planes', kernels: ['dwconv1d-ncw'], warm: true },
  { name: 'dwconv_nchw_channel_bands', stages: [dw(8, 3, { pad: 1 })], input: [1, 8, 128, 128], layout: 'NCHW',
    path: 'nchw-channel-bands', kernels: ['dwconv-nchw'], warm: false },
  { name: 'separable_nchw_planes', stages: [dw(16, 3, { pad: 1 }), conv(16, 24, 1)], input: [1, 16, 8, 64],
    layout: 'NCHW', path: 'nchw-planes', kernels: ['dwconv-nchw', 'pointwise-nchw'], warm: true },
  { name: 'separable_staged', stages: [dw(16, 3, { pad: 1 }), conv(16, 24, 1)], input: [1, 16, 8, 8],
    layout: 'NCHW', path: 'nchw-staged', kernels: ['dwconv', 'igemm'], nchwOut: true, warm: true },
  { name: 'deconv_col2im', stages: [deconv(8, 8, 3, { stride: 2, pad: 1 })], input: [1, 8, 6, 6], layout: 'NCHW',
    path: 'nchw-staged', kernels: ['deconv-col2im'], nchwOut: false, warm: true },
  { name: 'deconv_tiles_nchw_out', stages: [deconv(8, 8, 2, { stride: 2 })], input: [1, 8, 6, 6], layout: 'NCHW',
    path: 'nchw-staged', kernels: ['deconv-tiles'], nchwOut: true, warm: true },
];
