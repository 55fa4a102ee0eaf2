/**
 * Heap blocks for the wasm kernels and runner: a Scratch grows on demand and keeps its address
 * otherwise (so indirection buffers built over it stay valid), and the sizes of the packed forms.
 *
 * Sizes are computed here in float64, never by the module's i32 helpers: a buffer of 2^32 or
 * more bytes must reach Heap.alloc as such (and be refused with OUT_OF_MEMORY), not wrap around
 * to a small block that the kernel then overruns.
 */
import type { Heap } from './heap.js';

/** A heap block that grows on demand and keeps its address otherwise. */
export class Scratch {
  ptr = 0;
  size = 0;
  constructor(private readonly heap: Heap) {}
  /** Ensures at least `bytes`; returns true when the address changed. */
  ensure(bytes: number): boolean {
    if (this.ptr !== 0 && this.size >= bytes) return false;
    this.release();
    this.ptr = this.heap.alloc(bytes);
    this.size = bytes;
    return true;
  }
  bytes(): number {
    return this.heap.sizeOf(this.ptr);
  }
  release(): void {
    if (this.ptr !== 0) this.heap.free(this.ptr);
    this.ptr = 0;
    this.size = 0;
  }
}

/** Pointers of an indirection buffer: tiles of `mr` pixels, `taps` pointers per pixel. */
export function indirectionLength(pixels: number, taps: number, mr: number): number {
  return Math.ceil(pixels / mr) * mr * taps;
}

/** Floats of one group's packed gemm weights (assembly/gemm/pack.ts). */
export function packedGemmFloats(ks: number, kc: number, nc: number, nr: number): number {
  return Math.ceil(nc / nr) * (nr + ks * kc * nr);
}

/** Copies `data` into a fresh heap block; the caller frees it. */
export function upload(heap: Heap, data: Float32Array): number {
  const p = heap.alloc(data.length * 4);
  heap.write(p, data);
  return p;
}
