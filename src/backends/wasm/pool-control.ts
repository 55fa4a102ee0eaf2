/**
 * The control block's side of the pool (pool.ts, worker-source.ts's CTL): the caller waiting for a
 * run's tasks and for the workers to leave it, telling a lost worker from a slow one, reading a
 * failure message, and stopping the workers.
 */
import type { Thread } from './pool-threads.js';
import { CTL } from './worker-source.js';

/** Longest sleep between two liveness checks of the workers while the caller waits, in ms. */
const SLICE_MS = 50;
/** FAILED's value for a fault that is no task's (a lost worker). */
export const FAILED_LOST = 0x7fffffff;

/** What a finalizer needs to stop the workers of a pool nobody holds any more. */
export interface Remains {
  ctl: Int32Array;
  threads: Thread[];
}

/** Tells the workers to leave their loop and terminates them. */
export function stopThreads(r: Remains): void {
  const ctl = r.ctl;
  Atomics.store(ctl, CTL.QUIT, 1);
  Atomics.store(ctl, CTL.GEN, (Atomics.load(ctl, CTL.GEN) + 2) & ~1);
  Atomics.notify(ctl, CTL.GEN);
  Atomics.notify(ctl, CTL.QUIT);
  for (const t of r.threads) t.terminate();
  r.threads.length = 0;
}

/** Stops the workers of a pool that was collected without close(). */
export const finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Remains>(stopThreads) : undefined;

/** Waits until DONE reaches count; returns '' or why a worker is lost. */
export function waitDone(ctl: Int32Array, count: number, threads: readonly Thread[], waitAllowed: boolean): string {
  let d = Atomics.load(ctl, CTL.DONE);
  // polls as the workers' (the last tasks of a run are often that short), fewer where they outnumber the cores
  for (let s = ctl[CTL.SPIN]; d < count && s > 0; s--) d = Atomics.load(ctl, CTL.DONE);
  if (d >= count) return '';
  Atomics.store(ctl, CTL.WAITING, 1);
  try {
    while ((d = Atomics.load(ctl, CTL.DONE)) < count) {
      const why = lostWorker(ctl, threads, false);
      if (why !== '') return why;
      if (waitAllowed) {
        if (Atomics.wait(ctl, CTL.DONE, d, SLICE_MS) === 'timed-out') {
          const w = lostWorker(ctl, threads, true);
          if (w !== '') return w;
        }
      }
    }
    return '';
  } finally {
    Atomics.store(ctl, CTL.WAITING, 0);
  }
}

/** Waits until no worker is inside a run (STATE 1), skipping the stopped ones. */
export function waitIdle(ctl: Int32Array, threads: readonly Thread[], waitAllowed: boolean): void {
  for (let i = 1; i <= threads.length; i++) {
    if (Atomics.load(ctl, CTL.STATE + i) !== 1) continue;
    let spin = ctl[CTL.SPIN];
    while (spin > 0 && Atomics.load(ctl, CTL.STATE + i) === 1) spin--;
    if (spin > 0) continue;
    Atomics.store(ctl, CTL.WAITING, 1);
    try {
      while (Atomics.load(ctl, CTL.STATE + i) === 1) {
        if (!waitAllowed) continue;
        if (Atomics.wait(ctl, CTL.STATE + i, 1, SLICE_MS) === 'timed-out') lostWorker(ctl, threads, true);
      }
    } finally {
      Atomics.store(ctl, CTL.WAITING, 0);
    }
  }
}

/**
 * '' while every worker runs, else why one is lost. `probe`: also ask the runtime whether each
 * worker's thread still runs (Node), marking the stopped ones in the control block.
 */
export function lostWorker(ctl: Int32Array, threads: readonly Thread[], probe: boolean): string {
  if (probe) {
    for (let i = 1; i <= threads.length; i++) {
      if (Atomics.load(ctl, CTL.STATE + i) !== 2 && !threads[i - 1].alive()) {
        Atomics.store(ctl, CTL.STATE + i, 2);
        Atomics.add(ctl, CTL.DEAD, 1);
      }
    }
  }
  if (Atomics.load(ctl, CTL.DEAD) === 0) return '';
  for (let i = 1; i <= threads.length; i++) {
    if (Atomics.load(ctl, CTL.STATE + i) === 2) {
      const msg = Atomics.load(ctl, CTL.FAILED) === FAILED_LOST ? ` (${failureMessage(ctl)})` : '';
      return `worker thread ${i} of the ${(threads.length + 1)}-thread pool stopped during a call${msg}`;
    }
  }
  return 'a worker thread stopped during a call';
}

/** The failure message a task or a worker left in the control block. */
export function failureMessage(ctl: Int32Array): string {
  const len = Math.min(Atomics.load(ctl, CTL.MSG_LEN), CTL.MSG_UNITS);
  const units = new Uint16Array(ctl.buffer, CTL.MSG_BYTE, len);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(units[i]);
  return s || 'a task failed';
}
