/**
 * onnxruntime-web at one thread count, hosted in a worker_thread. Why a worker: ort-web reads
 * env.wasm.numThreads once, when its wasm module starts (OrtInit creates one global thread pool),
 * and its session options have no per-session thread count; so one process holds ort-web at one
 * count only. Each count gets its own worker (its own module graph, its own ort-web instance),
 * and the suite still interleaves them with the other contenders of a layer round by round.
 *
 * Timing happens inside the worker (bench/harness.mjs measure), so no message crosses a timed
 * call; the main thread waits for the result and does nothing meanwhile. Each window also
 * reports the process's CPU time over its wall time (cpuPerWall): about 1 on one thread, near the
 * count when ort-web's pool threads really run (the check that threads work in Node).
 *
 * This file is both sides: `openOrtWebHost(threads)` (main) starts the worker that runs this file.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readdirSync } from 'node:fs';

/** OS threads of this process (Linux), or null elsewhere. */
export function osThreads() {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
}

/**
 * Start a worker with onnxruntime-web at `threads` threads.
 * @returns {Promise<{ label: string, threads: number, osThreads: number | null, prepare(model: Uint8Array, x: Float32Array, dims: number[]):
 *   Promise<{ createMs, firstRunMs, out: Float32Array, measure(budget): Promise<object>, run(): Promise<Float32Array>, dispose(): Promise<void> }>,
 *   close(): Promise<void> } | { error: string }>}
 */
export async function openOrtWebHost(threads) {
  const w = new Worker(new URL(import.meta.url), { workerData: { threads } });
  w.unref();
  let next = 0;
  const waiting = new Map();
  let dead = null;
  w.on('message', (m) => { const p = waiting.get(m.id); waiting.delete(m.id); if (m.error) p?.reject(new Error(m.error)); else p?.resolve(m); });
  const fail = (e) => { dead = e; for (const p of waiting.values()) p.reject(e); waiting.clear(); };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`ort-web host exited (${code})`)));
  const call = (op, args = {}, transfer = []) => {
    if (dead) return Promise.reject(dead);
    const id = ++next;
    return new Promise((resolve, reject) => { waiting.set(id, { resolve, reject }); w.postMessage({ id, op, ...args }, transfer); });
  };
  let hello;
  try {
    hello = await call('hello');
  } catch (e) {
    await w.terminate();
    return { error: e.message };
  }
  return {
    label: hello.label,
    threads: hello.numThreads,
    osThreads: hello.osThreads,
    async prepare(model, x, dims) {
      const r = await call('prepare', { model, x, dims });
      const sid = r.sid;
      return {
        createMs: r.createMs,
        firstRunMs: r.firstRunMs,
        out: r.out,
        osThreads: r.osThreads,
        async run() { return (await call('run', { sid })).out; },
        async measure(budget) { return (await call('measure', { sid, budget })).stats; },
        async dispose() { await call('dispose', { sid }); },
      };
    },
    async close() { w.removeAllListeners('exit'); await w.terminate(); },
  };
}

async function serve() {
  const { importPeer } = await import('./resolve.mjs');
  const { measure, timeOnce } = await import('../harness.mjs');
  const ort = await importPeer('onnxruntime-web');
  const sessions = new Map();
  let sids = 0;
  const reply = (m, transfer) => parentPort.postMessage(m, transfer);
  parentPort.on('message', async (m) => {
    try {
      if (!ort) throw new Error('onnxruntime-web does not resolve');
      switch (m.op) {
        case 'hello': {
          ort.env.wasm.numThreads = workerData.threads;
          ort.env.wasm.simd = true;
          ort.env.wasm.proxy = false;
          ort.env.logLevel = 'error';
          reply({ id: m.id, label: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm (SIMD, ${workerData.threads} thread${workerData.threads > 1 ? 's' : ''}, in a worker_thread)`, numThreads: ort.env.wasm.numThreads, osThreads: osThreads() });
          break;
        }
        case 'prepare': {
          let s;
          const createMs = await timeOnce(async () => { s = await ort.InferenceSession.create(m.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }); });
          const run = async () => (await s.run({ x: new ort.Tensor('float32', m.x, m.dims) })).y.data;
          let out;
          const firstRunMs = await timeOnce(async () => { out = await run(); });
          const sid = ++sids;
          sessions.set(sid, { s, run });
          reply({ id: m.id, sid, createMs, firstRunMs, out, osThreads: osThreads() }, [out.buffer]);
          break;
        }
        case 'run': {
          const out = await sessions.get(m.sid).run();
          reply({ id: m.id, out }, [out.buffer]);
          break;
        }
        case 'measure': {
          const { run } = sessions.get(m.sid);
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const stats = await measure(run, { ...m.budget, async: true });
          const c = process.cpuUsage(c0);
          stats.cpuPerWall = (c.user + c.system) / 1e3 / (performance.now() - t0);
          reply({ id: m.id, stats });
          break;
        }
        case 'dispose': {
          await sessions.get(m.sid)?.s.release();
          sessions.delete(m.sid);
          reply({ id: m.id });
          break;
        }
        default: throw new Error(`unknown op ${m.op}`);
      }
    } catch (e) {
      reply({ id: m.id, error: String(e?.message ?? e).split('\n')[0] });
    }
  });
}

if (!isMainThread && parentPort && workerData?.threads) serve();
