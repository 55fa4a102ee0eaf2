/**
 * Option normalising (API.md, "Ops"): every public op turns its `opts` into one NormOptions
 * before anything else happens, so that plan.ts, the backends and the shape helpers see a
 * single canonical form. Validators follow PyTorch's conv2d/conv_transpose2d and ONNX Conv rules.
 */
import { ConvError, ConvErrorCode, isFloat32Array, readingUserValues, show } from '../errors.js';

export type Layout = 'NCHW' | 'NHWC';
export type Activation = 'none' | 'relu' | 'relu6';
export type BackendName = 'wasm-relaxed' | 'wasm-simd' | 'wasm' | 'js';
export const BACKEND_NAMES: readonly BackendName[] = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];

/** Public options of every op; which ones an op accepts is checked by normaliseOptions. */
export interface ConvOptions {
  stride?: number | [number, number];
  padding?: number | [number, number] | [number, number, number, number] | 'valid' | 'same';
  dilation?: number | [number, number];
  groups?: number;
  outputPadding?: number | [number, number];
  bias?: Float32Array;
  activation?: Activation;
  depthwiseBias?: Float32Array;
  depthwiseActivation?: Activation;
  layout?: Layout;
  backend?: BackendName;
  out?: Float32Array;
}

/** Padding after normalising: explicit [top, left, bottom, right], or 'same' (resolved per input size). */
export type Padding = { kind: 'explicit'; top: number; left: number; bottom: number; right: number } | { kind: 'same' };

export interface NormOptions {
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
  groups: number;
  outputPadding: [number, number];
  bias: Float32Array | undefined;
  activation: Activation;
  depthwiseBias: Float32Array | undefined;
  depthwiseActivation: Activation;
  layout: Layout;
  backend: BackendName | undefined;
  out: Float32Array | undefined;
}

/** Which op the options are for: decides which options are accepted. */
export type OpName =
  | 'conv2d'
  | 'depthwiseConv2d'
  | 'pointwiseConv2d'
  | 'separableConv2d'
  | 'convTranspose2d';

/**
 * Upper bound of stride, dilation, padding and outputPadding values (2^28). API.md sets none;
 * this one is far above anything a 4 GiB wasm memory can hold an image for, and low enough that
 * every index the kernels derive (o*s - p + k*d, sums of pads and sizes) fits a 32-bit integer.
 */
export const MAX_PARAM = 2 ** 28;

const KNOWN_KEYS = new Set([
  'stride', 'padding', 'dilation', 'groups', 'outputPadding', 'bias', 'activation',
  'depthwiseBias', 'depthwiseActivation', 'layout', 'backend', 'out',
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

function pair(fn: string, name: string, v: unknown, dflt: number, min: number, code: ConvErrorCode): [number, number] {
  if (v === undefined) return [dflt, dflt];
  const what = min === 0 ? 'non-negative' : 'positive';
  const expect = `a ${what} integer (at most ${MAX_PARAM}) or a pair of them`;
  if (isInt(v, min)) return [v, v];
  const a = smallArray(v, 2);
  if (a && a.length === 2 && isInt(a[0], min) && isInt(a[1], min)) return [a[0], a[1]];
  throw new ConvError(code, `${fn}: ${name} (${show(v)}) must be ${expect}`);
}

function activation(fn: string, name: string, v: unknown): Activation {
  if (v === undefined) return 'none';
  if (v === 'none' || v === 'relu' || v === 'relu6') return v;
  throw new ConvError('BAD_OPTION', `${fn}: ${name} (${show(v)}) must be 'none', 'relu' or 'relu6'`);
}

function padding(fn: string, v: unknown): Padding {
  if (v === undefined || v === 'valid') return { kind: 'explicit', top: 0, left: 0, bottom: 0, right: 0 };
  if (v === 'same') return { kind: 'same' };
  if (isInt(v, 0)) return { kind: 'explicit', top: v, left: v, bottom: v, right: v };
  const a = smallArray(v, 4);
  if (a && a.length === 2 && isInt(a[0], 0) && isInt(a[1], 0)) {
    return { kind: 'explicit', top: a[0], left: a[1], bottom: a[0], right: a[1] };
  }
  if (a && a.length === 4 && a.every((p) => isInt(p, 0))) {
    const [top, left, bottom, right] = a as number[];
    return { kind: 'explicit', top, left, bottom, right };
  }
  throw new ConvError(
    'BAD_PADDING',
    `${fn}: padding (${show(v)}) must be 'valid', 'same', a non-negative integer (at most ${MAX_PARAM}), ` +
      `[padH, padW] or [top, left, bottom, right]`,
  );
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
  onlyFor('groups', ['conv2d', 'convTranspose2d']);
  onlyFor('outputPadding', ['convTranspose2d']);
  onlyFor('depthwiseBias', ['separableConv2d']);
  onlyFor('depthwiseActivation', ['separableConv2d']);

  const stride = pair(fn, 'stride', o.stride, 1, 1, 'BAD_STRIDE');
  const dilation = pair(fn, 'dilation', o.dilation, 1, 1, 'BAD_DILATION');
  const pad = padding(fn, o.padding);
  if (fn === 'pointwiseConv2d' && pad.kind === 'explicit' && (pad.top || pad.left || pad.bottom || pad.right)) {
    throw new ConvError('BAD_PADDING', `${fn}: padding (${show(o.padding)}) must be 0 or 'valid' for a pointwise convolution`);
  }
  let groups = 1;
  if (o.groups !== undefined) {
    if (typeof o.groups !== 'number' || !Number.isInteger(o.groups) || o.groups < 1) {
      throw new ConvError('BAD_GROUPS', `${fn}: groups (${show(o.groups)}) must be a positive integer`);
    }
    groups = o.groups;
  }
  const outputPadding = pair(fn, 'outputPadding', o.outputPadding, 0, 0, 'BAD_OUTPUT_PADDING');
  if (fn === 'convTranspose2d' && pad.kind === 'same' && (outputPadding[0] || outputPadding[1])) {
    throw new ConvError(
      'BAD_OUTPUT_PADDING',
      `${fn}: outputPadding (${show(o.outputPadding)}) must be 0 with padding 'same'`,
    );
  }
  let layout: Layout = 'NCHW';
  if (o.layout !== undefined) {
    if (o.layout !== 'NCHW' && o.layout !== 'NHWC') {
      throw new ConvError('BAD_OPTION', `${fn}: layout (${show(o.layout)}) must be 'NCHW' or 'NHWC'`);
    }
    layout = o.layout;
  }
  let backend: BackendName | undefined;
  if (o.backend !== undefined) {
    if (!BACKEND_NAMES.includes(o.backend as BackendName)) {
      throw new ConvError('BAD_OPTION', `${fn}: backend (${show(o.backend)}) must be one of ${BACKEND_NAMES.join(', ')}`);
    }
    backend = o.backend as BackendName;
  }
  return {
    stride,
    dilation,
    padding: pad,
    groups,
    outputPadding,
    bias: f32(fn, 'bias', o.bias, 'BAD_BIAS'),
    activation: activation(fn, 'activation', o.activation),
    depthwiseBias: f32(fn, 'depthwiseBias', o.depthwiseBias, 'BAD_BIAS'),
    depthwiseActivation: activation(fn, 'depthwiseActivation', o.depthwiseActivation),
    layout,
    backend,
    out: f32(fn, 'out', o.out, 'BAD_OUT'),
  };
}

/** (min, max) clamp of an activation, applied after the bias while results are in registers. */
export function clampOf(a: Activation): [number, number] {
  switch (a) {
    case 'none':
      return [-Infinity, Infinity];
    case 'relu':
      return [0, Infinity];
    case 'relu6':
      return [0, 6];
    default:
      throw new ConvError('BAD_OPTION', `unknown activation ${show(a)}`);
  }
}
