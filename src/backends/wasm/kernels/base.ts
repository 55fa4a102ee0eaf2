/**
 * What every wasm kernel shares: the interface the runner calls, and the bookkeeping of the
 * blocks a kernel owns (packed weights) and its scratch (rebuilt per input size), freed on dispose.
 */
import type { Kernel, Stage } from '../../types.js';
import type { Geometry, StageSpec } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import type { Pool } from '../pool.js';
import { type Feed, Split } from '../split.js';
import { Scratch } from '../scratch.js';
import { type Packing, splitTuning, type StageChoice, stageMacs } from '../select.js';
import type { EpilogueKind } from '../../../ops/options.js';

/** A stage packed into wasm memory, run as select.ts chose. */
export interface WasmKernel extends Kernel {
  readonly packing: Packing;
  /**
   * Runs `choice` on geometry g: x and out are byte addresses of the choice's input and output
   * layouts. `c0` (the NCHW depthwise kernel on a band of channels): the band's first input
   * channel, with g.c and g.cout counting the band's channels.
   */
  run(choice: StageChoice, g: Geometry, x: number, out: number, c0?: number, feed?: Feed): void;
  /**
   * Whether run() takes `feed` for `choice`: x's floats still in the caller's array (split.ts's
   * Feed), copied to x as its split's tasks start. Otherwise the runner copies them in first.
   */
  feeds(choice: StageChoice): boolean;
  /** The activation after the kernel's clamp, on the output run() wrote (see BaseKernel). */
  activate(g: Geometry, out: number, layout: 'NCHW' | 'NHWC', c0?: number): void;
  /**
   * On a threaded backend, the same stage packed on its single-threaded twin (backend.ts), made
   * when a run first needs it and freed with this kernel; undefined where there is no twin or
   * the stage's weights were not kept for one.
   */
  twin?: Twin;
}

/** A stage kept to pack on the twin backend, and what was packed there. */
export interface Twin {
  readonly stage: Stage;
  kernel?: WasmKernel;
}

/** assembly/activation.ts's codes of the activations that follow the clamp. */
const EPILOGUE_CODE: Record<EpilogueKind, number> = {
  none: 0, sigmoid: 1, tanh: 2, silu: 3, hardSigmoid: 4, hardSwish: 5, gelu: 6, geluTanh: 7, leakyRelu: 8, elu: 9,
  prelu: 10,
};

export abstract class BaseKernel implements WasmKernel {
  protected disposed = false;
  twin: Twin | undefined;
  protected readonly owned: number[] = [];
  protected readonly scratch: Scratch[] = [];
  /** prelu's slopes in wasm memory, one per output channel; 0 for the other activations. */
  private prelu = 0;
  /** The kernel's handle on the pool (split.ts); undefined without a pool of more than one thread. */
  protected readonly split: Split | undefined;
  constructor(readonly spec: StageSpec, readonly packing: Packing, protected readonly heap: Heap,
    protected readonly ex: WasmExports, pool?: Pool) {
    this.split = pool !== undefined && pool.size > 1 ? new Split(pool) : undefined;
    const a = spec.act;
    if (a.prelu !== undefined) {
      const slopes = a.prelu.length === 1 ? new Float32Array(spec.cout).fill(a.prelu[0]) : a.prelu;
      this.prelu = this.own(heap.alloc(slopes.length * 4));
      heap.write(this.prelu, slopes);
    }
  }

  /**
   * The activation that follows the kernel's clamp (sigmoid, gelu, prelu, ...), in place on the
   * stage's output just written at `out` (in `layout`): output channels [c0, c0 + g.cout).
   */
  activate(g: Geometry, out: number, layout: 'NCHW' | 'NHWC', c0 = 0): void {
    const code = EPILOGUE_CODE[this.spec.act.kind];
    if (code === 0) return;
    const pixels = g.od * g.oh * g.ow;
    const [rows, plane] = layout === 'NHWC' ? [g.n * pixels, 0] : [g.n, pixels];
    const prelu = this.prelu === 0 ? 0 : this.prelu + c0 * 4;
    // split only after a stage that splits (select.ts's test): after one on the caller's thread, the
    // other threads' share of the output would cross between the cores' caches twice
    if (this.split !== undefined && stageMacs(g) >= splitTuning.minMacs && Split.passSplits(g.n * pixels * g.cout * 8)) {
      this.split.activate(out, rows, g.cout, plane, code, this.spec.act.alpha, prelu);
      return;
    }
    this.ex.run_activation_f32(out, rows, g.cout, plane, code, this.spec.act.alpha, prelu);
  }
  abstract run(choice: StageChoice, g: Geometry, x: number, out: number, c0?: number, feed?: Feed): void;
  /** The kernels of this family whose split takes a feed (each task reads only its own chunk). */
  protected readonly feedKernels: readonly StageChoice['kernel'][] = [];
  feeds(choice: StageChoice): boolean {
    return this.split !== undefined && choice.threads > 1 && this.feedKernels.includes(choice.kernel);
  }
  /** A feed given for a choice that takes none would leave x unwritten: a bug of the caller. */
  protected checkFeed(choice: StageChoice, feed: Feed | undefined): void {
    if (feed !== undefined && !this.feeds(choice)) throw new Error(`wasm backend: '${choice.kernel}' takes no feed`);
  }
  protected own(ptr: number): number {
    this.owned.push(ptr);
    return ptr;
  }
  protected newScratch(): Scratch {
    const s = new Scratch(this.heap);
    this.scratch.push(s);
    return s;
  }
  bytes(): number {
    let b = 0;
    for (const p of this.owned) b += this.heap.sizeOf(p);
    for (const s of this.scratch) b += s.bytes();
    return b;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.twin?.kernel?.dispose();
    this.twin = undefined;
    for (const p of this.owned) this.heap.free(p);
    this.owned.length = 0;
    for (const s of this.scratch) s.release();
  }
  /** Frees what was allocated so far when a constructor fails half-way. */
  protected abort(e: unknown): never {
    this.dispose();
    throw e;
  }
  protected unexpected(choice: StageChoice): never {
    throw new Error(`wasm backend: a '${this.packing.family}' kernel cannot run '${choice.kernel}'`);
  }
}
