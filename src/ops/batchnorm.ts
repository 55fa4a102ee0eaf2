/**
 * foldBatchNorm (API.md, "More activations, padding modes, batch-norm folding"): the weights and
 * bias of a convolution followed by an inference-mode BatchNorm, as one convolution. With
 * s = gamma / sqrt(variance + epsilon), every weight of output channel o is scaled by s[o] and
 * the bias becomes (bias - mean) * s + beta. Computed in float64, rounded once.
 */
import { ConvError, isFloat32Array, readingUserValues, show } from '../errors.js';
import { checkTensor, Tensor } from '../tensor/tensor.js';

export interface BatchNorm {
  mean: Float32Array;
  variance: Float32Array;
  gamma?: Float32Array;
  beta?: Float32Array;
  epsilon?: number;
}

const FN = 'foldBatchNorm';
const CONV_OPS = ['conv1d', 'conv2d', 'conv3d', 'depthwiseConv2d', 'pointwiseConv2d'];
const TRANSPOSED_OPS = ['convTranspose1d', 'convTranspose2d', 'convTranspose3d'];
const RANKS: Record<string, number[]> = {
  conv1d: [3], conv2d: [4], conv3d: [5], depthwiseConv2d: [4], pointwiseConv2d: [4, 2],
  convTranspose1d: [3], convTranspose2d: [4], convTranspose3d: [5],
};
const CHANNELS_FIRST = ['NCW', 'NCHW', 'NCDHW'];
const CHANNELS_LAST = ['NWC', 'NHWC', 'NDHWC'];

/**
 * The output channel of every weight element, as a function of its flat index: a conv's weights
 * hold it on their first axis (channels first) or last axis (channels last; NHWC depthwise
 * weights [kH, kW, C, m] on their last two); a transposed conv's follow from the input channel's
 * group and the axis of Cout/g.
 */
function channelOf(op: string, shape: readonly number[], last: boolean, groups: number): [number, (i: number) => number] {
  const r = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (!TRANSPOSED_OPS.includes(op)) {
    if (!last) return [shape[0], (i) => Math.floor(i / (size / shape[0]))];
    const cout = op === 'depthwiseConv2d' ? shape[2] * shape[3] : shape[r - 1];
    return [cout, (i) => i % cout];
  }
  // channels first [Cin, Cout/g, ...k]; channels last [...k, Cout/g, Cin]
  const cin = last ? shape[r - 1] : shape[0];
  const coutG = last ? shape[r - 2] : shape[1];
  if (cin % groups !== 0) {
    throw new ConvError('BAD_GROUPS', `${FN}: groups (${groups}) must divide the weights' input channels (${cin})`);
  }
  const cinG = cin / groups;
  const taps = size / (cin * coutG);
  return [coutG * groups, last
    ? (i) => Math.floor((i % cin) / cinG) * coutG + (Math.floor(i / cin) % coutG)
    : (i) => Math.floor(Math.floor(i / (coutG * taps)) / cinG) * coutG + (Math.floor(i / taps) % coutG)];
}

function vector(name: string, v: unknown, length: number, dflt: number | undefined): Float32Array | number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (!isFloat32Array(v)) throw new ConvError('BAD_BIAS', `${FN}: ${name} (${show(v)}) must be a Float32Array of the output channels (${length})`);
  if (v.length !== length) throw new ConvError('BAD_BIAS', `${FN}: ${name}.length (${v.length}) must equal the output channels (${length})`);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new ConvError('BAD_OPTION', `${FN}: ${name}[${i}] (${v[i]}) must be finite`);
  }
  return v;
}

/**
 * Folds an inference-mode BatchNorm into the preceding convolution's weights and bias.
 * @param op the convolution's op name ('conv2d', 'convTranspose3d', ...; a separable layer folds
 *   into its pointwise weights with 'pointwiseConv2d')
 * @param w its weights, in the layout `opts.layout` names (channels first by default)
 * @param bias its bias, or undefined for none
 * @param bn { mean, variance, gamma?, beta?, epsilon? }: gamma 1, beta 0, epsilon 1e-5 by default
 * @param opts.layout where the output channels are; opts.groups for grouped transposed weights
 * @returns new arrays { w, bias }
 * @throws ConvError BAD_TENSOR | BAD_RANK | BAD_BIAS | BAD_OPTION | BAD_GROUPS
 */
export function foldBatchNorm(op: string, w: Tensor, bias: Float32Array | undefined, bn: BatchNorm,
  opts?: { layout?: string; groups?: number }): { w: Tensor; bias: Float32Array } {
  if (!CONV_OPS.includes(op) && !TRANSPOSED_OPS.includes(op)) {
    const hint = op === 'separableConv2d' ? " (fold into a separable layer's pointwise weights with 'pointwiseConv2d')" : '';
    throw new ConvError('BAD_OPTION', `${FN}: op (${show(op)}) must be one of ${[...CONV_OPS, ...TRANSPOSED_OPS].join(', ')}${hint}`);
  }
  const { layout, groups } = readingUserValues(FN, 'BAD_OPTION', 'opts', () => {
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new ConvError('BAD_OPTION', `${FN}: opts (${show(opts)}) must be an object like { layout, groups }`);
    }
    return { layout: opts?.layout, groups: opts?.groups };
  });
  if (layout !== undefined && !CHANNELS_FIRST.includes(layout) && !CHANNELS_LAST.includes(layout)) {
    throw new ConvError('BAD_OPTION', `${FN}: layout (${show(layout)}) must be one of ${[...CHANNELS_FIRST, ...CHANNELS_LAST].join(', ')}`);
  }
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) throw new ConvError('BAD_GROUPS', `${FN}: groups (${show(groups)}) must be a positive integer`);
  const wt = checkTensor(FN, 'w', w, RANKS[op]);
  const last = layout !== undefined && CHANNELS_LAST.includes(layout);
  const [cout, channel] = channelOf(op, wt.shape, last, g);
  const b = readingUserValues(FN, 'BAD_OPTION', 'bn', () => {
    if (bn === null || typeof bn !== 'object') throw new ConvError('BAD_OPTION', `${FN}: bn (${show(bn)}) must be { mean, variance, gamma?, beta?, epsilon? }`);
    return { mean: bn.mean, variance: bn.variance, gamma: bn.gamma, beta: bn.beta, epsilon: bn.epsilon };
  });
  const mean = vector('bn.mean', b.mean, cout, undefined) as Float32Array;
  const variance = vector('bn.variance', b.variance, cout, undefined) as Float32Array;
  const gamma = vector('bn.gamma', b.gamma, cout, 1);
  const beta = vector('bn.beta', b.beta, cout, 0);
  const eps = b.epsilon ?? 1e-5;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) {
    throw new ConvError('BAD_OPTION', `${FN}: bn.epsilon (${show(b.epsilon)}) must be a finite non-negative number`);
  }
  const b0 = bias === undefined ? 0 : vector('bias', bias, cout, undefined);
  const scale = new Float64Array(cout);
  const outBias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    if (variance[o] < 0) throw new ConvError('BAD_OPTION', `${FN}: bn.variance[${o}] (${variance[o]}) must not be negative`);
    const s = (typeof gamma === 'number' ? gamma : gamma[o]) / Math.sqrt(variance[o] + eps);
    if (!Number.isFinite(s)) throw new ConvError('BAD_OPTION', `${FN}: the scale of channel ${o} is not finite (variance + epsilon is 0)`);
    scale[o] = s;
    const bo = typeof b0 === 'number' ? b0 : b0[o];
    outBias[o] = (bo - mean[o]) * s + (typeof beta === 'number' ? beta : beta[o]);
  }
  const data = new Float32Array(wt.data.length);
  for (let i = 0; i < data.length; i++) data[i] = wt.data[i] * scale[channel(i)];
  return { w: { data, shape: wt.shape.slice() }, bias: outBias };
}
