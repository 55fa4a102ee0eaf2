/**
 * The wasm backends: 'wasm-relaxed' (SIMD128 + relaxed_madd), 'wasm-simd' (SIMD128) and 'wasm'
 * (scalar). Each is one instantiation of the matching embedded build with its own memory.
 */
import type { Backend } from '../types.js';
import { detectFeatures } from '../../loader/detect.js';
import { loadWasm, WasmFlavor } from '../../loader/load.js';
import { WasmBackend, WasmBackendName, warmUp } from './backend.js';

export { WasmBackend } from './backend.js';
export type { WasmBackendName } from './backend.js';

const FLAVOR: Record<WasmBackendName, WasmFlavor> = {
  'wasm-relaxed': 'relaxed',
  'wasm-simd': 'simd',
  wasm: 'scalar',
};

/** Whether this runtime validates the build behind `name` (WebAssembly.validate on probes). */
export function wasmSupported(name: WasmBackendName): boolean {
  const f = detectFeatures();
  switch (name) {
    case 'wasm-relaxed':
      return f.relaxed;
    case 'wasm-simd':
      return f.simd;
    case 'wasm':
      return f.wasm;
    default:
      return false;
  }
}

/**
 * Compiles (async) and instantiates the build behind `name`, and warms its kernels up.
 * @returns the Backend
 * @throws Error (rejects) when the name is unknown or the runtime cannot run that build; the
 *   facade maps that to ConvError BACKEND_UNAVAILABLE
 */
export async function loadWasmBackend(name: WasmBackendName): Promise<Backend> {
  if (!Object.prototype.hasOwnProperty.call(FLAVOR, name)) {
    throw new Error(`simdconv: unknown wasm backend ${String(name)}`);
  }
  if (!wasmSupported(name)) {
    throw new Error(`simdconv: this runtime cannot run the ${name} build`);
  }
  const ex = await loadWasm(FLAVOR[name]);
  const backend = new WasmBackend(name, ex);
  warmUp(backend);
  return backend;
}
