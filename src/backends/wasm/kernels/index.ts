/** Packs a stage into the kernel family that select.ts chose for it. */
import type { Stage } from '../../types.js';
import type { WasmExports } from '../../../loader/load.js';
import type { Heap } from '../heap.js';
import type { Pool } from '../pool.js';
import { selectPacking, WasmFeatures } from '../select.js';
import type { WasmKernel } from './base.js';
import { ConvKernel } from './conv.js';
import { DeconvKernel } from './deconv.js';
import { DwKernel } from './dwconv.js';

export type { WasmKernel } from './base.js';

export function createWasmKernel(stage: Stage, heap: Heap, ex: WasmExports, features: WasmFeatures,
  pool?: Pool): WasmKernel {
  const p = selectPacking(stage.spec, features);
  switch (p.family) {
    case 'conv':
      return new ConvKernel(stage, p, heap, ex, pool);
    case 'dw':
      return new DwKernel(stage, p, heap, ex, pool);
    case 'deconv':
      return new DeconvKernel(stage, p, heap, ex, pool);
    default: {
      const never: never = p;
      throw new Error(`wasm backend: unknown kernel family ${String(never)}`);
    }
  }
}
