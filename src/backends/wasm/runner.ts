/**
 * The wasm Runner: moves activations in and out of wasm memory and chains kernels inside it.
 *
 *   x (user layout) --set--> [staging] --nchw_to_nhwc--> act[0] -k0-> act[1] -k1-> act[0] ...
 *   ... act[last] --nhwc_to_nchw--> [staging] --subarray/set--> out
 *
 * NHWC data skip the staging buffer and the transposes; so does a lone depthwise or pointwise
 * stage on NCHW data when its kernel prefers to read and write NCHW planes itself, and a chain
 * whose every stage works on NCHW planes in place (nativeNchw); a last conv stage with the
 * build's gemm tile writes the NCHW planes itself (runToNchw). A lone pointwise stage on large
 * NCHW planes runs in bands of pixels (runBands), a lone depthwise one in bands of channels
 * (runChannelBands), copied in and out per band. Buffers grow only
 * when a run needs more than they hold and are reused across runs; `out` may alias `x` since x
 * is copied in first.
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

/**
 * Pixels per band of runBands: the band's input and output planes take at most BAND_BYTES, so
 * they stay in the core's L2 (1 MiB on the development machines) between the copies and the kernel.
 */
const BAND_BYTES = 512 * 1024;
function bandPixels(channels: number): number {
  return Math.floor(BAND_BYTES / 4 / channels / 16) * 16;
}
/**
 * Bands narrower than this cost more in copy calls (one per channel per band) than the cache
 * saves: measured 2026-11-29 (relaxed, layer, interleaved A/B against one copy each way):
 * 112x112 32->64 (1360-pixel bands) 1.05-1.14x; 56x56 128->128 (512-pixel bands) 0.95-1.00x.
 */
const MIN_BAND = 1024;

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
    const band = bandPixels(g0.c + g0.cout);
    // a band of the output must not overwrite input still to be copied in: out and x are distinct
    // arrays or the same one
    const apart = out.buffer !== x.buffer || (out.byteOffset === x.byteOffset && out.length === x.length);
    if (layout === 'NCHW' && geoms.length === 1 && band >= MIN_BAND && g0.h * g0.w >= 2 * band && apart &&
      this.kernels[0].pixelwise?.(g0) === true) {
      this.runBands(x, g0, out, band);
      return;
    }
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
    if (direct && geoms.length === 1 && apart && this.kernels[0].runNchwChannels !== undefined) {
      const perChannel = g0.h * g0.w + g0.coutG * g0.oh * g0.ow;
      const bandC = Math.max(1, Math.floor(BAND_BYTES / 4 / perChannel));
      if (bandC < g0.c) {
        this.runChannelBands(x, g0, out, bandC);
        return;
      }
    }
    // act[i % 2] holds activation i (0: the input); not before the band paths, which need only
    // a band of each
    const need = [inFloats, 0];
    for (let i = 0; i < geoms.length; i++) {
      const g = geoms[i];
      const j = (i + 1) & 1;
      need[j] = Math.max(need[j], g.n * g.oh * g.ow * g.cout);
    }
    this.act[0].ensure(need[0]);
    this.act[1].ensure(need[1]);
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

  /**
   * A lone pixel-wise stage (1x1, stride 1, unpadded) on large NCHW planes: copies a band of
   * pixels of every input plane in, runs the kernel on the band (as a 1 x len image) and copies
   * the band of every output plane out, so the kernel reads its input from L2 and the copy out
   * reads the output from L2 instead of memory. Bands start at multiples of 16 pixels and hold
   * within 16 of plane / bands pixels each (at least MIN_BAND - 16, so the kernel keeps its NCHW
   * path). `out` may alias `x` (the same array): a band's output overwrites only input pixels of
   * the band itself, already copied in. `band`: bandPixels of the layer's channels.
   */
  private runBands(x: Float32Array, g: Geometry, out: Float32Array, band: number): void {
    const plane = g.h * g.w;
    const bands = Math.floor(plane / band);
    const start = (i: number): number => (i === bands ? plane : Math.floor((i * plane) / bands / 16) * 16);
    let widest = 0;
    for (let i = 0; i < bands; i++) widest = Math.max(widest, start(i + 1) - start(i));
    const k = this.kernels[0];
    this.act[0].ensure(widest * g.c);
    this.act[1].ensure(widest * g.cout);
    for (let n = 0; n < g.n; n++) {
      const xn = n * g.c * plane;
      const yn = n * g.cout * plane;
      for (let i = 0; i < bands; i++) {
        const p0 = start(i);
        const len = start(i + 1) - p0;
        const gb: Geometry = { ...g, n: 1, h: 1, w: len, oh: 1, ow: len };
        const xs = this.act[0].ptr >>> 2;
        const ys = this.act[1].ptr >>> 2;
        let f32 = this.heap.f32();
        for (let c = 0; c < g.c; c++) {
          const s = xn + c * plane + p0;
          f32.set(x.subarray(s, s + len), xs + c * len);
        }
        k.runNchw!(gb, this.act[0].ptr, this.act[1].ptr);
        // views are taken only now: the kernel may have grown the memory
        f32 = this.heap.f32();
        for (let c = 0; c < g.cout; c++) {
          const s = ys + c * len;
          out.set(f32.subarray(s, s + len), yn + c * plane + p0);
        }
      }
    }
  }

  /**
   * A lone depthwise stage on NCHW planes too large for L2: per image, bands of `bandC` input
   * channels (their planes are contiguous in x, and their output planes in out) are copied in,
   * run and copied out, so the kernel reads planes the copy has just left in L2 and the copy out
   * reads output planes the kernel has just written. Measured 2026-11-29, Node 20.20, relaxed,
   * layer run(x, {out}), interleaved A/B against one copy each way: 112x112x64 3x3 s2 1.23x,
   * 112x112x32 3x3 1.08x, 56x56x128 3x3 1.10x; bands of half the bytes 1.00x. `out` may alias
   * `x` (the same array, so an input plane is as long as a channel's output planes): a band's
   * output covers only input already copied in.
   */
  private runChannelBands(x: Float32Array, g: Geometry, out: Float32Array, bandC: number): void {
    const plane = g.h * g.w;
    // the output floats of one input channel: its multiplier's planes
    const outPerChannel = g.coutG * g.oh * g.ow;
    const k = this.kernels[0];
    this.act[0].ensure(bandC * plane);
    this.act[1].ensure(bandC * outPerChannel);
    for (let n = 0; n < g.n; n++) {
      for (let c0 = 0; c0 < g.c; c0 += bandC) {
        const cb = Math.min(bandC, g.c - c0);
        const s = (n * g.c + c0) * plane;
        this.heap.write(this.act[0].ptr, x.subarray(s, s + cb * plane));
        k.runNchwChannels!({ ...g, n: 1, c: cb, cout: cb * g.coutG }, this.act[0].ptr, this.act[1].ptr, c0);
        // views are taken only now: the kernel may have grown the memory
        out.set(this.heap.view(this.act[1].ptr, cb * outPerChannel), (n * g.c + c0) * outPerChannel);
      }
    }
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
