/**
 * The wasm backends: 'wasm-relaxed' (SIMD128 + relaxed_madd), 'wasm-simd' (SIMD128) and 'wasm'
 * (scalar). Each is one instantiation of the matching embedded build with its own memory; with
 * threads, the threaded build on a shared memory plus a pool of workers running it too, and the
 * single-threaded build beside it for the runs in which no stage splits (WasmBackend.twin).
 */
import type { Backend } from '../types.js';
import { detectFeatures } from '../../loader/detect.js';
import { loadWasm, loadWasmShared, WasmFlavor } from '../../loader/load.js';
import { createSharedMemory, threadsUnsupportedReason } from '../../loader/threads.js';
import { WasmBackend, WasmBackendName, warmUp } from './backend.js';
import { Heap } from './heap.js';
import { Pool, spawnWorkers } from './pool.js';

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

/** Whether `name` has a threaded build (wasm-relaxed and wasm-simd). */
export function hasThreadedBuild(name: WasmBackendName): boolean {
  return name === 'wasm-relaxed' || name === 'wasm-simd';
}

/**
 * Loads `name` to run on `threads` threads (the caller's included): the threaded build on a
 * shared memory and a started pool, or, when threads cannot run here or do not start, the
 * single-threaded build (exactly what loadWasmBackend gives) and the reason.
 * @param options.spin worker polls before sleeping (tests and benches)
 * @returns the backend and '' , or the backend on one thread and why
 * @throws Error (rejects) as loadWasmBackend, when not even the single-threaded build loads
 */
export async function loadWasmBackendThreaded(name: WasmBackendName, threads: number, options: { spin?: number } = {}):
  Promise<{ backend: WasmBackend; reason: string }> {
  if (threads <= 1 || !hasThreadedBuild(name) || !wasmSupported(name)) {
    return { backend: (await loadWasmBackend(name)) as WasmBackend, reason: '' };
  }
  let reason = threadsUnsupportedReason();
  if (reason === '') {
    let pool: Pool | undefined;
    // the workers boot while the module compiles and warms up
    const spawned = spawnWorkers(threads - 1);
    try {
      const mem = createSharedMemory(1);
      if (typeof mem === 'string') throw new Error(mem);
      const plain = loadWasm(FLAVOR[name]);
      plain.catch(() => undefined); // awaited below; not unhandled if the shared build fails first
      const { module, exports } = await loadWasmShared(FLAVOR[name] as 'simd' | 'relaxed', mem.memory);
      const heap = new Heap(mem.memory, exports.heap_base(), mem.maxBytes);
      pool = Pool.start({ module, memory: mem.memory, exports, heap, threads, label: name, spin: options.spin, spawned });
      const twin = new WasmBackend(name, await plain);
      const backend = new WasmBackend(name, exports, heap, pool, twin);
      // while the workers start
      warmUp(backend);
      warmUp(twin);
      await pool.ready;
      return { backend, reason: '' };
    } catch (e) {
      pool?.close();
      spawned.dispose();
      reason = (e as Error)?.message ?? String(e);
    }
  }
  return { backend: (await loadWasmBackend(name)) as WasmBackend, reason };
}
