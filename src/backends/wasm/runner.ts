/**
 * The wasm Runner: moves activations in and out of wasm memory and chains kernels inside it.
 *
 *   x (user layout) --set--> [staging] --nchw_to_nhwc--> act[0] -k0-> act[1] -k1-> act[0] ...
 *   ... act[last] --nhwc_to_nchw--> [staging] --subarray/set--> out
 *
 * NHWC data skip the staging buffer and the transposes; so does a lone depthwise or pointwise
 * stage on NCHW data when its kernel prefers to read and write NCHW planes itself, and a chain
 * whose every stage works on NCHW planes in place (nativeNchw); a last conv stage with the
 * build's gemm tile writes the NCHW planes itself (runToNchw). Buffers grow only when a run needs more
 * than they hold and are reused across runs; `out` may alias `x` since x is copied in first.
 */
import { ConvError } from '../../errors.js';
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';
import type { Runner } from '../types.js';
import type { WasmExports } from '../../loader/load.js';
import type { Heap } from './heap.js';
import type { WasmKernel } from './kernels.js';

class Buffer {
  ptr = 0;
  floats = 0;
  constructor(private readonly heap: Heap) {}
  ensure(floats: number): void {
    if (this.ptr !== 0 && this.floats >= floats) return;
    this.release();
    this.ptr = this.heap.alloc(floats * 4);
    this.floats = floats;
  }
  release(): void {
    if (this.ptr !== 0) this.heap.free(this.ptr);
    this.ptr = 0;
    this.floats = 0;
  }
  bytes(): number {
    return this.heap.sizeOf(this.ptr);
  }
}

const isCount = (v: number, min: number): boolean => Number.isInteger(v) && v >= min && v < 2 ** 31;

/**
 * The kernels divide by strides and dilations and index in i32: a geometry that is not what
 * plan.ts produces (an option that changed between two reads of a hostile object) must be a
 * ConvError, never a wasm trap.
 */
function checkGeometry(g: Geometry): void {
  if (!isCount(g.strideH, 1) || !isCount(g.strideW, 1)) {
    throw new ConvError('BAD_STRIDE', `run: stride (${g.strideH}, ${g.strideW}) must be positive integers`);
  }
  if (!isCount(g.dilationH, 1) || !isCount(g.dilationW, 1)) {
    throw new ConvError('BAD_DILATION', `run: dilation (${g.dilationH}, ${g.dilationW}) must be positive integers`);
  }
  if (!isCount(g.padTop, 0) || !isCount(g.padLeft, 0) || !isCount(g.padBottom, 0) || !isCount(g.padRight, 0)) {
    throw new ConvError('BAD_PADDING', `run: padding (${g.padTop}, ${g.padLeft}, ${g.padBottom}, ${g.padRight}) must be non-negative integers`);
  }
  for (const v of [g.n, g.h, g.w, g.c, g.oh, g.ow, g.cout, g.groups, g.cinG, g.coutG, g.kH, g.kW]) {
    if (!isCount(v, 1)) throw new ConvError('BAD_TENSOR', `run: a geometry size (${v}) is not a positive integer`);
  }
}

export class WasmRunner implements Runner {
  private readonly act: [Buffer, Buffer];
  private readonly staging: Buffer;
  private disposed = false;

  constructor(private readonly kernels: readonly WasmKernel[], private readonly heap: Heap,
    private readonly ex: WasmExports) {
    this.act = [new Buffer(heap), new Buffer(heap)];
    this.staging = new Buffer(heap);
  }

  run(x: Float32Array, layout: Layout, geoms: readonly Geometry[], out: Float32Array): void {
    if (this.disposed) throw new Error('wasm runner: run after dispose');
    if (geoms.length !== this.kernels.length || geoms.length === 0) {
      throw new Error(`wasm runner: ${geoms.length} geometries for ${this.kernels.length} kernels`);
    }
    const g0 = geoms[0];
    const last = geoms[geoms.length - 1];
    const inFloats = g0.n * g0.h * g0.w * g0.c;
    const outFloats = last.n * last.oh * last.ow * last.cout;
    for (const g of geoms) checkGeometry(g);
    // the facade checked both; a buffer resized since (a getter on a resizable ArrayBuffer) must
    // not let stale wasm memory into the result
    if (x.length !== inFloats) {
      throw new ConvError('SHAPE_MISMATCH', `run: x.data.length (${x.length}) must equal the product of x.shape (${inFloats}); did its buffer shrink?`);
    }
    if (out.length !== outFloats) {
      throw new ConvError('BAD_OUT', `run: out.length (${out.length}) must equal the output's length (${outFloats})`);
    }
    // act[i % 2] holds activation i (0: the input)
    const need = [inFloats, 0];
    for (let i = 0; i < geoms.length; i++) {
      const g = geoms[i];
      const j = (i + 1) & 1;
      need[j] = Math.max(need[j], g.n * g.oh * g.ow * g.cout);
    }
    this.act[0].ensure(need[0]);
    this.act[1].ensure(need[1]);
    const nchw = layout === 'NCHW';
    const heap = this.heap;
    const ex = this.ex;
    // NCHW planes in place, no boundary transposes: a lone stage whose kernel prefers that (a
    // wide depthwise or a pointwise layer), or a chain whose every stage works on the planes
    // itself (a separable layer on wide planes: interleaved A/B, 2026-11-29, relaxed:
    // 112x112x64 -> 128 1.17x faster than transposing around the NHWC chain; 56x56x128 -> 128
    // 0.97x, within the noise)
    const direct = nchw && this.kernels.every((k) => k.runNchw !== undefined) && (geoms.length === 1
      ? this.kernels[0].prefersNchw?.(g0) === true
      : this.kernels.every((k, i) => k.nativeNchw?.(geoms[i]) === true));
    if (direct) {
      heap.write(this.act[0].ptr, x);
      for (let i = 0; i < geoms.length; i++) {
        this.kernels[i].runNchw!(geoms[i], this.act[i & 1].ptr, this.act[(i + 1) & 1].ptr);
      }
      out.set(heap.view(this.act[geoms.length & 1].ptr, outFloats));
      return;
    }
    if (nchw) this.staging.ensure(Math.max(inFloats, outFloats));

    if (nchw) {
      heap.write(this.staging.ptr, x);
      ex.nchw_to_nhwc_f32(this.staging.ptr, this.act[0].ptr, g0.n, g0.c, g0.h * g0.w);
    } else {
      heap.write(this.act[0].ptr, x);
    }
    const n = geoms.length;
    for (let i = 0; i < n - 1; i++) {
      this.kernels[i].run(geoms[i], this.act[i & 1].ptr, this.act[(i + 1) & 1].ptr);
    }
    // the last stage writes NCHW planes itself when it can (no output transpose)
    const kl = this.kernels[n - 1];
    const xl = this.act[(n - 1) & 1].ptr;
    let res = this.act[n & 1].ptr;
    if (nchw && kl.runToNchw?.(last, xl, this.staging.ptr) === true) {
      res = this.staging.ptr;
    } else {
      kl.run(last, xl, res);
      if (nchw) {
        ex.nhwc_to_nchw_f32(res, this.staging.ptr, last.n, last.cout, last.oh * last.ow);
        res = this.staging.ptr;
      }
    }
    // views are taken only now: kernels may have grown the memory
    out.set(heap.view(res, outFloats));
  }

  bytes(): number {
    return this.act[0].bytes() + this.act[1].bytes() + this.staging.bytes();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.act[0].release();
    this.act[1].release();
    this.staging.release();
  }
}
