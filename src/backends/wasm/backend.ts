/**
 * The wasm Backend over one instantiated build: a Heap over its linear memory, Kernels that pack
 * stages into it and Runners that execute chains of them.
 */
import type { Backend, Kernel, Runner, Stage, StateBuffer, StageDescription } from '../types.js';
import { EXEMPLARS, Exemplar } from './exemplars.js';
import { resolve, StageSpec } from '../../ops/plan.js';
import type { WasmExports } from '../../loader/load.js';
import { Heap } from './heap.js';
import { Pool } from './pool.js';
import { createWasmKernel, WasmKernel } from './kernels/index.js';
import type { WasmFeatures } from './select.js';
import { WasmRunner, WasmState } from './runner.js';

export type WasmBackendName = 'wasm-relaxed' | 'wasm-simd' | 'wasm';

/** Weights (floats) up to which a threaded backend's kernel keeps its stage for the twin (256 KiB). */
export const TWIN_MAX_WEIGHTS = 1 << 16;

export class WasmBackend implements Backend {
  readonly heap: Heap;
  readonly features: WasmFeatures;
  /**
   * The threads this backend's kernels may split their work over (pool.ts): a pool of one on
   * the single-threaded builds, which runs every task on the calling thread.
   */
  readonly pool: Pool;
  /**
   * On a threaded backend, the single-threaded build of the same flavour on its own plain memory:
   * a run in which no stage splits goes there, since copies into and out of shared memory cost
   * more than into plain memory (docs/performance.md, "A call that does not split").
   */
  readonly twin: WasmBackend | undefined;
  constructor(readonly name: WasmBackendName, readonly exports: WasmExports, heap?: Heap, pool?: Pool,
    twin?: WasmBackend) {
    this.twin = twin;
    this.heap = heap ?? new Heap(exports.memory, exports.heap_base());
    this.pool = pool ?? Pool.inline(exports, name);
    this.features = Object.freeze({
      simd: (exports.HAS_SIMD.value as number) === 1,
      relaxed: (exports.HAS_RELAXED.value as number) === 1,
      gemmMr: exports.GEMM_MR.value as number,
      gemmNr: exports.GEMM_NR.value as number,
      nchwPanelChannels: exports.NCHW_PANEL_CHANNELS.value as number,
    });
  }

  /** @throws ConvError OUT_OF_MEMORY */
  createKernel(stage: Stage): Kernel {
    const k = createWasmKernel(stage, this.heap, this.exports, this.features, this.pool);
    const twin = this.twin;
    // a stage with more weights than this multiplies them over enough pixels to split, but for
    // inputs of a few pixels: its weights are not kept in JS for a twin
    if (twin !== undefined && stage.weights.length <= TWIN_MAX_WEIGHTS) {
      k.twin = { stage };
    }
    return k;
  }

  createRunner(kernels: readonly Kernel[]): Runner {
    for (const k of kernels) {
      if (!(k instanceof Object) || typeof (k as WasmKernel).run !== 'function' || (k as WasmKernel).packing === undefined) {
        throw new Error(`${this.name}: createRunner got a kernel of another backend`);
      }
    }
    const ks = kernels as readonly WasmKernel[];
    const twin = this.twin;
    const plain = twin === undefined ? undefined : (): WasmRunner | undefined => {
      if (!ks.every((k) => k.twin !== undefined)) return undefined;
      try {
        return twin.createRunner(ks.map((k) => {
          const t = k.twin!;
          return t.kernel ??= twin.createKernel(t.stage) as WasmKernel;
        })) as WasmRunner;
      } catch {
        return undefined; // the twin's memory is full: the run stays on the shared memory
      }
    };
    return new WasmRunner(ks, this.heap, this.exports, this.pool, plain);
  }

  /** @throws ConvError OUT_OF_MEMORY */
  createState(floats: number): StateBuffer {
    return new WasmState(this.heap, floats);
  }

  memory(): { wasmBytes: number; bytesInUse: number } {
    const t = this.twin?.memory() ?? { wasmBytes: 0, bytesInUse: 0 };
    return { wasmBytes: this.exports.memory.buffer.byteLength + t.wasmBytes, bytesInUse: this.heap.bytesInUse + t.bytesInUse };
  }
}

function weightsFor(s: StageSpec): Float32Array {
  const n = s.kind === 'dw' ? s.kH * s.kW * s.cout
    : s.kind === 'conv' ? s.kH * s.kW * (s.cin / s.groups) * s.cout
    : s.kH * s.kW * s.cin * (s.cout / s.groups);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = ((i * 7) % 13) / 13 - 0.5;
  return w;
}

/**
 * Runs every entry of the selection table (exemplars.ts) a few times on tiny inputs so that V8
 * compiles the hot functions before the first real call (a running wasm call never switches
 * tiers), then frees everything.
 */
export function warmUp(b: WasmBackend, rounds = 2): void {
  for (const e of EXEMPLARS) {
    if (e.warm) runExemplar(b, e, rounds);
  }
}

/** Builds an exemplar's chain on `b`, runs it `rounds` times and frees it; returns the runner's description. */
export function runExemplar(b: WasmBackend, e: Exemplar, rounds: number, x?: Float32Array,
  weights: readonly Float32Array[] = e.stages.map(weightsFor), out?: Float32Array): StageDescription[] {
  const kernels: Kernel[] = [];
  let runner: Runner | undefined;
  try {
    for (let i = 0; i < e.stages.length; i++) {
      const s = e.stages[i];
      kernels.push(b.createKernel({ spec: s, weights: weights[i], bias: new Float32Array(s.cout).fill(0.1) }));
    }
    runner = b.createRunner(kernels);
    const [n, c, h, w] = e.input;
    const geoms = [];
    let cur = { c, h, w };
    for (const s of e.stages) {
      const g = resolve(s, n, cur.c, cur.h, cur.w);
      geoms.push(g);
      cur = { c: g.cout, h: g.oh, w: g.ow };
    }
    const last = geoms[geoms.length - 1];
    const input = x ?? new Float32Array(n * c * h * w).map((_, i) => (i % 5) - 2);
    const output = out ?? new Float32Array(last.n * last.cout * last.oh * last.ow);
    for (let r = 0; r < rounds; r++) runner.run(input, e.layout, geoms, output);
    return runner.describe();
  } finally {
    runner?.dispose();
    for (const k of kernels) k.dispose();
  }
}
