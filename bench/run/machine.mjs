/**
 * The thread ceiling: what this host gives at N threads, measured in the same minutes as the layers.
 *
 * On a shared 2-vCPU VM the ceiling loop of bench/ceiling.mjs (12 independent multiply-add
 * chains, bound by the FP units) run on two threads at once gave a median of 1.35x the GFLOP/s of
 * one thread one evening (0.4x to 1.9x from one window to the next) and 1.95x in later runs, while
 * a latency-bound scalar loop always got 2x, as when two vCPUs share one core's FP units. A layer's @2/@1 cannot
 * exceed what the machine gives by much, so the threads table prints this ratio beside it: a
 * reader can tell a kernel that scales badly from a host that did not give N cores.
 *
 * ThreadCeiling starts (lazily, once) maxN - 1 worker_threads, each instantiating the same peak
 * module as the calling thread (peakModule('wasm-relaxed') where WebAssembly.validate accepts it,
 * else 'wasm-simd') and warming it up to optimized code; they sleep in Atomics.wait between
 * samples and are unref()ed, so the process exits by itself; dispose() stops them. speedup(n)
 * times the loop for about `ms` on the calling thread alone, then on the calling thread and n - 1
 * workers at once (woken through a SharedArrayBuffer: Atomics.notify), and returns
 * { one, many, ratio }: one thread's GFLOP/s, the aggregate GFLOP/s of the n (the flop of every
 * thread over the wall time of the whole window, from before the first wake-up to the last
 * thread's end) and many / one. null where worker_threads (or SharedArrayBuffer, or both loops)
 * are missing: a browser, an old engine.
 */
import { calibrate, flopPerTrip, peakModule } from '../ceiling.mjs';

/** How long one sample runs on each side (ms): one sample of n threads costs about 2 x ms. */
export const MACHINE_SAMPLE = { ms: 8 };

/** The loop the thread ceiling runs here: relaxed_madd where it validates, else f32x4 mul + add. */
export function machineLoop() {
  if (typeof WebAssembly === 'undefined') return null;
  for (const loop of ['wasm-relaxed', 'wasm-simd']) if (WebAssembly.validate(peakModule(loop))) return loop;
  return null;
}

// The control words (Int32Array over a SharedArrayBuffer): DONE counts the workers that finished
// the current sample, TRIPS is its trip count, STOP ends the workers, GO + i is worker i's
// generation (the calling thread adds 1 and notifies to start it). RES (Float64Array): per worker,
// the trips it ran, its own ms and its sink (so that no work is dead).
const CTL = { DONE: 0, TRIPS: 1, STOP: 2, GO: 4 };

// An ES module given as a data: URL: an eval'ed string would be CommonJS or ESM depending on the
// parent's --input-type (workers inherit execArgv), a module is the same everywhere.
const WORKER_SOURCE = `
import { workerData, parentPort } from 'node:worker_threads';
const { module, ctl: ctlBuf, res: resBuf, index } = workerData;
const ctl = new Int32Array(ctlBuf);
const res = new Float64Array(resBuf);
const C = ${JSON.stringify(CTL)};
const calibrate = ${calibrate.toString()};
const peak = new WebAssembly.Instance(module).exports.peak;
let sink = calibrate(peak).sink;
parentPort.postMessage('ready');
for (let seen = 0; ;) {
  Atomics.wait(ctl, C.GO + index, seen);
  seen = Atomics.load(ctl, C.GO + index);
  if (Atomics.load(ctl, C.STOP)) break;
  const trips = Atomics.load(ctl, C.TRIPS);
  const t = performance.now();
  sink += peak(trips);
  const ms = performance.now() - t;
  res[3 * index] = trips; res[3 * index + 1] = ms; res[3 * index + 2] = sink;
  Atomics.add(ctl, C.DONE, 1);
  Atomics.notify(ctl, C.DONE);
}
`;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

export class ThreadCeiling {
  /** @param {{ maxN?: number, loop?: string }} [o]  the largest n of speedup(n); the loop (default machineLoop()) */
  constructor({ maxN = 2, loop } = {}) {
    this.maxN = maxN;
    this.loop = loop ?? machineLoop();
    this.workers = [];
    this.sink = 0;
    this.disposed = false;
    /** @type {Promise<boolean> | null} */
    this.started = null;
    /** why speedup returns null, once known */
    this.why = this.loop ? null : 'no SIMD peak loop validates here';
  }

  /** Start the workers and warm every thread up, once; false when this runtime cannot. */
  start() {
    this.started ??= this.#start().catch((e) => {
      this.why = `the workers did not start (${e.message})`;
      this.dispose();
      return false;
    });
    return this.started;
  }

  async #start() {
    if (!this.loop) return false;
    let wt;
    try {
      wt = await import('node:worker_threads');
    } catch {
      this.why = 'no worker_threads in this runtime';
      return false;
    }
    if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics?.wait !== 'function') {
      this.why = 'no SharedArrayBuffer or Atomics.wait in this runtime';
      return false;
    }
    const module = new WebAssembly.Module(peakModule(this.loop));
    const k = this.maxN - 1;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.GO + Math.max(1, k))));
    this.res = new Float64Array(new SharedArrayBuffer(8 * 3 * Math.max(1, k)));
    const ready = [];
    for (let index = 0; index < k; index++) {
      const w = new wt.Worker(WORKER_URL, { workerData: { module, ctl: this.ctl.buffer, res: this.res.buffer, index } });
      w.unref();
      this.workers.push(w);
      ready.push(new Promise((res, rej) => {
        w.once('message', res);
        w.once('error', rej);
        w.once('exit', (code) => rej(new Error(`worker ${index} exited with ${code}`)));
      }));
      // after start-up an error or exit only marks the meter broken (speedup then returns null)
      w.on('error', (e) => { this.why ??= `a worker failed (${e.message})`; });
    }
    this.peak = new WebAssembly.Instance(module).exports.peak;
    const cal = calibrate(this.peak); // while the workers warm up: all threads reach optimized code
    this.sink += cal.sink;
    this.tripsPerMs = cal.tripsPerMs;
    await Promise.all(ready);
    if (this.disposed) return false;
    return true;
  }

  /**
   * The loop on one thread, then on n threads at once.
   * @param {number} n  1 .. maxN
   * @param {{ ms?: number }} [o]  about how long each side runs
   * @returns {Promise<{ one: number, many: number, ratio: number } | null>}  GFLOP/s and many / one;
   *   null where this runtime cannot run threads (see `why`)
   */
  async speedup(n, { ms = MACHINE_SAMPLE.ms } = {}) {
    if (!Number.isInteger(n) || n < 1 || n > this.maxN) throw new RangeError(`bench: thread ceiling at ${n} threads: expected 1 to ${this.maxN}`);
    if (this.disposed || !(await this.start()) || this.disposed || this.why) return null;
    const trips = Math.max(1, Math.round(ms * this.tripsPerMs));
    const flop = flopPerTrip(this.loop);
    const { ctl, res, peak } = this;

    let t = performance.now();
    this.sink += peak(trips);
    const one = (flop * trips) / ((performance.now() - t) * 1e6);

    const k = n - 1;
    Atomics.store(ctl, CTL.TRIPS, trips);
    Atomics.store(ctl, CTL.DONE, 0);
    t = performance.now();
    for (let i = 0; i < k; i++) {
      Atomics.add(ctl, CTL.GO + i, 1);
      Atomics.notify(ctl, CTL.GO + i);
    }
    this.sink += peak(trips);
    const limit = performance.now() + Math.max(2000, 100 * ms);
    for (let d; (d = Atomics.load(ctl, CTL.DONE)) < k;) {
      if (performance.now() > limit) {
        this.why = `a worker did not finish a sample within ${Math.max(2000, 100 * ms)} ms`;
        return null;
      }
      Atomics.wait(ctl, CTL.DONE, d, 50);
    }
    const wall = performance.now() - t;
    let all = trips;
    for (let i = 0; i < k; i++) { all += res[3 * i]; this.sink += res[3 * i + 2]; }
    if (Number.isNaN(this.sink)) throw new Error('bench: the thread ceiling loop returned NaN');
    const many = (flop * all) / (wall * 1e6);
    return { one, many, ratio: many / one };
  }

  /**
   * Stop the workers (idempotent); speedup returns null afterwards.
   * @returns {Promise<number[]>}  the workers' exit codes, once they all stopped
   */
  dispose() {
    if (this.disposed) return Promise.resolve([]);
    this.disposed = true;
    if (this.ctl) {
      Atomics.store(this.ctl, CTL.STOP, 1);
      for (let i = 0; i < this.workers.length; i++) {
        Atomics.add(this.ctl, CTL.GO + i, 1);
        Atomics.notify(this.ctl, CTL.GO + i);
      }
    }
    const exits = this.workers.map((w) => w.terminate());
    this.workers = [];
    return Promise.all(exits);
  }
}
