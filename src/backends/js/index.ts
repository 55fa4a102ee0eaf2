/**
 * The pure TypeScript backend, 'js': a real fallback, not a reference loop. Activations are NHWC
 * inside (the Runner transposes NCHW at its boundary); weights are packed once per Kernel into
 * the form its kernel reads:
 *
 *   conv    gemm panels (pack.ts): per group, per 4 output channels, 4 biases then K x 4 weights
 *   dw      canonical [kH][kW][cout] and the bias, as float64
 *   deconv  gemm panels of B_g[cinG x kH*kW*coutG] with zero bias, plus the bias (float64)
 *
 * A Runner owns two ping-pong NHWC activation buffers and the kernels' scratch (scratch.ts),
 * grown on demand and reused across runs.
 */
import { ConvError } from '../../errors.js';
import type { Layout } from '../../ops/options.js';
import type { Geometry, StageSpec } from '../../ops/plan.js';
import type { Backend, Kernel, Runner, Stage } from '../types.js';
import { runConv } from './conv.js';
import { runDepthwise } from './depthwise.js';
import { packPanels } from './pack.js';
import { Scratch } from './scratch.js';
import { nchwToNhwc, nhwcToNchw } from './transpose.js';
import { runDeconv } from './transposed.js';

const EMPTY64 = new Float64Array(0);
const EMPTY32 = new Float32Array(0);

/** Runs `alloc`, turning an allocation failure into ConvError('OUT_OF_MEMORY'). */
function allocating<T>(what: string, alloc: () => T): T {
  try {
    return alloc();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ConvError('OUT_OF_MEMORY', `js backend: cannot allocate ${what}: ${e.message}`);
    }
    throw e;
  }
}

/** A stage's weights packed for the js kernels. */
export class JsKernel implements Kernel {
  readonly spec: StageSpec;
  /** conv, deconv: gemm panels; dw: canonical weights as float64. */
  weights: Float64Array;
  /** dw and deconv: the bias (conv keeps it in its panels). */
  bias: Float64Array;
  private disposed = false;

  constructor(stage: Stage) {
    const { spec, weights, bias } = stage;
    this.spec = spec;
    const taps = spec.kH * spec.kW;
    switch (spec.kind) {
      case 'conv': {
        const cinG = spec.cin / spec.groups;
        const coutG = spec.cout / spec.groups;
        this.weights = allocating('packed weights', () => packPanels(weights, bias, spec.groups, taps * cinG, coutG));
        this.bias = EMPTY64;
        break;
      }
      case 'dw':
        this.weights = allocating('weights', () => Float64Array.from(weights));
        this.bias = Float64Array.from(bias);
        break;
      case 'deconv': {
        const cinG = spec.cin / spec.groups;
        const coutG = spec.cout / spec.groups;
        this.weights = allocating('packed weights', () => packPanels(weights, null, spec.groups, cinG, taps * coutG));
        this.bias = Float64Array.from(bias);
        break;
      }
      default:
        throw new Error(`js backend: unknown stage kind ${String((spec as StageSpec).kind)}`);
    }
  }

  bytes(): number {
    return this.weights.byteLength + this.bias.byteLength;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weights = EMPTY64;
    this.bias = EMPTY64;
  }

  /** Computes y (NHWC) from x (NHWC) for geometry g; x and y must not overlap. */
  run(g: Geometry, x: Float32Array, y: Float32Array, s: Scratch): void {
    if (this.disposed) throw new ConvError('DISPOSED', `js backend: the kernel of ${this.spec.fn} was disposed`);
    switch (g.kind) {
      case 'conv':
        runConv(this.weights, g, x, y, s);
        return;
      case 'dw':
        runDepthwise(this.weights, this.bias, g, x, y, s);
        return;
      case 'deconv':
        runDeconv(this.weights, this.bias, g, x, y, s);
        return;
      default:
        throw new Error(`js backend: unknown stage kind ${String((g as Geometry).kind)}`);
    }
  }
}

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

/** The pure TypeScript backend. */
export const jsBackend: Backend = {
  name: 'js',
  createKernel(stage: Stage): Kernel {
    return new JsKernel(stage);
  },
  createRunner(kernels: readonly Kernel[]): Runner {
    return new JsRunner(kernels);
  },
  memory(): { wasmBytes: number; bytesInUse: number } {
    return { wasmBytes: 0, bytesInUse: 0 };
  },
};
