/** A conv1d layer's streaming state (ops/stream.ts, "conv"). */
import { samePadding } from '../../tensor/shape.js';
import type { Backend, Kernel } from '../../backends/types.js';
import type { StageSpec } from '../plan.js';
import type { Input, Stage } from './stage.js';
import { copySteps, EMPTY, narrow, NO_PADDING, Runs, Store, widen } from './store.js';

/** A conv1d layer: the window of the padded signal from the next output's first tap on. */
export class ConvStage implements Stage {
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
