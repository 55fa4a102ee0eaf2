/**
 * Backend registry and init() (API.md, "Backends and initialisation"). Each init() loads the
 * module it resolves to and keeps the ones loaded before; ops pick a backend per call.
 * Loading is guarded per backend and thread count (one promise each), as onnxruntime-web guards
 * its init. A later init of the same backend with another thread count loads it again (its own
 * memory and pool); layers prepared before keep the instance they were packed into.
 */
import { ConvError, readingUserValues, show } from '../errors.js';
import { BACKEND_NAMES, BackendName } from '../ops/options.js';
import type { Backend } from './types.js';
import { jsBackend } from './js/index.js';
import { hasThreadedBuild, loadWasmBackendThreaded, WasmBackend, wasmSupported } from './wasm/index.js';
import { coreCount } from '../loader/threads.js';
import { warnOnce } from './wasm/pool.js';

type WasmName = Exclude<BackendName, 'js'>;
const AUTO_ORDER: readonly WasmName[] = ['wasm-relaxed', 'wasm-simd', 'wasm'];

/** Most threads a pool takes (API.md); more are capped. */
export const MAX_THREADS = 64;
/** Most threads 'auto' takes. */
export const AUTO_MAX_THREADS = 16;

/** What threads() reports (API.md). */
export interface ThreadsInfo {
  /** Threads the default backend's calls run on, the caller's included. */
  count: number;
  /** What init was asked for. */
  requested: number | 'auto';
  /** '' when count is what was asked ('auto': the cores, at most 16), else why not. */
  reason: string;
}

interface Loaded {
  backend: Backend;
  /** Why the backend runs on fewer threads than its target ('' if it does not). */
  reason: string;
}

const loaded = new Map<BackendName, Backend>();
const loading = new Map<string, Promise<Loaded>>();
/** The loading key each backend name's current instance came from. */
const loadedKey = new Map<BackendName, string>();
/** Per loaded backend name: what its init asked and why it got less. */
const threadsOf = new Map<BackendName, { requested: number | 'auto'; target: number; reason: string }>();
let defaultName: BackendName | undefined;

function load(name: WasmName, threads: number): Promise<Loaded> {
  const key = `${name}|${threads}`;
  let p = loading.get(key);
  if (!p) {
    p = loadWasmBackendThreaded(name, threads).then(
      (r) => r,
      (e: unknown) => {
        loading.delete(key); // a later init may try again
        throw new ConvError('BACKEND_UNAVAILABLE', `init: backend '${name}' could not be loaded: ${(e as Error)?.message ?? show(e)}`);
      },
    );
    loading.set(key, p);
  }
  return p;
}

/** Makes a loaded instance the one ops of its name run on; the one before is dropped from the cache. */
function adopt(name: WasmName, threads: number, r: Loaded): void {
  const key = `${name}|${threads}`;
  const before = loadedKey.get(name);
  if (before !== undefined && before !== key) loading.delete(before);
  loadedKey.set(name, key);
  loaded.set(name, r.backend);
}

/** @internal The thread count init targets for `requested`, before what the backend and runtime allow. */
export function targetThreads(requested: number | 'auto'): { target: number; note: string } {
  if (requested === 'auto') return { target: Math.min(coreCount(), AUTO_MAX_THREADS), note: '' };
  if (requested > MAX_THREADS) {
    return { target: MAX_THREADS, note: `threads: ${requested} is above the ${MAX_THREADS} a pool takes; capped to ${MAX_THREADS}` };
  }
  return { target: requested, note: '' };
}

/**
 * Loads a backend and makes it the default for ops called without `backend`.
 * @param options.backend 'auto' (default: the first of wasm-relaxed, wasm-simd, wasm, js that
 *   the runtime validates) or a backend name
 * @param options.threads 'auto' (default: the cores, at most 16) or a positive integer (above 64:
 *   64), the caller's thread included; wasm-relaxed and wasm-simd run on a pool of that many
 *   threads where the runtime allows it, and on one otherwise (threads() says why)
 * @returns the name of the backend it took
 * @throws ConvError BACKEND_UNAVAILABLE (rejects) when an explicit backend cannot run here;
 *   BAD_OPTION for an unknown name or a `threads` that is not 'auto' or a positive integer
 */
export async function init(options?: { backend?: BackendName | 'auto'; threads?: number | 'auto' }): Promise<BackendName> {
  const [want, requested] = readingUserValues('init', 'BAD_OPTION', 'options', () => {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new ConvError('BAD_OPTION', `init: options (${show(options)}) must be an object`);
    }
    const t = options?.threads;
    return [options?.backend ?? 'auto', t === undefined ? 'auto' : t] as const;
  });
  if (want !== 'auto' && !BACKEND_NAMES.includes(want as BackendName)) {
    throw new ConvError('BAD_OPTION', `init: backend (${show(want)}) must be 'auto' or one of ${BACKEND_NAMES.join(', ')}`);
  }
  if (requested !== 'auto' && !(typeof requested === 'number' && Number.isInteger(requested) && requested >= 1)) {
    throw new ConvError('BAD_OPTION', `init: threads (${show(requested)}) must be 'auto' or a positive integer`);
  }
  const { target, note } = targetThreads(requested);
  const threadsFor = (n: BackendName): number => (n !== 'js' && hasThreadedBuild(n) ? target : 1);
  let name: BackendName | undefined;
  let got: Loaded | undefined;
  if (want === 'js') {
    name = 'js';
  } else if (want === 'auto') {
    for (const candidate of AUTO_ORDER) {
      if (!wasmSupported(candidate)) continue;
      try {
        got = await load(candidate, threadsFor(candidate));
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
    got = await load(want, threadsFor(want));
    name = want;
  }
  if (got !== undefined && name !== 'js') adopt(name, threadsFor(name), got);
  loaded.set('js', jsBackend);
  let reason = got?.reason ?? '';
  if (reason === '' && target > 1 && threadsFor(name) === 1) {
    reason = `the ${name} backend runs on the calling thread (threads serve wasm-relaxed and wasm-simd)`;
  }
  threadsOf.set(name, { requested, target, reason: reason || note });
  defaultName = name;
  const info = threads();
  if (typeof requested === 'number' && requested > 1 && info.count === 1) {
    warnOnce('threads', `simdconv: init asked for ${requested} threads and runs on one: ${info.reason}`);
  }
  return name;
}

/**
 * The default backend's threads (API.md): how many its calls run on, the caller's included,
 * what init asked for, and why the count is not that ('' when it is).
 */
export function threads(): ThreadsInfo {
  if (defaultName === undefined) return { count: 1, requested: 'auto', reason: 'init() has not run' };
  const t = threadsOf.get(defaultName);
  const b = loaded.get(defaultName);
  const pool = b instanceof WasmBackend ? b.pool : undefined;
  const count = pool?.size ?? 1;
  let reason = t?.reason ?? '';
  if (pool !== undefined && pool.lostReason !== '') reason = pool.lostReason;
  else if (reason === '' && t !== undefined && count !== t.target) reason = `runs on ${count} of the ${t.target} threads asked for`;
  return { count, requested: t?.requested ?? 'auto', reason };
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
