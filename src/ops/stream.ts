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
 */
import { ConvError, isFloat32Array, readingUserValues, show } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { MAX_ELEMENTS } from '../tensor/tensor.js';
import { samePadding, sameTransposeCrop } from '../tensor/shape.js';
import type { Backend, Kernel, Runner, StateBuffer } from '../backends/types.js';
import { transposeBlocked } from '../backends/js/transpose.js';
import { Layout, normaliseOptions, OpName } from './options.js';
import { Geometry, inLength, outLength, resolve, specTransposed, StageSpec } from './plan.js';
import { oom, outputArray, resolveChain, runOut } from './layers.js';

/** What push() and end() accept. */
export interface StreamOptions {
  /** The output's data: exactly its length (outputSteps() sizes a push's). */
  out?: Float32Array;
}

/** @internal What a stream needs of one stage of a layer. */
export interface StreamSource {
  readonly spec: StageSpec;
  readonly kernel: Kernel;
  /** convTranspose1d: the canonical weights and bias, for the kernels with other epilogues. */
  readonly canonical?: { readonly weights: Float32Array; readonly bias: Float32Array };
}

const EMPTY: Float32Array = new Float32Array(0);
const NO_PADDING = Object.freeze({ kind: 'explicit', front: 0, top: 0, left: 0, back: 0, bottom: 0, right: 0 } as const);
/** Entries of a per-size cache (window lengths, chunk sizes) before it starts over. */
const CACHE_SIZE = 16;

/**
 * Floats kept between pushes: a state buffer of the backend when it has them (wasm memory, which
 * the kernels read and write in place), else a Float32Array. It grows keeping its first floats.
 */
class Store {
  private state: StateBuffer | undefined;
  private arr: Float32Array = EMPTY;
  /** The state buffer's view, taken again once wasm memory grew (a detached view has length 0). */
  private cached: Float32Array = EMPTY;
  private spans = new Map<number, Float32Array>();
  private size = 0;

  constructor(private readonly backend: Backend, private readonly inBackend: boolean) {}

  /** At least `n` floats; the first `keep` survive a growth. */
  ensure(n: number, keep = 0): void {
    if (n <= this.size) return;
    const size = Math.max(n, Math.ceil(this.size * 1.5));
    if (this.inBackend) {
      const next = (this.backend.createState as (floats: number) => StateBuffer)(size);
      if (keep > 0) next.view().set(this.data().subarray(0, keep));
      this.state?.dispose();
      this.state = next;
      this.cached = EMPTY;
    } else {
      const next = new Float32Array(size);
      if (keep > 0) next.set(this.arr.subarray(0, keep));
      this.arr = next;
      this.spans.clear();
    }
    this.size = size;
  }

  /** The floats; a view to take again after anything that may allocate in the backend. */
  data(): Float32Array {
    if (this.state === undefined) return this.arr;
    if (this.cached.length === 0) this.cached = this.state.view();
    return this.cached;
  }

  /** Floats [at, at + n) as an array of their own (Runner.run's arguments; Float32Array stores only). */
  span(at: number, n: number): Float32Array {
    const key = at * 2 ** 31 + n;
    let v = this.spans.get(key);
    if (v === undefined) {
      if (this.spans.size >= CACHE_SIZE) this.spans.clear();
      v = this.arr.subarray(at, at + n);
      this.spans.set(key, v);
    }
    return v;
  }

  /** The state buffer (stores in the backend). */
  buffer(): StateBuffer {
    return this.state as StateBuffer;
  }

  bytes(): number {
    return this.size * 4;
  }

  free(): void {
    this.state?.dispose();
    this.state = undefined;
    this.arr = EMPTY;
    this.cached = EMPTY;
    this.spans.clear();
    this.size = 0;
  }
}

/** A stage's runner and its geometries by input length, for the batch of the current signal. */
class Runs {
  private readonly map = new Map<number, readonly Geometry[]>();
  private n = 0;
  readonly runner: Runner;

  constructor(backend: Backend, kernel: Kernel, private readonly spec: StageSpec, private readonly c: number,
    private readonly inBackend: boolean) {
    this.runner = backend.createRunner([kernel]);
    if (inBackend && typeof this.runner.runIn !== 'function') {
      this.runner.dispose();
      throw new Error(`stream: backend '${backend.name}' has state buffers but its runner no runIn`);
    }
  }

  geometry(n: number, w: number): readonly Geometry[] {
    if (n !== this.n) {
      this.map.clear();
      this.n = n;
    }
    let g = this.map.get(w);
    if (g === undefined) {
      if (this.map.size >= CACHE_SIZE) this.map.clear();
      g = Object.freeze([resolve(this.spec, n, this.c, 1, w)]);
      this.map.set(w, g);
    }
    return g;
  }

  /** The kernel on input steps [xAt ..] of x, output to floats [outAt ..] of out. */
  run(g: readonly Geometry[], x: Store, xAt: number, out: Store, outAt: number): void {
    if (this.inBackend) {
      (this.runner.runIn as NonNullable<Runner['runIn']>)(x.buffer(), xAt, g, out.buffer(), outAt);
    } else {
      this.runner.run(x.span(xAt, inLength(g[0])), 'NHWC', g, out.span(outAt, outLength(g[0])));
    }
  }

  bytes(): number {
    return this.runner.bytes();
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/** [n][len][c] packed to [n][len + add][c] at `off`: each batch's steps stay first in its longer row. */
function widen(a: Float32Array, off: number, n: number, c: number, len: number, add: number): void {
  if (add === 0 || len === 0) return;
  for (let b = n - 1; b > 0; b--) a.copyWithin(off + b * (len + add) * c, off + b * len * c, off + (b * len + len) * c);
}

/** [n][len][c] packed to [n][len - drop][c]: each batch's first `drop` steps go. */
function narrow(a: Float32Array, n: number, c: number, len: number, drop: number): void {
  if (drop === 0) return;
  const keep = len - drop;
  if (keep === 0) return;
  for (let b = 0; b < n; b++) a.copyWithin(b * keep * c, (b * len + drop) * c, (b + 1) * len * c);
}

/**
 * Copies steps [from, from + count) of every batch of `src` (at srcOff: [n][srcT][c], or
 * [n][c][srcT] when `ncw`) into steps [at, at + count) of `dst` (at dstOff: [n][dstLen][c]).
 */
function copySteps(src: Float32Array, srcOff: number, ncw: boolean, srcT: number, from: number, count: number,
  c: number, n: number, dst: Float32Array, dstOff: number, dstLen: number, at: number): void {
  if (count === 0) return;
  if (!ncw || c === 1) {
    const len = count * c;
    if (n === 1 || (from === 0 && at === 0 && count === srcT && count === dstLen)) {
      copy(src, srcOff + from * c, dst, dstOff + at * c, n === 1 ? len : n * len);
      return;
    }
    for (let b = 0; b < n; b++) copy(src, srcOff + (b * srcT + from) * c, dst, dstOff + (b * dstLen + at) * c, len);
    return;
  }
  if (from === 0 && count === srcT) {
    // whole rows: the blocked transpose, one batch at a time into its part of dst
    for (let b = 0; b < n; b++) {
      const s = srcOff + b * c * srcT;
      const o = dstOff + (b * dstLen + at) * c;
      transposeBlocked(src.subarray(s, s + c * srcT), dst.subarray(o, o + count * c), 1, c, count);
    }
    return;
  }
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let s = srcOff + (b * c + ch) * srcT + from;
      let o = dstOff + (b * dstLen + at) * c + ch;
      for (let i = 0; i < count; i++, s++, o += c) dst[o] = src[s];
    }
  }
}

function copy(src: Float32Array, s: number, dst: Float32Array, o: number, len: number): void {
  if (len <= 16) {
    for (let i = 0; i < len; i++) dst[o + i] = src[s + i];
  } else {
    dst.set(src.subarray(s, s + len), o);
  }
}

/** What a stage's push reads: an array (a view of a store, or the user's chunk), or its own window. */
interface Input {
  data: Float32Array;
  /** The store `data` views, if any: a transposed layer's kernel reads it in place. */
  store: Store | undefined;
  /** data is [n][c][steps] (the user's NCW chunk); else [n][steps][c]. */
  ncw: boolean;
  /** The steps were written into the stage's window already (its slot()). */
  inPlace: boolean;
}

/** One layer's streaming state. */
interface Stage {
  readonly cin: number;
  readonly cout: number;
  /** Output steps a push of `steps` more input steps returns. */
  steps(steps: number): number;
  /** Output steps pushing `steps` more and ending returns (the signal's output must not be empty). */
  finalSteps(steps: number): number;
  /** Starts a signal of batch `n`. */
  begin(n: number): void;
  /**
   * Where `steps` input steps can be written in place in this stage's window (batch 1): a float
   * offset into window(), or -1.
   */
  slot(steps: number): number;
  readonly window: Store | undefined;
  /** Pushes `steps` input steps; writes the output steps into dst from float dstAt. */
  push(src: Input, steps: number, dst: Store, dstAt: number): number;
  /** push, then the end of the signal. */
  finish(src: Input, steps: number, dst: Store, dstAt: number): number;
  /** Forgets the signal; keeps the buffers. */
  restart(): void;
  /** The index of the input step that completes output j (j far from the signal's start). */
  completes(j: number): number;
  /** Input steps per output step, as [numerator, denominator]. */
  readonly ratio: readonly [number, number];
  bytes(): number;
  dispose(): void;
}

/** A conv1d layer: the window of the padded signal from the next output's first tap on. */
class ConvStage implements Stage {
  readonly cin: number;
  readonly cout: number;
  readonly ratio: readonly [number, number];
  readonly window: Store;
  private readonly span: number;
  private readonly stride: number;
  private readonly padL: number;
  private readonly padR: number;
  private readonly mode: 'zeros' | 'reflect' | 'replicate';
  /** Raw input steps the right pad reads: reflect the last padR + 1, replicate the last one. */
  private readonly keepTail: number;
  private readonly runs: Runs;
  private n = 0;
  /** Steps in the window: padded-signal positions [emitted * stride, emitted * stride + len). */
  private len = 0;
  /** Input steps received. */
  private t = 0;
  /** The left pad is in the window (before, the window holds raw input). */
  private started = false;
  /** Padded-signal positions still to drop before the window starts (a stride above the span). */
  private skip = 0;
  private emitted = 0;
  private tail: Float32Array = EMPTY;
  private tailLen = 0;

  constructor(spec: StageSpec, kernel: Kernel, backend: Backend, inBackend: boolean) {
    this.cin = spec.cin;
    this.cout = spec.cout;
    this.span = (spec.kW - 1) * spec.dilationW + 1;
    this.stride = spec.strideW;
    this.ratio = [spec.strideW, 1];
    const p = spec.padding;
    if (p.kind === 'same') {
      [this.padL, this.padR] = samePadding(1, spec.kW, 1, spec.dilationW); // stride 1: the same for every size
    } else if (p.kind === 'explicit') {
      [this.padL, this.padR] = [p.left, p.right];
    } else {
      throw new Error(`stream: unresolved padding ${p.kind}`);
    }
    this.mode = spec.paddingMode === 'circular' ? 'zeros' : spec.paddingMode;
    this.keepTail = this.mode === 'reflect' ? this.padR + 1 : this.mode === 'replicate' ? 1 : 0;
    this.window = new Store(backend, inBackend);
    const windowSpec: StageSpec = Object.freeze({ ...spec, padding: NO_PADDING, paddingMode: 'zeros' });
    this.runs = new Runs(backend, kernel, windowSpec, this.cin, inBackend);
  }

  /** Whether t input steps are enough to write the left pad. */
  private ready(t: number): boolean {
    if (this.padL === 0 || this.mode === 'zeros') return true;
    return this.mode === 'replicate' ? t >= 1 : t >= this.padL + 1;
  }

  /** Outputs t input steps decide (before the end is known). */
  private decided(t: number): number {
    if (!this.ready(t)) return 0;
    const p = this.padL + t;
    return p >= this.span ? Math.floor((p - this.span) / this.stride) + 1 : 0;
  }

  steps(steps: number): number {
    return this.decided(this.t + steps) - this.emitted;
  }

  finalSteps(steps: number): number {
    const p = this.padL + this.t + steps + this.padR;
    return (p >= this.span ? Math.floor((p - this.span) / this.stride) + 1 : 0) - this.emitted;
  }

  completes(j: number): number {
    return j * this.stride + this.span - 1 - this.padL;
  }

  begin(n: number): void {
    this.n = n;
  }

  slot(steps: number): number {
    if (this.n !== 1 || this.skip !== 0 || !(this.started || this.ready(this.t))) return -1;
    if (!this.started) this.writeLeftPad();
    this.window.ensure((this.len + steps) * this.cin, this.len * this.cin);
    return this.len * this.cin;
  }

  push(src: Input, steps: number, dst: Store, dstAt: number): number {
    if (!this.started && this.ready(this.t)) this.writeLeftPad();
    if (steps > 0 || src.inPlace) this.append(src, steps);
    if (!this.started && this.ready(this.t)) this.writeLeftPad();
    const k = this.decided(this.t) - this.emitted;
    if (k > 0) this.compute(k, dst, dstAt);
    return k;
  }

  finish(src: Input, steps: number, dst: Store, dstAt: number): number {
    if (!this.started && this.ready(this.t)) this.writeLeftPad();
    if (steps > 0 || src.inPlace) this.append(src, steps);
    // the signal's checks (resolveChain) make the left pad writable by now
    if (!this.started) this.writeLeftPad();
    const k = this.finalSteps(0);
    this.writeRightPad();
    if (k > 0) this.compute(k, dst, dstAt);
    this.restart();
    return k;
  }

  restart(): void {
    this.len = 0;
    this.t = 0;
    this.started = false;
    this.skip = 0;
    this.emitted = 0;
    this.tailLen = 0;
  }

  /** Appends input steps to the window (after the steps to skip) and to the kept tail. */
  private append(src: Input, steps: number): void {
    const { n, cin } = this;
    let data = src.data;
    let off = 0;
    const srcT = steps;
    let ncw = src.ncw;
    if (src.inPlace) {
      // slot() checked: batch 1, started, nothing to skip
      data = this.window.data();
      off = this.len * cin;
      ncw = false;
      this.len += steps;
    } else {
      let from = 0;
      if (this.started) {
        from = Math.min(this.skip, steps);
        this.skip -= from;
      }
      const add = steps - from;
      if (add > 0) {
        this.window.ensure(n * (this.len + add) * cin, n * this.len * cin);
        // views of wasm memory are taken only now: the window may have grown it
        if (src.store !== undefined) data = src.store.data();
        const w = this.window.data();
        widen(w, 0, n, cin, this.len, add);
        copySteps(data, 0, ncw, steps, from, add, cin, n, w, 0, this.len + add, this.len);
        this.len += add;
      }
    }
    if (this.keepTail > 0) {
      const keep = Math.min(this.keepTail, this.tailLen + steps);
      const old = keep - Math.min(steps, keep); // old steps that stay
      const need = n * Math.max(keep, this.tailLen) * cin;
      if (this.tail.length < need) {
        const next = new Float32Array(need);
        next.set(this.tail.subarray(0, n * this.tailLen * cin));
        this.tail = next;
      }
      narrow(this.tail, n, cin, this.tailLen, this.tailLen - old);
      widen(this.tail, 0, n, cin, old, keep - old);
      copySteps(data, off, ncw, srcT, steps - (keep - old), keep - old, cin, n, this.tail, 0, keep, old);
      this.tailLen = keep;
    }
    this.t += steps;
  }

  /** Writes the left pad before the raw steps in the window (x[j] moves to window step padL + j). */
  private writeLeftPad(): void {
    const { n, cin, padL } = this;
    this.started = true;
    if (padL === 0) return;
    const len = this.len;
    this.window.ensure(n * (len + padL) * cin, n * len * cin);
    const w = this.window.data();
    widen(w, 0, n, cin, len, padL);
    const row = (len + padL) * cin;
    for (let b = 0; b < n; b++) {
      const base = b * row;
      if (len > 0) w.copyWithin(base + padL * cin, base, base + len * cin);
      for (let i = 0; i < padL; i++) {
        const o = base + i * cin;
        if (this.mode === 'zeros') {
          w.fill(0, o, o + cin);
        } else {
          // replicate: x[0]; reflect: x[padL - i]
          const j = this.mode === 'replicate' ? 0 : padL - i;
          w.copyWithin(o, base + (padL + j) * cin, base + (padL + j + 1) * cin);
        }
      }
    }
    this.len = len + padL;
  }

  /** Appends the right pad (after the steps to skip). */
  private writeRightPad(): void {
    const { n, cin } = this;
    const from = Math.min(this.skip, this.padR);
    this.skip -= from;
    const add = this.padR - from;
    if (add === 0) return;
    const len = this.len;
    this.window.ensure(n * (len + add) * cin, n * len * cin);
    const w = this.window.data();
    widen(w, 0, n, cin, len, add);
    const tl = this.tail;
    for (let b = 0; b < n; b++) {
      for (let i = from; i < this.padR; i++) {
        const o = (b * (len + add) + len + i - from) * cin;
        if (this.mode === 'zeros') {
          w.fill(0, o, o + cin);
        } else {
          // replicate: x[t - 1]; reflect: x[t - 2 - i]; the tail holds x[t - tailLen ..]
          const j = this.mode === 'replicate' ? this.tailLen - 1 : this.tailLen - 2 - i;
          const s = (b * this.tailLen + j) * cin;
          for (let ch = 0; ch < cin; ch++) w[o + ch] = tl[s + ch];
        }
      }
    }
    this.len = len + add;
  }

  /** Runs the kernel on the window for its k new outputs, then drops the steps no later output reads. */
  private compute(k: number, dst: Store, dstAt: number): void {
    const { n, cin } = this;
    const g = this.runs.geometry(n, this.len);
    if (g[0].ow !== k) throw new Error(`stream: a window of ${this.len} steps gives ${g[0].ow} outputs, expected ${k}`);
    this.runs.run(g, this.window, 0, dst, dstAt);
    this.emitted += k;
    const next = k * this.stride;
    if (next >= this.len) {
      this.skip = next - this.len;
      this.len = 0;
    } else {
      narrow(this.window.data(), n, cin, this.len, next);
      this.len -= next;
    }
  }

  bytes(): number {
    return this.window.bytes() + this.tail.byteLength + this.runs.bytes();
  }

  dispose(): void {
    this.runs.dispose();
    this.window.free();
    this.tail = EMPTY;
  }
}

/**
 * A convTranspose1d layer: full-output positions q (before the crop) of the signal, accumulated
 * from a0 on in `acc` (raw sums, no bias). After t inputs the positions below t*s are final; of
 * those, the ones below (t-1)*s + span + outputPadding - cropEnd are surely in the output.
 */
class DeconvStage implements Stage {
  readonly cin: number;
  readonly cout: number;
  readonly ratio: readonly [number, number];
  readonly window = undefined;
  private readonly span: number;
  private readonly stride: number;
  private readonly cropBegin: number;
  private readonly cropEnd: number;
  private readonly outPad: number;
  private readonly raw: Kernel;
  private readonly epilogue: Kernel;
  private readonly rawRuns: Runs;
  private readonly epilogueRuns: Runs;
  private n = 0;
  private t = 0;
  private emitted = 0;
  /** The full-output position of acc's first step. */
  private a0 = 0;
  private accLen = 0;
  private acc: Float32Array = EMPTY;
  /** The raw kernel's input (when it is not in a store already) and output. */
  private readonly xin: Store;
  private readonly col: Store;
  /** The epilogue's input. */
  private readonly done: Store;

  constructor(fn: OpName, spec: StageSpec, canonical: NonNullable<StreamSource['canonical']>, backend: Backend,
    inBackend: boolean) {
    this.cin = spec.cin;
    this.cout = spec.cout;
    this.span = (spec.kW - 1) * spec.dilationW + 1;
    this.stride = spec.strideW;
    this.ratio = [1, spec.strideW];
    this.outPad = spec.outPadW;
    const p = spec.padding;
    if (p.kind === 'same') {
      [this.cropBegin, this.cropEnd] = sameTransposeCrop(spec.kW, spec.strideW, spec.dilationW);
    } else if (p.kind === 'explicit') {
      [this.cropBegin, this.cropEnd] = [p.left, p.right];
    } else {
      throw new Error(`stream: unresolved padding ${p.kind}`);
    }
    // The same weights with no bias, no activation, no crop: a spec built from defaults, so it
    // carries none of the layer's epilogue, whatever form that takes.
    const rawSpec = specTransposed(fn, [spec.cin, spec.cout / spec.groups, spec.kW],
      normaliseOptions(fn, { stride: spec.strideW, dilation: spec.dilationW, groups: spec.groups }));
    // The layer's epilogue (bias, activation and its parameters) on a 1x1 depthwise stage of ones.
    const epilogueSpec: StageSpec = Object.freeze({
      ...spec, kind: 'dw', cin: spec.cout, groups: spec.cout, kD: 1, kH: 1, kW: 1,
      strideD: 1, strideH: 1, strideW: 1, dilationD: 1, dilationH: 1, dilationW: 1,
      padding: NO_PADDING, paddingMode: 'zeros', outPadD: 0, outPadH: 0, outPadW: 0,
    });
    const kernels: Kernel[] = [];
    try {
      this.raw = backend.createKernel({ spec: rawSpec, weights: canonical.weights, bias: new Float32Array(spec.cout) });
      kernels.push(this.raw);
      this.epilogue = backend.createKernel({
        spec: epilogueSpec, weights: new Float32Array(spec.cout).fill(1), bias: canonical.bias,
      });
      kernels.push(this.epilogue);
    } catch (e) {
      for (const k of kernels) k.dispose();
      throw e;
    }
    this.rawRuns = new Runs(backend, this.raw, rawSpec, this.cin, inBackend);
    this.epilogueRuns = new Runs(backend, this.epilogue, epilogueSpec, this.cout, inBackend);
    this.xin = new Store(backend, inBackend);
    this.col = new Store(backend, inBackend);
    this.done = new Store(backend, inBackend);
  }

  /** Full-output positions t inputs make final and surely part of the output. */
  private final(t: number): number {
    return t === 0 ? 0 : Math.min(t * this.stride, (t - 1) * this.stride + this.span + this.outPad - this.cropEnd);
  }

  steps(steps: number): number {
    return Math.max(0, this.final(this.t + steps) - this.cropBegin) - this.emitted;
  }

  finalSteps(steps: number): number {
    const t = this.t + steps;
    return (t - 1) * this.stride + this.span + this.outPad - this.cropEnd - this.cropBegin - this.emitted;
  }

  completes(j: number): number {
    const q = j + this.cropBegin;
    const s = this.stride;
    return Math.max(Math.floor(q / s), Math.floor((q - this.span - this.outPad + this.cropEnd) / s) + 1);
  }

  begin(n: number): void {
    this.n = n;
  }

  slot(): number {
    return -1;
  }

  push(src: Input, steps: number, dst: Store, dstAt: number): number {
    if (steps > 0) this.accumulate(src, steps);
    const k = this.steps(0);
    if (k > 0) this.emit(k, dst, dstAt);
    this.trim();
    return k;
  }

  finish(src: Input, steps: number, dst: Store, dstAt: number): number {
    if (steps > 0) this.accumulate(src, steps);
    const end = (this.t - 1) * this.stride + this.span + this.outPad - this.cropEnd;
    this.extend(end - this.a0);
    const k = this.finalSteps(0);
    if (k > 0) this.emit(k, dst, dstAt);
    this.restart();
    return k;
  }

  restart(): void {
    this.t = 0;
    this.emitted = 0;
    this.a0 = 0;
    this.accLen = 0;
  }

  /** acc grown to `len` steps, the new ones zero. */
  private extend(len: number): void {
    if (len <= this.accLen) return;
    const { n, cout } = this;
    if (this.acc.length < n * len * cout) {
      const next = new Float32Array(Math.max(n * len * cout, Math.ceil(this.acc.length * 1.5)));
      next.set(this.acc.subarray(0, n * this.accLen * cout));
      this.acc = next;
    }
    const a = this.acc;
    widen(a, 0, n, cout, this.accLen, len - this.accLen);
    for (let b = 0; b < n; b++) a.fill(0, (b * len + this.accLen) * cout, (b + 1) * len * cout);
    this.accLen = len;
  }

  /** The raw kernel on the new steps alone, added into acc. */
  private accumulate(src: Input, steps: number): void {
    const { n, cin, cout } = this;
    let x = src.store;
    if (x === undefined) {
      this.xin.ensure(n * steps * cin);
      copySteps(src.data, 0, src.ncw, steps, 0, steps, cin, n, this.xin.data(), 0, steps, 0);
      x = this.xin;
    }
    const g = this.rawRuns.geometry(n, steps);
    const lc = g[0].ow;
    this.col.ensure(n * lc * cout);
    this.rawRuns.run(g, x, 0, this.col, 0);
    const base = this.t * this.stride - this.a0;
    this.t += steps;
    this.extend(Math.max(base + lc, this.t * this.stride - this.a0));
    const a = this.acc;
    const col = this.col.data();
    const len = this.accLen;
    const run = lc * cout;
    for (let b = 0; b < n; b++) {
      const o = (b * len + base) * cout;
      const s = b * run;
      for (let i = 0; i < run; i++) a[o + i] += col[s + i];
    }
  }

  /** The next k output steps from acc, with the bias and activation, into dst. */
  private emit(k: number, dst: Store, dstAt: number): void {
    const { n, cout } = this;
    const off = this.cropBegin + this.emitted - this.a0;
    this.done.ensure(n * k * cout);
    copySteps(this.acc, 0, false, this.accLen, off, k, cout, n, this.done.data(), 0, k, 0);
    this.epilogueRuns.run(this.epilogueRuns.geometry(n, k), this.done, 0, dst, dstAt);
    this.emitted += k;
  }

  /** Drops the final steps that are emitted or cropped. */
  private trim(): void {
    const e = this.final(this.t);
    const to = Math.max(this.a0, Math.min(this.t * this.stride, Math.max(e, this.cropBegin)));
    const drop = to - this.a0;
    if (drop === 0) return;
    narrow(this.acc, this.n, this.cout, this.accLen, drop);
    this.accLen -= drop;
    this.a0 = to;
  }

  bytes(): number {
    return this.acc.byteLength + this.xin.bytes() + this.col.bytes() + this.done.bytes() + this.rawRuns.bytes() +
      this.epilogueRuns.bytes() + this.raw.bytes() + this.epilogue.bytes();
  }

  dispose(): void {
    this.rawRuns.dispose();
    this.epilogueRuns.dispose();
    this.raw.dispose();
    this.epilogue.dispose();
    this.acc = EMPTY;
    this.xin.free();
    this.col.free();
    this.done.free();
  }
}

function lookaheadOf(stages: readonly Stage[]): number {
  let num = 1;
  let den = 1;
  let period = 1;
  for (const s of stages) {
    num *= s.ratio[0];
    den *= s.ratio[1];
    period *= s.ratio[1];
  }
  period = Math.min(period, 4096);
  const j0 = period * 64;
  let worst = -Infinity;
  for (let j = j0; j < j0 + period; j++) {
    let i = j;
    for (let l = stages.length - 1; l >= 0; l--) i = stages[l].completes(i);
    worst = Math.max(worst, i * den - j * num);
  }
  return Math.max(0, Math.ceil(worst / den));
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
