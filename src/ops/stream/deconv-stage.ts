/** A convTranspose1d layer's streaming state (ops/stream.ts, "deconv"). */
import { sameTransposeCrop } from '../../tensor/shape.js';
import type { Backend, Kernel } from '../../backends/types.js';
import { normaliseOptions, OpName } from '../options.js';
import { specTransposed, StageSpec } from '../plan.js';
import type { Input, Stage, StreamSource } from './stage.js';
import { copySteps, EMPTY, narrow, NO_PADDING, Runs, Store, widen } from './store.js';

/**
 * A convTranspose1d layer: full-output positions q (before the crop) of the signal, accumulated
 * from a0 on in `acc` (raw sums, no bias). After t inputs the positions below t*s are final; of
 * those, the ones below (t-1)*s + span + outputPadding - cropEnd are surely in the output.
 */
export class DeconvStage implements Stage {
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
