/**
 * What every wasm kernel shares: the interface the runner calls, and the bookkeeping of the
 * blocks a kernel owns (packed weights) and its scratch (rebuilt per input size), freed on dispose.
 */
import type { Kernel } from '../../types.js';
import type { Geometry, StageSpec } from '../../../ops/plan.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import { Scratch } from '../scratch.js';
import type { Packing, StageChoice } from '../select.js';

/** A stage packed into wasm memory, run as select.ts chose. */
export interface WasmKernel extends Kernel {
  readonly packing: Packing;
  /**
   * Runs `choice` on geometry g: x and out are byte addresses of the choice's input and output
   * layouts. `c0` (the NCHW depthwise kernel on a band of channels): the band's first input
   * channel, with g.c and g.cout counting the band's channels.
   */
  run(choice: StageChoice, g: Geometry, x: number, out: number, c0?: number): void;
}

export abstract class BaseKernel implements WasmKernel {
  protected disposed = false;
  protected readonly owned: number[] = [];
  protected readonly scratch: Scratch[] = [];
  constructor(readonly spec: StageSpec, readonly packing: Packing, protected readonly heap: Heap,
    protected readonly ex: WasmExports) {}
  abstract run(choice: StageChoice, g: Geometry, x: number, out: number, c0?: number): void;
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
