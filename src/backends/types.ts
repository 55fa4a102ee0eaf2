/**
 * The one interface every backend implements (js, wasm scalar, wasm-simd, wasm-relaxed).
 * The facade validates and plans; a backend only packs canonical weights (Kernel) and executes
 * resolved geometries on activations it holds itself (Runner). Activations inside a backend are
 * NHWC; a Runner converts from and to the user's layout at its boundary.
 */
import type { BackendName, Layout } from '../ops/options.js';
import type { Geometry, StageSpec } from '../ops/plan.js';

/** One stage to pack: its spec, canonical weights (see tensor/layout.ts) and a bias of `cout` values. */
export interface Stage {
  readonly spec: StageSpec;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** A stage's weights packed once into the backend's own form. */
export interface Kernel {
  readonly spec: StageSpec;
  /** Bytes this kernel holds (packed weights and any per-kernel scratch). */
  bytes(): number;
  /** Frees what the kernel holds; a second call does nothing. */
  dispose(): void;
}

/**
 * Runs a chain of kernels back to back: stage i's output is stage i+1's input, kept inside the
 * backend (wasm memory for wasm backends) in NHWC. Buffers grow as needed and are reused across runs.
 */
export interface Runner {
  /**
   * @param x      the input in `layout`, shape geoms[0].{n, c, h, w}; never modified
   * @param layout the layout of `x` and `out`
   * @param geoms  one resolved geometry per kernel, chained (geoms[i+1] reads geoms[i]'s output)
   * @param out    the output in `layout`, exactly the last geometry's output length; may alias `x`
   * @throws ConvError OUT_OF_MEMORY when the buffers cannot be had
   */
  run(x: Float32Array, layout: Layout, geoms: readonly Geometry[], out: Float32Array): void;
  /**
   * Optional (wasm backends): runs the chain on NHWC data kept in state buffers of the backend,
   * reading x from float `xAt` and writing out from float `outAt` (the ranges must not overlap),
   * with no copy in or out: a stream's windows (ops/stream.ts).
   * @throws ConvError OUT_OF_MEMORY when the buffers cannot be had
   */
  runIn?(x: StateBuffer, xAt: number, geoms: readonly Geometry[], out: StateBuffer, outAt: number): void;
  /** Per stage, what ran it for the last input (see StageDescription). */
  describe(): StageDescription[];
  bytes(): number;
  dispose(): void;
}

/**
 * Floats that a caller keeps inside the backend between runs (wasm memory for wasm backends),
 * read and written in place by Runner.runIn.
 */
export interface StateBuffer {
  readonly floats: number;
  /** The floats: a view valid until the backend next allocates (wasm memory may grow). */
  view(): Float32Array;
  /** Frees the floats; a second call does nothing. */
  dispose(): void;
}

/** What runs one stage, in words for people and bug reports (not a stable format). */
export interface StageDescription {
  /** The op the stage belongs to ('conv2d', 'separableConv2d', ...). */
  op: string;
  /** The kernel, named as XNNPACK names its micro-kernels. */
  kernel: string;
  /** How the stage's data enter and leave it. */
  path: string;
}

export interface Backend {
  readonly name: BackendName;
  /** @throws ConvError OUT_OF_MEMORY */
  createKernel(stage: Stage): Kernel;
  /** A runner over kernels of this backend; it does not own them. */
  createRunner(kernels: readonly Kernel[]): Runner;
  /** Optional (wasm backends): `floats` floats for Runner.runIn. @throws ConvError OUT_OF_MEMORY */
  createState?(floats: number): StateBuffer;
  /** wasm backends: their linear memory; js: zeros. */
  memory(): { wasmBytes: number; bytesInUse: number };
}
