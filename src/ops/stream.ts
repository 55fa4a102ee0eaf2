/**
 * Streaming 1-D convolution (API.md, "Streaming 1-D convolution"): a conv1d or convTranspose1d
 * layer, or a sequence of them, fed a signal chunk by chunk. Each push returns every output step
 * the input so far decides; end() returns the rest; everything returned, concatenated along time,
 * is run() on the whole signal.
 *
 * Every layer keeps only what its later outputs need, channels-last ([n][steps][c], batches
 * packed one after the other), and each input step goes through each layer's kernel once:
 *
 *   conv    a window [history | new steps] of the padded signal P = [left pad | x | right pad],
 *           from the first tap of the next output on (fewer than its span (k-1)*d+1 steps, or,
 *           at a stride above the span, none and a count of steps to skip). The left pad is
 *           written into the window once, when the first steps arrive (reflect needs pl + 1 of
 *           them, replicate one); end() appends the right pad (reflect and replicate read it from
 *           the last pr + 1 steps, kept apart). The layer's own kernel runs on the window with no
 *           padding (a Runner of the layer's kernels, a geometry without pads) and returns exactly
 *           the new output steps.
 *   deconv  the layer's weights run with no bias, no activation and no crop on the new steps alone
 *           (each input's contribution once), and are added into the pending overlap-add tail
 *           ((k-1)*d+1-s steps) the earlier inputs left; steps no later input reaches get the bias
 *           and the activation from a 1x1 depthwise kernel of ones (the backend's own epilogue),
 *           the crop at the start dropped, the crop at the end held back until end().
 *
 * Where the backend has state buffers (wasm: Backend.createState, Runner.runIn), the windows and
 * outputs live in wasm memory between pushes and the kernels read and write them in place; with
 * batch 1 a layer writes its output straight into the next layer's window, so a chunk is copied
 * in once and out once. Elsewhere (js) they are Float32Arrays passed to Runner.run. Buffers grow
 * to the largest chunk met and are reused: a push allocates no buffer but the array it returns,
 * and none when `out` is given.
 *
 * stream/: store.ts (the buffers and runners kept between pushes, the step copies), stage.ts (what
 * each layer's state answers), conv-stage.ts and deconv-stage.ts (the two kinds of layer).
 */
import { ConvError, isFloat32Array, readingUserValues, show } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { MAX_ELEMENTS } from '../tensor/tensor.js';
import type { Backend } from '../backends/types.js';
import { transposeBlocked } from '../backends/js/transpose.js';
import type { Layout } from './options.js';
import type { StageSpec } from './plan.js';
import { oom, outputArray, resolveChain, runOut } from './layers.js';
import { ConvStage } from './stream/conv-stage.js';
import { DeconvStage } from './stream/deconv-stage.js';
import { Input, lookaheadOf, Stage, StreamSource } from './stream/stage.js';
import { copy, EMPTY, Store } from './stream/store.js';

export type { StreamSource } from './stream/stage.js';

/** What push() and end() accept. */
export interface StreamOptions {
  /** The output's data: exactly its length (outputSteps() sizes a push's). */
  out?: Float32Array;
}

/**
 * A stream over a conv1d or convTranspose1d layer or a sequence of them (API.md, "Streaming 1-D
 * convolution"). Create with `layer.stream()` or `sequence.stream()`.
 */
export class ConvStream {
  /**
   * Input steps between an input and the last output it completes: an output at time j (in
   * input steps, j times the input steps per output step) is returned once the input step
   * j + lookahead is in. 0 for a causal stack at stride 1; 'same' with kernel k at stride 1 adds
   * (k-1)*d/2 per layer.
   */
  readonly lookahead: number;
  readonly #fn: string;
  readonly #layout: Layout;
  readonly #specs: readonly StageSpec[];
  readonly #stages: Stage[];
  readonly #alive: () => boolean;
  /** Each stage's output, where it does not go straight into the next stage's window. */
  readonly #outs: Store[];
  readonly #input: Input = { data: EMPTY, store: undefined, ncw: false, inPlace: false };
  readonly #cin: number;
  readonly #cout: number;
  #n: number | undefined;
  #steps = 0;
  #disposed = false;

  /** @internal use layer.stream() or sequence.stream() */
  constructor(fn: string, layout: Layout, specs: readonly StageSpec[], stages: Stage[], alive: () => boolean,
    backend: Backend, inBackend: boolean) {
    this.#fn = fn;
    this.#layout = layout;
    this.#specs = specs;
    this.#stages = stages;
    this.#alive = alive;
    this.#outs = stages.map(() => new Store(backend, inBackend));
    this.#cin = stages[0].cin;
    this.#cout = stages[stages.length - 1].cout;
    this.lookahead = lookaheadOf(stages);
  }

  #check(fn: string): void {
    if (this.#disposed) throw new ConvError('DISPOSED', `${fn}: the stream was disposed`);
    if (!this.#alive()) {
      throw new ConvError('DISPOSED', `${fn}: the ${this.#fn.replace(/\.stream$/, '')} it streams was disposed (or handed to a sequence)`);
    }
  }

  /** Checks a chunk: [N, C, T] (NCW) or [N, T, C] (NWC), T >= 0. */
  #chunk(fn: string, x: unknown): { data: Float32Array; n: number; t: number } {
    const { data, shape } = readingUserValues(fn, 'BAD_TENSOR', 'x', () => {
      if (x === null || typeof x !== 'object') {
        throw new ConvError('BAD_TENSOR', `${fn}: x (${show(x)}) must be a tensor {data: Float32Array, shape: number[]}`);
      }
      const d: unknown = (x as { data?: unknown }).data;
      const s: unknown = (x as { shape?: unknown }).shape;
      if (!isFloat32Array(d)) throw new ConvError('BAD_TENSOR', `${fn}: x.data (${show(d)}) must be a Float32Array`);
      if (!Array.isArray(s)) throw new ConvError('BAD_TENSOR', `${fn}: x.shape (${show(s)}) must be an array of integers`);
      const rank: number = s.length;
      if (rank !== 3) {
        throw new ConvError('BAD_RANK', `${fn}: x.shape ${show(s)} has rank ${rank}, expected rank 3 (${this.#layout === 'NCHW' ? '[N, C, T]' : '[N, T, C]'})`);
      }
      const copy = [s[0], s[1], s[2]] as unknown[];
      const timeAxis = this.#layout === 'NCHW' ? 2 : 1;
      let count = 1;
      for (let i = 0; i < 3; i++) {
        const v = copy[i];
        const min = i === timeAxis ? 0 : 1;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
          throw new ConvError('BAD_TENSOR', `${fn}: x.shape[${i}] (${show(v)}) must be a ${min === 0 ? 'non-negative' : 'positive'} integer`);
        }
        count *= v;
      }
      if (count > MAX_ELEMENTS) {
        throw new ConvError('SHAPE_MISMATCH', `${fn}: x.shape ${show(copy)} holds ${count} elements, more than ${MAX_ELEMENTS}`);
      }
      if (d.length !== count) {
        throw new ConvError('SHAPE_MISMATCH', `${fn}: x.data.length (${d.length}) must equal the product of x.shape ${show(copy)} (${count})`);
      }
      return { data: d, shape: copy as number[] };
    });
    const cAxis = this.#layout === 'NCHW' ? 1 : 2;
    const c = shape[cAxis];
    if (c !== this.#cin) {
      throw new ConvError('CHANNEL_MISMATCH', `${fn}: x.shape[${cAxis}] (${c}) must equal the layer's input channels (${this.#cin})`);
    }
    const n = shape[0];
    if (this.#n !== undefined && n !== this.#n) {
      throw new ConvError('SHAPE_MISMATCH', `${fn}: x.shape[0] (${n}) must equal the batch of the signal's first chunk (${this.#n})`);
    }
    return { data, n, t: shape[3 - cAxis] };
  }

  #shape(n: number, t: number): number[] {
    return this.#layout === 'NCHW' ? [n, this.#cout, t] : [n, t, this.#cout];
  }

  /** Runs the stages on a chunk (or the signal's last one), writing the last output into res. */
  #run(x: Float32Array, steps: number, res: Float32Array, final: boolean): void {
    const stages = this.#stages;
    const n = this.#n as number;
    const input = this.#input;
    input.data = x;
    input.store = undefined;
    input.ncw = this.#layout === 'NCHW';
    input.inPlace = false;
    let t = steps;
    const last = stages.length - 1;
    for (let i = 0; i <= last; i++) {
      const st = stages[i];
      const k = final ? st.finalSteps(t) : st.steps(t);
      // batch 1: straight into the next layer's window when it can take it
      let dst = this.#outs[i];
      let dstAt = 0;
      const at = i < last && k > 0 ? stages[i + 1].slot(k) : -1;
      if (at >= 0) {
        dst = stages[i + 1].window as Store;
        dstAt = at;
      } else {
        dst.ensure(n * k * st.cout);
      }
      const got = final ? st.finish(input, t, dst, dstAt) : st.push(input, t, dst, dstAt);
      if (got !== k) throw new Error(`stream: stage ${i} returned ${got} steps, expected ${k}`);
      input.inPlace = at >= 0;
      input.store = at >= 0 ? undefined : dst;
      input.data = at >= 0 ? EMPTY : dst.data();
      input.ncw = false;
      t = k;
    }
    input.data = EMPTY;
    input.store = undefined;
    if (t === 0) return;
    const y = this.#outs[last].data();
    if (this.#layout === 'NHWC' || this.#cout === 1) copy(y, 0, res, 0, n * t * this.#cout);
    else transposeBlocked(y, res, n, t, this.#cout);
  }

  /** Output steps the next push of `steps` input steps returns (its out's length: N x C x that). */
  outputSteps(steps: number): number {
    const fn = 'stream.outputSteps';
    this.#check(fn);
    if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0) {
      throw new ConvError('BAD_OPTION', `${fn}: steps (${show(steps)}) must be a non-negative integer`);
    }
    let t = steps;
    for (const s of this.#stages) t = s.steps(t);
    return t;
  }

  /**
   * Pushes the next chunk of the signal and returns every output step it decides (maybe none).
   * @param x [N, C, T] (NCW) or [N, T, C] (NWC) in the layer's layout, any T >= 0; N as the first chunk's
   * @returns the new output steps, [N, Cout, T'] or [N, T', Cout]; its data is `opts.out` when given
   * @throws ConvError DISPOSED | BAD_TENSOR | BAD_RANK | SHAPE_MISMATCH | CHANNEL_MISMATCH | BAD_OPTION | BAD_OUT | OUT_OF_MEMORY
   */
  push(x: Tensor, opts?: StreamOptions): Tensor {
    const fn = 'stream.push';
    this.#check(fn);
    const out = runOut(fn, opts);
    const { data, n, t } = this.#chunk(fn, x);
    let k = t;
    for (const s of this.#stages) k = s.steps(k);
    const shape = this.#shape(n, k);
    const res = outputArray(fn, out, n * k * this.#cout, shape);
    if (data.length !== n * t * this.#cin) {
      throw new ConvError('SHAPE_MISMATCH', `${fn}: x.data's length changed to ${data.length} after it was checked; its buffer was resized`);
    }
    if (this.#n === undefined) {
      this.#n = n;
      for (const s of this.#stages) s.begin(n);
    }
    this.#steps += t;
    oom(fn, () => this.#run(data, t, res, false));
    return { data: res, shape };
  }

  /**
   * Ends the signal: returns the output steps left (the right padding, a transposed layer's
   * overlap tail) and makes the stream ready for a new signal, as reset() does. If it throws, the
   * signal stays as it was (push more, or reset()).
   * @throws ConvError DISPOSED | BAD_TENSOR (no steps pushed) | EMPTY_OUTPUT | BAD_PADDING (as run() on the whole signal) | BAD_OPTION | BAD_OUT | OUT_OF_MEMORY
   */
  end(opts?: StreamOptions): Tensor {
    const fn = 'stream.end';
    this.#check(fn);
    const out = runOut(fn, opts);
    if (this.#steps === 0 || this.#n === undefined) {
      throw new ConvError('BAD_TENSOR',
        `${fn}: the signal has no steps; run() refuses a time axis of 0 (push at least one step before end())`);
    }
    const n = this.#n;
    // what run() on the whole signal throws (EMPTY_OUTPUT, a reflect pad too large)
    resolveChain(this.#specs, { n, c: this.#cin, d: 1, h: 1, w: this.#steps });
    let k = 0;
    for (const s of this.#stages) k = s.finalSteps(k);
    const shape = this.#shape(n, k);
    const res = outputArray(fn, out, n * k * this.#cout, shape);
    oom(fn, () => this.#run(EMPTY, 0, res, true));
    this.#restart();
    return { data: res, shape };
  }

  /** Forgets the signal (its batch included); the buffers stay for the next one. */
  reset(): void {
    this.#check('stream.reset');
    for (const s of this.#stages) s.restart();
    this.#restart();
  }

  #restart(): void {
    this.#n = undefined;
    this.#steps = 0;
  }

  /** Bytes the stream holds (its buffers in JS and in the backend), for memory checks. */
  bytes(): number {
    let b = 0;
    for (const s of this.#stages) b += s.bytes();
    for (const o of this.#outs) b += o.bytes();
    return b;
  }

  /** Frees the stream's buffers and kernels; the layers stay usable. A second call does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const s of this.#stages) s.dispose();
    for (const o of this.#outs) o.free();
  }
}

/**
 * @internal Builds the stream of a layer or sequence.
 * @throws ConvError BAD_RANK (not 1-D) | BAD_OPTION ('same' at stride > 1, 'circular') | OUT_OF_MEMORY
 */
export function createStream(fn: string, backend: Backend, layout: Layout, sources: readonly StreamSource[],
  alive: () => boolean): ConvStream {
  for (const { spec } of sources) {
    if (spec.rank !== 1 || (spec.fn !== 'conv1d' && spec.fn !== 'convTranspose1d')) {
      throw new ConvError('BAD_RANK',
        `${fn}: a ${spec.fn} layer (${spec.rank}-D) cannot stream; stream() takes conv1d and convTranspose1d layers`);
    }
    if (spec.kind !== 'deconv' && spec.padding.kind === 'same' && spec.strideW > 1) {
      throw new ConvError('BAD_OPTION',
        `${fn}: padding 'same' at stride ${spec.strideW} depends on the signal's length: it cannot stream (use 'causal' or explicit padding)`);
    }
    if (spec.paddingMode === 'circular') {
      throw new ConvError('BAD_OPTION', `${fn}: paddingMode 'circular' needs the signal's end before its start: it cannot stream`);
    }
  }
  // wasm backends keep the state in their memory (Backend.createState, Runner.runIn)
  const inBackend = typeof backend.createState === 'function';
  const stages: Stage[] = [];
  try {
    oom(fn, () => {
      for (const s of sources) {
        if (s.spec.kind === 'deconv') {
          if (!s.canonical) throw new Error(`${fn}: a transposed layer without its weights`);
          stages.push(new DeconvStage(s.spec.fn, s.spec, s.canonical, backend, inBackend));
        } else {
          stages.push(new ConvStage(s.spec, s.kernel, backend, inBackend));
        }
      }
    });
  } catch (e) {
    for (const s of stages) s.dispose();
    throw e;
  }
  return new ConvStream(fn, layout, sources.map((s) => s.spec), stages, alive, backend, inBackend);
}
