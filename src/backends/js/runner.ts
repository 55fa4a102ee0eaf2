/**
 * JsRunner: runs a chain of JsKernels. It owns two ping-pong NHWC activation buffers and the
 * kernels' scratch, grown on demand and reused across runs; the input is transposed from NCHW at
 * the boundary and the output back (a lone depthwise stage in NCHW skips both).
 */
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';
import type { Kernel, Runner } from '../types.js';
import { allocating } from './alloc.js';
import { JsKernel } from './kernel.js';
import { Scratch } from './scratch.js';
import { nchwToNhwc, nhwcToNchw } from './transpose.js';

const EMPTY32 = new Float32Array(0);

/** True when two arrays share memory. */
function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Runs a chain of JsKernels with NHWC intermediates kept in two reusable buffers. */
export class JsRunner implements Runner {
  private readonly kernels: readonly JsKernel[];
  private bufs: [Float32Array, Float32Array] = [EMPTY32, EMPTY32];
  private scratch = new Scratch();

  constructor(kernels: readonly Kernel[]) {
    this.kernels = kernels.map((k) => {
      if (!(k instanceof JsKernel)) throw new Error('js backend: createRunner needs kernels of the js backend');
      return k;
    });
  }

  private buf(i: 0 | 1, n: number): Float32Array {
    if (this.bufs[i].length < n) this.bufs[i] = allocating('activations', () => new Float32Array(n));
    return this.bufs[i];
  }

  run(x: Float32Array, layout: Layout, geoms: readonly Geometry[], out: Float32Array): void {
    if (geoms.length !== this.kernels.length || geoms.length === 0) {
      throw new Error(`js backend: ${geoms.length} geometries for ${this.kernels.length} kernels`);
    }
    const g0 = geoms[0];
    if (layout === 'NCHW' && geoms.length === 1 && g0.kind === 'dw') {
      // memory-bound: skip both transposes
      const len = g0.n * g0.oh * g0.ow * g0.cout;
      if (overlaps(out, x)) {
        const tmp = this.buf(0, len);
        this.kernels[0].runNchw(g0, x, tmp, this.scratch);
        out.set(tmp.subarray(0, len));
      } else {
        this.kernels[0].runNchw(g0, x, out, this.scratch);
      }
      return;
    }
    let src: Float32Array;
    let cur = -1; // which internal buffer holds src (-1: x itself)
    if (layout === 'NCHW') {
      src = this.buf(0, g0.n * g0.h * g0.w * g0.c);
      nchwToNhwc(x, src, g0.n, g0.c, g0.h * g0.w);
      cur = 0;
    } else {
      src = x;
    }
    const direct = layout === 'NHWC' && !overlaps(out, x);
    for (let i = 0; i < geoms.length; i++) {
      const g = geoms[i];
      let dst: Float32Array;
      if (direct && i === geoms.length - 1) {
        dst = out;
      } else {
        const next = cur === 0 ? 1 : 0;
        dst = this.buf(next, g.n * g.oh * g.ow * g.cout);
        cur = next;
      }
      this.kernels[i].run(g, src, dst, this.scratch);
      src = dst;
    }
    if (src !== out) {
      const g = geoms[geoms.length - 1];
      if (layout === 'NCHW') nhwcToNchw(src, out, g.n, g.cout, g.oh * g.ow);
      else out.set(src.subarray(0, g.n * g.oh * g.ow * g.cout));
    }
  }

  bytes(): number {
    return this.bufs[0].byteLength + this.bufs[1].byteLength + this.scratch.bytes();
  }

  dispose(): void {
    this.bufs = [EMPTY32, EMPTY32];
    this.scratch.dispose();
  }
}

