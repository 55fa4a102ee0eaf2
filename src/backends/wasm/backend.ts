/**
 * The wasm Backend over one instantiated build: a Heap over its linear memory, Kernels that pack
 * stages into it and Runners that execute chains of them.
 */
import type { Backend, Kernel, Runner, Stage } from '../types.js';
import { resolve, StageSpec } from '../../ops/plan.js';
import type { WasmExports } from '../../loader/load.js';
import { Heap } from './heap.js';
import { createWasmKernel, WasmKernel } from './kernels/index.js';
import type { WasmFeatures } from './select.js';
import { WasmRunner } from './runner.js';

export type WasmBackendName = 'wasm-relaxed' | 'wasm-simd' | 'wasm';

export class WasmBackend implements Backend {
  readonly heap: Heap;
  readonly features: WasmFeatures;
  constructor(readonly name: WasmBackendName, readonly exports: WasmExports, heap?: Heap) {
    this.heap = heap ?? new Heap(exports.memory, exports.heap_base());
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
    return createWasmKernel(stage, this.heap, this.exports, this.features);
  }

  createRunner(kernels: readonly Kernel[]): Runner {
    for (const k of kernels) {
      if (!(k instanceof Object) || typeof (k as WasmKernel).run !== 'function' || (k as WasmKernel).packing === undefined) {
        throw new Error(`${this.name}: createRunner got a kernel of another backend`);
      }
    }
    return new WasmRunner(kernels as readonly WasmKernel[], this.heap, this.exports);
  }

  memory(): { wasmBytes: number; bytesInUse: number } {
    return { wasmBytes: this.exports.memory.buffer.byteLength, bytesInUse: this.heap.bytesInUse };
  }
}

function spec(kind: StageSpec['kind'], cin: number, cout: number, groups: number, k: number, s: number,
  pad: number, outPad = 0): StageSpec {
  return Object.freeze({
    fn: kind === 'deconv' ? 'convTranspose2d' : kind === 'dw' ? 'depthwiseConv2d' : 'conv2d',
    kind, cin, cout, groups, kH: k, kW: k, strideH: s, strideW: s, dilationH: 1, dilationW: 1,
    padding: { kind: 'explicit', top: pad, left: pad, bottom: pad, right: pad },
    outPadH: outPad, outPadW: outPad, min: 0, max: 6,
  }) as StageSpec;
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
 * Runs every kernel family (2x16 and 4x8 igemm, the 2x16 tile's NCHW output, NHWC depthwise
 * (pixel and row kernels, 3x3 and 5x5) and NCHW depthwise, NCHW pointwise, deconv, transposes)
 * a few times on tiny inputs so that V8 compiles the hot functions
 * before the first real call (a running wasm call never switches tiers), then frees everything.
 */
export function warmUp(b: WasmBackend, rounds = 4): void {
  const c = 8;
  const stages: StageSpec[] = [
    spec('conv', c, 16, 1, 3, 1, 1),
    spec('dw', 0, 16, 0, 3, 2, 1),
    spec('conv', 16, 8, 1, 1, 1, 0),
    spec('deconv', 8, 8, 2, 2, 2, 0),
  ];
  const kernels: Kernel[] = [];
  let runner: Runner | undefined;
  let lone: Runner | undefined;
  let lonePw: Runner | undefined;
  let lone5: Runner | undefined;
  let loneConv: Runner | undefined;
  let dw5: Kernel | undefined;
  const stages5x5 = spec('dw', 0, 16, 0, 5, 1, 2);
  try {
    for (const s of stages) {
      kernels.push(b.createKernel({ spec: s, weights: weightsFor(s), bias: new Float32Array(s.cout).fill(0.1) }));
    }
    runner = b.createRunner(kernels);
    const n = 1, h = 12, w = 12;
    const geoms = [];
    let cur = { c, h, w };
    for (const s of stages) {
      const g = resolve(s, n, cur.c, cur.h, cur.w);
      geoms.push(g);
      cur = { c: g.cout, h: g.oh, w: g.ow };
    }
    const x = new Float32Array(n * c * h * w).map((_, i) => (i % 5) - 2);
    const last = geoms[geoms.length - 1];
    const out = new Float32Array(last.n * last.cout * last.oh * last.ow);
    for (let r = 0; r < rounds; r++) {
      runner.run(x, r & 1 ? 'NHWC' : 'NCHW', geoms, out);
    }
    // a lone depthwise stage on NCHW data runs its own NCHW kernel
    lone = b.createRunner([kernels[1]]);
    const gd = resolve(stages[1], n, 16, 2, 100); // wide enough for the NCHW kernel
    const xd = new Float32Array(16 * 2 * 100).fill(0.5);
    const od = new Float32Array(gd.n * gd.cout * gd.oh * gd.ow);
    for (let r = 0; r < 2; r++) lone.run(xd, 'NCHW', [gd], od);
    // ... and on NHWC data its row kernel (16 output columns or more)
    for (let r = 0; r < 2; r++) lone.run(xd, 'NHWC', [gd], od);
    // the 5x5 depthwise row kernel
    dw5 = b.createKernel({ spec: stages5x5, weights: weightsFor(stages5x5), bias: new Float32Array(16) });
    lone5 = b.createRunner([dw5]);
    const g5 = resolve(stages5x5, n, 16, 5, 24);
    const o5 = new Float32Array(g5.n * g5.cout * g5.oh * g5.ow);
    for (let r = 0; r < 2; r++) lone5.run(xd.subarray(0, 16 * 5 * 24), 'NHWC', [g5], o5);
    // a lone conv stage on NCHW data writes its output planes from the gemm tile
    loneConv = b.createRunner([kernels[0]]);
    const gc = resolve(stages[0], n, c, h, w);
    const oc = new Float32Array(gc.n * gc.cout * gc.oh * gc.ow);
    for (let r = 0; r < 2; r++) loneConv.run(x, 'NCHW', [gc], oc);
    // and so does a lone pointwise stage on a large enough plane
    lonePw = b.createRunner([kernels[2]]);
    const gp = resolve(stages[2], n, 16, 32, 32);
    const xp = new Float32Array(16 * 32 * 32).fill(0.25);
    const op = new Float32Array(gp.n * gp.cout * gp.oh * gp.ow);
    for (let r = 0; r < 2; r++) lonePw.run(xp, 'NCHW', [gp], op);
  } finally {
    loneConv?.dispose();
    lone5?.dispose();
    dw5?.dispose();
    lonePw?.dispose();
    lone?.dispose();
    runner?.dispose();
    for (const k of kernels) k.dispose();
  }
}
