/**
 * The plan: one normalised description of a convolution stage that feeds every backend
 * (as tfjs's computeConv2DInfo). A StageSpec is what a prepared layer knows at creation (the
 * weights' shape and the options); a Geometry is the StageSpec resolved against one input shape
 * (every size and pad a kernel needs). Every op is one of three kinds, always computed in NHWC:
 *
 * - 'conv':   grouped convolution (standard, dilated, grouped, pointwise). Canonical weights
 *             [groups][kH][kW][cinG][coutG]: each group's HWIO block, output channels contiguous.
 * - 'dw':     depthwise with multiplier m = cout / c, known only once the input's channels are.
 *             Canonical weights [kH][kW][cout], output channel o = c*m + j reading input channel c.
 *             A conv2d with groups = Cin = Cout keeps a 'conv' spec (its checks and messages) but
 *             resolves and builds as 'dw' (isDepthwiseConv, kernelSpec).
 * - 'deconv': transposed convolution. Canonical weights [groups][cinG][kH][kW][coutG].
 */
import { ConvError, show } from '../errors.js';
import { clampOf, Layout, NormOptions, OpName, Padding } from './options.js';
import { samePadding, sameTransposeCrop } from '../tensor/shape.js';

export type StageKind = 'conv' | 'dw' | 'deconv';

/** One convolution stage, independent of the input's spatial size. Frozen once built. */
export interface StageSpec {
  readonly fn: OpName;
  readonly kind: StageKind;
  /** Input channels; for 'dw' the input decides (0 here). */
  readonly cin: number;
  readonly cout: number;
  /** Groups; for 'dw' the input's channel count decides (0 here). */
  readonly groups: number;
  /** Where the weights hold the input channels, for messages: 'w.shape[1] * groups', 'w.shape[0]', ... */
  readonly cinSource: string;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padding: Padding;
  readonly outPadH: number;
  readonly outPadW: number;
  /** Clamp applied after the bias: (-inf, inf), (0, inf) or (0, 6). */
  readonly min: number;
  readonly max: number;
}

/** A StageSpec resolved against an input of shape [n, c, h, w] (channels-last inside). */
export interface Geometry {
  readonly kind: StageKind;
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly cout: number;
  readonly groups: number;
  readonly cinG: number;
  readonly coutG: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  /** conv/dw: zero padding; deconv: rows/cols cropped from the full output. */
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  /** deconv only: rows/cols added at the end of the full output. */
  readonly outPadH: number;
  readonly outPadW: number;
  readonly min: number;
  readonly max: number;
}

/** Kernel dims of a weight shape in the given layout: [kH, kW]. */
function baseSpec(fn: OpName, kind: StageKind, o: NormOptions, act: 'activation' | 'depthwiseActivation', dims: {
  cin: number; cout: number; groups: number; kH: number; kW: number; cinSource: string;
}): StageSpec {
  const [min, max] = clampOf(o[act]);
  return Object.freeze({
    fn, kind, ...dims,
    strideH: o.stride[0], strideW: o.stride[1],
    dilationH: o.dilation[0], dilationW: o.dilation[1],
    padding: o.padding,
    outPadH: kind === 'deconv' ? o.outputPadding[0] : 0,
    outPadW: kind === 'deconv' ? o.outputPadding[1] : 0,
    min, max,
  });
}

function kernelDims(fn: OpName, wShape: readonly number[], layout: Layout): [number, number] {
  const [kH, kW] = layout === 'NCHW' ? [wShape[2], wShape[3]] : [wShape[0], wShape[1]];
  if (kH < 1 || kW < 1) {
    throw new ConvError('BAD_KERNEL', `${fn}: w.shape ${show(wShape)} has a zero-sized kernel (${kH}x${kW}); kernel sizes must be positive`);
  }
  return [kH, kW];
}

function checkBias(fn: OpName, name: string, bias: Float32Array | undefined, channels: number): void {
  if (bias !== undefined && bias.length !== channels) {
    throw new ConvError('BAD_BIAS', `${fn}: ${name}.length (${bias.length}) must equal the output channels (${channels})`);
  }
}

/** conv2d: w is [Cout, Cin/g, kH, kW] (NCHW) or [kH, kW, Cin/g, Cout] (NHWC). */
export function specConv2d(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  const [kH, kW] = kernelDims(fn, wShape, o.layout);
  const [cout, cinG] = o.layout === 'NCHW' ? [wShape[0], wShape[1]] : [wShape[3], wShape[2]];
  if (cout % o.groups !== 0) {
    throw new ConvError('BAD_GROUPS', `${fn}: groups (${o.groups}) must divide the output channels (${cout})`);
  }
  checkBias(fn, 'bias', o.bias, cout);
  const cinSource = `w.shape[${o.layout === 'NCHW' ? 1 : 2}] * groups`;
  return baseSpec(fn, 'conv', o, 'activation', { cin: cinG * o.groups, cout, groups: o.groups, kH, kW, cinSource });
}

/** pointwiseConv2d: w is [Cout, Cin, 1, 1] / [Cout, Cin] (NCHW) or [1, 1, Cin, Cout] / [Cin, Cout] (NHWC). */
export function specPointwise(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  if (wShape.length === 4) {
    const [kH, kW] = kernelDims(fn, wShape, o.layout);
    if (kH !== 1 || kW !== 1) {
      throw new ConvError('BAD_KERNEL', `${fn}: w.shape ${show(wShape)} has a ${kH}x${kW} kernel; pointwise weights must be 1x1`);
    }
  }
  const [cout, cin] =
    o.layout === 'NCHW' ? [wShape[0], wShape[1]] : wShape.length === 4 ? [wShape[3], wShape[2]] : [wShape[1], wShape[0]];
  checkBias(fn, 'bias', o.bias, cout);
  const cinAxis = o.layout === 'NCHW' ? 1 : wShape.length === 4 ? 2 : 0;
  const cinSource = `${fn === 'separableConv2d' ? 'wPointwise' : 'w'}.shape[${cinAxis}]`;
  return baseSpec(fn, 'conv', { ...o, padding: { kind: 'explicit', top: 0, left: 0, bottom: 0, right: 0 } }, 'activation',
    { cin, cout, groups: 1, kH: 1, kW: 1, cinSource });
}

/** depthwiseConv2d: w is [C*m, 1, kH, kW] (NCHW) or [kH, kW, C, m] (NHWC). */
export function specDepthwise(
  fn: OpName, wShape: readonly number[], o: NormOptions, stage: 'activation' | 'depthwiseActivation' = 'activation',
): StageSpec {
  const [kH, kW] = kernelDims(fn, wShape, o.layout);
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
  return baseSpec(fn, 'dw', o, stage, { cin, cout, groups: cin, kH, kW, cinSource });
}

/** convTranspose2d: w is [Cin, Cout/g, kH, kW] (NCHW) or [kH, kW, Cout/g, Cin] (NHWC). */
export function specTransposed(fn: OpName, wShape: readonly number[], o: NormOptions): StageSpec {
  const [kH, kW] = kernelDims(fn, wShape, o.layout);
  const [cin, coutG] = o.layout === 'NCHW' ? [wShape[0], wShape[1]] : [wShape[3], wShape[2]];
  if (cin % o.groups !== 0) {
    throw new ConvError('BAD_GROUPS', `${fn}: groups (${o.groups}) must divide the input channels (${cin})`);
  }
  const cout = coutG * o.groups;
  checkBias(fn, 'bias', o.bias, cout);
  for (const [axis, op, s, d] of [
    ['H', o.outputPadding[0], o.stride[0], o.dilation[0]],
    ['W', o.outputPadding[1], o.stride[1], o.dilation[1]],
  ] as const) {
    if (op >= s && op >= d) {
      throw new ConvError('BAD_OUTPUT_PADDING',
        `${fn}: outputPadding ${axis} (${op}) must be smaller than the stride (${s}) or the dilation (${d})`);
    }
  }
  if (o.padding.kind === 'same') {
    for (const [axis, k, s, d] of [['H', kH, o.stride[0], o.dilation[0]], ['W', kW, o.stride[1], o.dilation[1]]] as const) {
      if ((k - 1) * d + 1 < s) {
        throw new ConvError('BAD_PADDING',
          `${fn}: padding 'same' needs (k-1)*d+1 >= stride along ${axis}, got (${k}-1)*${d}+1 < ${s}`);
      }
    }
  }
  const cinSource = `w.shape[${o.layout === 'NCHW' ? 0 : 3}]`;
  return baseSpec(fn, 'deconv', o, 'activation', { cin, cout, groups: o.groups, kH, kW, cinSource });
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
  return spec.kind === 'conv' && spec.groups > 1 && spec.groups === spec.cin && spec.cout === spec.groups;
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

/**
 * Resolves a stage against an input [n, c, h, w] (whatever the layout).
 * @throws ConvError BAD_GROUPS | CHANNEL_MISMATCH | EMPTY_OUTPUT
 */
export function resolve(spec: StageSpec, n: number, c: number, h: number, w: number): Geometry {
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
  const { kH, kW, strideH, strideW, dilationH, dilationW } = spec;
  let pt: number, pl: number, pb: number, pr: number;
  let oh: number, ow: number;
  if (spec.kind === 'deconv') {
    if (spec.padding.kind === 'same') {
      [pt, pb] = sameTransposeCrop(kH, strideH, dilationH);
      [pl, pr] = sameTransposeCrop(kW, strideW, dilationW);
    } else {
      ({ top: pt, left: pl, bottom: pb, right: pr } = spec.padding);
    }
    oh = (h - 1) * strideH - pt - pb + dilationH * (kH - 1) + spec.outPadH + 1;
    ow = (w - 1) * strideW - pl - pr + dilationW * (kW - 1) + spec.outPadW + 1;
  } else {
    if (spec.padding.kind === 'same') {
      [pt, pb] = samePadding(h, kH, strideH, dilationH);
      [pl, pr] = samePadding(w, kW, strideW, dilationW);
    } else {
      ({ top: pt, left: pl, bottom: pb, right: pr } = spec.padding);
    }
    const nh = h + pt + pb - dilationH * (kH - 1) - 1;
    const nw = w + pl + pr - dilationW * (kW - 1) - 1;
    oh = nh < 0 ? 0 : Math.floor(nh / strideH) + 1;
    ow = nw < 0 ? 0 : Math.floor(nw / strideW) + 1;
  }
  if (oh < 1 || ow < 1) {
    throw new ConvError('EMPTY_OUTPUT',
      `${fn}: the output would be ${oh}x${ow} for a ${h}x${w} input, a ${kH}x${kW} kernel, stride ${strideH}x${strideW}, ` +
      `dilation ${dilationH}x${dilationW} and padding [${pt}, ${pl}, ${pb}, ${pr}]; it must be at least 1x1`);
  }
  return Object.freeze({
    kind: isDepthwiseConv(spec) ? 'dw' : spec.kind, n, h, w, c, oh, ow, cout: spec.cout, groups, cinG, coutG, kH, kW,
    strideH, strideW, dilationH, dilationW, padTop: pt, padLeft: pl, padBottom: pb, padRight: pr,
    outPadH: spec.outPadH, outPadW: spec.outPadW, min: spec.min, max: spec.max,
  });
}

/** Multiply-accumulates of one resolved stage (DESIGN.md's table; transposed counts input pixels). */
export function macsOf(g: Geometry): number {
  if (g.kind === 'deconv') return g.n * g.h * g.w * g.c * g.coutG * g.kH * g.kW;
  return g.n * g.oh * g.ow * g.cout * g.cinG * g.kH * g.kW;
}

/** [n, c, h, w] of an activation shape in a layout. */
export function nchwOf(shape: readonly number[], layout: Layout): [number, number, number, number] {
  return layout === 'NCHW' ? [shape[0], shape[1], shape[2], shape[3]] : [shape[0], shape[3], shape[1], shape[2]];
}

/** The output shape of a geometry in a layout. */
export function outShapeOf(g: Geometry, layout: Layout): number[] {
  return layout === 'NCHW' ? [g.n, g.cout, g.oh, g.ow] : [g.n, g.oh, g.ow, g.cout];
}
