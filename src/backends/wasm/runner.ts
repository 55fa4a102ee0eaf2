/**
 * The wasm Runner: moves activations in and out of wasm memory and chains kernels inside it, on
 * the path select.ts chose for the input (selectRun):
 *
 *   nhwc          x --set--> act[0] -k0-> act[1] -k1-> act[0] ... --subarray/set--> out
 *   nchw-staged   x --set--> staging --nchw_to_nhwc--> act[0] -k0-> ... -> the last stage writes
 *                 NCHW itself or its output is transposed back through staging
 *   nchw-planes   every stage reads and writes NCHW planes: no transposes
 *   nchw-*-bands  a lone planes stage, copied in and out in bands of pixels or channels
 *
 * Buffers grow only when a run needs more than they hold and are reused across runs; `out` may
 * alias `x` since x is copied in first (the band paths require distinct arrays or the same one).
 */
import { ConvError } from '../../errors.js';
import type { Layout } from '../../ops/options.js';
import { Geometry, inLength, outLength } from '../../ops/plan.js';
import { padChannelsLast } from '../pad.js';
import type { Runner, StageDescription, StateBuffer } from '../types.js';
import type { WasmExports } from '../../loader/load.js';
import type { Heap } from './heap.js';
import type { WasmKernel } from './kernels/index.js';
import type { Pool } from './pool.js';
import { Scratch } from './scratch.js';
import { RunChoice, selectRun, StageChoice } from './select.js';
import { Feed, Split } from './split.js';

const isCount = (v: number, min: number): boolean => Number.isInteger(v) && v >= min && v < 2 ** 31;

/**
 * The kernels divide by strides and dilations and index in i32: a geometry that is not what
 * plan.ts produces (an option that changed between two reads of a hostile object) must be a
 * ConvError, never a wasm trap.
 */
function checkGeometry(g: Geometry): void {
  if (!isCount(g.strideD, 1) || !isCount(g.strideH, 1) || !isCount(g.strideW, 1)) {
    throw new ConvError('BAD_STRIDE', `run: stride (${g.strideD}, ${g.strideH}, ${g.strideW}) must be positive integers`);
  }
  if (!isCount(g.dilationD, 1) || !isCount(g.dilationH, 1) || !isCount(g.dilationW, 1)) {
    throw new ConvError('BAD_DILATION', `run: dilation (${g.dilationD}, ${g.dilationH}, ${g.dilationW}) must be positive integers`);
  }
  const pads = [g.padFront, g.padTop, g.padLeft, g.padBack, g.padBottom, g.padRight];
  if (!pads.every((p) => isCount(p, 0))) {
    throw new ConvError('BAD_PADDING', `run: padding (${pads.join(', ')}) must be non-negative integers`);
  }
  for (const v of [g.n, g.d, g.h, g.w, g.c, g.od, g.oh, g.ow, g.cout, g.groups, g.cinG, g.coutG, g.kD, g.kH, g.kW]) {
    if (!isCount(v, 1)) throw new ConvError('BAD_TENSOR', `run: a geometry size (${v}) is not a positive integer`);
  }
}

export class WasmRunner implements Runner {
  private readonly act: [Scratch, Scratch];
  private readonly staging: Scratch;
  /** The padded copy of a stage's input (a paddingMode the kernel cannot read itself). */
  private readonly padded: Scratch;
  private disposed = false;
  /** The choice for the last input met, and what it was made for. */
  private choice: RunChoice | undefined;
  private choiceKey = '';

  /** The pool's size: the threads the kernels split their work over. */
  private readonly threads: number;
  /** The layout transposes' handle on the pool; undefined on one thread. */
  private readonly split: Split | undefined;

  /** The twin backend's runner over the same stages (backend.ts); null once its factory said there is none. */
  private twin: WasmRunner | null | undefined;
  /** Whether the last run() went to the twin. */
  private ranOnTwin = false;

  /**
   * `pool`: the one the kernels split their work over (a number: its size, with no pool for the
   * runner's own passes). `twin`: makes the twin backend's runner for runs in which no stage splits.
   */
  constructor(private readonly kernels: readonly WasmKernel[], private readonly heap: Heap,
    private readonly ex: WasmExports, pool: Pool | number = 1, private readonly makeTwin?: () => WasmRunner | undefined) {
    this.threads = typeof pool === 'number' ? pool : pool.size;
    this.split = typeof pool !== 'number' && pool.size > 1 ? new Split(pool) : undefined;
    this.act = [new Scratch(heap), new Scratch(heap)];
    this.staging = new Scratch(heap);
    this.padded = new Scratch(heap);
  }

  /** The choice for these geometries, made again only when the input or the path's conditions change. */
  private select(layout: Layout, geoms: readonly Geometry[], apart: boolean): RunChoice {
    const g = geoms[0];
    const key = `${layout},${apart},${g.n},${g.c},${g.h},${g.w}`;
    if (this.choice === undefined || key !== this.choiceKey) {
      this.choice = selectRun(this.kernels.map((k) => k.packing), geoms, layout, apart, this.threads);
      this.choiceKey = key;
    }
    return this.choice;
  }

  describe(): StageDescription[] {
    if (this.ranOnTwin && this.twin) {
      return this.twin.describe().map((d) => ({ ...d, path: `${d.path}, on the single-threaded build (no stage splits)` }));
    }
    return this.kernels.map((k, i) => {
      const s = this.choice?.stages[i];
      return {
        op: k.spec.fn,
        kernel: s ? s.name : `${k.packing.family} (${k.packing.isa}); not run yet`,
        path: this.choice ? pathOf(this.choice, i) : 'not run yet',
      };
    });
  }

  run(x: Float32Array, layout: Layout, geoms: readonly Geometry[], out: Float32Array): void {
    if (this.disposed) throw new Error('wasm runner: run after dispose');
    if (geoms.length !== this.kernels.length || geoms.length === 0) {
      throw new Error(`wasm runner: ${geoms.length} geometries for ${this.kernels.length} kernels`);
    }
    const g0 = geoms[0];
    const last = geoms[geoms.length - 1];
    const inFloats = inLength(g0);
    const outFloats = outLength(last);
    for (const g of geoms) checkGeometry(g);
    // the facade checked both; a buffer resized since (a getter on a resizable ArrayBuffer) must
    // not let stale wasm memory into the result
    if (x.length !== inFloats) {
      throw new ConvError('SHAPE_MISMATCH', `run: x.data.length (${x.length}) must equal the product of x.shape (${inFloats}); did its buffer shrink?`);
    }
    if (out.length !== outFloats) {
      throw new ConvError('BAD_OUT', `run: out.length (${out.length}) must equal the output's length (${outFloats})`);
    }
    // a band of the output must not overwrite input still to be copied in: out and x are distinct
    // arrays or the same one
    const apart = out.buffer !== x.buffer || (out.byteOffset === x.byteOffset && out.length === x.length);
    const choice = this.select(layout, geoms, apart);
    const stages = choice.stages;
    const splits = stages.some((s) => s.threads > 1);
    this.ranOnTwin = false;
    if (!splits && this.makeTwin !== undefined) {
      if (this.twin === undefined) this.twin = this.makeTwin() ?? null;
      if (this.twin !== null) {
        try {
          this.twin.run(x, layout, geoms, out);
          this.ranOnTwin = true;
          return;
        } catch (e) {
          // the twin's memory is full: from now on this runner stays on the shared memory
          if ((e as { code?: string }).code !== 'OUT_OF_MEMORY') throw e;
          this.twin.dispose();
          this.twin = null;
        }
      }
    }
    // workers asleep since the last call wake while x is copied in, not when the first split opens
    if (this.split !== undefined && splits) this.split.pool.wake();
    if (choice.path === 'nchw-pixel-bands') {
      this.runBands(x, g0, out, choice);
      return;
    }
    if (choice.path === 'nchw-channel-bands') {
      this.runChannelBands(x, g0, out, choice);
      return;
    }
    // act[i % 2] holds activation i (0: the input); sized only now, as the band paths need a band of each
    const need = [inFloats, 0];
    for (let i = 0; i < geoms.length; i++) {
      const g = geoms[i];
      const j = (i + 1) & 1;
      need[j] = Math.max(need[j], outLength(g));
    }
    this.act[0].ensure(need[0] * 4);
    this.act[1].ensure(need[1] * 4);
    const heap = this.heap;
    const n = geoms.length;
    if (choice.path === 'nchw-planes' || choice.path === 'nhwc') {
      // a first stage whose split reads x first copies it in as its tasks start (split.ts, Feed)
      let feed: Feed | undefined;
      if (stages[0].padded === undefined && this.kernels[0].feeds(stages[0])) feed = new Feed(heap, x, this.act[0].ptr);
      else heap.write(this.act[0].ptr, x);
      for (let i = 0; i < n; i++) {
        this.stage(i, stages[i], geoms[i], this.act[i & 1].ptr, this.act[(i + 1) & 1].ptr, i === 0 ? feed : undefined);
      }
      // views are taken only now: kernels may have grown the memory
      out.set(heap.view(this.act[n & 1].ptr, outFloats));
      return;
    }
    // nchw-staged
    this.staging.ensure(Math.max(inFloats, outFloats) * 4);
    this.transpose(true, stages[0].threads, this.staging.ptr, this.act[0].ptr, g0.n, g0.c, g0.d * g0.h * g0.w, x);
    for (let i = 0; i < n - 1; i++) this.stage(i, stages[i], geoms[i], this.act[i & 1].ptr, this.act[(i + 1) & 1].ptr);
    const xl = this.act[(n - 1) & 1].ptr;
    if (stages[n - 1].output === 'NCHW') {
      this.stage(n - 1, stages[n - 1], last, xl, this.staging.ptr);
    } else {
      const res = this.act[n & 1].ptr;
      this.stage(n - 1, stages[n - 1], last, xl, res);
      this.transpose(false, stages[n - 1].threads, res, this.staging.ptr, last.n, last.cout, last.od * last.oh * last.ow);
    }
    out.set(heap.view(this.staging.ptr, outFloats));
  }

  /**
   * NCHW -> NHWC (toNhwc) or back, split across the pool when it moves enough bytes and the stage
   * it feeds or drains splits (`threads`): next to a stage on the caller's thread, the other
   * threads' share of the data would cross between the cores' caches twice.
   */
  private transpose(toNhwc: boolean, threads: number, src: number, dst: number, n: number, c: number, hw: number,
    x?: Float32Array): void {
    if (this.split !== undefined && threads > 1 && Split.passSplits(n * c * hw * 8)) {
      // x, the input still to be copied to src, goes in as the transpose's tasks start
      this.split.transpose(toNhwc, src, dst, n, c, hw, x && new Feed(this.heap, x, src));
      return;
    }
    if (x !== undefined) this.heap.write(src, x);
    if (toNhwc) this.ex.transpose_nchw_nhwc_f32(src, dst, n, c, hw);
    else this.ex.transpose_nhwc_nchw_f32(src, dst, n, c, hw);
  }

  /**
   * The chain on NHWC data in state buffers (types.ts, Runner.runIn): stage 0 reads x's floats
   * from xAt, the last stage writes out's from outAt, intermediates go through act[].
   */
  runIn(x: StateBuffer, xAt: number, geoms: readonly Geometry[], out: StateBuffer, outAt: number): void {
    if (this.disposed) throw new Error('wasm runner: runIn after dispose');
    if (!(x instanceof WasmState) || !(out instanceof WasmState) || x.heap !== this.heap || out.heap !== this.heap) {
      throw new Error('wasm runner: runIn needs state buffers of its own backend');
    }
    const n = geoms.length;
    if (n !== this.kernels.length || n === 0) throw new Error(`wasm runner: ${n} geometries for ${this.kernels.length} kernels`);
    for (const g of geoms) checkGeometry(g);
    const inFloats = inLength(geoms[0]);
    const outFloats = outLength(geoms[n - 1]);
    if (!(xAt >= 0 && xAt + inFloats <= x.floats && outAt >= 0 && outAt + outFloats <= out.floats)) {
      throw new Error(`wasm runner: runIn ranges [${xAt}, +${inFloats}) and [${outAt}, +${outFloats}) outside their buffers`);
    }
    const stages = this.select('NHWC', geoms, true).stages;
    if (this.split !== undefined && stages.some((s) => s.threads > 1)) this.split.pool.wake();
    for (let i = 0; i < n - 1; i++) this.act[(i + 1) & 1].ensure(outLength(geoms[i]) * 4);
    let src = x.ptr + xAt * 4;
    for (let i = 0; i < n; i++) {
      const dst = i === n - 1 ? out.ptr + outAt * 4 : this.act[(i + 1) & 1].ptr;
      this.stage(i, stages[i], geoms[i], src, dst);
      src = dst;
    }
  }

  /** Runs stage i, on a padded copy of x when its choice says so; `feed`: x still to be copied in (k.feeds). */
  private stage(i: number, choice: StageChoice, g: Geometry, x: number, out: number, feed?: Feed): void {
    const k = this.kernels[i];
    if (choice.padded === undefined) {
      k.run(choice, g, x, out, 0, feed);
    } else {
      this.padded.ensure(inLength(choice.padded) * 4);
      const f32 = this.heap.f32();
      padChannelsLast(f32, x >>> 2, f32, this.padded.ptr >>> 2, g);
      k.run(choice, choice.padded, this.padded.ptr, out);
    }
    k.activate(g, out, choice.output);
  }

  /**
   * A lone pixel-wise stage (1x1, stride 1, unpadded) on large NCHW planes: copies a band of
   * pixels of every input plane in, runs the kernel on the band (as a 1 x len image) and copies
   * the band of every output plane out, so the kernel reads its input from L2 and the copy out
   * reads the output from L2 instead of memory. Bands start at multiples of 16 pixels and hold
   * within 16 of plane / bands pixels each. `out` may alias `x` (the same array): a band's output overwrites only input pixels of
   * the band itself, already copied in. `choice.band`: pixels per band (select.ts).
   */
  private runBands(x: Float32Array, g: Geometry, out: Float32Array, choice: RunChoice): void {
    const band = choice.band;
    const plane = g.h * g.w;
    const bands = Math.floor(plane / band);
    const start = (i: number): number => (i === bands ? plane : Math.floor((i * plane) / bands / 16) * 16);
    let widest = 0;
    for (let i = 0; i < bands; i++) widest = Math.max(widest, start(i + 1) - start(i));
    const k = this.kernels[0];
    this.act[0].ensure(widest * g.c * 4);
    this.act[1].ensure(widest * g.cout * 4);
    for (let n = 0; n < g.n; n++) {
      const xn = n * g.c * plane;
      const yn = n * g.cout * plane;
      for (let i = 0; i < bands; i++) {
        const p0 = start(i);
        const len = start(i + 1) - p0;
        const gb: Geometry = { ...g, n: 1, d: 1, h: 1, w: len, od: 1, oh: 1, ow: len };
        const xs = this.act[0].ptr >>> 2;
        const ys = this.act[1].ptr >>> 2;
        let f32 = this.heap.f32();
        for (let c = 0; c < g.c; c++) {
          const s = xn + c * plane + p0;
          f32.set(x.subarray(s, s + len), xs + c * len);
        }
        k.run(choice.stages[0], gb, this.act[0].ptr, this.act[1].ptr);
        k.activate(gb, this.act[1].ptr, 'NCHW');
        // views are taken only now: the kernel may have grown the memory
        f32 = this.heap.f32();
        for (let c = 0; c < g.cout; c++) {
          const s = ys + c * len;
          out.set(f32.subarray(s, s + len), yn + c * plane + p0);
        }
      }
    }
  }

  /**
   * A lone depthwise stage on NCHW planes too large for L2: per image, bands of `bandC` input
   * channels (their planes are contiguous in x, and their output planes in out) are copied in,
   * run and copied out, so the kernel reads planes the copy has just left in L2 and the copy out
   * reads output planes the kernel has just written. Measured 2026-11-29, Node 20.20, relaxed,
   * layer run(x, {out}), interleaved A/B against one copy each way: 112x112x64 3x3 s2 1.23x,
   * 112x112x32 3x3 1.08x, 56x56x128 3x3 1.10x; bands of half the bytes 1.00x. `out` may alias
   * `x` (the same array, so an input plane is as long as a channel's output planes): a band's
   * output covers only input already copied in.
   */
  private runChannelBands(x: Float32Array, g: Geometry, out: Float32Array, choice: RunChoice): void {
    const bandC = choice.band;
    const plane = g.h * g.w;
    // the output floats of one input channel: its multiplier's planes
    const outPerChannel = g.coutG * g.oh * g.ow;
    const k = this.kernels[0];
    this.act[0].ensure(bandC * plane * 4);
    this.act[1].ensure(bandC * outPerChannel * 4);
    for (let n = 0; n < g.n; n++) {
      for (let c0 = 0; c0 < g.c; c0 += bandC) {
        const cb = Math.min(bandC, g.c - c0);
        const s = (n * g.c + c0) * plane;
        this.heap.write(this.act[0].ptr, x.subarray(s, s + cb * plane));
        const gb: Geometry = { ...g, n: 1, c: cb, cout: cb * g.coutG };
        k.run(choice.stages[0], gb, this.act[0].ptr, this.act[1].ptr, c0);
        k.activate(gb, this.act[1].ptr, 'NCHW', c0 * g.coutG);
        // views are taken only now: the kernel may have grown the memory
        out.set(this.heap.view(this.act[1].ptr, cb * outPerChannel), (n * g.c + c0) * outPerChannel);
      }
    }
  }

  bytes(): number {
    return this.act[0].bytes() + this.act[1].bytes() + this.staging.bytes() + this.padded.bytes() + (this.twin?.bytes() ?? 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.twin?.dispose();
    this.act[0].release();
    this.act[1].release();
    this.staging.release();
    this.padded.release();
  }
}

/** Floats kept in wasm memory between runs (types.ts, StateBuffer): one heap block. */
export class WasmState implements StateBuffer {
  ptr: number;
  constructor(readonly heap: Heap, readonly floats: number) {
    this.ptr = heap.alloc(floats * 4);
  }
  view(): Float32Array {
    if (this.ptr === 0) throw new Error('wasm state: view after dispose');
    return this.heap.view(this.ptr, this.floats);
  }
  dispose(): void {
    this.heap.free(this.ptr);
    this.ptr = 0;
  }
}

/** How stage i's data enter and leave it on a run's path, for describe(). */
function pathOf(c: RunChoice, i: number): string {
  const s = c.stages[i];
  const n = c.stages.length;
  switch (c.path) {
    case 'nhwc':
      return 'NHWC in place';
    case 'nchw-planes':
      return 'NCHW planes in place';
    case 'nchw-pixel-bands':
      return `NCHW planes in bands of ${c.band} pixels`;
    case 'nchw-channel-bands':
      return `NCHW planes in bands of ${c.band} channels`;
    case 'nchw-staged': {
      const input = i === 0 ? 'NCHW transposed to NHWC' : 'NHWC';
      const output = i < n - 1 ? 'NHWC' : s.output === 'NCHW' ? 'NCHW written by the kernel' : 'NHWC transposed to NCHW';
      return `${input} -> ${output}`;
    }
  }
}
