/**
 * A persistent pool of threads that run wasm calls side by side on one shared memory: the
 * generic parallel-call primitive the kernels split their work over.
 *
 * A run is a table of tasks, each one call of a wasm export with its own numbers:
 *
 *   const id = pool.fn('run_conv2d_nhwc_f32');     // once
 *   const t = pool.table(count, 13);               // rows of 1 + 13 f64: [export id, 13 arguments]
 *   for (let i = 0; i < count; i++) { t[i * 14] = id; t[i * 14 + 1] = ind + ...; ... }
 *   pool.run(count);                               // returns when every task is done
 *
 * A kernel that needs scratch of its own per thread (not per task) allocates pool.size blocks of
 * `bytes`, passes the first in some argument column and runs `pool.run(count, { arg, bytes })`:
 * thread i (0 is the caller) adds i * bytes to that argument of every task it runs.
 *
 * Tasks are taken dynamically from a shared counter by the caller's thread and the workers, so
 * the tasks must be independent: each output element written by exactly one task. Then N threads
 * give the same bits as one. i32, usize and f32 arguments are exact in an f64.
 *
 * Dispatch (pthreadpool's pattern, through the control block of worker-source.ts, no message per
 * call): the caller writes the run's parameters, opens the run by bumping GEN to an odd value and
 * notifies the workers that sleep; workers poll GEN briefly after each run and then Atomics.wait
 * on it. Every participant takes tasks with Atomics.add(NEXT) until they run out and counts each
 * in DONE; the caller then waits for DONE == count (spinning, then Atomics.wait, or spinning only
 * where Atomics.wait is forbidden: a browser's main thread) and closes the run (GEN even). A
 * worker marks STATE = 1 before it re-checks GEN and 0 when it leaves, and the caller reuses the
 * run's parameters only when no STATE is 1, so a late worker never reads a half-written run.
 * A run with a feed (split-plan.ts) opens with READY at 0: the caller copies task t's input chunk,
 * raises READY past t and goes on, and a worker holding task t waits for READY > t first. With
 * more threads than cores only the cores' worth of them take part in runs (width, CTL.ACTIVE) and
 * the others stay parked until the pool closes: past the cores, one more thread in a run only
 * takes a core from one with work, and the splits plan for width.
 *
 * Faults: a task that throws (a wasm trap) is caught in its worker, recorded (FAILED and a
 * message), the remaining tasks are skipped, and run() throws an Error with the message. A worker
 * that stops (its exit hook, a fault of its loop, or in Node a stopped event loop seen by a probe
 * between wait slices) makes run() throw ConvError('BACKEND_UNAVAILABLE') once the live workers
 * have left the run; the pool then closes its workers and runs every later task on the calling
 * thread. A worker lost between runs ('error'/'exit' events) closes the pool the same way.
 * Node workers are unreferenced once started, so a script that used threads exits by itself.
 *
 * Here: the task table, dispatch and the pool's life (start, loss, close). pool-control.ts: the
 * caller's waits on the control block and the liveness checks; pool-threads.ts: the workers of
 * Node and of browsers and their start-up.
 */
import { ConvError } from '../../errors.js';
import type { WasmExports } from '../../loader/load.js';
import { coreCount, ISOLATION_FIX } from '../../loader/threads.js';
import type { Heap } from './heap.js';
import { FAILED_LOST, failureMessage, finalizer, lostWorker, stopThreads, waitDone, waitIdle } from './pool-control.js';
import { canWait, closeOnPageExit, describe, Spawned, spawnWorkers, Thread } from './pool-threads.js';
import type { Feed } from './split-plan.js';
import { CTL, MAX_TASK_ARGS } from './worker-source.js';

export { spawnWorkers } from './pool-threads.js';
export type { Spawned, Thread } from './pool-threads.js';

/** A name of a function export of the wasm module. */
export type ExportName = {
  [K in keyof WasmExports]: WasmExports[K] extends (...args: never[]) => unknown ? K : never;
}[keyof WasmExports];

/**
 * Polls of GEN a worker makes after a run before it sleeps, and of DONE the caller makes before it
 * sleeps: some 0.3 to 0.5 ms in V8, so runs that close together (a chain of kernels) find it
 * awake; a sleeping worker costs a futex wake (tools/pool-dispatch.mjs measures both).
 */
const WORKER_SPIN = 20000;

type AnyFn = ((...args: number[]) => unknown) & { original?: (...args: number[]) => unknown };

/** A run's input still to be copied in: the feed and its chunks, 4 numbers per task (split-plan.ts). */
export interface FeedRun {
  readonly feed: Feed;
  readonly chunks: readonly number[];
}

/** Options of Pool.start. */
export interface PoolStart {
  /** The compiled threaded build, posted to every worker. */
  module: WebAssembly.Module;
  /** The shared memory `exports` runs on. */
  memory: WebAssembly.Memory;
  /** The caller's instance of the threaded build. */
  exports: WasmExports;
  /** The host allocator of `memory` (per-thread scratch blocks, the task table). */
  heap: Heap;
  /** Threads in all, the caller's included (>= 2). */
  threads: number;
  /** For messages, e.g. 'wasm-simd'. */
  label: string;
  /** Worker polls of GEN before sleeping (tests and benches). */
  spin?: number;
  /** Workers spawned ahead (spawnWorkers(threads - 1)), so that they boot while the module compiles. */
  spawned?: Spawned;
}

export class Pool {
  /** Resolves when every worker is ready; rejects (with the reason) when one cannot start. */
  readonly ready: Promise<void>;
  /** Why the pool lost its workers after starting ('' while it has them, or never had any). */
  lostReason = '';

  private threads: Thread[] = [];
  private readonly names: string[];
  private readonly fns: AnyFn[];
  private readonly arity: number[];
  private readonly ids = new Map<string, number>();
  private readonly argv: number[][] = [];
  private readonly ctl: Int32Array | undefined;
  private readonly waitAllowed: boolean;
  private readonly scratch: number[] = [];
  private tablePtr = 0;
  private tableSlots = 0;
  private tableView: Float64Array = new Float64Array(0);
  private tableBuf: ArrayBufferLike | undefined;
  private stride = 1;
  private rows = 0;
  private closed = false;
  private running = false;
  /**
   * Workers that take part in runs: all, or with more threads than cores the cores less the
   * caller's, so that a run's tasks go to threads that have a core rather than to more threads
   * than cores, one of which the OS then takes off its core holding a task the run waits for.
   */
  private active = 0;

  private constructor(
    private readonly ex: WasmExports,
    private readonly heap: Heap | undefined,
    private readonly memory: WebAssembly.Memory | undefined,
    private readonly label: string,
  ) {
    const raw = ex as unknown as Record<string, AnyFn>;
    this.names = Object.keys(raw).filter((k) => typeof raw[k] === 'function').sort();
    // demangle's wrappers take rest arguments; call the wasm functions themselves
    this.fns = this.names.map((n) => raw[n].original ?? raw[n]);
    this.arity = this.fns.map((f) => f.length);
    this.names.forEach((n, i) => this.ids.set(n, i));
    for (let n = 0; n <= MAX_TASK_ARGS; n++) this.argv.push(new Array<number>(n).fill(0));
    this.ctl = memory !== undefined ? new Int32Array(new SharedArrayBuffer(CTL.BYTES)) : undefined;
    this.waitAllowed = this.ctl !== undefined && canWait(this.ctl);
    this.ready = Promise.resolve();
  }

  /** A pool of one: every task runs on the calling thread (the single-threaded builds). */
  static inline(ex: WasmExports, label = 'wasm'): Pool {
    return new Pool(ex, undefined, undefined, label);
  }

  /**
   * Starts `threads - 1` workers on the threaded build: allocates one scratch block per thread,
   * sets the caller's, posts the module and the memory to each worker. Synchronous up to the
   * posts; `ready` settles when the workers answer. On rejection the pool has closed itself.
   */
  static start(o: PoolStart): Pool {
    const pool = new Pool(o.exports, o.heap, o.memory, o.label);
    (pool as { ready: Promise<void> }).ready = pool.startWorkers(o);
    return pool;
  }

  /** Threads that run tasks, the caller's included (1 when there are no workers). */
  get size(): number {
    return this.threads.length + 1;
  }

  /** Threads that take a run's tasks (size, or the cores where it has more): what splits plan for. */
  get width(): number {
    return Math.min(this.size, this.active + 1);
  }

  /**
   * The id of a function export, for column 0 of the task table.
   * @throws Error for a name the module does not export
   */
  fn(name: ExportName): number {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`pool: the wasm module has no function export '${name}'`);
    return id;
  }

  /**
   * The task table for `count` tasks of up to `argc` arguments: row t starts at t * (argc + 1)
   * and holds [export id, argument 0, ..., argument argc - 1]; an export of fewer parameters reads
   * only its own. Kept and reused across runs (it grows, never shrinks); valid until the next
   * heap allocation, so fill it right before run().
   * @throws Error when argc is above MAX_TASK_ARGS or count is not a non-negative integer
   */
  table(count: number, argc: number): Float64Array {
    if (!Number.isInteger(argc) || argc < 0 || argc > MAX_TASK_ARGS) {
      throw new Error(`pool: argc (${argc}) must be an integer in 0..${MAX_TASK_ARGS}`);
    }
    if (!Number.isInteger(count) || count < 0) throw new Error(`pool: count (${count}) must be a non-negative integer`);
    const slots = count * (argc + 1);
    if (slots > this.tableSlots) this.growTable(Math.max(slots, this.tableSlots * 2, 64));
    else if (this.memory !== undefined && this.memory.buffer !== this.tableBuf) this.viewTable();
    this.stride = argc + 1;
    this.rows = count;
    return this.tableView;
  }

  /**
   * Runs tasks 0 .. count-1 of the table (all of the last table() by default) and returns when
   * all are done. The caller's thread takes tasks too.
   * @param perThread scratch per thread: the thread with index i (0: the caller, up to size - 1)
   *   adds i * bytes to argument `arg` (0-based) of each task it runs
   * @param input the tasks' input, still to be copied in (split-plan.ts, Feed): the caller copies
   *   chunk t and lets task t start, chunk after chunk, before it takes tasks itself
   * @throws Error the first task error (a wasm trap), after the other tasks stopped;
   *   ConvError BACKEND_UNAVAILABLE when a worker stopped during the run
   */
  run(count = this.rows, perThread?: { readonly arg: number; readonly bytes: number }, input?: FeedRun): void {
    if (!Number.isInteger(count) || count < 0 || count > this.rows) {
      throw new Error(`pool: run(${count}) needs a table of at least that many rows (table() gave ${this.rows})`);
    }
    if (perThread !== undefined && !(Number.isInteger(perThread.arg) && perThread.arg >= 0 && perThread.arg < this.stride - 1
      && Number.isInteger(perThread.bytes) && perThread.bytes >= 0 && perThread.bytes < 2 ** 31)) {
      throw new Error(`pool: perThread (arg ${perThread.arg}, bytes ${perThread.bytes}) must name an argument of the rows ` +
        `(0..${this.stride - 2}) and a byte count below 2^31`);
    }
    if (this.running) throw new Error('pool: run() called from inside a run');
    if (count === 0) return;
    const ctl = this.ctl;
    if (ctl !== undefined && this.threads.length > 0 && Atomics.load(ctl, CTL.DEAD) !== 0) {
      this.lose(`a worker of the ${this.label} pool stopped between calls`);
    }
    if (input !== undefined && input.chunks.length < 4 * count) {
      throw new Error(`pool: a feed of ${input.chunks.length / 4} chunks for ${count} tasks`);
    }
    if (ctl === undefined || this.threads.length === 0 || count === 1) {
      input?.feed.all();
      this.runInline(count);
      return;
    }
    this.running = true;
    try {
      ctl[CTL.PT_ARG] = perThread !== undefined ? perThread.arg : -1;
      ctl[CTL.PT_BYTES] = perThread !== undefined ? perThread.bytes : 0;
      this.runShared(ctl, count, input);
    } finally {
      this.running = false;
    }
  }

  /**
   * Wakes the workers that sleep, without a run, so that they poll again (WORKER_SPIN) when the
   * next run opens: a call that will split calls it before its copy in, which then covers the
   * futex wake-up. A no-op while every worker polls.
   */
  wake(): void {
    const ctl = this.ctl;
    if (ctl === undefined || this.threads.length === 0 || this.running || Atomics.load(ctl, CTL.SLEEPERS) === 0) return;
    // GEN stays even (no run open): a worker wakes, sees a new value and polls again
    Atomics.store(ctl, CTL.GEN, (Atomics.load(ctl, CTL.GEN) + 2) | 0);
    Atomics.notify(ctl, CTL.GEN);
  }

  /** Stops the workers; later runs take every task on the calling thread. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ctl !== undefined) {
      const remains = { ctl: this.ctl, threads: this.threads };
      finalizer?.unregister(this);
      stopThreads(remains);
    }
    this.threads = [];
    // the workers' scratch blocks (index 0 is the caller's, still in use)
    if (this.heap !== undefined) {
      for (let i = 1; i < this.scratch.length; i++) this.heap.free(this.scratch[i]);
      this.scratch.length = Math.min(this.scratch.length, 1);
    }
  }

  // -- running ---------------------------------------------------------------------------------

  private runInline(count: number): void {
    const t = this.tableView;
    const stride = this.stride;
    for (let i = 0; i < count; i++) this.call(t, i * stride, stride);
  }

  /** One task: row at o of table t. */
  private call(t: Float64Array, o: number, stride: number): void {
    const id = t[o];
    const f = this.fns[id];
    const n = this.arity[id];
    if (f === undefined || n >= stride) {
      throw new Error(`pool: task row ${o / stride} names export ${id}` +
        (f === undefined ? ', which does not exist' : ` (${this.names[id]}, ${n} arguments) in rows of ${stride - 1}`));
    }
    const a = this.argv[n];
    for (let k = 0; k < n; k++) a[k] = t[o + 1 + k];
    f.apply(undefined, a);
  }

  private runShared(ctl: Int32Array, count: number, input: FeedRun | undefined): void {
    waitIdle(ctl, this.threads, this.waitAllowed);
    if (Atomics.load(ctl, CTL.DEAD) !== 0) {
      // a worker stopped since the last run (seen by the probe while waiting for the others)
      this.lose(lostWorker(ctl, this.threads, false).replace(' during a call', ' between calls'));
      input?.feed.all();
      this.runInline(count);
      return;
    }
    ctl[CTL.READY] = input === undefined ? count : 0;
    ctl[CTL.COUNT] = count;
    ctl[CTL.STRIDE] = this.stride;
    ctl[CTL.ARGS] = this.tablePtr | 0;
    ctl[CTL.NEXT] = 0;
    ctl[CTL.DONE] = 0;
    ctl[CTL.FAILED] = 0;
    ctl[CTL.MSG_LEN] = 0;
    const gen = (Atomics.load(ctl, CTL.GEN) + 1) | 0;
    Atomics.store(ctl, CTL.GEN, gen);
    const sleepers = Atomics.load(ctl, CTL.SLEEPERS);
    if (sleepers > 0) Atomics.notify(ctl, CTL.GEN, Math.min(sleepers, count - 1));

    let own: unknown;
    let ownFailed = false;
    if (input !== undefined) {
      try {
        for (let k = 0; k < count; k++) {
          input.feed.copy(input.chunks, k);
          Atomics.store(ctl, CTL.READY, k + 1);
          if (Atomics.load(ctl, CTL.READY_SLEEPERS) > 0) Atomics.notify(ctl, CTL.READY);
        }
      } catch (e) {
        // the tasks are skipped (FAILED) but still counted: let every waiting worker go
        if (Atomics.compareExchange(ctl, CTL.FAILED, 0, 1) === 0) {
          own = e;
          ownFailed = true;
        }
        Atomics.store(ctl, CTL.READY, count);
        Atomics.notify(ctl, CTL.READY);
      }
    }

    // the caller's share
    const t = this.tableView;
    const stride = this.stride;
    for (;;) {
      const i = Atomics.add(ctl, CTL.NEXT, 1);
      if (i >= count) break;
      if (Atomics.load(ctl, CTL.FAILED) === 0) {
        try {
          this.call(t, i * stride, stride);
        } catch (e) {
          if (Atomics.compareExchange(ctl, CTL.FAILED, 0, i + 1) === 0) {
            own = e;
            ownFailed = true;
          }
        }
      }
      Atomics.add(ctl, CTL.DONE, 1);
    }

    const lost = waitDone(ctl, count, this.threads, this.waitAllowed);
    if (lost !== '') {
      Atomics.compareExchange(ctl, CTL.FAILED, 0, FAILED_LOST);
      waitIdle(ctl, this.threads, this.waitAllowed); // the live workers finish the task they hold, then leave
      Atomics.store(ctl, CTL.GEN, (gen + 1) | 0);
      this.lose(lost);
      throw new ConvError('BACKEND_UNAVAILABLE', `${this.label}: ${lost}; the call was abandoned and the ` +
        `${this.label} backend now runs on the calling thread`);
    }
    Atomics.store(ctl, CTL.GEN, (gen + 1) | 0);
    if (Atomics.load(ctl, CTL.FAILED) !== 0) {
      if (ownFailed) throw own;
      throw new Error(`${this.label} worker: ${failureMessage(ctl)}`);
    }
  }

  /** The pool lost a worker: close it, remember why, say so once. */
  private lose(why: string): void {
    if (this.closed) return;
    this.lostReason = `${why}, so the pool was closed and calls run on the calling thread`;
    this.close();
    warnOnce('lost', `simdconv: ${this.label}: ${why}; the backend continues on the calling thread`);
  }

  // -- the table -------------------------------------------------------------------------------

  private growTable(slots: number): void {
    if (this.heap === undefined) {
      this.tableView = new Float64Array(slots);
      this.tableSlots = slots;
      return;
    }
    const ptr = this.heap.alloc(slots * 8);
    if (this.tablePtr !== 0) this.heap.free(this.tablePtr);
    this.tablePtr = ptr;
    this.tableSlots = slots;
    this.viewTable();
  }

  private viewTable(): void {
    const buf = this.memory!.buffer;
    this.tableBuf = buf;
    this.tableView = new Float64Array(buf, this.tablePtr, this.tableSlots);
  }

  // -- starting --------------------------------------------------------------------------------

  private startWorkers(o: PoolStart): Promise<void> {
    const ctl = this.ctl!;
    const cores = coreCount();
    ctl[CTL.SPIN] = o.spin ?? WORKER_SPIN;
    this.active = o.threads > cores ? Math.max(1, cores - 1) : o.threads - 1;
    ctl[CTL.ACTIVE] = this.active;
    const bytes = o.exports.THREAD_SCRATCH_BYTES.value as number;
    for (let i = 0; i < o.threads; i++) this.scratch.push(o.heap.alloc(bytes));
    o.exports.set_thread_scratch(this.scratch[0]);
    // a task table for the splits' usual sizes (10 tasks a thread of up to MAX_TASK_ARGS), taken
    // now, so that calls after init() do not grow the memory in use
    if (o.heap.memory === o.memory) this.growTable(Math.max(64, 10 * o.threads * (MAX_TASK_ARGS + 1)));
    const spawned = o.spawned ?? spawnWorkers(o.threads - 1);
    const fail = (why: string): Promise<never> => {
      spawned.dispose();
      this.close();
      return Promise.reject(new Error(why));
    };
    if (spawned.failure !== '') return fail(spawned.failure);
    if (spawned.threads.length !== o.threads - 1) {
      return fail(`pool: ${spawned.threads.length} workers spawned for ${o.threads} threads`);
    }
    this.threads = spawned.threads;
    closeOnPageExit(this);
    try {
      for (let i = 0; i < this.threads.length; i++) {
        this.threads[i].post({
          module: o.module, memory: o.memory, ctl: ctl.buffer, index: i + 1, scratch: this.scratch[i + 1],
          names: this.names,
        });
      }
    } catch (e) {
      return fail(`the shared memory could not be posted to a worker (${describe(e)}): ${ISOLATION_FIX}`);
    }
    return spawned.ready().then(() => {
      const ref = typeof WeakRef === 'function' ? new WeakRef(this) : { deref: () => this };
      spawned.adopt((i, why) => ref.deref()?.onFault(i + 1, why));
      finalizer?.register(this, { ctl, threads: this.threads }, this);
    }, (e: unknown) => fail((e as Error).message));
  }

  /** A worker's 'error' or 'exit' event after start (delivered only between runs). */
  private onFault(index: number, why: string): void {
    if (this.closed || this.running) return;
    this.lose(`worker thread ${index} of the ${this.size}-thread pool stopped (${why})`);
  }
}

const warned = new Set<string>();

/** console.warn, once per process for each `kind` of warning. */
export function warnOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  const c = (globalThis as { console?: { warn?: (m: string) => void } }).console;
  c?.warn?.(message);
}
