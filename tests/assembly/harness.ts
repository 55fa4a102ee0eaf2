/**
 * Kernel-level test harness: one instance of a build with a Heap over its memory, and helpers to
 * move Float32Arrays in and out. Kernel tests call the raw ABI exports (assembly/index.ts).
 */
import { loadWasm, WasmExports, WasmFlavor } from '../../src/loader/load';
import { Heap } from '../../src/backends/wasm/heap';

export { expectClose, flavors, rng, randomArray } from '../src/backends/wasm/wasm-helpers';

export interface Harness {
  ex: WasmExports;
  heap: Heap;
  /** the build's igemm tile (run_igemm_nhwc_f32 and the packing it expects) */
  mr: number;
  nr: number;
  /** copies `a` into a fresh block; returns its address */
  put(a: Float32Array | number[]): number;
  /** a fresh block of `floats` floats filled with `fill` */
  alloc(floats: number, fill?: number): number;
  /** a copy of `floats` floats at `ptr` */
  get(ptr: number, floats: number): Float32Array;
  /** frees every block handed out since the last reset */
  reset(): void;
}

export async function harness(flavor: WasmFlavor): Promise<Harness> {
  const ex = await loadWasm(flavor);
  const heap = new Heap(ex.memory, ex.heap_base());
  const live: number[] = [];
  const h: Harness = {
    ex,
    heap,
    mr: ex.GEMM_MR.value as number,
    nr: ex.GEMM_NR.value as number,
    put(a) {
      const p = heap.alloc(a.length * 4);
      heap.write(p, a instanceof Float32Array ? a : Float32Array.from(a));
      live.push(p);
      return p;
    },
    alloc(floats, fill = 0) {
      const p = heap.alloc(floats * 4);
      heap.f32().fill(fill, p >>> 2, (p >>> 2) + floats + 4);
      live.push(p);
      return p;
    },
    get(ptr, floats) {
      return heap.view(ptr, floats).slice();
    },
    reset() {
      for (const p of live) heap.free(p);
      live.length = 0;
    },
  };
  return h;
}
