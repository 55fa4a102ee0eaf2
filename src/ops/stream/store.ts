/**
 * What a stream keeps between pushes (ops/stream.ts): Store, its floats (in the backend's memory
 * when it has state buffers), Runs, a stage's runner and geometries, and the step copies between
 * the packed [n][steps][c] rows they hold.
 */
import type { Backend, Kernel, Runner, StateBuffer } from '../../backends/types.js';
import { transposeBlocked } from '../../backends/js/transpose.js';
import { Geometry, inLength, outLength, resolve, StageSpec } from '../plan.js';

export const EMPTY: Float32Array = new Float32Array(0);
export const NO_PADDING = Object.freeze({ kind: 'explicit', front: 0, top: 0, left: 0, back: 0, bottom: 0, right: 0 } as const);
/** Entries of a per-size cache (window lengths, chunk sizes) before it starts over. */
const CACHE_SIZE = 16;

/**
 * Floats kept between pushes: a state buffer of the backend when it has them (wasm memory, which
 * the kernels read and write in place), else a Float32Array. It grows keeping its first floats.
 */
export class Store {
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
export class Runs {
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
export function widen(a: Float32Array, off: number, n: number, c: number, len: number, add: number): void {
  if (add === 0 || len === 0) return;
  for (let b = n - 1; b > 0; b--) a.copyWithin(off + b * (len + add) * c, off + b * len * c, off + (b * len + len) * c);
}

/** [n][len][c] packed to [n][len - drop][c]: each batch's first `drop` steps go. */
export function narrow(a: Float32Array, n: number, c: number, len: number, drop: number): void {
  if (drop === 0) return;
  const keep = len - drop;
  if (keep === 0) return;
  for (let b = 0; b < n; b++) a.copyWithin(b * keep * c, (b * len + drop) * c, (b + 1) * len * c);
}

/**
 * Copies steps [from, from + count) of every batch of `src` (at srcOff: [n][srcT][c], or
 * [n][c][srcT] when `ncw`) into steps [at, at + count) of `dst` (at dstOff: [n][dstLen][c]).
 */
export function copySteps(src: Float32Array, srcOff: number, ncw: boolean, srcT: number, from: number, count: number,
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

export function copy(src: Float32Array, s: number, dst: Float32Array, o: number, len: number): void {
  if (len <= 16) {
    for (let i = 0; i < len; i++) dst[o + i] = src[s + i];
  } else {
    dst.set(src.subarray(s, s + len), o);
  }
}
