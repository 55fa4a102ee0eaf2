/**
 * Prepared layers (API.md, "Prepared layers"), the XNNPACK operator lifecycle: create validates
 * and packs the weights once into the backend (wasm memory for wasm backends); run resolves the
 * plan for the input's size, checks `out` and executes; dispose frees. The functional ops are
 * create + run + dispose inside try/finally.
 */
import { ConvError, isFloat32Array, readingUserValues, show } from '../errors.js';
import { checkShape, checkTensor, Tensor } from '../tensor/tensor.js';
import { canonicalWeights } from '../tensor/layout.js';
import { getBackend } from '../backends/registry.js';
import type { Backend, Kernel, Runner, StageDescription } from '../backends/types.js';
import { Layout, NormOptions, normaliseOptions, OpName } from './options.js';
import { Dims, dimsOf, Geometry, inLength, kernelAxes, kernelSpec, outLength, outShapeOf, resolve, specConv2d, specDepthwise, specPointwise, specTransposed, StageSpec } from './plan.js';
import { ConvStream, createStream, StreamSource } from './stream.js';

/** What run() accepts besides the input. */
export interface RunOptions {
  out?: Float32Array;
}

let liveLayers = 0;
/** Prepared layers created and not yet disposed. */
export function liveLayerCount(): number {
  return liveLayers;
}

/** One weight tensor and the spec built from it. */
interface StageInput {
  spec: StageSpec;
  w: Tensor;
  bias: Float32Array | undefined;
}

/** Names and accepted ranks of each op's weight arguments. */
const WEIGHT_ARGS: Record<OpName, readonly (readonly [string, readonly number[]])[]> = {
  conv2d: [['w', [4]]],
  depthwiseConv2d: [['w', [4]]],
  pointwiseConv2d: [['w', [4, 2]]],
  convTranspose2d: [['w', [4]]],
  separableConv2d: [['wDepthwise', [4]], ['wPointwise', [4, 2]]],
  conv1d: [['w', [3]]],
  convTranspose1d: [['w', [3]]],
  conv3d: [['w', [5]]],
  convTranspose3d: [['w', [5]]],
};

/** The kernel axes of weights of any rank in a layout (for zero-sized kernel messages). */
const axesIn = (layout: Layout) => (rank: number): readonly number[] => kernelAxes(layout, rank);

/** Validates the weight shapes (not data) of `fn`; returns checked copies. */
export function checkWeightShapes(fn: OpName, o: NormOptions, shapes: readonly unknown[]): number[][] {
  return WEIGHT_ARGS[fn].map(([name, ranks], i) => checkShape(fn, `${name}Shape`, shapes[i], ranks, axesIn(o.layout)));
}

/** The stage specs of an op from its (checked) weight shapes: one stage, or two for separable. */
export function specsOf(fn: OpName, o: NormOptions, shapes: readonly number[][]): StageSpec[] {
  switch (fn) {
    case 'conv2d':
    case 'conv1d':
    case 'conv3d':
      return [specConv2d(fn, shapes[0], o)];
    case 'depthwiseConv2d':
      return [specDepthwise(fn, shapes[0], o)];
    case 'pointwiseConv2d':
      return [specPointwise(fn, shapes[0], o)];
    case 'convTranspose2d':
    case 'convTranspose1d':
    case 'convTranspose3d':
      return [specTransposed(fn, shapes[0], o)];
    case 'separableConv2d': {
      const dwSpec = specDepthwise(fn, shapes[0], o, 'depthwiseActivation');
      // stride, padding and dilation belong to the depthwise stage; the pointwise one is a plain 1x1.
      const pwSpec = specPointwise(fn, shapes[1], { ...o, stride: [1, 1], dilation: [1, 1] });
      if (pwSpec.cin !== dwSpec.cout) {
        throw new ConvError('CHANNEL_MISMATCH',
          `${fn}: the pointwise weights' input channels (${pwSpec.cin}) must equal the depthwise output channels (${dwSpec.cout})`);
      }
      return [dwSpec, pwSpec];
    }
    default:
      throw new ConvError('BAD_OPTION', `unknown op ${show(fn)}`);
  }
}

/** Validates weight tensors and builds the stages of an op. */
export function stagesOf(fn: OpName, o: NormOptions, ws: readonly unknown[]): StageInput[] {
  const tensors = WEIGHT_ARGS[fn].map(([name, ranks], i) => checkTensor(fn, name, ws[i], ranks, axesIn(o.layout)));
  const specs = specsOf(fn, o, tensors.map((t) => t.shape));
  const biases = specs.length === 2 ? [o.depthwiseBias, o.bias] : [o.bias];
  return specs.map((spec, i) => ({ spec, w: tensors[i], bias: biases[i] }));
}

/** Resolves a chain of stages against an input of these sizes. */
export function resolveChain(specs: readonly StageSpec[], x: Dims): Geometry[] {
  const geoms: Geometry[] = [];
  let { c, d, h, w } = x;
  for (const spec of specs) {
    const g = resolve(spec, x.n, c, h, w, d);
    geoms.push(g);
    [c, d, h, w] = [g.cout, g.od, g.oh, g.ow];
  }
  return geoms;
}

/** The activation rank of the ops of a rank (3 for 1-D, 4 for 2-D, 5 for 3-D). */
export const tensorRank = (rank: 1 | 2 | 3): number => rank + 2;

/** Turns an allocation failure (RangeError from a typed array or memory.grow) into OUT_OF_MEMORY. */
export function oom<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ConvError('OUT_OF_MEMORY', `${fn}: the memory this call needs cannot be had (${e.message})`);
    }
    if (e instanceof ConvError && e.code === 'OUT_OF_MEMORY' && !e.message.startsWith(fn)) {
      throw new ConvError('OUT_OF_MEMORY', `${fn}: ${e.message}`);
    }
    throw e;
  }
}

/** Reads run()'s `{out}` once. @throws ConvError BAD_OPTION */
export function runOut(fn: string, opts: unknown): unknown {
  if (opts === undefined) return undefined;
  return readingUserValues(fn, 'BAD_OPTION', 'opts', () => {
    if (opts === null || typeof opts !== 'object') {
      throw new ConvError('BAD_OPTION', `${fn}: opts (${show(opts)}) must be an object like {out}`);
    }
    return (opts as RunOptions).out;
  });
}

/**
 * Checks that an array still has the length it was checked with: user getters run after a check
 * can shrink a resizable ArrayBuffer under a length-tracking view.
 */
function stillHolds(fn: string, arg: string, a: Float32Array, length: number, code: 'SHAPE_MISMATCH' | 'BAD_BIAS'): void {
  if (a.length !== length) {
    throw new ConvError(code, `${fn}: ${arg}'s length changed to ${a.length} after it was checked (${length}); its buffer was resized`);
  }
}

/** Checks `out` (BAD_OUT) or allocates the output. */
export function outputArray(fn: string, out: unknown, length: number, shape: number[]): Float32Array {
  if (out === undefined) return oom(fn, () => new Float32Array(length));
  if (!isFloat32Array(out) || out.length !== length) {
    throw new ConvError('BAD_OUT', `${fn}: out (${show(out)}) must be a Float32Array of exactly the output's length ${length} (shape ${show(shape)})`);
  }
  return out;
}

/**
 * run(x, {out}) of a layer or a sequence: reads the options once, checks x, resolves the chain of
 * stages for x's size and executes it.
 */
export function runCall(fn: string, specs: readonly StageSpec[], layout: Layout, runner: Runner, x: unknown, opts: unknown): Tensor {
  const out = runOut(fn, opts);
  const rank = specs[0].rank;
  const xt = checkTensor(fn, 'x', x, [tensorRank(rank)]);
  return execute(fn, runner, layout, xt, resolveChain(specs, dimsOf(xt.shape, layout)), out, rank);
}

/** Executes resolved geometries: x re-checked, `out` checked or allocated, the runner run. */
function execute(fn: string, runner: Runner, layout: Layout, x: Tensor, geoms: Geometry[], out: unknown,
  rank: 1 | 2 | 3): Tensor {
  stillHolds(fn, 'x', x.data, inLength(geoms[0]), 'SHAPE_MISMATCH');
  const last = geoms[geoms.length - 1];
  const shape = outShapeOf(last, layout, rank);
  const data = outputArray(fn, out, outLength(last), shape);
  oom(fn, () => runner.run(x.data, layout, geoms, data));
  return { data, shape };
}

const enum State {
  Ready,
  /** handed to a sequence: its kernels live on there until the sequence is disposed */
  Owned,
  Disposed,
}

/**
 * A prepared layer: packed weights on one backend plus the buffers its runs reuse.
 * Create with createConv2d and its siblings; run any number of times; dispose once.
 */
export class PreparedLayer {
  readonly fn: OpName;
  readonly layout: Layout;
  readonly specs: readonly StageSpec[];
  readonly backend: Backend;
  /** @internal packed stages, shared with a sequence that takes this layer over */
  readonly kernels: readonly Kernel[];
  #runner: Runner;
  #state = State.Ready;
  /** convTranspose1d: its canonical weights and bias, for the kernels its stream builds (stream.ts). */
  #canonical: { weights: Float32Array; bias: Float32Array } | undefined;

  /** @internal use createConv2d & co. */
  constructor(fn: OpName, o: NormOptions, stages: StageInput[]) {
    this.fn = fn;
    this.layout = o.layout;
    this.specs = stages.map((s) => s.spec);
    this.backend = getBackend(fn, o.backend);
    const kernels: Kernel[] = [];
    try {
      for (const s of stages) {
        // A later getter may have shrunk a resizable buffer under an array checked earlier.
        stillHolds(fn, 'w', s.w.data, s.w.shape.reduce((a, b) => a * b, 1), 'SHAPE_MISMATCH');
        if (s.bias) stillHolds(fn, 'bias', s.bias, s.spec.cout, 'BAD_BIAS');
        const spec = kernelSpec(s.spec);
        const weights = canonicalWeights(spec, s.w.data, o.layout);
        const bias = s.bias ? Float32Array.from(s.bias) : new Float32Array(s.spec.cout);
        kernels.push(oom(fn, () => this.backend.createKernel({ spec, weights, bias })));
        if (fn === 'convTranspose1d') this.#canonical = { weights, bias };
      }
      this.#runner = this.backend.createRunner(kernels);
    } catch (e) {
      for (const k of kernels) k.dispose();
      throw e;
    }
    this.kernels = kernels;
    liveLayers++;
  }

  /** True for a real PreparedLayer: a private-field brand check, which no proxy or look-alike passes. */
  static isLayer(v: unknown): v is PreparedLayer {
    return typeof v === 'object' && v !== null && #state in v;
  }

  /** True once dispose() ran or a sequence took the layer over. */
  get disposed(): boolean {
    return this.#state !== State.Ready;
  }

  /**
   * Runs the layer on `x` (in the layer's layout; any size the options accept).
   * @returns a new tensor, or one whose data is `opts.out`
   * @throws ConvError DISPOSED | BAD_TENSOR | BAD_RANK | SHAPE_MISMATCH | CHANNEL_MISMATCH | BAD_GROUPS | EMPTY_OUTPUT | BAD_OUT | OUT_OF_MEMORY
   */
  run(x: Tensor, opts?: RunOptions): Tensor {
    const fn = `${this.fn} layer.run`;
    if (this.#state !== State.Ready) {
      throw new ConvError('DISPOSED', `${fn}: the layer was ${this.#state === State.Owned ? 'handed to a sequence' : 'disposed'}`);
    }
    return runCall(fn, this.specs, this.layout, this.#runner, x, opts);
  }

  /**
   * A stream over this conv1d or convTranspose1d layer: push chunks of a signal, get every output
   * step they decide (API.md, "Streaming 1-D convolution").
   * @throws ConvError DISPOSED | BAD_RANK (a 2-D or 3-D layer) | BAD_OPTION ('same' at stride > 1, 'circular') | OUT_OF_MEMORY
   */
  stream(): ConvStream {
    const fn = `${this.fn} layer.stream`;
    if (this.#state !== State.Ready) {
      throw new ConvError('DISPOSED', `${fn}: the layer was ${this.#state === State.Owned ? 'handed to a sequence' : 'disposed'}`);
    }
    return createStream(fn, this.backend, this.layout, this.streamSources(), () => this.#state === State.Ready);
  }

  /** @internal what a stream needs of each stage (a sequence's stream asks its layers). */
  streamSources(): StreamSource[] {
    return this.specs.map((spec, i) => ({ spec, kernel: this.kernels[i], canonical: this.#canonical }));
  }

  /** @internal run with geometries already resolved (functional ops resolve before packing). */
  runChecked(fn: string, x: Tensor, geoms: Geometry[], out: unknown): Tensor {
    return execute(fn, this.#runner, this.layout, x, geoms, out, this.specs[0].rank);
  }

  /**
   * Per stage (two for separable), the op, the kernel that ran it and how its data entered and
   * left it, for the last input run: for people and bug reports, not a stable format.
   */
  describe(): StageDescription[] {
    return this.#runner.describe();
  }

  /**
   * Frees the packed weights and buffers; a second call does nothing. A layer handed to a
   * sequence is disposed by the sequence.
   */
  dispose(): void {
    if (this.#state !== State.Ready) return;
    this.#free();
  }

  #free(): void {
    if (this.#state === State.Ready) this.#runner.dispose();
    this.#state = State.Disposed;
    this.#canonical = undefined;
    for (const k of this.kernels) k.dispose();
    liveLayers--;
  }

  /**
   * @internal Hands the layer to a sequence: its own run buffers are freed, its kernels stay,
   * and the returned function disposes it for good.
   */
  handOver(): () => void {
    if (this.#state !== State.Ready) {
      throw new ConvError('DISPOSED', `createSequence: a ${this.fn} layer was already ${this.#state === State.Owned ? 'handed to a sequence' : 'disposed'}`);
    }
    this.#runner.dispose();
    this.#state = State.Owned;
    return () => this.#free();
  }
}

/** Creates a prepared layer for `fn` from its weights and options. */
export function createLayer(fn: OpName, ws: unknown[], opts: unknown): PreparedLayer {
  const o = normaliseOptions(fn, opts);
  if (o.out !== undefined) {
    throw new ConvError('BAD_OPTION', `${fn}: out is an option of run(), not of a prepared layer`);
  }
  return new PreparedLayer(fn, o, stagesOf(fn, o, ws));
}

/** The functional form: validate everything, then create, run and dispose. */
export function runOnce(fn: OpName, x: unknown, ws: unknown[], opts: unknown): Tensor {
  const o = normaliseOptions(fn, opts);
  const xt = checkTensor(fn, 'x', x, [tensorRank(o.rank)]);
  const stages = stagesOf(fn, o, ws);
  const geoms = resolveChain(stages.map((s) => s.spec), dimsOf(xt.shape, o.layout));
  const last = geoms[geoms.length - 1];
  // Check `out` before packing anything.
  if (o.out !== undefined) outputArray(fn, o.out, outLength(last), outShapeOf(last, o.layout, o.rank));
  const layer = new PreparedLayer(fn, o, stages);
  try {
    return layer.runChecked(fn, xt, geoms, o.out);
  } finally {
    layer.dispose();
  }
}
