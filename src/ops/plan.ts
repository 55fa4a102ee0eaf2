/**
 * The plan: one normalised description of a convolution stage that feeds every backend
 * (as tfjs's computeConv2DInfo). A StageSpec is what a prepared layer knows at creation (the
 * weights' shape and the options); a Geometry is the StageSpec resolved against one input shape
 * (every size and pad a kernel needs). Sizes have three spatial axes, depth, height and width:
 * 2-D ops have depth 1, 1-D ops depth and height 1, so that every backend runs 1-D convolutions
 * as 2-D ones of height 1 and only 3-D ones need kernels of their own. Every op is one of three
 * kinds, always computed channels-last (NHWC; NDHWC for 3-D):
 *
 * - 'conv':   grouped convolution (standard, dilated, grouped, pointwise). Canonical weights
 *             [groups][kD][kH][kW][cinG][coutG]: each group's DHWIO block, output channels contiguous.
 * - 'dw':     depthwise with multiplier m = cout / c, known only once the input's channels are.
 *             Canonical weights [kH][kW][cout], output channel o = c*m + j reading input channel c.
 *             A conv2d with groups = Cin = Cout keeps a 'conv' spec (its checks and messages) but
 *             resolves and builds as 'dw' (isDepthwiseConv, kernelSpec).
 * - 'deconv': transposed convolution. Canonical weights [groups][cinG][kD][kH][kW][coutG].
 */
import { ConvError, show } from '../errors.js';
import { ActivationSpec, Layout, NormOptions, OpName, Padding, PaddingMode } from './options.js';
import { samePadding, sameTransposeCrop } from '../tensor/shape.js';
import type { Geometry, KernelWindow } from './geometry.js';

// The geometry and its shape math live in geometry.ts; the backends import them from here.
export type { Dims, Geometry } from './geometry.js';
export { dimsOf, inLength, macsOf, nchwOf, outLength, outShapeOf, paddedGeometry } from './geometry.js';

export type StageKind = 'conv' | 'dw' | 'deconv';

/** One convolution stage, independent of the input's spatial size. Frozen once built. */
export interface StageSpec extends KernelWindow {
  readonly fn: OpName;
  readonly kind: StageKind;
  /** Input channels; for 'dw' the input decides (0 here). */
  readonly cin: number;
  readonly cout: number;
  /** Groups; for 'dw' the input's channel count decides (0 here). */
  readonly groups: number;
  /** Where the weights hold the input channels, for messages: 'w.shape[1] * groups', 'w.shape[0]', ... */
  readonly cinSource: string;
  /** Spatial rank of the op (1, 2 or 3): depth and height are 1 below it. */
  readonly rank: 1 | 2 | 3;
  readonly padding: Padding;
  readonly paddingMode: PaddingMode;
  readonly outPadD: number;
  readonly outPadH: number;
  readonly outPadW: number;
  /** Clamp applied after the bias, in the kernels' registers (relu, relu6, clip; else (-inf, inf)). */
  readonly min: number;
  readonly max: number;
  /** The whole activation: its clamp and what runs after it (ActivationSpec.kind). */
  readonly act: ActivationSpec;
}

function baseSpec(fn: OpName, kind: StageKind, o: NormOptions, act: 'activation' | 'depthwiseActivation', dims: {
  cin: number; cout: number; groups: number; kD: number; kH: number; kW: number; cinSource: string;
}): StageSpec {
  const a = o[act];
  if (a.prelu !== undefined && a.prelu.length !== 1 && a.prelu.length !== dims.cout) {
    throw new ConvError('BAD_OPTION',
      `${fn}: ${act}.alpha.length (${a.prelu.length}) must be 1 or the stage's output channels (${dims.cout})`);
  }
  const { min, max } = a;
  let padding = o.padding;
  if (padding.kind === 'causal') {
    // dilation * (k - 1) before, nothing after (Keras), at any stride
    padding = { kind: 'explicit', front: 0, top: 0, left: o.dilation[1] * (dims.kW - 1), back: 0, bottom: 0, right: 0 };
  }
  return Object.freeze({
    fn, kind, rank: o.rank, ...dims,
    strideD: o.strideD, strideH: o.stride[0], strideW: o.stride[1],
    dilationD: o.dilationD, dilationH: o.dilation[0], dilationW: o.dilation[1],
    padding,
    paddingMode: o.paddingMode,
    outPadD: kind === 'deconv' ? o.outputPaddingD : 0,
    outPadH: kind === 'deconv' ? o.outputPadding[0] : 0,
    outPadW: kind === 'deconv' ? o.outputPadding[1] : 0,
    min, max, act: a,
  });
}

/**
 * The kernel axes of weights in a layout: channels-first weights [O, I, k...] hold them last,
 * channels-last ones [k..., I, O] first. 2-D pointwise weights of rank 2 have none.
 */
export function kernelAxes(layout: Layout, rank: number): number[] {
  const spatial = rank - 2;
  return Array.from({ length: spatial }, (_, i) => (layout === 'NCHW' ? 2 + i : i));
}

/** [kD, kH, kW] of a weight shape (kD and kH 1 below 3-D and 2-D). */
function kernelDims(fn: OpName, wShape: readonly number[], layout: Layout): [number, number, number] {
  const k = kernelAxes(layout, wShape.length).map((a) => wShape[a]);
  if (k.some((v) => v < 1)) {
    throw new ConvError('BAD_KERNEL', `${fn}: w.shape ${show(wShape)} has a zero-sized kernel (${k.join('x')}); kernel sizes must be positive`);
  }
  while (k.length < 3) k.unshift(1);
  return [k[0], k[1], k[2]];
}

/** [out, in] channel entries of a weight shape: the two axes that are not kernel axes. */
function channelAxes(layout: Layout, rank: number): [number, number] {
  return layout === 'NCHW' ? [0, 1] : [rank - 1, rank - 2];
}

function checkBias(fn: OpName, name: string, bias: Float32Array | undefined, channels: number): void {
  if (bias !== undefined && bias.length !== channels) {
    throw new ConvError('BAD_BIAS', `${fn}: ${name}.length (${bias.length}) must equal the output channels (${channels})`);
  }
}

/**
 * conv1d, conv2d, conv3d: w is [Cout, Cin/g, k...] (channels first) or [k..., Cin/g, Cout]
 * (channels last).
 */
export function specConv2d(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  const [kD, kH, kW] = kernelDims(fn, wShape, o.layout);
  const [oAxis, iAxis] = channelAxes(o.layout, wShape.length);
  const [cout, cinG] = [wShape[oAxis], wShape[iAxis]];
  if (cout % o.groups !== 0) {
    throw new ConvError('BAD_GROUPS', `${fn}: groups (${o.groups}) must divide the output channels (${cout})`);
  }
  checkBias(fn, 'bias', o.bias, cout);
  const cinSource = `w.shape[${iAxis}] * groups`;
  return baseSpec(fn, 'conv', o, 'activation', { cin: cinG * o.groups, cout, groups: o.groups, kD, kH, kW, cinSource });
}

/** pointwiseConv2d: w is [Cout, Cin, 1, 1] / [Cout, Cin] (NCHW) or [1, 1, Cin, Cout] / [Cin, Cout] (NHWC). */
export function specPointwise(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  if (wShape.length === 4) {
    const [, kH, kW] = kernelDims(fn, wShape, o.layout);
    if (kH !== 1 || kW !== 1) {
      throw new ConvError('BAD_KERNEL', `${fn}: w.shape ${show(wShape)} has a ${kH}x${kW} kernel; pointwise weights must be 1x1`);
    }
  }
  const [cout, cin] =
    o.layout === 'NCHW' ? [wShape[0], wShape[1]] : wShape.length === 4 ? [wShape[3], wShape[2]] : [wShape[1], wShape[0]];
  checkBias(fn, 'bias', o.bias, cout);
  const cinAxis = o.layout === 'NCHW' ? 1 : wShape.length === 4 ? 2 : 0;
  const cinSource = `${fn === 'separableConv2d' ? 'wPointwise' : 'w'}.shape[${cinAxis}]`;
  const none: Padding = { kind: 'explicit', front: 0, top: 0, left: 0, back: 0, bottom: 0, right: 0 };
  return baseSpec(fn, 'conv', { ...o, padding: none, paddingMode: 'zeros' }, 'activation',
    { cin, cout, groups: 1, kD: 1, kH: 1, kW: 1, cinSource });
}

/** depthwiseConv2d: w is [C*m, 1, kH, kW] (NCHW) or [kH, kW, C, m] (NHWC). */
export function specDepthwise(
  fn: OpName, wShape: readonly number[], o: NormOptions, stage: 'activation' | 'depthwiseActivation' = 'activation',
): StageSpec {
  const [, kH, kW] = kernelDims(fn, wShape, o.layout);
  let cout: number;
  if (o.layout === 'NCHW') {
    if (wShape[1] !== 1) {
      throw new ConvError('BAD_KERNEL', `${fn}: w.shape[1] (${wShape[1]}) must be 1 for depthwise weights [C*m, 1, kH, kW]`);
    }
    cout = wShape[0];
  } else {
    cout = wShape[2] * wShape[3];
  }
  const bias = stage === 'activation' ? o.bias : o.depthwiseBias;
  checkBias(fn, stage === 'activation' ? 'bias' : 'depthwiseBias', bias, cout);
  // NHWC weights fix C; NCHW ones leave it to the input (m = cout / C).
  const cin = o.layout === 'NHWC' ? wShape[2] : 0;
  // NHWC names C itself; NCHW weights only hold C*m.
  const cinSource = `${fn === 'separableConv2d' ? 'wDepthwise' : 'w'}.shape[${o.layout === 'NHWC' ? 2 : 0}]`;
  return baseSpec(fn, 'dw', o, stage, { cin, cout, groups: cin, kD: 1, kH, kW, cinSource });
}

/**
 * convTranspose1d/2d/3d: w is [Cin, Cout/g, k...] (channels first) or [k..., Cout/g, Cin]
 * (channels last).
 */
export function specTransposed(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  const [kD, kH, kW] = kernelDims(fn, wShape, o.layout);
  const [iAxis, oAxis] = channelAxes(o.layout, wShape.length);
  const [cin, coutG] = [wShape[iAxis], wShape[oAxis]];
  if (cin % o.groups !== 0) {
    throw new ConvError('BAD_GROUPS', `${fn}: groups (${o.groups}) must divide the input channels (${cin})`);
  }
  const cout = coutG * o.groups;
  checkBias(fn, 'bias', o.bias, cout);
  for (const [axis, op, s, d] of [
    ['D', o.outputPaddingD, o.strideD, o.dilationD],
    ['H', o.outputPadding[0], o.stride[0], o.dilation[0]],
    ['W', o.outputPadding[1], o.stride[1], o.dilation[1]],
  ] as const) {
    if (op >= s && op >= d) {
      throw new ConvError('BAD_OUTPUT_PADDING',
        `${fn}: outputPadding ${axis} (${op}) must be smaller than the stride (${s}) or the dilation (${d})`);
    }
  }
  if (o.padding.kind === 'same') {
    for (const [axis, k, s, d] of [['D', kD, o.strideD, o.dilationD], ['H', kH, o.stride[0], o.dilation[0]],
      ['W', kW, o.stride[1], o.dilation[1]]] as const) {
      if ((k - 1) * d + 1 < s) {
        throw new ConvError('BAD_PADDING',
          `${fn}: padding 'same' needs (k-1)*d+1 >= stride along ${axis}, got (${k}-1)*${d}+1 < ${s}`);
      }
    }
  }
  const cinSource = `w.shape[${iAxis}]`;
  return baseSpec(fn, 'deconv', o, 'activation', { cin, cout, groups: o.groups, kD, kH, kW, cinSource });
}

/**
 * Whether a 'conv' stage is a depthwise convolution written as a grouped one: one input and one
 * output channel per group, more than one group (PyTorch's and ONNX's way to write depthwise,
 * Conv2d(C, C, k, groups=C)). Its geometries are 'dw' and its kernels are built as 'dw'
 * (kernelSpec): the depthwise kernels run it faster than the gemm does on groups of one column
 * (measured 2026-11-29, Node 20.20, layer run(x, {out}); 112x112x32 3x3, 112x112x64 3x3 s2,
 * 14x14x512 3x3, 28x28x64 5x5 NCHW and 56x56x128 3x3 NHWC: wasm-relaxed 6.1-8.0x, wasm-simd
 * 5.3-9.0x, scalar wasm 1.1-3.0x, js 3.3-12.1x). With 2 outputs per group the SIMD builds and js
 * gain too (3.7x, 5.6x on 56x56x16) but the scalar build loses (0.64x), and from 4 on the gemm's
 * tile fills and the depthwise kernels, which expand the input m times, lose as often as they win
 * (wasm-relaxed m4 0.96x, m8 1.50x, m16 0.87x, m32 0.35x): those stay convolutions.
 * Validation and messages stay conv2d's: resolve() checks the input as for any conv.
 */
export function isDepthwiseConv(spec: StageSpec): boolean {
  return spec.kind === 'conv' && spec.rank < 3 && spec.groups > 1 && spec.groups === spec.cin && spec.cout === spec.groups;
}

/**
 * The spec a backend builds the stage's kernel from: a depthwise conv written as a grouped one
 * (isDepthwiseConv) as 'dw', every other stage as it is. Its canonical weights are then the
 * depthwise ones ([kH][kW][C]), read from the conv weights [C][1][kH][kW] (NCHW) and
 * [kH][kW][1][C] (NHWC), which are the depthwise layouts element for element.
 */
export function kernelSpec(spec: StageSpec): StageSpec {
  return isDepthwiseConv(spec) ? Object.freeze({ ...spec, kind: 'dw' }) : spec;
}

/** [begin, end] padding of one axis of a non-transposed stage. */
function padsOf(spec: StageSpec, axis: 'D' | 'H' | 'W', size: number, k: number, s: number, d: number): [number, number] {
  const p = spec.padding;
  if (p.kind === 'same') return samePadding(size, k, s, d);
  if (p.kind !== 'explicit') throw new Error(`plan: unresolved padding ${p.kind}`);
  return axis === 'D' ? [p.front, p.back] : axis === 'H' ? [p.top, p.bottom] : [p.left, p.right];
}

/** [begin, end] crop of one axis of a transposed stage. */
function cropsOf(spec: StageSpec, axis: 'D' | 'H' | 'W', k: number, s: number, d: number): [number, number] {
  const p = spec.padding;
  if (p.kind === 'same') return sameTransposeCrop(k, s, d);
  if (p.kind !== 'explicit') throw new Error(`plan: unresolved padding ${p.kind}`);
  return axis === 'D' ? [p.front, p.back] : axis === 'H' ? [p.top, p.bottom] : [p.left, p.right];
}

/** The limits of paddingMode, per axis: reflect below the size, circular at most the size. */
function checkModePads(spec: StageSpec, axis: string, size: number, pads: [number, number]): void {
  const mode = spec.paddingMode;
  if (mode === 'zeros' || mode === 'replicate') return;
  const limit = mode === 'reflect' ? size - 1 : size;
  for (const p of pads) {
    if (p > limit) {
      throw new ConvError('BAD_PADDING',
        `${spec.fn}: a '${mode}' pad (${p}) along ${axis} must be ${mode === 'reflect' ? 'below' : 'at most'} the input's size (${size})`);
    }
  }
}

/**
 * Resolves a stage against an input [n, c, d, h, w] (whatever the layout; d and h 1 below 3-D
 * and 2-D).
 * @throws ConvError BAD_GROUPS | CHANNEL_MISMATCH | EMPTY_OUTPUT | BAD_PADDING
 */
export function resolve(spec: StageSpec, n: number, c: number, h: number, w: number, d = 1): Geometry {
  const fn = spec.fn;
  let groups = spec.groups;
  let cinG: number;
  let coutG: number;
  if (spec.kind === 'dw') {
    if ((spec.cin !== 0 && c !== spec.cin) || spec.cout % c !== 0) {
      throw new ConvError('CHANNEL_MISMATCH',
        spec.cin !== 0
          ? `${fn}: ${spec.cinSource} (${spec.cin}) must equal the input's channels (${c})`
          : `${fn}: ${spec.cinSource} (${spec.cout}) must be a multiple C*m of the input's channels (${c})`);
    }
    groups = c;
    cinG = 1;
    coutG = spec.cout / c;
  } else {
    if (c % groups !== 0) {
      throw new ConvError('BAD_GROUPS', `${fn}: groups (${groups}) must divide the input's channels (${c})`);
    }
    if (c !== spec.cin) {
      const what = `${spec.cinSource} (${spec.cin}) must equal the input's channels (${c})`;
      throw new ConvError('CHANNEL_MISMATCH', `${fn}: ${what}`);
    }
    cinG = c / groups;
    coutG = spec.cout / groups;
  }
  const { kD, kH, kW, strideD, strideH, strideW, dilationD, dilationH, dilationW } = spec;
  const axes = [
    ['D', d, kD, strideD, dilationD, spec.outPadD],
    ['H', h, kH, strideH, dilationH, spec.outPadH],
    ['W', w, kW, strideW, dilationW, spec.outPadW],
  ] as const;
  const pads: [number, number][] = [];
  const outs: number[] = [];
  for (const [axis, size, k, s, dil, outPad] of axes) {
    if (spec.kind === 'deconv') {
      const [p0, p1] = cropsOf(spec, axis, k, s, dil);
      pads.push([p0, p1]);
      outs.push((size - 1) * s - p0 - p1 + dil * (k - 1) + outPad + 1);
    } else {
      const [p0, p1] = padsOf(spec, axis, size, k, s, dil);
      checkModePads(spec, axis, size, [p0, p1]);
      pads.push([p0, p1]);
      const span = size + p0 + p1 - dil * (k - 1) - 1;
      outs.push(span < 0 ? 0 : Math.floor(span / s) + 1);
    }
  }
  const [od, oh, ow] = outs;
  const [[pf, pk], [pt, pb], [pl, pr]] = pads;
  if (od < 1 || oh < 1 || ow < 1) {
    const dims = spec.rank === 3 ? [0, 1, 2] : spec.rank === 2 ? [1, 2] : [2];
    const x = (v: number[]): string => dims.map((i) => v[i]).join('x');
    const padList = dims.flatMap((i) => pads[i]).join(', ');
    throw new ConvError('EMPTY_OUTPUT',
      `${fn}: the output would be ${x(outs)} for a ${x([d, h, w])} input, a ${x([kD, kH, kW])} kernel, stride ${x([strideD, strideH, strideW])}, ` +
      `dilation ${x([dilationD, dilationH, dilationW])} and padding [${padList}]; it must be at least ${dims.map(() => 1).join('x')}`);
  }
  return Object.freeze({
    kind: isDepthwiseConv(spec) ? 'dw' : spec.kind, n, d, h, w, c, od, oh, ow, cout: spec.cout, groups, cinG, coutG,
    kD, kH, kW, strideD, strideH, strideW, dilationD, dilationH, dilationW,
    padFront: pf, padTop: pt, padLeft: pl, padBack: pk, padBottom: pb, padRight: pr, paddingMode: spec.paddingMode,
    outPadD: spec.outPadD, outPadH: spec.outPadH, outPadW: spec.outPadW, min: spec.min, max: spec.max,
  });
}
