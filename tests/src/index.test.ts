/**
 * The public entry point: every name API.md lists is exported; init/backend/memory behave as
 * API.md's "Backends and initialisation" says, including NOT_INITIALIZED and
 * BACKEND_UNAVAILABLE (in fresh module instances), 'auto' order, and a runtime without relaxed
 * SIMD (a child Node without --experimental-wasm-relaxed-simd running an esbuild bundle).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as sc from '../../src/index';
import { ALL_BACKENDS, RELAXED_NODE_FLAGS, WASM_BUILD, runtimeBackends } from '../helpers/backends';
import { Rng, expectTensorClose, randomTensor, refConv2d } from '../helpers/reference';

const API_FUNCTIONS = [
  'init', 'backend', 'memory',
  'conv2d', 'depthwiseConv2d', 'pointwiseConv2d', 'separableConv2d', 'convTranspose2d',
  'createConv2d', 'createDepthwiseConv2d', 'createPointwiseConv2d', 'createSeparableConv2d', 'createConvTranspose2d',
  'createSequence',
  'convOutputSize', 'convTransposeOutputSize',
  'conv2dShape', 'depthwiseConv2dShape', 'pointwiseConv2dShape', 'separableConv2dShape', 'convTranspose2dShape',
  'conv2dMacs', 'depthwiseConv2dMacs', 'pointwiseConv2dMacs', 'separableConv2dMacs', 'convTranspose2dMacs',
];

const rng = new Rng(11);
const X = randomTensor(rng, [1, 3, 4, 4]);
const W = randomTensor(rng, [2, 3, 3, 3]);
const REF = refConv2d(X, W, { padding: 1 });

type Lib = typeof sc;
/** A fresh instance of the library: no init has run in it. */
function fresh(): Lib {
  let lib: Lib | undefined;
  jest.isolateModules(() => {
    lib = require('../../src/index');
  });
  return lib!;
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; isConvError: boolean }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message, isConvError: e instanceof sc.ConvError };
  }
  throw new Error('expected a rejection');
}

describe('exports', () => {
  test.each(API_FUNCTIONS)('%s is an exported function', (name) => {
    expect(typeof (sc as Record<string, unknown>)[name]).toBe('function');
  });
  test('ConvError is an Error subclass with a code', () => {
    const e = new sc.ConvError('BAD_STRIDE', 'conv2d: stride (0) must be positive');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(sc.ConvError);
    expect(e.code).toBe('BAD_STRIDE');
    expect(e.message).toBe('conv2d: stride (0) must be positive');
  });
  test('the wasm build exists (npm run build:wasm)', () => {
    expect(fs.existsSync(WASM_BUILD)).toBe(true);
  });
});

describe('before any init (fresh module)', () => {
  test('an op throws NOT_INITIALIZED, then works after init', async () => {
    const lib = fresh();
    let err: unknown;
    try {
      lib.conv2d(X, W, { padding: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(lib.ConvError);
    expect((err as { code: string }).code).toBe('NOT_INITIALIZED');
    expect((err as Error).message).toContain('conv2d');
    await lib.init({ backend: 'js' });
    expectTensorClose(lib.conv2d(X, W, { padding: 1 }), REF, 'after init js');
  });
  test('prepared layers and the shape helpers: NOT_INITIALIZED for create*, helpers need no init', () => {
    const lib = fresh();
    let err: unknown;
    try {
      lib.createConv2d(W, { padding: 1 });
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string })?.code).toBe('NOT_INITIALIZED');
    expect(lib.conv2dShape([1, 3, 4, 4], [2, 3, 3, 3], { padding: 1 })).toEqual([1, 2, 4, 4]);
    expect(lib.convOutputSize(4, 3, 1, 1, 1)).toBe(4);
  });
});

describe('init', () => {
  const rt = runtimeBackends();

  test("'auto' (the default) takes the first backend the runtime validates", async () => {
    const lib = fresh();
    expect(await lib.init()).toBe(rt[0]);
    expect(lib.backend()).toBe(rt[0]);
    expect(await lib.init({ backend: 'auto' })).toBe(rt[0]);
    expectTensorClose(lib.conv2d(X, W, { padding: 1 }), REF, 'default backend after auto');
  });

  test.each(ALL_BACKENDS)('explicit %s: resolves when the runtime validates it, else rejects BACKEND_UNAVAILABLE', async (name) => {
    const lib = fresh();
    if (rt.includes(name)) {
      expect(await lib.init({ backend: name })).toBe(name);
      expect(lib.backend()).toBe(name);
      expectTensorClose(lib.conv2d(X, W, { padding: 1 }), REF, `default ${name}`);
      expectTensorClose(lib.conv2d(X, W, { padding: 1, backend: name }), REF, `explicit ${name}`);
    } else {
      const r = await rejection(lib.init({ backend: name }));
      expect(r.code).toBe('BACKEND_UNAVAILABLE');
    }
  });

  test('init again sets a new default and keeps the backends loaded before', async () => {
    const lib = fresh();
    const wasm = rt.filter((b) => b !== 'js');
    for (const b of wasm) await lib.init({ backend: b });
    expect(await lib.init({ backend: 'js' })).toBe('js');
    expect(lib.backend()).toBe('js');
    for (const b of [...wasm, 'js' as const]) {
      expectTensorClose(lib.conv2d(X, W, { padding: 1, backend: b }), REF, `per-call ${b}`);
    }
  });

  test('an op on a wasm backend no init resolved throws BACKEND_UNAVAILABLE; js always works', async () => {
    const lib = fresh();
    await lib.init({ backend: 'js' });
    for (const b of ['wasm-relaxed', 'wasm-simd', 'wasm'] as const) {
      let err: unknown;
      try {
        lib.conv2d(X, W, { padding: 1, backend: b });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(lib.ConvError);
      expect((err as { code: string }).code).toBe('BACKEND_UNAVAILABLE');
      expect((err as Error).message).toContain(b);
      expectTensorClose(lib.conv2d(X, W, { padding: 1, backend: 'js' }), REF, `js after ${b}`);
    }
  });

  test('an unknown backend name rejects with BAD_OPTION', async () => {
    const lib = fresh();
    for (const bad of ['gpu', 'WASM', 'Auto', '']) {
      const r = await rejection(lib.init({ backend: bad as never }));
      expect(r.isConvError || r.code !== undefined).toBe(true);
      expect(r.code).toBe('BAD_OPTION');
      expect(r.message).toContain('init');
    }
    expect(await lib.init({ backend: 'js' })).toBe('js');
  });
});

describe('memory()', () => {
  test('wasmBytes is the size of the linear memory (whole 64 KiB pages) once a wasm backend is loaded', async () => {
    const wasm = runtimeBackends().filter((b) => b !== 'js');
    const lib = fresh();
    await lib.init({ backend: wasm[0] });
    const m = lib.memory();
    expect(m.wasmBytes).toBeGreaterThan(0);
    expect(m.wasmBytes % 65536).toBe(0);
    expect(m.bytesInUse).toBeLessThanOrEqual(m.wasmBytes);
  });
  test('reports numbers; liveLayers counts layers', async () => {
    await sc.init({ backend: 'js' });
    const m = sc.memory();
    for (const k of ['wasmBytes', 'bytesInUse', 'liveLayers'] as const) {
      expect(Number.isInteger(m[k])).toBe(true);
      expect(m[k]).toBeGreaterThanOrEqual(0);
    }
    const l = sc.createConv2d(W, { padding: 1, backend: 'js' });
    expect(sc.memory().liveLayers).toBe(m.liveLayers + 1);
    l.dispose();
    expect(sc.memory().liveLayers).toBe(m.liveLayers);
  });
});

describe("a child Node without --experimental-wasm-relaxed-simd (no relaxed SIMD before Node 22)", () => {
  let bundle = '';
  let dir = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdconv-index-'));
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

  const script = `
    const lib = require(process.argv[1]);
    (async () => {
      const out = {};
      try { await lib.init({ backend: 'wasm-relaxed' }); out.relaxed = 'resolved'; } catch (e) { out.relaxed = e.code; }
      out.auto = await lib.init();
      const x = { data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] };
      const w = { data: new Float32Array([1, 1, 1, 1]), shape: [1, 1, 2, 2] };
      out.y = Array.from(lib.conv2d(x, w).data);
      console.log(JSON.stringify(out));
    })().catch((e) => { console.log(JSON.stringify({ error: String(e) })); });`;

  test("explicit 'wasm-relaxed' rejects BACKEND_UNAVAILABLE and 'auto' takes wasm-simd (Node 20/21)", () => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script, bundle], { env, encoding: 'utf8', timeout: 60000 }).trim());
    // Node 22+ runs relaxed SIMD without the flag: there 'auto' takes it
    if (RELAXED_NODE_FLAGS.length === 0) expect(out).toEqual({ relaxed: 'resolved', auto: 'wasm-relaxed', y: [10] });
    else expect(out).toEqual({ relaxed: 'BACKEND_UNAVAILABLE', auto: 'wasm-simd', y: [10] });
  });

  test("with relaxed SIMD (the flag on Node 20/21), 'wasm-relaxed' resolves and 'auto' takes it", () => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const out = JSON.parse(
      execFileSync(process.execPath, [...RELAXED_NODE_FLAGS, '-e', script, bundle], { env, encoding: 'utf8', timeout: 60000 }).trim(),
    );
    expect(out).toEqual({ relaxed: 'resolved', auto: 'wasm-relaxed', y: [10] });
  });
});

describe('init is guarded', () => {
  test('concurrent inits of the same backends resolve to the same names and the module works', async () => {
    const lib = fresh();
    const rt = runtimeBackends();
    const names = await Promise.all([...rt, ...rt].map((b) => lib.init({ backend: b })));
    expect(names).toEqual([...rt, ...rt]);
    for (const b of rt) expectTensorClose(lib.conv2d(X, W, { padding: 1, backend: b }), REF, `after concurrent init ${b}`);
  });
});
