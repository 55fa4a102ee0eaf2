/**
 * Instantiates one of the embedded wasm builds, asynchronously (Chromium refuses large
 * synchronous compiles on the main thread), and checks that the module is the build that was
 * asked for (HAS_SIMD, HAS_RELAXED, HAS_THREADS, ABI_VERSION). The threaded builds (simd and
 * relaxed only) import their memory: the caller creates one shared memory per pool and every
 * instance of the pool (the caller's and each worker's) runs on it.
 *
 * Why not @assemblyscript/loader's `instantiate`: it first tests `source instanceof Response`, and
 * in Node 20 the first touch of the global `Response` loads undici, which takes longer than the
 * whole init() budget (see docs/performance.md#instantiating-the-wasm). So this module
 * compiles and instantiates with the WebAssembly API itself, supplies the loader's `abort` import
 * (same readable message; release builds use --noAssert and import nothing today), and takes the
 * exports as they are (exportsOf). Not even the loader's `demangle` is imported: the loader's
 * module creates a TextDecoder when it is evaluated, and an AudioWorkletGlobalScope has none, so
 * importing it would stop simdconv from loading in an AudioWorklet.
 */
import { decodeBase64 } from './base64.js';
import {
  ABI_VERSION, RELAXED_THREADS_WASM_BASE64, RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_THREADS_WASM_BASE64, SIMD_WASM_BASE64,
} from './wasm-bytes.gen.js';

/** The build flavours: scalar wasm, SIMD128, SIMD128 + relaxed SIMD. */
export type WasmFlavor = 'scalar' | 'simd' | 'relaxed';

/** The flavours with a threaded build (shared imported memory, atomics). */
export type ThreadedFlavor = 'simd' | 'relaxed';

/** The ABI version of the embedded builds (assembly/params.ts ABI, written by scripts/build-wasm.mjs). */
export { ABI_VERSION };

/** The raw exports of assembly/index.ts (addresses are byte offsets, u32 passed as numbers). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  readonly ABI_VERSION: WebAssembly.Global;
  readonly HAS_SIMD: WebAssembly.Global;
  readonly HAS_RELAXED: WebAssembly.Global;
  /** 1 in the threaded builds (shared imported memory). */
  readonly HAS_THREADS: WebAssembly.Global;
  /** Bytes of the scratch block every instance of a threaded build needs; 0 in the others. */
  readonly THREAD_SCRATCH_BYTES: WebAssembly.Global;
  readonly GEMM_MR: WebAssembly.Global;
  readonly GEMM_NR: WebAssembly.Global;
  readonly DW_BLOCK: WebAssembly.Global;
  readonly OVERREAD_BYTES: WebAssembly.Global;
  /** Most input channels run_pointwise_nchw_f32 takes on its SIMD path. */
  readonly NCHW_PANEL_CHANNELS: WebAssembly.Global;
  heap_base(): number;
  /** (ptr): this instance's scratch block, THREAD_SCRATCH_BYTES at ptr (threaded builds; a no-op in the others) */
  set_thread_scratch(ptr: number): void;
  /** (ks, kc, nc, nr): floats of one group's packed weights in nr-wide panels */
  size_pack_gemm_f32(ks: number, kc: number, nc: number, nr: number): number;
  /** (groups, ks, kc, nc, nr, w, bias|0, packed); the kernels take nr = GEMM_NR */
  pack_gemm_f32(groups: number, ks: number, kc: number, nc: number, nr: number, w: number, bias: number,
    packed: number): void;
  /** (mr, nc, kcBytes, ksBytes, a, w, c, cStride, aOffset, zero, min, max) */
  run_igemm_nhwc_f32(mr: number, nc: number, kc: number, ks: number, a: number, w: number, c: number, cStride: number,
    aOffset: number, zero: number, min: number, max: number): void;
  /** the 4x8 tile (4x4 in the scalar build), same arguments, weights packed with nr = 8 (4) */
  run_igemm4x8_nhwc_f32(mr: number, nc: number, kc: number, ks: number, a: number, w: number, c: number, cStride: number,
    aOffset: number, zero: number, min: number, max: number): void;
  /** (pixels, taps, mr) */
  /** (x, w [cout][cin], bias, y, n, cin, cout, P, min, max): NCHW pointwise, x n x cin x P, y n x cout x P */
  run_pointwise_nchw_f32(x: number, w: number, bias: number, y: number, n: number, cin: number, cout: number,
    P: number, min: number, max: number): void;
  /** run_pointwise_nchw_f32 on pixels [p0, p1) of every image (multiples of 16, or P; at least 16 when P is) */
  run_pointwise_nchw_at_f32(x: number, w: number, bias: number, y: number, n: number, cin: number, cout: number,
    P: number, min: number, max: number, p0: number, p1: number): void;
  /**
   * (x, w [cout][c][kH][kW], bias, y, n, c, h, w, cout, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, min, max):
   * one-group convolution NCHW to NCHW over im2col blocks of 16 pixels (c*kH*kW <= NCHW_PANEL_CHANNELS)
   */
  run_conv2d_im2col_nchw_f32(x: number, w: number, bias: number, y: number, n: number, c: number, h: number,
    wIn: number, cout: number, oh: number, ow: number, kH: number, kW: number, sH: number, sW: number,
    dH: number, dW: number, padTop: number, padLeft: number, min: number, max: number): void;
  /** run_conv2d_im2col_nchw_f32 on output rows [oy0, oy1) of every image */
  run_conv2d_im2col_nchw_rows_f32(x: number, w: number, bias: number, y: number, n: number, c: number, h: number,
    wIn: number, cout: number, oh: number, ow: number, kH: number, kW: number, sH: number, sW: number,
    dH: number, dW: number, padTop: number, padLeft: number, min: number, max: number, oy0: number, oy1: number): void;
  /**
   * (ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, min, max, outPlane): run_conv2d's
   * build tile (alt 0 packing) writing NCHW planes of outPlane pixels
   */
  run_conv2d_nchw_out_f32(ind: number, packed: number, out: number, zero: number, pixels: number, groups: number,
    cinG: number, coutG: number, taps: number, cout: number, min: number, max: number, outPlane: number): void;
  /** run_conv2d_nchw_out_f32 on `pixels` pixels from pixel p0 (a multiple of GEMM_MR); ind: p0's tile */
  run_conv2d_nchw_out_at_f32(ind: number, packed: number, out: number, zero: number, pixels: number, groups: number,
    cinG: number, coutG: number, taps: number, cout: number, min: number, max: number, outPlane: number,
    p0: number): void;
  size_conv_indirection_u32(pixels: number, taps: number, mr: number): number;
  /**
   * (ind, x, zero, n, d, h, w, c, od, oh, ow, kD, kH, kW, sD, sH, sW, dD, dH, dW, padFront, padTop, padLeft,
   * mode (0 zeros, 1 reflect, 2 replicate, 3 circular), mr): NDHWC x, d = 1 for 2-D
   */
  build_conv_indirection_ndhwc_u32(ind: number, x: number, zero: number, n: number, d: number, h: number, w: number,
    c: number, od: number, oh: number, ow: number, kD: number, kH: number, kW: number, sD: number, sH: number,
    sW: number, dD: number, dH: number, dW: number, padFront: number, padTop: number, padLeft: number, mode: number,
    mr: number): void;
  /** (ind, x, pixels, rowBytes, mr) */
  build_rows_indirection_u32(ind: number, x: number, pixels: number, rowBytes: number, mr: number): void;
  /** (w [3][3][cin][cout], cin, cout, u [16][cin][cout]): the Winograd F(2x2,3x3) weight transform */
  pack_winograd2x2_f32(w: number, cin: number, cout: number, u: number): void;
  /**
   * (ind, packed, out, zero, pixels, groups, cinG, taps, cout, min, max, outPlane): convolution with
   * groups of 4 output channels (assembly/conv/grouped.ts, SIMD builds), NHWC out (outPlane 0) or
   * NCHW planes of outPlane pixels
   */
  run_conv2d_groups4_f32(ind: number, packed: number, out: number, zero: number, pixels: number, groups: number,
    cinG: number, taps: number, cout: number, min: number, max: number, outPlane: number): void;
  /** run_conv2d_groups4_f32 on `pixels` pixels from pixel p0 (a multiple of 4); ind: p0's tile */
  run_conv2d_groups4_at_f32(ind: number, packed: number, out: number, zero: number, pixels: number, groups: number,
    cinG: number, taps: number, cout: number, min: number, max: number, outPlane: number, p0: number): void;
  /**
   * (groups, taps, cinG, w, bias|0, packed): the weights of run_conv2d_groups4_f32 (and of alt 2),
   * pack_gemm_f32's layout with nr = 4, each 4x4 block rotated when cinG % 4 == 0 on SIMD builds
   */
  pack_groups4_f32(groups: number, taps: number, cinG: number, w: number, bias: number, packed: number): void;
  /** (x, n): 1 when the n floats at x are all finite (no NaN, no infinity), else 0 */
  check_finite_f32(x: number, n: number): number;
  /** (w [3][3][cin][cout], cin, cout, u [36][cin][cout]): the Winograd F(4x4,3x3) weight transform */
  pack_winograd4x4_f32(w: number, cin: number, cout: number, u: number): void;
  /**
   * (x, packedU, bias, y, ind, v, m, zero, tab, n, h, w, cin, cout, oh, ow, padTop, padLeft, dilation, T, min,
   * max, outPlane, tile): 3x3 stride-1 one-group convolution by Winograd F(tile x tile, 3x3), tile 2 or 4,
   * NHWC x to NHWC y (outPlane 0) or NCHW planes; SIMD builds, cin and cout multiples of 4
   * (assembly/conv/winograd.ts)
   */
  run_conv2d_winograd_f32(x: number, packedU: number, bias: number, y: number, ind: number, v: number, m: number,
    zero: number, tab: number, n: number, h: number, w: number, cin: number, cout: number, oh: number, ow: number,
    padTop: number, padLeft: number, dilation: number, T: number, min: number, max: number, outPlane: number,
    tile: number): void;
  /**
   * run_conv2d_winograd_f32 on blocks [b0, b1) of T tiles and output channels [c0, c1) (c0 a
   * multiple of GEMM_NR, c1 one or cout), ind, v, m and the tile starts in one block of
   * size_winograd_scratch_u8 at `scratch` (its rows indirection built for its v)
   */
  run_conv2d_winograd_blocks_f32(x: number, packedU: number, bias: number, y: number, scratch: number, zero: number,
    n: number, h: number, w: number, cin: number, cout: number, oh: number, ow: number, padTop: number,
    padLeft: number, dilation: number, T: number, min: number, max: number, outPlane: number, tile: number,
    b0: number, b1: number, c0: number, c1: number): void;
  /** (cin, cout, oh, ow, T, tile): bytes of run_conv2d_winograd_blocks_f32's scratch */
  size_winograd_scratch_u8(cin: number, cout: number, oh: number, ow: number, T: number, tile: number): number;
  /**
   * (ind, packed, out, zero, pixels, groups, cinG, coutG, taps, cout, min, max, alt): alt 0 runs the
   * build's tile (GEMM_MR x GEMM_NR), alt 1 the 4x8 tile (4x4 scalar; packed with nr 8 (4), tiles of 4),
   * alt 2 the grouped kernel for groups of 4 outputs (assembly/conv/grouped.ts; packed with nr 4)
   */
  run_conv2d_nhwc_f32(ind: number, packed: number, out: number, zero: number, pixels: number, groups: number,
    cinG: number, coutG: number, taps: number, cout: number, min: number, max: number, alt: number): void;
  /** (x, dst, n, h, w, c, padTop, padLeft, hp, wp): zero-padded copy for the row-merged conv */
  pad_input_nhwc_f32(x: number, dst: number, n: number, h: number, w: number, c: number, padTop: number,
    padLeft: number, hp: number, wp: number): void;
  /** (ind, xp, n, hp, wp, c, oh, ow, kH, sH, sW, dH, mr): per tile, per kernel row, mr pointers */
  build_conv2d_rows_indirection_nhwc_u32(ind: number, xp: number, n: number, hp: number, wp: number, c: number,
    oh: number, ow: number, kH: number, sH: number, sW: number, dH: number, mr: number): void;
  size_pack_dwconv2d_f32(channels: number, taps: number): number;
  /** (channels, taps, w, bias|0, packed) */
  pack_dwconv2d_f32(channels: number, taps: number, w: number, bias: number, packed: number): void;
  /** (x, dst, pixels, c, m) */
  expand_dwconv2d_nhwc_f32(x: number, dst: number, pixels: number, c: number, m: number): void;
  /** (x, packed, out, zero (channels zeros), n, h, w, channels, oh, ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, min, max) */
  run_dwconv2d_nhwc_f32(x: number, packed: number, out: number, zero: number, n: number, h: number, w: number, channels: number,
    oh: number, ow: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number,
    padTop: number, padLeft: number, min: number, max: number): void;
  size_pack_dwconv2d_planes_f32(channels: number, taps: number): number;
  /** (channels, taps, w, bias|0, packed): [channels][bias, taps weights], each value x4, for the NCHW kernel */
  pack_dwconv2d_planes_f32(channels: number, taps: number, w: number, bias: number, packed: number): void;
  /**
   * (x, packed, out, zeroRow (((w + 11) & ~3) zeros, then 48 floats of kernel scratch), n, c, h, w, cout, oh,
   * ow, kH, kW, sH, sW, dH, dW, padTop, padLeft, min, max): NCHW in and out
   */
  run_dwconv2d_nchw_f32(x: number, packed: number, out: number, zeroRow: number, n: number, c: number, h: number, w: number,
    cout: number, oh: number, ow: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number,
    padTop: number, padLeft: number, min: number, max: number): void;
  /**
   * (col, bias, out, n, d, h, w, od, oh, ow, groups, coutG, kD, kH, kW, sD, sH, sW, dD, dH, dW, padFront, padTop,
   * padLeft, min, max): NDHWC out, d = od = kD = 1 for 2-D
   */
  run_deconv_col2im_ndhwc_f32(col: number, bias: number, out: number, n: number, d: number, h: number, w: number,
    od: number, oh: number, ow: number, groups: number, coutG: number, kD: number, kH: number, kW: number, sD: number,
    sH: number, sW: number, dD: number, dH: number, dW: number, padFront: number, padTop: number, padLeft: number,
    min: number, max: number): void;
  /**
   * run_deconv_col2im_ndhwc_f32 on output rows [r0, r1), rows numbered (b * od + oz) * oh + oy,
   * and channels [c0, c1) (all unless groups is 1)
   */
  run_deconv_col2im_rows_ndhwc_f32(col: number, bias: number, out: number, n: number, d: number, h: number, w: number,
    od: number, oh: number, ow: number, groups: number, coutG: number, kD: number, kH: number, kW: number, sD: number,
    sH: number, sW: number, dD: number, dH: number, dW: number, padFront: number, padTop: number, padLeft: number,
    min: number, max: number, r0: number, r1: number, c0: number, c1: number): void;
  /** groups 1, stride = kernel, dilation 1: (col, bias, out, n, h, w, oh, ow, cout, kH, kW, padTop, padLeft, min, max), NCHW out */
  run_deconv2d_tiles_nchw_f32(col: number, bias: number, out: number, n: number, h: number, w: number, oh: number,
    ow: number, cout: number, kH: number, kW: number, padTop: number, padLeft: number, min: number, max: number): void;
  /** run_deconv2d_tiles_nchw_f32 on output rows [oy0, oy1) and channels [c0, c1) (c0 a multiple of 4) of every image */
  run_deconv2d_tiles_nchw_rows_f32(col: number, bias: number, out: number, n: number, h: number, w: number,
    oh: number, ow: number, cout: number, kH: number, kW: number, padTop: number, padLeft: number, min: number,
    max: number, oy0: number, oy1: number, c0: number, c1: number): void;
  run_clamp_f32(p: number, count: number, min: number, max: number): void;
  /**
   * (out, rows, channels, plane, kind, alpha, prelu): an activation in place on rows x channels
   * (plane 0) or rows x channels planes of `plane` floats; kind 1 sigmoid .. 10 prelu
   * (assembly/activation.ts), prelu: channels slopes or 0
   */
  run_activation_f32(out: number, rows: number, channels: number, plane: number, kind: number, alpha: number,
    prelu: number): void;
  /**
   * (x, packed (dwPlanesPack), out, row (scratch), n, c, w, cout, ow, kW, dW, padLeft, min, max): 1-D
   * depthwise on NCW rows at stride 1 (assembly/conv/dwconv-1d.ts; SIMD builds)
   */
  run_dwconv1d_ncw_f32(x: number, packed: number, out: number, row: number, n: number, c: number, w: number,
    cout: number, ow: number, kW: number, dW: number, padLeft: number, min: number, max: number): void;
  /** (src, dst, n, c, hw) */
  transpose_nchw_nhwc_f32(src: number, dst: number, n: number, c: number, hw: number): void;
  transpose_nhwc_nchw_f32(src: number, dst: number, n: number, c: number, hw: number): void;
  /** (src, dst, n, c, hw, p0, p1, c0, c1): the transposes on pixels [p0, p1) and channels [c0, c1) of every image */
  transpose_nchw_nhwc_at_f32(src: number, dst: number, n: number, c: number, hw: number, p0: number, p1: number,
    c0: number, c1: number): void;
  transpose_nhwc_nchw_at_f32(src: number, dst: number, n: number, c: number, hw: number, p0: number, p1: number,
    c0: number, c1: number): void;
}

const BASE64: Record<WasmFlavor, string> = {
  scalar: SCALAR_WASM_BASE64,
  simd: SIMD_WASM_BASE64,
  relaxed: RELAXED_WASM_BASE64,
};

const THREADED_BASE64: Record<ThreadedFlavor, string> = {
  simd: SIMD_THREADS_WASM_BASE64,
  relaxed: RELAXED_THREADS_WASM_BASE64,
};

const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/** The embedded bytes of a build (`threaded`: its threaded build; simd and relaxed only). */
export function wasmBytes(flavor: WasmFlavor, threaded = false): Uint8Array<ArrayBuffer> {
  if (!threaded) return decodeBase64(BASE64[flavor]);
  if (flavor === 'scalar') throw new Error('simdconv: the scalar build has no threaded variant');
  return decodeBase64(THREADED_BASE64[flavor]);
}

/** Compiles a build once (async); later calls share the compiled module. */
export function compileWasm(flavor: WasmFlavor, threaded = false): Promise<WebAssembly.Module> {
  const key = threaded ? `${flavor}-threads` : flavor;
  let mod = moduleCache.get(key);
  if (mod === undefined) {
    mod = WebAssembly.compile(wasmBytes(flavor, threaded));
    moduleCache.set(key, mod);
    mod.catch(() => moduleCache.delete(key));
  }
  return mod;
}

/** The imports of every build: the loader's `abort`, and the memory for the threaded builds. */
export function wasmImports(getMemory: () => WebAssembly.Memory | undefined, memory?: WebAssembly.Memory): WebAssembly.Imports {
  const env: Record<string, WebAssembly.ImportValue> = {
    abort(msg: number, file: number, line: number, col: number): never {
      const m = getMemory();
      throw new Error(`abort: ${readString(m, msg)} at ${readString(m, file)}:${line}:${col}`);
    },
  };
  if (memory !== undefined) env.memory = memory;
  return { env };
}

/** Refuses a module that is not the build asked for. */
function checkBuild(ex: WasmExports, flavor: WasmFlavor, threaded: boolean): void {
  const simd = ex.HAS_SIMD.value as number;
  const relaxed = ex.HAS_RELAXED.value as number;
  const threads = ex.HAS_THREADS.value as number;
  const abi = ex.ABI_VERSION.value as number;
  if (abi !== ABI_VERSION || simd !== (flavor === 'scalar' ? 0 : 1) || relaxed !== (flavor === 'relaxed' ? 1 : 0)
    || threads !== (threaded ? 1 : 0)) {
    throw new Error(`simdconv: the embedded ${flavor}${threaded ? ' threaded' : ''} module reports ABI ${abi}, ` +
      `HAS_SIMD ${simd}, HAS_RELAXED ${relaxed}, HAS_THREADS ${threads}`);
  }
}

/**
 * The exports object: the module's flat exports as they are (what the loader's demangle builds
 * for them, without its wrapper around every function). Mangled names (classes, namespaces,
 * getters) or optional arguments (__setArgumentsLength) would need demangle: refused here.
 */
function exportsOf(exports: WebAssembly.Exports): Record<string, unknown> {
  for (const name of Object.keys(exports)) {
    if (/[.#:]/.test(name) || name === '__setArgumentsLength' || name === '__argumentsLength') {
      throw new Error(`simdconv: the embedded module exports '${name}', which needs @assemblyscript/loader's demangle`);
    }
  }
  return { ...exports };
}

/** An AssemblyScript string (UTF-16, byte length at ptr - 4) for abort messages. */
function readString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (memory === undefined || ptr === 0) return '';
  const buf = memory.buffer;
  const bytes = new Uint32Array(buf)[(ptr - 4) >>> 2];
  return String.fromCharCode(...new Uint16Array(buf, ptr, Math.min(bytes >>> 1, 1024)));
}

/** Compiles a build once (async) and instantiates a fresh instance with its own memory. */
export async function loadWasm(flavor: WasmFlavor): Promise<WasmExports> {
  let memory: WebAssembly.Memory | undefined;
  const instance = await WebAssembly.instantiate(await compileWasm(flavor), wasmImports(() => memory));
  const ex = exportsOf(instance.exports) as unknown as WasmExports;
  memory = ex.memory;
  checkBuild(ex, flavor, false);
  return ex;
}

/**
 * Instantiates the threaded build of `flavor` on `memory` (shared, created by the caller; see
 * threads.ts createSharedMemory). Returns the compiled module too, for the pool's workers.
 */
export async function loadWasmShared(flavor: ThreadedFlavor, memory: WebAssembly.Memory):
  Promise<{ module: WebAssembly.Module; exports: WasmExports }> {
  const module = await compileWasm(flavor, true);
  const instance = await WebAssembly.instantiate(module, wasmImports(() => memory, memory));
  const ex = exportsOf(instance.exports) as unknown as WasmExports;
  checkBuild(ex, flavor, true);
  return { module, exports: ex };
}
