/**
 * What threads.test.ts and threads-bits.test.ts share: a fresh module instance (the public entry
 * point, the registry, the selection table and split.ts), the threaded backends of this runtime,
 * and the pools to close after each test.
 */
import type * as Index from '../../src/index';
import type * as Registry from '../../src/backends/registry';
import type * as Select from '../../src/backends/wasm/select';
import type * as SplitModule from '../../src/backends/wasm/split';
import { WasmBackend } from '../../src/backends/wasm/backend';
import { runtimeBackends } from '../helpers/backends';

export interface Fresh {
  lib: typeof Index;
  reg: typeof Registry;
  sel: typeof Select;
  split: typeof SplitModule;
}

/** The public entry point, the registry and the selection table of one new module instance. */
export function fresh(): Fresh {
  let out: Fresh | undefined;
  jest.isolateModules(() => {
    out = {
      lib: require('../../src/index'), reg: require('../../src/backends/registry'),
      sel: require('../../src/backends/wasm/select'),
      split: require('../../src/backends/wasm/split'),
    };
  });
  return out!;
}

export const THREADED = runtimeBackends().filter((b) => b === 'wasm-relaxed' || b === 'wasm-simd');
/** Pools to close after each test (their workers would otherwise idle until the process ends). */
export const opened: Fresh[] = [];

export function closeAll(f: Fresh): void {
  for (const b of ['wasm-relaxed', 'wasm-simd', 'wasm'] as const) {
    try {
      const be = f.reg.getBackend('test', b);
      if (be instanceof Object && 'pool' in be) (be as WasmBackend).pool.close();
    } catch {
      // not loaded
    }
  }
}

export function track(): Fresh {
  const f = fresh();
  opened.push(f);
  return f;
}
