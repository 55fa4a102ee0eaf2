/**
 * The thread pool (src/backends/wasm/pool.ts) on the threaded simd build: every task of a table
 * runs once and is done when run() returns, at 1 to 4 threads and with 8 threads on however few
 * cores; rows name their export and arguments; task errors and lost workers surface as errors,
 * never as a hang, and the pool keeps working (on the calling thread once a worker is lost).
 */
import { loadWasm, loadWasmShared, WasmExports } from '../../../../src/loader/load';
import { createSharedMemory, threadsUnsupportedReason } from '../../../../src/loader/threads';
import { Heap } from '../../../../src/backends/wasm/heap';
import { Pool, spawnWorkers } from '../../../../src/backends/wasm/pool';
import { CTL } from '../../../../src/backends/wasm/worker-source';
import { ConvError } from '../../../../src/errors';
import { detectFeatures } from '../../../../src/loader/detect';

const canThread = threadsUnsupportedReason() === '' && detectFeatures().simd;
const describeThreads = canThread ? describe : describe.skip;

interface Rig {
  pool: Pool;
  heap: Heap;
  ex: WasmExports;
  memory: WebAssembly.Memory;
}

async function rig(threads: number): Promise<Rig> {
  const mem = createSharedMemory(1);
  if (typeof mem === 'string') throw new Error(mem);
  const { module, exports } = await loadWasmShared('simd', mem.memory);
  const heap = new Heap(mem.memory, exports.heap_base(), mem.maxBytes);
  const pool = Pool.start({ module, memory: mem.memory, exports, heap, threads, label: 'test' });
  await pool.ready;
  return { pool, heap, ex: exports, memory: mem.memory };
}

/** Input value i of the clamp tests: spread over +-60, never an integer. */
const value = (i: number): number => ((i * 37) % 121) - 60.25;

/**
 * Fills a table of `count` run_clamp_f32 tasks over `count` slices of `per` floats at p (task t
 * clamps its slice to [-t - 0.5, t + 0.5], so a task run with another's arguments shows), runs it
 * and checks every float.
 */
function clampRun(r: Rig, p: number, count: number, per: number): void {
  const f32 = r.heap.f32();
  for (let i = 0; i < count * per; i++) f32[(p >>> 2) + i] = value(i);
  const id = r.pool.fn('run_clamp_f32');
  const t = r.pool.table(count, 4);
  for (let i = 0; i < count; i++) {
    const o = i * 5;
    t[o] = id;
    t[o + 1] = p + i * per * 4;
    t[o + 2] = per;
    t[o + 3] = -i - 0.5;
    t[o + 4] = i + 0.5;
  }
  r.pool.run(count);
  const out = r.heap.f32();
  for (let i = 0; i < count * per; i++) {
    const task = Math.floor(i / per);
    const want = Math.fround(Math.min(Math.max(Math.fround(value(i)), -task - 0.5), task + 0.5));
    if (out[(p >>> 2) + i] !== want) {
      throw new Error(`count ${count} per ${per}: float ${i} (task ${task}) is ${out[(p >>> 2) + i]}, want ${want}`);
    }
  }
}

describe('Pool.inline (the single-threaded builds)', () => {
  let ex: WasmExports;
  beforeAll(async () => {
    ex = await loadWasm('scalar');
  });

  test('runs every row on the calling thread, each with its own export and arguments', () => {
    const heap = new Heap(ex.memory, ex.heap_base());
    const pool = Pool.inline(ex);
    expect(pool.size).toBe(1);
    const p = heap.alloc(64 * 4);
    const q = heap.alloc(64 * 4);
    const f32 = heap.f32();
    for (let i = 0; i < 64; i++) f32[(p >>> 2) + i] = i - 32;
    const t = pool.table(3, 5);
    // row 0: clamp the first 32 floats to [0, 10]; row 1: transpose 1 x 2 x 16 NCHW -> NHWC into q;
    // row 2: clamp q's 32 floats to [-5, 5]
    t.set([pool.fn('run_clamp_f32'), p, 32, 0, 10, 0], 0);
    t.set([pool.fn('transpose_nchw_nhwc_f32'), p, q, 1, 2, 16], 6);
    t.set([pool.fn('run_clamp_f32'), q, 32, -5, 5, 0], 12);
    pool.run();
    const out = heap.f32();
    for (let k = 0; k < 16; k++) {
      for (let c = 0; c < 2; c++) {
        const src = c * 16 + k;
        const v = Math.min(Math.max(src - 32, 0), 10);
        expect(out[(q >>> 2) + k * 2 + c]).toBe(Math.min(Math.max(v, -5), 5));
      }
    }
  });

  test('bad tables and rows are errors', () => {
    const pool = Pool.inline(ex);
    expect(() => pool.fn('no_such_export' as never)).toThrow(/no function export/);
    expect(() => pool.table(1, 33)).toThrow(/argc/);
    expect(() => pool.table(-1, 2)).toThrow(/count/);
    const t = pool.table(1, 2);
    t[0] = pool.fn('run_clamp_f32'); // 4 parameters in rows of 2
    expect(() => pool.run()).toThrow(/run_clamp_f32, 4 arguments\) in rows of 2/);
    t[0] = 1e6;
    expect(() => pool.run()).toThrow(/does not exist/);
    expect(() => pool.run(2)).toThrow(/table/);
  });
});

describeThreads.each([2, 3, 4, 8])('a pool of %i threads', (threads) => {
  let r: Rig;
  let p = 0;
  beforeAll(async () => {
    r = await rig(threads);
    p = r.heap.alloc(1 << 24);
  });
  afterAll(() => r?.pool.close());

  test('starts the workers it was asked for', () => {
    expect(r.pool.size).toBe(threads);
    expect(r.pool.lostReason).toBe('');
  });

  test('every task runs with its own arguments and is done when run() returns', () => {
    for (let round = 0; round < 3; round++) {
      for (const count of [1, 2, threads - 1, threads, threads + 1, 7, 64, 257]) {
        if (count < 1) continue;
        for (const per of [1, 16, 1000]) clampRun(r, p, count, per);
      }
    }
  });

  test('the workers take tasks too', () => {
    // NEXT ends at count plus one ticket per thread that took part (each takes one past the end)
    const ctl = (r.pool as unknown as { ctl: Int32Array }).ctl;
    let most = 0;
    for (let round = 0; round < 40 && most < 2; round++) {
      clampRun(r, p, 4 * threads, 1 << 16);
      most = Math.max(most, Atomics.load(ctl, CTL.NEXT) - 4 * threads);
    }
    expect(most).toBeGreaterThanOrEqual(2);
    expect(most).toBeLessThanOrEqual(threads);
  });

  test('many short runs back to back (the generation protocol)', () => {
    for (let i = 0; i < 2000; i++) clampRun(r, p, 1 + (i % (2 * threads + 3)), 4);
  });

  test('rows of different exports in one table', () => {
    const q = r.heap.alloc(4 * 4096 * 4);
    const f32 = r.heap.f32();
    for (let i = 0; i < 4 * 4096; i++) f32[(p >>> 2) + i] = value(i);
    const clamp = r.pool.fn('run_clamp_f32');
    const tr = r.pool.fn('transpose_nchw_nhwc_f32');
    const t = r.pool.table(8, 5);
    // tasks 0..3 transpose image t (2 x 2048, NCHW) into q; tasks 4..7 clamp images 4..7 in place
    for (let i = 0; i < 4; i++) t.set([tr, p + i * 4096 * 4, q + i * 4096 * 4, 1, 2, 2048], i * 6);
    for (let i = 4; i < 8; i++) t.set([clamp, p + (i - 4) * 4096 * 4 + 4 * 4 * 4096, 4096, -1, 1, 0], i * 6);
    // the clamps touch floats 4*4096 .. 8*4096, apart from what the transposes read
    for (let i = 4 * 4096; i < 8 * 4096; i++) f32[(p >>> 2) + i] = value(i);
    r.pool.run();
    const out = r.heap.f32();
    for (let img = 0; img < 4; img++) {
      for (let k = 0; k < 2048; k++) {
        for (let c = 0; c < 2; c++) {
          expect(out[(q >>> 2) + img * 4096 + k * 2 + c]).toBe(Math.fround(value(img * 4096 + c * 2048 + k)));
        }
      }
    }
    for (let i = 4 * 4096; i < 8 * 4096; i++) {
      expect(out[(p >>> 2) + i]).toBe(Math.fround(Math.min(Math.max(Math.fround(value(i)), -1), 1)));
    }
    r.heap.free(q);
  });

  test('perThread: each thread offsets the argument by its index times the bytes', () => {
    // tasks copy their own slice (nchw_to_nhwc with c = 1 is a copy) into the scratch slot of the
    // thread that runs them: every touched slot holds one whole task's slice, slots >= size none
    const per = 1 << 16;
    const count = 4 * threads;
    const src = r.heap.alloc(count * per * 4);
    const slots = r.heap.alloc((threads + 1) * per * 4);
    const f32 = r.heap.f32();
    for (let i = 0; i < count * per; i++) f32[(src >>> 2) + i] = i;
    const copy = r.pool.fn('transpose_nchw_nhwc_f32');
    let touched = 0;
    for (let round = 0; round < 40 && touched < 2; round++) {
      r.heap.f32().fill(-1, slots >>> 2, (slots >>> 2) + (threads + 1) * per);
      const t = r.pool.table(count, 5);
      for (let i = 0; i < count; i++) t.set([copy, src + i * per * 4, slots, 1, 1, per], i * 6);
      r.pool.run(count, { arg: 1, bytes: per * 4 });
      const out = r.heap.f32();
      touched = 0;
      for (let k = 0; k <= threads; k++) {
        const s0 = out[(slots >>> 2) + k * per];
        if (k === threads || s0 === -1) {
          expect(s0).toBe(-1);
          continue;
        }
        touched++;
        expect(s0 % per).toBe(0);
        for (let j = 0; j < per; j++) if (out[(slots >>> 2) + k * per + j] !== s0 + j) throw new Error(`slot ${k} float ${j}`);
      }
    }
    expect(touched).toBeGreaterThanOrEqual(2);
    expect(() => r.pool.run(count, { arg: 5, bytes: 4 })).toThrow(/perThread/);
    r.heap.free(slots);
    r.heap.free(src);
  });

  test('the workers see memory the caller grew between runs', () => {
    const before = r.memory.buffer.byteLength;
    const big = r.heap.alloc(before + (8 << 20));
    expect(r.memory.buffer.byteLength).toBeGreaterThan(before);
    clampRun(r, big + (before & ~63), 4 * threads, 1 << 16);
    r.heap.free(big);
  });

  test('a task that traps throws an Error in the caller; the pool keeps working', () => {
    const clamp = r.pool.fn('run_clamp_f32');
    for (let round = 0; round < 5; round++) {
      const count = 4 * threads;
      const bad = (round * 3) % count;
      const t = r.pool.table(count, 4);
      for (let i = 0; i < count; i++) {
        t.set([clamp, i === bad ? 0xfffffff0 : p + i * 4096, 1024, -1, 1], i * 5);
      }
      expect(() => r.pool.run()).toThrow(/out of bounds/);
      clampRun(r, p, count, 64);
    }
    expect(r.pool.size).toBe(threads);
  });
});

describeThreads('lost workers', () => {
  // a lost worker warns once on the console
  beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('a worker that stops during a run: ConvError BACKEND_UNAVAILABLE, then the calling thread only', async () => {
    const r = await rig(3);
    const p = r.heap.alloc(1 << 20);
    clampRun(r, p, 6, 1000);
    const ctl = (r.pool as unknown as { ctl: Int32Array }).ctl;
    Atomics.store(ctl, CTL.QUIT, 2); // the next worker to take a task exits holding it
    const t = r.pool.table(64, 4);
    for (let i = 0; i < 64; i++) t.set([r.pool.fn('run_clamp_f32'), p + i * 4096, 1024, -1, 1], i * 5);
    let err: unknown;
    try {
      r.pool.run();
    } catch (e) {
      err = e;
    }
    // the caller may have taken every task before a worker woke: then nothing was lost
    if (err !== undefined) {
      expect(err).toBeInstanceOf(ConvError);
      expect((err as ConvError).code).toBe('BACKEND_UNAVAILABLE');
      expect((err as Error).message).toMatch(/worker thread \d of the 3-thread pool stopped during a call/);
      expect(r.pool.size).toBe(1);
      expect(r.pool.lostReason).toMatch(/calling thread/);
    } else {
      Atomics.store(ctl, CTL.QUIT, 0);
    }
    clampRun(r, p, 6, 1000);
    r.pool.close();
  });

  test('a worker that stops during a run is always caught (many tries)', async () => {
    let caught = 0;
    for (let k = 0; k < 5 && caught === 0; k++) {
      const r = await rig(2);
      const p = r.heap.alloc(1 << 25);
      const ctl = (r.pool as unknown as { ctl: Int32Array }).ctl;
      Atomics.store(ctl, CTL.QUIT, 2);
      // long tasks: the worker wakes while the caller still runs its first
      const t = r.pool.table(8, 4);
      for (let i = 0; i < 8; i++) t.set([r.pool.fn('run_clamp_f32'), p + i * (1 << 22), 1 << 20, -1, 1], i * 5);
      try {
        r.pool.run();
      } catch (e) {
        expect((e as ConvError).code).toBe('BACKEND_UNAVAILABLE');
        caught++;
      }
      clampRun(r, p, 8, 100);
      r.pool.close();
    }
    expect(caught).toBeGreaterThan(0);
  });

  test('a worker terminated between runs: the next runs take the calling thread, with the reason', async () => {
    const r = await rig(3);
    const p = r.heap.alloc(1 << 20);
    clampRun(r, p, 6, 1000);
    const threads = (r.pool as unknown as { threads: { terminate(): void }[] }).threads;
    threads[1].terminate();
    // no event can arrive during a run: either the probe sees the stopped thread, or the exit event
    // closes the pool before the next run; both leave a pool of one
    for (let i = 0; i < 50 && r.pool.size > 1; i++) {
      try {
        clampRun(r, p, 6, 1000);
      } catch (e) {
        expect((e as ConvError).code).toBe('BACKEND_UNAVAILABLE');
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(r.pool.size).toBe(1);
    expect(r.pool.lostReason).toMatch(/worker thread 2 of the 3-thread pool stopped/);
    clampRun(r, p, 6, 1000);
  });

  test('close() stops the workers, frees their scratch, and later runs take the calling thread', async () => {
    const r = await rig(4);
    const p = r.heap.alloc(1 << 20);
    const inUse = r.heap.bytesInUse;
    r.pool.close();
    expect(r.pool.size).toBe(1);
    expect(r.heap.bytesInUse).toBeLessThan(inUse);
    clampRun(r, p, 9, 1000);
    r.pool.close();
  });

  test('workers that cannot instantiate the module reject ready with the reason', async () => {
    const mem = createSharedMemory(1);
    if (typeof mem === 'string') throw new Error(mem);
    const { module, exports } = await loadWasmShared('simd', mem.memory);
    const heap = new Heap(mem.memory, exports.heap_base(), mem.maxBytes);
    // a memory below the module's declared minimum: the import does not link
    const pool = Pool.start({ module, memory: new WebAssembly.Memory({ initial: 0, maximum: 4, shared: true } as WebAssembly.MemoryDescriptor), exports, heap, threads: 2, label: 'test' });
    await expect(pool.ready).rejects.toThrow(/could not instantiate the threaded build/);
    expect(pool.size).toBe(1);
  });

  test('spawned workers that are disposed never start', () => {
    const s = spawnWorkers(2);
    expect(s.failure).toBe('');
    expect(s.threads.length).toBe(2);
    s.dispose();
    expect(s.threads.length).toBe(0);
  });
});
