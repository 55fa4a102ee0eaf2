/**
 * Option normalising (API.md, "Ops"): every public op turns its `opts` into one NormOptions
 * before anything else happens, so that plan.ts, the backends and the shape helpers see a
 * single canonical form. Validators follow PyTorch's conv2d/conv_transpose2d and ONNX Conv rules.
 */
import { ConvError, ConvErrorCode, isFloat32Array, readingUserValues, show } from '../errors.js';

/** The internal layout: channels first or channels last, whatever the rank. */
export type Layout = 'NCHW' | 'NHWC';
/** The layout strings a user passes, per spatial rank (channels first, channels last). */
export type UserLayout = 'NCHW' | 'NHWC' | 'NCW' | 'NWC' | 'NCDHW' | 'NDHWC';
export const LAYOUTS_OF_RANK: Record<1 | 2 | 3, readonly [UserLayout, UserLayout]> = {
  1: ['NCW', 'NWC'],
  2: ['NCHW', 'NHWC'],
  3: ['NCDHW', 'NDHWC'],
};
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];
/** API.md's activations, PyTorch's definitions. */
export type Activation =
  | 'none' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'silu' | 'hardSigmoid' | 'hardSwish' | 'gelu'
  | 'leakyRelu' | 'elu'
  | { type: 'leakyRelu' | 'elu'; alpha: number }
  | { type: 'prelu'; alpha: Float32Array }
  | { type: 'clip'; min: number; max: number }
  | { type: 'gelu'; approximate: 'none' | 'tanh' };

/**
 * What runs after a kernel's min/max clamp: nothing ('none': none, relu, relu6 and clip are the
 * clamp itself), or one of the activations wasm has no instruction for.
 */
export type EpilogueKind = 'none' | 'sigmoid' | 'tanh' | 'silu' | 'hardSigmoid' | 'hardSwish' | 'gelu' | 'geluTanh'
  | 'leakyRelu' | 'elu' | 'prelu';
export const EPILOGUE_KINDS: readonly EpilogueKind[] = ['none', 'sigmoid', 'tanh', 'silu', 'hardSigmoid', 'hardSwish',
  'gelu', 'geluTanh', 'leakyRelu', 'elu', 'prelu'];

/** An activation after normalising: the kernels' clamp and what follows it. */
export interface ActivationSpec {
  readonly min: number;
  readonly max: number;
  readonly kind: EpilogueKind;
  /** leakyRelu's and elu's alpha. */
  readonly alpha: number;
  /** prelu's slopes (a copy), one per output channel or one. */
  readonly prelu?: Float32Array;
  /** For messages and describe(). */
  readonly name: string;
}
export type BackendName = 'wasm-relaxed' | 'wasm-simd' | 'wasm' | 'js';
export const BACKEND_NAMES: readonly BackendName[] = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];

/** Public options of every op; which ones an op accepts is checked by normaliseOptions. */
export interface ConvOptions {
  /** One value, or one per spatial axis. */
  stride?: number | number[];
  /**
   * A number, one per axis (symmetric), begin and end per axis in ONNX order ([begin, end] for
   * 1-D, [top, left, bottom, right] for 2-D, [front, top, left, back, bottom, right] for 3-D),
   * 'valid', 'same', or 'causal' (conv1d only).
   */
  padding?: number | number[] | 'valid' | 'same' | 'causal';
  dilation?: number | number[];
  groups?: number;
  outputPadding?: number | number[];
  paddingMode?: PaddingMode;
  bias?: Float32Array;
  activation?: Activation;
  depthwiseBias?: Float32Array;
  depthwiseActivation?: Activation;
  layout?: UserLayout;
  backend?: BackendName;
  out?: Float32Array;
}

/**
 * Padding after normalising: explicit begin and end per axis (front/back 0 below 3-D), 'same'
 * (resolved per input size) or 'causal' (conv1d: dilation * (k - 1) before, resolved by the spec).
 */
export type Padding =
  | { kind: 'explicit'; front: number; top: number; left: number; back: number; bottom: number; right: number }
  | { kind: 'same' }
  | { kind: 'causal' };

export interface NormOptions {
  /** Spatial rank of the op: 1, 2 or 3. */
  rank: 1 | 2 | 3;
  /** [H, W]; 1-D ops have H = 1. */
  stride: [number, number];
  dilation: [number, number];
  /** The depth axis of 3-D ops (1 otherwise). */
  strideD: number;
  dilationD: number;
  padding: Padding;
  paddingMode: PaddingMode;
  groups: number;
  outputPadding: [number, number];
  outputPaddingD: number;
  bias: Float32Array | undefined;
  activation: ActivationSpec;
  depthwiseBias: Float32Array | undefined;
  depthwiseActivation: ActivationSpec;
  layout: Layout;
  /** The layout string as the user's rank spells it, for messages. */
  userLayout: UserLayout;
  backend: BackendName | undefined;
  out: Float32Array | undefined;
}

/** Which op the options are for: decides which options are accepted. */
export type OpName =
  | 'conv2d'
  | 'depthwiseConv2d'
  | 'pointwiseConv2d'
  | 'separableConv2d'
  | 'convTranspose2d'
  | 'conv1d'
  | 'convTranspose1d'
  | 'conv3d'
  | 'convTranspose3d';

/** The spatial rank of an op. */
export function rankOf(fn: OpName): 1 | 2 | 3 {
  return fn === 'conv1d' || fn === 'convTranspose1d' ? 1 : fn === 'conv3d' || fn === 'convTranspose3d' ? 3 : 2;
}

/** Whether an op is a transposed convolution. */
export function isTransposed(fn: OpName): boolean {
  return fn === 'convTranspose1d' || fn === 'convTranspose2d' || fn === 'convTranspose3d';
}

/**
 * Upper bound of stride, dilation, padding and outputPadding values (2^28). API.md sets none;
 * this one is far above anything a 4 GiB wasm memory can hold an image for, and low enough that
 * every index the kernels derive (o*s - p + k*d, sums of pads and sizes) fits a 32-bit integer.
 */
export const MAX_PARAM = 2 ** 28;

const KNOWN_KEYS = new Set([
  'stride', 'padding', 'dilation', 'groups', 'outputPadding', 'bias', 'activation',
  'depthwiseBias', 'depthwiseActivation', 'paddingMode', 'layout', 'backend', 'out',
]);

function isInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_PARAM;
}

/** A copy of `v` if it is an array of at most `maxLength` entries, each read once; else undefined. */
function smallArray(v: unknown, maxLength: number): unknown[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const length: number = v.length;
  if (length > maxLength) return undefined;
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) copy.push(v[i]);
  return copy;
}

const AXES: Record<1 | 2 | 3, string> = { 1: '[w]', 2: '[h, w]', 3: '[d, h, w]' };

/** One value per spatial axis ([d, h, w] for 3-D, [h, w] for 2-D, [w] for 1-D): a number or an array of `rank`. */
function perAxis(fn: string, name: string, v: unknown, rank: 1 | 2 | 3, dflt: number, min: number,
  code: ConvErrorCode): number[] {
  if (v === undefined) return new Array(rank).fill(dflt);
  if (isInt(v, min)) return new Array(rank).fill(v);
  const a = smallArray(v, rank);
  if (a && a.length === rank && a.every((x) => isInt(x, min))) return a as number[];
  const what = min === 0 ? 'non-negative' : 'positive';
  throw new ConvError(code, `${fn}: ${name} (${show(v)}) must be a ${what} integer (at most ${MAX_PARAM}) or ${AXES[rank]} of them`);
}

const NAMED: Record<string, [EpilogueKind, number, number, number]> = {
  none: ['none', -Infinity, Infinity, 0],
  relu: ['none', 0, Infinity, 0],
  relu6: ['none', 0, 6, 0],
  sigmoid: ['sigmoid', -Infinity, Infinity, 0],
  tanh: ['tanh', -Infinity, Infinity, 0],
  silu: ['silu', -Infinity, Infinity, 0],
  hardSigmoid: ['hardSigmoid', -Infinity, Infinity, 0],
  hardSwish: ['hardSwish', -Infinity, Infinity, 0],
  gelu: ['gelu', -Infinity, Infinity, 0],
  leakyRelu: ['leakyRelu', -Infinity, Infinity, 0.01],
  elu: ['elu', -Infinity, Infinity, 1],
};

function act(kind: EpilogueKind, min: number, max: number, alpha: number, name: string, prelu?: Float32Array): ActivationSpec {
  return Object.freeze({ kind, min, max, alpha, name, ...(prelu ? { prelu } : {}) });
}

function finiteNumber(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConvError('BAD_OPTION', `${fn}: ${name} (${show(v)}) must be a finite number`);
  }
  return v;
}

/** Validates an activation (API.md); a prelu's length is checked by plan.ts, which knows the channels. */
function activation(fn: string, name: string, v: unknown): ActivationSpec {
  if (v === undefined) return act('none', -Infinity, Infinity, 0, 'none');
  if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(NAMED, v)) {
    const [kind, min, max, alpha] = NAMED[v];
    return act(kind, min, max, alpha, v);
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const type = o.type;
    if (type === 'leakyRelu' || type === 'elu') {
      return act(type, -Infinity, Infinity, finiteNumber(fn, `${name}.alpha`, o.alpha), type);
    }
    if (type === 'prelu') {
      const a = o.alpha;
      if (!isFloat32Array(a) || a.length === 0) {
        throw new ConvError('BAD_OPTION', `${fn}: ${name}.alpha (${show(a)}) must be a Float32Array of one slope per output channel, or of one`);
      }
      const copy = Float32Array.from(a);
      for (let i = 0; i < copy.length; i++) finiteNumber(fn, `${name}.alpha[${i}]`, copy[i]);
      return act('prelu', -Infinity, Infinity, 0, 'prelu', copy);
    }
    if (type === 'clip') {
      const { min, max } = o;
      if (typeof min !== 'number' || Number.isNaN(min) || typeof max !== 'number' || Number.isNaN(max)) {
        throw new ConvError('BAD_OPTION', `${fn}: ${name} clip bounds (${show(min)}, ${show(max)}) must be numbers (+-Infinity allowed, not NaN)`);
      }
      if (min > max) throw new ConvError('BAD_OPTION', `${fn}: ${name} clip min (${min}) must not exceed max (${max})`);
      return act('none', min, max, 0, `clip(${min}, ${max})`);
    }
    if (type === 'gelu') {
      const ap = o.approximate ?? 'none';
      if (ap !== 'none' && ap !== 'tanh') {
        throw new ConvError('BAD_OPTION', `${fn}: ${name}.approximate (${show(ap)}) must be 'none' or 'tanh'`);
      }
      return ap === 'tanh' ? act('geluTanh', -Infinity, Infinity, 0, 'gelu(tanh)') : act('gelu', -Infinity, Infinity, 0, 'gelu');
    }
  }
  throw new ConvError('BAD_OPTION',
    `${fn}: ${name} (${show(v)}) must be one of ${Object.keys(NAMED).map((k) => `'${k}'`).join(', ')} or ` +
    `{ type: 'leakyRelu' | 'elu', alpha }, { type: 'prelu', alpha }, { type: 'clip', min, max }, { type: 'gelu', approximate }`);
}

function explicit(front: number, top: number, left: number, back: number, bottom: number, right: number): Padding {
  return { kind: 'explicit', front, top, left, back, bottom, right };
}

const PADDING_FORMS: Record<1 | 2 | 3, string> = {
  1: "[p] or [begin, end]",
  2: "[padH, padW] or [top, left, bottom, right]",
  3: "[padD, padH, padW] or [front, top, left, back, bottom, right]",
};

function padding(fn: OpName, v: unknown, rank: 1 | 2 | 3): Padding {
  if (v === undefined || v === 'valid') return explicit(0, 0, 0, 0, 0, 0);
  if (v === 'same') return { kind: 'same' };
  if (v === 'causal') {
    if (fn !== 'conv1d') {
      throw new ConvError('BAD_PADDING', `${fn}: padding 'causal' is for conv1d only`);
    }
    return { kind: 'causal' };
  }
  if (isInt(v, 0)) return explicit(rank === 3 ? v : 0, rank === 1 ? 0 : v, v, rank === 3 ? v : 0, rank === 1 ? 0 : v, v);
  const a = smallArray(v, 2 * rank);
  if (a && a.every((p) => isInt(p, 0))) {
    const p = a as number[];
    if (rank === 1 && p.length === 1) return explicit(0, 0, p[0], 0, 0, p[0]);
    if (rank === 1 && p.length === 2) return explicit(0, 0, p[0], 0, 0, p[1]);
    if (rank === 2 && p.length === 2) return explicit(0, p[0], p[1], 0, p[0], p[1]);
    if (rank === 2 && p.length === 4) return explicit(0, p[0], p[1], 0, p[2], p[3]);
    if (rank === 3 && p.length === 3) return explicit(p[0], p[1], p[2], p[0], p[1], p[2]);
    if (rank === 3 && p.length === 6) return explicit(p[0], p[1], p[2], p[3], p[4], p[5]);
  }
  throw new ConvError(
    'BAD_PADDING',
    `${fn}: padding (${show(v)}) must be 'valid', 'same'${fn === 'conv1d' ? ", 'causal'" : ''}, a non-negative integer ` +
      `(at most ${MAX_PARAM}), ${PADDING_FORMS[rank]}`,
  );
}

/** Whether an explicit padding is all zeros. */
export function noPadding(p: Padding): boolean {
  return p.kind === 'explicit' && !(p.front || p.top || p.left || p.back || p.bottom || p.right);
}

function f32(fn: string, name: string, v: unknown, code: ConvErrorCode): Float32Array | undefined {
  if (v === undefined) return undefined;
  if (isFloat32Array(v)) return v;
  throw new ConvError(code, `${fn}: ${name} (${show(v)}) must be a Float32Array`);
}

/**
 * Validates and canonicalises `opts` for `fn`. Channel-dependent checks (bias length, groups
 * dividing channels, outputPadding below stride or dilation) happen in plan.ts, which knows the shapes.
 * @throws ConvError BAD_OPTION | BAD_STRIDE | BAD_DILATION | BAD_PADDING | BAD_GROUPS | BAD_OUTPUT_PADDING | BAD_BIAS | BAD_OUT
 */
export function normaliseOptions(fn: OpName, opts: unknown): NormOptions {
  // Proxies and getters that throw, or change between reads, meet one snapshot read in one place.
  return readingUserValues(fn, 'BAD_OPTION', 'opts', () => normalise(fn, opts));
}

function normalise(fn: OpName, opts: unknown): NormOptions {
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new ConvError('BAD_OPTION', `${fn}: opts (${show(opts)}) must be an options object`);
  }
  for (const key of Object.keys(opts as object)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConvError('BAD_OPTION', `${fn}: opts.${key} is not an option (expected one of ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  // Each option is read exactly once, here.
  const o: Record<string, unknown> = {};
  for (const key of KNOWN_KEYS) o[key] = (opts as Record<string, unknown>)[key];
  const onlyFor = (key: string, ops: OpName[]): void => {
    if (o[key] !== undefined && !ops.includes(fn)) {
      throw new ConvError('BAD_OPTION', `${fn}: opts.${key} (${show(o[key])}) is an option of ${ops.join(' and ')} only`);
    }
  };
  onlyFor('groups', ['conv2d', 'convTranspose2d', 'conv1d', 'convTranspose1d', 'conv3d', 'convTranspose3d']);
  onlyFor('outputPadding', ['convTranspose2d', 'convTranspose1d', 'convTranspose3d']);
  onlyFor('depthwiseBias', ['separableConv2d']);
  onlyFor('depthwiseActivation', ['separableConv2d']);

  const rank = rankOf(fn);
  // [d, h, w] of a value per axis: 2-D ops have no depth, 1-D ops neither depth nor height
  const spatial = (v: number[], one: number): [number, number, number] =>
    rank === 3 ? [v[0], v[1], v[2]] : rank === 2 ? [one, v[0], v[1]] : [one, one, v[0]];
  const [strideD, strideH, strideW] = spatial(perAxis(fn, 'stride', o.stride, rank, 1, 1, 'BAD_STRIDE'), 1);
  const [dilationD, dilationH, dilationW] = spatial(perAxis(fn, 'dilation', o.dilation, rank, 1, 1, 'BAD_DILATION'), 1);
  const pad = padding(fn, o.padding, rank);
  if (fn === 'pointwiseConv2d' && !noPadding(pad)) {
    throw new ConvError('BAD_PADDING', `${fn}: padding (${show(o.padding)}) must be 0 or 'valid' for a pointwise convolution`);
  }
  let paddingMode: PaddingMode = 'zeros';
  if (o.paddingMode !== undefined) {
    if (!PADDING_MODES.includes(o.paddingMode as PaddingMode)) {
      throw new ConvError('BAD_OPTION', `${fn}: paddingMode (${show(o.paddingMode)}) must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}`);
    }
    paddingMode = o.paddingMode as PaddingMode;
    if (isTransposed(fn) && paddingMode !== 'zeros') {
      throw new ConvError('BAD_OPTION', `${fn}: paddingMode (${show(o.paddingMode)}) must be 'zeros' for a transposed convolution`);
    }
  }
  let groups = 1;
  if (o.groups !== undefined) {
    if (typeof o.groups !== 'number' || !Number.isInteger(o.groups) || o.groups < 1) {
      throw new ConvError('BAD_GROUPS', `${fn}: groups (${show(o.groups)}) must be a positive integer`);
    }
    groups = o.groups;
  }
  const [outputPaddingD, ...outputPadding] = spatial(perAxis(fn, 'outputPadding', o.outputPadding, rank, 0, 0, 'BAD_OUTPUT_PADDING'), 0);
  if (isTransposed(fn) && pad.kind === 'same' && (outputPaddingD || outputPadding[0] || outputPadding[1])) {
    throw new ConvError(
      'BAD_OUTPUT_PADDING',
      `${fn}: outputPadding (${show(o.outputPadding)}) must be 0 with padding 'same'`,
    );
  }
  const [first, last] = LAYOUTS_OF_RANK[rank];
  let userLayout: UserLayout = first;
  if (o.layout !== undefined) {
    if (o.layout !== first && o.layout !== last) {
      throw new ConvError('BAD_OPTION', `${fn}: layout (${show(o.layout)}) must be '${first}' or '${last}'`);
    }
    userLayout = o.layout as UserLayout;
  }
  const layout: Layout = userLayout === first ? 'NCHW' : 'NHWC';
  let backend: BackendName | undefined;
  if (o.backend !== undefined) {
    if (!BACKEND_NAMES.includes(o.backend as BackendName)) {
      throw new ConvError('BAD_OPTION', `${fn}: backend (${show(o.backend)}) must be one of ${BACKEND_NAMES.join(', ')}`);
    }
    backend = o.backend as BackendName;
  }
  return {
    rank,
    stride: [strideH, strideW],
    dilation: [dilationH, dilationW],
    strideD,
    dilationD,
    padding: pad,
    paddingMode,
    groups,
    outputPadding: [outputPadding[0], outputPadding[1]],
    outputPaddingD,
    bias: f32(fn, 'bias', o.bias, 'BAD_BIAS'),
    activation: activation(fn, 'activation', o.activation),
    depthwiseBias: f32(fn, 'depthwiseBias', o.depthwiseBias, 'BAD_BIAS'),
    depthwiseActivation: activation(fn, 'depthwiseActivation', o.depthwiseActivation),
    layout,
    userLayout,
    backend,
    out: f32(fn, 'out', o.out, 'BAD_OUT'),
  };
}

