/**
 * What threads need from the runtime, detected before a threaded build is chosen: shared memory
 * (SharedArrayBuffer, Atomics, a shared WebAssembly.Memory), a page that may post it to a worker
 * (crossOriginIsolated), and a way to start workers from code the package carries (Node's
 * worker_threads with `eval`, or a Web Worker from a Blob URL). Each miss comes back as a reason
 * a user can act on; nothing here throws.
 *
 * Node's modules are reached through process.getBuiltinModule (Node 20.16+), never through an
 * import or require: the same bundle runs in browsers, and no bundler may try to resolve (or
 * warn about) node:worker_threads for them. Older Node runs on one thread, with the reason.
 */

/** The parts of node:worker_threads the pool uses. */
export interface NodeWorkerThreads {
  Worker: new (code: string, options: Record<string, unknown>) => NodeWorker;
}

/** The parts of a Node Worker the pool uses. */
export interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: string, listener: (arg: never) => void): unknown;
  off(event: string, listener: (arg: never) => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
  readonly performance?: { eventLoopUtilization(): { idle: number } };
}

type NodeProcess = {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
};

/** The Node process object, or undefined outside Node (Deno and Bun count as Node if they look like it). */
function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return typeof p === 'object' && p !== null && typeof p.versions?.node === 'string' ? p : undefined;
}

/** A Node built-in module, or undefined when it cannot be had without an import statement. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const p = nodeProcess();
  if (p === undefined) return undefined;
  try {
    return typeof p.getBuiltinModule === 'function' ? (p.getBuiltinModule(id) as T | undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** True in Node-like runtimes (worker_threads), false in browsers and their workers. */
export function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/**
 * The cores the runtime reports: Node os.availableParallelism() (or os.cpus().length); browsers
 * navigator.hardwareConcurrency. At least 1.
 */
export function coreCount(): number {
  if (isNode()) {
    const os = nodeBuiltin<{ availableParallelism?: () => number; cpus?: () => unknown[] }>('node:os');
    const n = typeof os?.availableParallelism === 'function' ? os.availableParallelism() : os?.cpus?.().length;
    return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/** The fix for a page that cannot share memory with its workers. */
export const ISOLATION_FIX =
  'serve the page cross-origin isolated, with the headers Cross-Origin-Opener-Policy: same-origin and ' +
  'Cross-Origin-Embedder-Policy: require-corp';

/** The fix for a Content-Security-Policy that refuses Blob URL workers. */
export const CSP_FIX = 'if the page sets a Content-Security-Policy, it must allow Blob URL workers (worker-src blob:)';

/**
 * Why threads cannot run here, before any worker is started: '' when shared memory, Atomics and
 * a worker API are all present. Creating workers and posting the memory to them are the last
 * checks; the pool makes them as it starts (a CSP, for one, shows only then).
 */
export function threadsUnsupportedReason(): string {
  const g = globalThis as {
    SharedArrayBuffer?: unknown; Atomics?: { wait?: unknown; notify?: unknown };
    crossOriginIsolated?: boolean; Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown };
  };
  const node = isNode();
  if (!node && g.crossOriginIsolated === false) {
    return `the page is not cross-origin isolated, so it cannot share memory with workers: ${ISOLATION_FIX}`;
  }
  if (typeof g.SharedArrayBuffer !== 'function') {
    return node
      ? 'SharedArrayBuffer is not available in this Node process (was it started with --no-harmony-sharedarraybuffer?)'
      : `SharedArrayBuffer is not available: ${ISOLATION_FIX}`;
  }
  if (typeof g.Atomics !== 'object' || typeof g.Atomics?.wait !== 'function' || typeof g.Atomics?.notify !== 'function') {
    return 'Atomics (wait and notify) are not available in this runtime';
  }
  if (node) {
    if (nodeBuiltin<NodeWorkerThreads>('node:worker_threads')?.Worker === undefined) {
      return 'node:worker_threads cannot be reached (it needs process.getBuiltinModule: Node 20.16 or later)';
    }
  } else if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') {
    return 'this runtime has no Web Workers started from Blob URLs';
  }
  return '';
}

/** 64 KiB wasm pages. */
const PAGE = 65536;

/**
 * Maxima tried for the shared memory, in pages. A shared memory cannot move, so it reserves its
 * maximum up front. Node: 4 GiB, the same limit as the single-threaded builds (64-bit V8 reserves
 * that much address space for every wasm memory anyway). Browsers: 1 GiB, then 256 MiB, since
 * mobile Safari and 32-bit browsers refuse larger shared maxima.
 */
export function sharedMemoryMaxima(): readonly number[] {
  return isNode() ? [65536, 16384, 4096] : [16384, 4096];
}

/**
 * A shared memory of `initialPages`, with the largest maximum of sharedMemoryMaxima() the runtime
 * grants; a string (the reason) when it grants none.
 */
export function createSharedMemory(initialPages: number): { memory: WebAssembly.Memory; maxBytes: number } | string {
  let last = '';
  for (const maximum of sharedMemoryMaxima()) {
    try {
      const memory = new WebAssembly.Memory({ initial: initialPages, maximum, shared: true } as WebAssembly.MemoryDescriptor);
      if (Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]') {
        return { memory, maxBytes: maximum * PAGE };
      }
      last = 'WebAssembly.Memory({shared: true}) did not give a SharedArrayBuffer';
    } catch (e) {
      last = String((e as Error)?.message ?? e);
    }
  }
  return `a shared WebAssembly.Memory could not be created (${last})`;
}
