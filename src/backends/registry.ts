/**
 * Backend registry and init() (API.md, "Backends and initialisation"). Each init() loads the
 * module it resolves to and keeps the ones loaded before; ops pick a backend per call.
 * Loading is guarded per backend (one promise each), as onnxruntime-web guards its init.
 */
import { ConvError, readingUserValues, show } from '../errors.js';
import { BACKEND_NAMES, BackendName } from '../ops/options.js';
import type { Backend } from './types.js';
import { jsBackend } from './js/index.js';
import { loadWasmBackend, wasmSupported } from './wasm/index.js';

type WasmName = Exclude<BackendName, 'js'>;
const AUTO_ORDER: readonly WasmName[] = ['wasm-relaxed', 'wasm-simd', 'wasm'];

const loaded = new Map<BackendName, Backend>();
const loading = new Map<WasmName, Promise<Backend>>();
let defaultName: BackendName | undefined;

function load(name: WasmName): Promise<Backend> {
  let p = loading.get(name);
  if (!p) {
    p = loadWasmBackend(name).then(
      (b) => {
        loaded.set(name, b);
        return b;
      },
      (e: unknown) => {
        loading.delete(name); // a later init may try again
        throw new ConvError('BACKEND_UNAVAILABLE', `init: backend '${name}' could not be loaded: ${(e as Error)?.message ?? show(e)}`);
      },
    );
    loading.set(name, p);
  }
  return p;
}

/**
 * Loads a backend and makes it the default for ops called without `backend`.
 * @param options.backend 'auto' (default: the first of wasm-relaxed, wasm-simd, wasm, js that
 *   the runtime validates) or a backend name
 * @returns the name of the backend it took
 * @throws ConvError BACKEND_UNAVAILABLE (rejects) when an explicit backend cannot run here;
 *   BAD_OPTION for an unknown name
 */
export async function init(options?: { backend?: BackendName | 'auto' }): Promise<BackendName> {
  const want = readingUserValues('init', 'BAD_OPTION', 'options', () => {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new ConvError('BAD_OPTION', `init: options (${show(options)}) must be an object`);
    }
    return options?.backend ?? 'auto';
  });
  if (want !== 'auto' && !BACKEND_NAMES.includes(want as BackendName)) {
    throw new ConvError('BAD_OPTION', `init: backend (${show(want)}) must be 'auto' or one of ${BACKEND_NAMES.join(', ')}`);
  }
  let name: BackendName | undefined;
  if (want === 'js') {
    name = 'js';
  } else if (want === 'auto') {
    for (const candidate of AUTO_ORDER) {
      if (!wasmSupported(candidate)) continue;
      try {
        await load(candidate);
        name = candidate;
        break;
      } catch {
        // validated but failed to instantiate: fall through to the next one
      }
    }
    name ??= 'js';
  } else {
    if (!wasmSupported(want)) {
      throw new ConvError('BACKEND_UNAVAILABLE', `init: backend '${want}' is not supported by this runtime` +
        (want === 'wasm-relaxed' ? ' (relaxed SIMD: Node 22+, Chrome 114+, or Node 20 with --experimental-wasm-relaxed-simd)' : ''));
    }
    await load(want);
    name = want;
  }
  loaded.set('js', jsBackend);
  defaultName = name;
  return name;
}

/**
 * The default backend that the last init() chose.
 * @throws ConvError NOT_INITIALIZED before any init() resolved
 */
export function backend(): BackendName {
  if (defaultName === undefined) throw new ConvError('NOT_INITIALIZED', 'backend: call `await init()` first');
  return defaultName;
}

/**
 * The backend an op runs on: `name` if given, else the default.
 * @throws ConvError NOT_INITIALIZED | BACKEND_UNAVAILABLE
 */
export function getBackend(fn: string, name: BackendName | undefined): Backend {
  if (defaultName === undefined) throw new ConvError('NOT_INITIALIZED', `${fn}: call \`await init()\` before any op`);
  const b = loaded.get(name ?? defaultName);
  if (!b) {
    throw new ConvError('BACKEND_UNAVAILABLE',
      `${fn}: backend '${name}' has not been loaded; call \`await init({backend: '${name}'})\` first (loaded: ${[...loaded.keys()].join(', ')})`);
  }
  return b;
}

/** Memory of every loaded wasm module, summed. */
export function wasmMemory(): { wasmBytes: number; bytesInUse: number } {
  let wasmBytes = 0;
  let bytesInUse = 0;
  for (const b of loaded.values()) {
    const m = b.memory();
    wasmBytes += m.wasmBytes;
    bytesInUse += m.bytesInUse;
  }
  return { wasmBytes, bytesInUse };
}
