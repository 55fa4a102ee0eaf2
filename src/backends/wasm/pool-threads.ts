/**
 * The pool's workers on each runtime (pool.ts): Node worker_threads or Web Workers from a Blob
 * URL of the same source (worker-source.ts), behind the few operations the pool needs, and their
 * start-up: created ahead of the module they will run, then told to start by pool.ts.
 */
import { CSP_FIX, isNode, nodeBuiltin, NodeWorker, NodeWorkerThreads } from '../../loader/threads.js';
import { CTL, WORKER_SOURCE } from './worker-source.js';

/** How long the workers may take to start before init gives up on threads, in ms. */
const START_TIMEOUT_MS = 20000;

/** Where the events of one worker go: startup first, then the pool (through a WeakRef). */
export interface Sink {
  message(m: unknown): void;
  fault(why: string): void;
}

/** One worker, Node or Web, behind the few operations the pool needs. */
export interface Thread {
  post(message: unknown): void;
  unref(): void;
  /** False once the worker's thread has stopped, where the runtime can tell synchronously (Node). */
  alive(): boolean;
  terminate(): void;
}

/** An error or event as one line. */
export function describe(e: unknown): string {
  if (e !== null && typeof e === 'object') {
    const o = e as { name?: unknown; message?: unknown };
    return `${String(o.name ?? 'Error')}: ${String(o.message ?? '')}`;
  }
  return String(e);
}

function nodeThread(wt: NodeWorkerThreads, sink: Sink): Thread {
  // execArgv []: no preload hooks or loaders of the parent in the workers (V8 flags are process-wide)
  const w: NodeWorker = new wt.Worker(WORKER_SOURCE, { eval: true, execArgv: [], name: 'simdconv' });
  w.on('message', (m: never) => sink.message(m));
  w.on('messageerror', (e: never) => sink.fault(`a message could not be read (${describe(e)})`));
  w.on('error', (e: never) => sink.fault(describe(e)));
  w.on('exit', (code: never) => sink.fault(`exited with code ${String(code)}`));
  return {
    post: (m) => w.postMessage(m),
    unref: () => w.unref(),
    alive: () => {
      // the worker's loop idle time reads -1 once its thread has stopped
      const u = w.performance?.eventLoopUtilization();
      return !(u !== undefined && u.idle < 0);
    },
    terminate: () => void w.terminate().catch(() => undefined),
  };
}

function webThread(url: string, sink: Sink): Thread {
  const w = new Worker(url, { name: 'simdconv' });
  w.onmessage = (e: MessageEvent) => sink.message(e.data);
  w.onmessageerror = () => sink.fault('a message could not be read');
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    sink.fault(e.message || 'an error event');
  };
  return {
    post: (m) => w.postMessage(m),
    unref: () => undefined,
    alive: () => true,
    terminate: () => w.terminate(),
  };
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
export function canWait(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, CTL.MSG_LEN, 1, 0); // the value differs: returns 'not-equal' at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
}

/**
 * Workers created ahead of the module they will run: a worker's runtime takes tens of
 * milliseconds to boot, which init overlaps with compiling, instantiating and warming the
 * module up. They wait for the start message pool.ts posts.
 */
export interface Spawned {
  readonly threads: Thread[];
  /** Why a worker could not be created ('' if all were). */
  readonly failure: string;
  /** Resolves when every worker answered the start message; rejects with the reason of the first fault. */
  ready(): Promise<void>;
  /** After ready: send later faults of worker i (0-based) to `onFault`, and unreference the workers. */
  adopt(onFault: (i: number, why: string) => void): void;
  /** Terminates the workers (a start that failed). */
  dispose(): void;
}

/** Creates `count` workers (Node worker_threads, or Web Workers from a Blob URL of the same source). */
export function spawnWorkers(count: number): Spawned {
  const node = isNode();
  const threads: Thread[] = [];
  const sinks: Sink[] = [];
  let url: string | undefined;
  let failure = '';
  let fault = '';
  let answered = 0;
  let wake: () => void = () => undefined;
  const startFault = (why: string): string => node ? `a worker thread could not start (${why})`
    : `a Web Worker could not start from a Blob URL (${why}); ${CSP_FIX}`;
  for (let i = 0; i < count; i++) {
    sinks.push({
      message: (m) => {
        const msg = m as { type?: string; message?: string } | null;
        if (msg?.type === 'ready') answered++;
        else fault ||= `a worker could not instantiate the threaded build (${String(msg?.message)})`;
        wake();
      },
      fault: (why) => {
        fault ||= startFault(why);
        wake();
      },
    });
  }
  try {
    const wt = node ? nodeBuiltin<NodeWorkerThreads>('node:worker_threads') : undefined;
    if (node && wt === undefined) throw new Error('node:worker_threads cannot be reached');
    if (!node) url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    for (let i = 0; i < count; i++) threads.push(wt !== undefined ? nodeThread(wt, sinks[i]) : webThread(url!, sinks[i]));
  } catch (e) {
    failure = node ? `a worker thread could not be created (${describe(e)})`
      : `a Web Worker could not be created from a Blob URL (${describe(e)}); ${CSP_FIX}`;
  }
  const revoke = (): void => {
    if (url !== undefined) URL.revokeObjectURL(url);
    url = undefined;
  };
  return {
    threads,
    failure,
    ready: () => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fault ||= `the worker threads did not start within ${START_TIMEOUT_MS / 1000} s`;
        wake();
      }, START_TIMEOUT_MS);
      wake = () => {
        if (fault === '' && answered < count) return;
        clearTimeout(timer);
        wake = () => undefined;
        revoke();
        if (fault !== '') reject(new Error(fault));
        else resolve();
      };
      wake();
    }),
    adopt: (onFault) => {
      for (let i = 0; i < count; i++) {
        sinks[i].message = () => undefined;
        sinks[i].fault = (why) => onFault(i, why);
        threads[i].unref();
      }
    },
    dispose: () => {
      revoke();
      for (const t of threads) t.terminate();
      threads.length = 0;
    },
  };
}

/**
 * In a page, stops the pool's workers when the page is discarded: workers asleep in Atomics.wait
 * otherwise outlive it until the browser terminates them. A page kept in the back/forward cache
 * (persisted) keeps its pool, frozen with it.
 */
export function closeOnPageExit(pool: { close(): void }): void {
  const g = globalThis as { addEventListener?: (type: string, fn: (e: { persisted?: boolean }) => void) => void; document?: unknown };
  if (typeof g.addEventListener !== 'function' || g.document === undefined) return;
  const ref = new WeakRef(pool);
  g.addEventListener('pagehide', (e) => {
    if (e.persisted !== true) ref.deref()?.close();
  });
}
