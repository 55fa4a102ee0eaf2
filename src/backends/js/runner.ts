/**
 * JsRunner: runs a chain of JsKernels. It owns two ping-pong NHWC activation buffers and the
 * kernels' scratch, grown on demand and reused across runs. Intermediates are NHWC, except that
 * depthwise stages on a large enough NCHW input work on its planes (no transpose before them:
 * they are memory-bound); the first other stage gets an NHWC copy from the blocked transpose. A
 * final conv stage writes NCHW directly (strided gemm stores, faster than a transpose back; see
 * docs/performance.md#js-nchw-paths); other final stages are transposed back.
 */
import { ConvError } from '../../errors.js';
import type { Layout } from '../../ops/options.js';
import { Geometry, inLength, outLength, paddedGeometry } from '../../ops/plan.js';
import { needsPaddedCopy, padChannelsLast } from '../pad.js';
import type { Kernel, Runner, StageDescription } from '../types.js';
import { allocating } from './alloc.js';
import { JsKernel } from './kernel.js';
import { Scratch } from './scratch.js';
import { JsStageChoice, selectJsRun } from './select.js';
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
  /** The padded copy of a stage's input (a paddingMode other than 'zeros'). */
  private padded = EMPTY32;
  private scratch = new Scratch();
  /** The stages' choice for the last input run. */
  private last: JsStageChoice[] | undefined;

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
    const last = geoms.length - 1;
    // The facade checked the lengths, but a resizable ArrayBuffer can shrink afterwards (a user
    // getter run later in the call): refuse rather than read past the end (NaN) or write nowhere.
    const g0 = geoms[0];
    const gl = geoms[last];
    const inLen = inLength(g0);
    const outLen = outLength(gl);
    if (x.length < inLen) {
      throw new ConvError('SHAPE_MISMATCH', `js backend: x has ${x.length} elements now, the input needs ${inLen} (was its buffer resized?)`);
    }
    if (out.length < outLen) {
      throw new ConvError('BAD_OUT', `js backend: out has ${out.length} elements now, the output needs ${outLen} (was its buffer resized?)`);
    }
    const stages = selectJsRun(geoms, layout);
    this.last = stages;
    let src = x;
    let srcLayout: Layout = layout;
    let cur = -1; // which internal buffer holds src (-1: x itself)
    for (let i = 0; i <= last; i++) {
      const g = geoms[i];
      if (srcLayout !== stages[i].input) {
        // NCHW to NHWC: the blocked transpose, then contiguous reads
        const next = cur === 0 ? 1 : 0;
        const t = this.buf(next, inLength(g));
        nchwToNhwc(src, t, g.n, g.c, g.d * g.h * g.w);
        src = t;
        srcLayout = 'NHWC';
        cur = next;
      }
      const dstLayout = stages[i].output;
      let dst: Float32Array;
      if (i === last && dstLayout === layout && !(src === x && overlaps(out, x))) {
        dst = out;
      } else {
        const next = cur === 0 ? 1 : 0;
        dst = this.buf(next, outLength(g));
        cur = next;
      }
      if (needsPaddedCopy(g)) {
        // the kernel runs without padding on a copy padded by the stage's mode
        const pg = paddedGeometry(g);
        if (this.padded.length < inLength(pg)) this.padded = allocating('padded input', () => new Float32Array(inLength(pg)));
        padChannelsLast(src, 0, this.padded, 0, g);
        this.kernels[i].run(pg, this.padded, srcLayout, dst, dstLayout, this.scratch);
      } else {
        this.kernels[i].run(g, src, srcLayout, dst, dstLayout, this.scratch);
      }
      src = dst;
      srcLayout = dstLayout;
    }
    if (src !== out) {
      const g = geoms[last];
      if (srcLayout === layout) out.set(src.subarray(0, outLength(g)));
      else nhwcToNchw(src, out, g.n, g.cout, g.od * g.oh * g.ow);
    }
  }

  describe(): StageDescription[] {
    return this.kernels.map((k, i) => {
      const c = this.last?.[i];
      return {
        op: k.spec.fn,
        kernel: c ? c.name : `${k.spec.kind} (js); not run yet`,
        path: c ? `${c.input} -> ${c.output}` : 'not run yet',
      };
    });
  }

  bytes(): number {
    return this.bufs[0].byteLength + this.bufs[1].byteLength + this.padded.byteLength + this.scratch.bytes();
  }

  dispose(): void {
    this.bufs = [EMPTY32, EMPTY32];
    this.padded = EMPTY32;
    this.scratch.dispose();
  }
}

