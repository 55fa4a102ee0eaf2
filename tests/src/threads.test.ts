/**
 * init({ threads }) and threads() (API.md, "Backends and initialisation"), each in a fresh module
 * instance: the values before and after init, BAD_OPTION for every value that is not 'auto' or a
 * positive integer, the cap, one thread with a reason (and one warning) where threads cannot
 * serve, `threads: 1` as the single-threaded build, and child Node processes: a script that
 * used threads exits by itself, and one without SharedArrayBuffer runs on one thread and says why.
 * That N threads give the bits of one: threads-bits.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WasmBackend } from '../../src/backends/wasm/backend';
import { CTL } from '../../src/backends/wasm/worker-source';
import { RELAXED_NODE_FLAGS } from '../helpers/backends';
import { Rng, randomTensor } from '../helpers/reference';
import { THREADED, closeAll, opened, track } from './threads-helpers';

const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

afterEach(() => {
  for (const f of opened.splice(0)) closeAll(f);
  jest.restoreAllMocks();
});

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return undefined;
}

describe('threads()', () => {
  test('is exported, and before any init is one thread, "auto", "init() has not run"', () => {
    const { lib } = track();
    expect(typeof lib.threads).toBe('function');
    expect(lib.threads()).toEqual({ count: 1, requested: 'auto', reason: 'init() has not run' });
  });

  test.each([0, -1, 1.5, NaN, '2', Infinity, -Infinity, null, true, {}, [2], 2n])(
    'threads: %p rejects with BAD_OPTION and changes nothing', async (bad) => {
      const { lib } = track();
      expect(await code(lib.init({ threads: bad as never }))).toBe('BAD_OPTION');
      expect(lib.threads()).toEqual({ count: 1, requested: 'auto', reason: 'init() has not run' });
      await expect(lib.init({ backend: 'js', threads: bad as never })).rejects.toThrow(/threads .* must be 'auto' or a positive integer/);
    });

  test("'auto' (the default) takes the cores, at most 16, with no reason and no warning", async () => {
    const { lib } = track();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const name = await lib.init();
    const want = name === 'wasm-relaxed' || name === 'wasm-simd' ? Math.min(CORES, 16) : 1;
    expect(lib.threads()).toEqual({ count: want, requested: 'auto', reason: want === Math.min(CORES, 16) ? '' : expect.any(String) });
    expect(warn).not.toHaveBeenCalled();
  });

  test('threads: 1 is the single-threaded build, with no pool', async () => {
    for (const b of THREADED) {
      const { lib, reg } = track();
      await lib.init({ backend: b, threads: 1 });
      expect(lib.threads()).toEqual({ count: 1, requested: 1, reason: '' });
      const be = reg.getBackend('test', b) as WasmBackend;
      expect(be.exports.HAS_THREADS.value).toBe(0);
      expect(Object.prototype.toString.call(be.exports.memory.buffer)).toBe('[object ArrayBuffer]');
      expect(be.pool.size).toBe(1);
    }
  });

  test.each(THREADED)('%s: threads 2, 3 and 8 (more than the cores) give that many, on the threaded build', async (b) => {
    for (const n of [2, 3, 8]) {
      const f = track();
      const { lib, reg } = f;
      expect(await lib.init({ backend: b, threads: n })).toBe(b);
      expect(lib.threads()).toEqual({ count: n, requested: n, reason: '' });
      const be = reg.getBackend('test', b) as WasmBackend;
      expect(be.exports.HAS_THREADS.value).toBe(1);
      expect(Object.prototype.toString.call(be.exports.memory.buffer)).toBe('[object SharedArrayBuffer]');
      expect(be.pool.size).toBe(n);
      // the splits plan for, and a run wakes, the threads that have a core (the caller and cores - 1)
      expect(be.pool.width).toBe(n > CORES ? Math.max(2, CORES) : n);
      closeAll(f);
    }
  });

  test('above 64 is capped to 64 and the reason says so (the target; no 63 workers started here)', () => {
    const { reg } = track();
    const target = (reg as unknown as { targetThreads(r: number | 'auto'): { target: number; note: string } }).targetThreads;
    expect(target(65)).toEqual({ target: 64, note: 'threads: 65 is above the 64 a pool takes; capped to 64' });
    expect(target(1e9).target).toBe(64);
    expect(target(64)).toEqual({ target: 64, note: '' });
    expect(target('auto')).toEqual({ target: Math.min(CORES, 16), note: '' });
  });

  test('js and scalar wasm run on one thread with the reason; asking for 4 warns once', async () => {
    const { lib } = track();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await lib.init({ backend: 'js', threads: 4 });
    expect(lib.threads()).toEqual({
      count: 1, requested: 4, reason: 'the js backend runs on the calling thread (threads serve wasm-relaxed and wasm-simd)',
    });
    await lib.init({ backend: 'wasm', threads: 4 });
    expect(lib.threads()).toEqual({
      count: 1, requested: 4, reason: 'the wasm backend runs on the calling thread (threads serve wasm-relaxed and wasm-simd)',
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/asked for 4 threads and runs on one: the js backend/);
    // 'auto' never warns
    await lib.init({ backend: 'js' });
    expect(lib.threads().requested).toBe('auto');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test('threads() follows the default backend; a new count loads a new instance, old layers keep working', async () => {
    if (THREADED.length === 0) return;
    const b = THREADED[0];
    const { lib, reg } = track();
    await lib.init({ backend: b, threads: 2 });
    const rng = new Rng(3);
    const x = randomTensor(rng, [1, 8, 9, 9]);
    const w = randomTensor(rng, [16, 8, 3, 3]);
    const layer = lib.createConv2d(w, { padding: 1 });
    const first = layer.run(x).data.slice();
    const two = reg.getBackend('test', b) as WasmBackend;
    await lib.init({ backend: b, threads: 3 });
    expect(lib.threads().count).toBe(3);
    expect(reg.getBackend('test', b)).not.toBe(two);
    expect(Array.from(layer.run(x).data)).toEqual(Array.from(first));
    expect(Array.from(lib.conv2d(x, w, { padding: 1 }).data)).toEqual(Array.from(first));
    await lib.init({ backend: 'js' });
    expect(lib.threads()).toEqual({ count: 1, requested: 'auto', reason: expect.any(String) });
    layer.dispose();
    two.pool.close();
  });

  test('pool.wake() wakes sleeping workers without a run; the calls after it give the same bits', async () => {
    if (THREADED.length === 0) return;
    const b = THREADED[0];
    const { lib, reg } = track();
    await lib.init({ backend: b, threads: 3 });
    const pool = (reg.getBackend('test', b) as WasmBackend).pool;
    const ctl = (pool as unknown as { ctl: Int32Array }).ctl;
    const sleepers = (): number => Atomics.load(ctl, CTL.SLEEPERS);
    const until = async (ok: () => boolean): Promise<boolean> => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
      return ok();
    };
    const rng = new Rng(7);
    const x = randomTensor(rng, [1, 16, 24, 24]);
    const w = randomTensor(rng, [32, 16, 3, 3]);
    const first = lib.conv2d(x, w, { padding: 1 }).data.slice();
    // past their polls, the workers that take runs sleep (both, or on fewer than 3 cores the one
    // with a core of its own: the other stays parked); wake() gets them polling again, with no run
    // open (for long polls here, so that this thread sees them awake however they are scheduled)
    expect(await until(() => sleepers() === pool.width - 1)).toBe(true);
    const gen = Atomics.load(ctl, CTL.GEN);
    Atomics.store(ctl, CTL.SPIN, 2 ** 30);
    pool.wake();
    expect(Atomics.load(ctl, CTL.GEN) & 1).toBe(0);
    expect(Atomics.load(ctl, CTL.GEN)).not.toBe(gen);
    expect(await until(() => sleepers() === 0)).toBe(true);
    Atomics.store(ctl, CTL.SPIN, 20000);
    expect(Array.from(lib.conv2d(x, w, { padding: 1 }).data)).toEqual(Array.from(first));
    // a pool of one has no one to wake
    await lib.init({ backend: b, threads: 1 });
    expect(() => (reg.getBackend('test', b) as WasmBackend).pool.wake()).not.toThrow();
  });

  test('with more threads than cores, the workers past the cores stay parked and the bits are one thread\'s', async () => {
    if (THREADED.length === 0) return;
    const b = THREADED[0];
    jest.spyOn(os, 'availableParallelism').mockReturnValue(2);
    const { lib, reg } = track();
    const rng = new Rng(9);
    const x = randomTensor(rng, [2, 24, 20, 20]);
    const w = randomTensor(rng, [40, 24, 3, 3]);
    await lib.init({ backend: b, threads: 1 });
    const one = lib.conv2d(x, w, { padding: 1 }).data.slice();
    await lib.init({ backend: b, threads: 6 });
    const pool = (reg.getBackend('test', b) as WasmBackend).pool;
    const ctl = (pool as unknown as { ctl: Int32Array }).ctl;
    expect([pool.size, pool.width, Atomics.load(ctl, CTL.ACTIVE)]).toEqual([6, 2, 1]);
    for (let i = 0; i < 3; i++) expect(Array.from(lib.conv2d(x, w, { padding: 1 }).data)).toEqual(Array.from(one));
    // only worker 1 ever waits on GEN (SLEEPERS counts it) or enters a run (STATE); 2..5 wait on QUIT
    for (let i = 0; i < 400 && Atomics.load(ctl, CTL.SLEEPERS) !== 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(Atomics.load(ctl, CTL.SLEEPERS)).toBe(1);
    for (let i = 2; i <= 5; i++) expect(Atomics.load(ctl, CTL.STATE + i)).toBe(0);
  });

  test('memory() stays flat over repeated calls with threads', async () => {
    if (THREADED.length === 0) return;
    const { lib } = track();
    await lib.init({ backend: THREADED[0], threads: 2 });
    const rng = new Rng(5);
    const x = randomTensor(rng, [1, 16, 20, 20]);
    const w = randomTensor(rng, [32, 16, 3, 3]);
    lib.conv2d(x, w, { padding: 1 });
    const before = lib.memory();
    for (let i = 0; i < 10; i++) lib.conv2d(x, w, { padding: 1 });
    expect(lib.memory()).toEqual(before);
  });
});

describe('a call too small to split', () => {
  // runs on the single-threaded build of the same flavour (WasmBackend.twin): the bits of one
  // thread, freed with its layer, flat over repeated calls; a stage with more weights than the twin
  // keeps (TWIN_MAX_WEIGHTS) stays on the shared memory
  test.each(THREADED)('%s: runs on the single-threaded build, and a call that splits does not', async (b) => {
    const one = track();
    await one.lib.init({ backend: b, threads: 1 });
    const { lib } = track();
    await lib.init({ backend: b, threads: 2 });
    const rng = new Rng(41);
    const small = { dw: randomTensor(rng, [8, 1, 3, 3]), pw: randomTensor(rng, [12, 8, 1, 1]), x: randomTensor(rng, [2, 8, 6, 5]) };
    const big = { w: randomTensor(rng, [32, 16, 3, 3]), x: randomTensor(rng, [1, 16, 40, 40]) };
    const wide = { w: randomTensor(rng, [256, 512, 1, 1]), x: randomTensor(rng, [1, 512, 1, 1]) };
    const bits = (t: { data: Float32Array }): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
    const layers = (l: typeof lib) => ({
      dw: l.createDepthwiseConv2d(small.dw, { padding: [1, 0, 1, 1], activation: 'gelu' }),
      net: l.createSequence([l.createDepthwiseConv2d(small.dw, { padding: 1 }), l.createPointwiseConv2d(small.pw, { activation: 'relu6' })]),
      big: l.createConv2d(big.w, { padding: 1 }),
      wide: l.createPointwiseConv2d(wide.w),
    });
    const before = lib.memory();
    const a = layers(one.lib);
    const m = layers(lib);
    const inputs = { dw: small.x, net: small.x, big: big.x, wide: wide.x };
    const names = ['dw', 'net', 'big', 'wide'] as const;
    for (const k of names) expect({ k, bits: bits(m[k].run(inputs[k])) }).toEqual({ k, bits: bits(a[k].run(inputs[k])) });
    const twin = (d: { path: string }[]): boolean[] => d.map((s) => s.path.includes('on the single-threaded build'));
    expect(twin(m.dw.describe())).toEqual([true]);
    expect(twin(m.net.describe())).toEqual([true, true]);
    expect(twin(m.big.describe())).toEqual([false]);
    expect(m.big.describe()[0].kernel).toContain('on 2 threads');
    expect(twin(m.wide.describe())).toEqual([false]);
    expect(m.wide.describe()[0].kernel).not.toContain('threads');
    // the twin's memory counts in memory(), stays flat, and comes back on dispose
    const after = lib.memory();
    expect(after.bytesInUse).toBeGreaterThan(before.bytesInUse);
    for (let i = 0; i < 5; i++) for (const k of names) m[k].run(inputs[k]);
    expect(lib.memory()).toEqual(after);
    for (const k of names) {
      m[k].dispose();
      a[k].dispose();
    }
    expect(lib.memory().bytesInUse).toBe(before.bytesInUse);
    expect(lib.memory().liveLayers).toBe(before.liveLayers);
  });
});

describe('child Node processes', () => {
  let dir = '';
  let bundle = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdconv-threads-'));
    bundle = path.join(dir, 'simdconv.cjs');
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [path.join(__dirname, '..', '..', 'src', 'index.ts')],
      bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent',
    });
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const script = (prelude: string, threads: string) => `
    ${prelude}
    const lib = require(process.argv[1]);
    (async () => {
      const t0 = performance.now();
      const backend = await lib.init({ threads: ${threads} });
      const initMs = performance.now() - t0;
      const x = { data: new Float32Array(2 * 8 * 12 * 12).map((_, i) => (i % 7) - 3), shape: [2, 8, 12, 12] };
      const w = { data: new Float32Array(16 * 8 * 3 * 3).map((_, i) => (i % 5) - 2), shape: [16, 8, 3, 3] };
      const y = lib.conv2d(x, w, { padding: 1 });
      console.log(JSON.stringify({ backend, threads: lib.threads(), initMs, sum: y.data.reduce((s, v) => s + v, 0) }));
    })().catch((e) => { console.log(JSON.stringify({ error: String(e && e.stack || e) })); });`;

  function runChild(flags: string[], src: string): { out: Record<string, unknown>; stderr: string } {
    const env = { ...process.env, NODE_OPTIONS: '' };
    // a child that did not exit by itself is killed by the timeout and fails the test
    const r = spawnSync(process.execPath, [...RELAXED_NODE_FLAGS, ...flags, '-e', src, bundle],
      { env, encoding: 'utf8', timeout: 60000 });
    if (r.error) throw r.error;
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    return { out: JSON.parse(String(r.stdout).trim().split('\n').pop()!), stderr: String(r.stderr) };
  }

  test('a script that used threads exits by itself, with the result of one thread', () => {
    const { out: many } = runChild([], script('', '4'));
    expect(many.error).toBeUndefined();
    const { out: one } = runChild([], script('', '1'));
    if (many.backend === 'wasm-relaxed' || many.backend === 'wasm-simd') {
      expect(many.threads).toEqual({ count: 4, requested: 4, reason: '' });
    }
    expect(one.threads).toEqual({ count: 1, requested: 1, reason: '' });
    expect(many.sum).toBe(one.sum);
  });

  test("'auto' in a fresh process: the cores, started within init", () => {
    const { out } = runChild([], script('', "'auto'"));
    expect(out.threads).toEqual({ count: Math.min(CORES, 16), requested: 'auto', reason: '' });
    expect(typeof out.initMs).toBe('number');
  });

  test('without SharedArrayBuffer (--no-harmony-sharedarraybuffer): one thread, the reason, one warning', () => {
    const { out, stderr } = runChild(['--no-harmony-sharedarraybuffer'], script('', '4'));
    expect(out.error).toBeUndefined();
    expect(out.threads).toEqual({
      count: 1, requested: 4,
      reason: 'SharedArrayBuffer is not available in this Node process (was it started with --no-harmony-sharedarraybuffer?)',
    });
    expect(stderr.match(/simdconv: init asked for 4 threads and runs on one/g)?.length).toBe(1);
  });

  test('SharedArrayBuffer deleted before the import: the same', () => {
    const { out } = runChild([], script('delete globalThis.SharedArrayBuffer;', "'auto'"));
    expect(out.threads).toEqual({
      count: 1, requested: 'auto',
      reason: 'SharedArrayBuffer is not available in this Node process (was it started with --no-harmony-sharedarraybuffer?)',
    });
  });
});
