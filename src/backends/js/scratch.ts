/**
 * Scratch buffers of a Runner: grown on demand, never shrunk, reused across runs (so repeated
 * calls allocate nothing after warm-up). One set per Runner; the gemm's A scratch is the one
 * piece a kernel holds (at the end of its packed weights, see pack.ts).
 */
import { allocating } from './alloc.js';

export class Scratch {
  /** im2col block (conv) or gemm output block (deconv). */
  private f32 = new Float32Array(0);
  /** Per-pixel accumulators of the general depthwise path. */
  private acc = new Float64Array(0);

  /** A Float32Array of at least n values (contents undefined). */
  cols(n: number): Float32Array {
    if (this.f32.length < n) this.f32 = allocating('scratch', () => new Float32Array(n));
    return this.f32;
  }

  /** A Float64Array of at least n values (contents undefined). */
  accumulators(n: number): Float64Array {
    if (this.acc.length < n) this.acc = allocating('scratch', () => new Float64Array(n));
    return this.acc;
  }

  bytes(): number {
    return this.f32.byteLength + this.acc.byteLength;
  }

  dispose(): void {
    this.f32 = new Float32Array(0);
    this.acc = new Float64Array(0);
  }
}
