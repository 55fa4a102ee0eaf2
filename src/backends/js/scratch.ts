/**
 * Scratch buffers of a Runner: grown on demand, never shrunk, reused across runs (so repeated
 * calls allocate nothing after warm-up). One set per Runner; kernels hold none.
 */
import { allocating } from './alloc.js';
import { MR } from './gemm.js';

export class Scratch {
  /** im2col block (conv) or gemm output block (deconv). */
  private f32 = new Float32Array(0);
  /** Packed A rows of the gemm: [k][MR]. */
  private f64 = new Float64Array(0);
  /** Per-pixel accumulators of the general depthwise path. */
  private acc = new Float64Array(0);

  /** A Float32Array of at least n values (contents undefined). */
  cols(n: number): Float32Array {
    if (this.f32.length < n) this.f32 = allocating('scratch', () => new Float32Array(n));
    return this.f32;
  }

  /** Packed-A scratch for gemm with depth kc. */
  packedA(kc: number): Float64Array {
    const n = Math.max(kc, 1) * MR;
    if (this.f64.length < n) this.f64 = allocating('scratch', () => new Float64Array(n));
    return this.f64;
  }

  /** A Float64Array of at least n values (contents undefined). */
  accumulators(n: number): Float64Array {
    if (this.acc.length < n) this.acc = allocating('scratch', () => new Float64Array(n));
    return this.acc;
  }

  bytes(): number {
    return this.f32.byteLength + this.f64.byteLength + this.acc.byteLength;
  }

  dispose(): void {
    this.f32 = new Float32Array(0);
    this.f64 = new Float64Array(0);
    this.acc = new Float64Array(0);
  }
}
