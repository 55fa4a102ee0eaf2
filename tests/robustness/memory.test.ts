/**
 * Memory under load, growth and exhaustion, and aliasing, on every backend:
 *
 * - wasmBytes and bytesInUse flat over many functional calls (every op, mixed sizes) and over
 *   create/run/dispose cycles, once warmed up; dispose returns every byte (sequences too); a
 *   second dispose is harmless; run after dispose is DISPOSED; liveLayers is exact;
 * - a prepared layer or sequence keeps its packed copy when the caller mutates weights and biases;
 * - a call that grows wasm memory works, and layers and sequences created before the growth
 *   still give the reference result (fresh views on the new buffer);
 * - a request above 4 GiB and a refused memory.grow (WebAssembly.Memory.prototype.grow patched to
 *   throw RangeError) are OUT_OF_MEMORY; the next call works and bytesInUse is as before;
 * - `out` may alias the input (the same Float32Array, or an overlapping view of its buffer): the
 *   result is the reference on every backend, and x, weights and biases are never modified;
 * - prepared layers run interleaved from several async tasks give the results of running them
 *   one by one.
 *
 * scripts/fuzz-long.mjs repeats the flatness checks at 10^4 functional calls and 10^3 cycles.
 */
import { ConvError } from '../../src/index';
import { CaseInputs, OpCase, makeCases, materialise, referenceOf } from '../helpers/cases';
import { RefTensor, Rng, Tensor, expectClose, expectTensorClose, randomTensor, refPointwiseConv2d } from '../helpers/reference';
import { BACKENDS, createLayer, initBackends, runOp, sc, snapshot } from '../helpers/testers';
import { WASM_BACKENDS } from '../helpers/backends';
import type { BackendName } from '../../src/index';
import { getBackend } from '../../src/backends/registry';

beforeAll(() => initBackends());

const CASES = makeCases([
  { op: 'conv2d', c: 5, cout: 7, k: 3, stride: 2, padding: 'same', bias: true, activation: 'relu', h: 9, w: 7 },
  { op: 'conv2d', c: 6, cout: 4, k: [3, 2], groups: 2, dilation: 2, padding: [2, 1, 0, 1], bias: true, h: 8, w: 6 },
  { op: 'depthwise', c: 13, k: 3, multiplier: 2, padding: 'same', bias: true, h: 6, w: 6 },
  { op: 'depthwise', c: 8, k: 3, stride: 2, padding: 1, activation: 'relu6', h: 10, w: 9 },
  { op: 'pointwise', c: 17, cout: 9, bias: true, activation: 'relu6', h: 4, w: 5 },
  { op: 'pointwise', c: 6, cout: 10, stride: 2, pwRank: 2, h: 7, w: 7 },
  { op: 'separable', c: 6, cout: 10, k: 3, padding: 'same', stride: 2, depthwiseBias: true, depthwiseActivation: 'relu', bias: true, h: 8, w: 8 },
  { op: 'transposed', c: 4, cout: 6, k: 4, stride: 2, groups: 2, padding: 'same', bias: true, h: 4, w: 5 },
  { op: 'transposed', c: 3, cout: 5, k: 3, stride: 2, dilation: 2, padding: 1, outputPadding: 1, h: 3, w: 4 },
]);
const LAYOUT_OF = (i: number): 'NCHW' | 'NHWC' => (i % 2 ? 'NHWC' : 'NCHW');
const DATA = CASES.map((c, i) => {
  const inp = materialise(c, LAYOUT_OF(i));
  return { c, inp, ref: referenceOf(c, inp) };
});

function expectCode(f: () => unknown, code: string): ConvError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof ConvError)) throw new Error(`expected ConvError ${code}, got ${err === undefined ? 'a result' : String(err)}`);
  expect(err.code).toBe(code);
  return err;
}

// ---------------------------------------------------------------------------------------------
// Growth and exhaustion (wasm backends: the heap and memory.grow are theirs)

const WASM = BACKENDS.filter((b) => WASM_BACKENDS.includes(b));
const describeWasm = WASM.length ? describe.each(WASM) : describe.skip.each(['none' as BackendName]);

/** The linear memory size of one backend (memory() sums every loaded module). */
const ownBytes = (backend: string): number => getBackend('test', backend as never).memory().wasmBytes;

/** Stride of the big pointwise calls: their inputs are big, their outputs 1/64 of that. */
const BIG_STRIDE = 8;

/**
 * A pointwise NHWC call (stride BIG_STRIDE) whose input alone is about `bytes` bytes. Its expected
 * result is the plain 4x2 matrix product per sampled pixel, in float64 (refPointwiseConv2d's
 * layout permutes over megabytes take seconds; this is the same sum).
 */
function bigPointwise(bytes: number, w: Tensor = randomTensor(new Rng(10), [4, 2])): { x: Tensor; w: Tensor; ref: RefTensor } {
  const c = 4;
  const side = Math.ceil(Math.sqrt(bytes / 4 / c));
  const x = { data: new Float32Array(side * side * c), shape: [1, side, side, c] };
  for (let i = 0; i < x.data.length; i++) x.data[i] = ((i * 7919) % 1999) / 1000 - 1;
  const o = Math.floor((side - 1) / BIG_STRIDE) + 1;
  const ref = new Float64Array(o * o * 2);
  for (let oy = 0; oy < o; oy++) {
    for (let ox = 0; ox < o; ox++) {
      const p = oy * BIG_STRIDE * side + ox * BIG_STRIDE;
      for (let k = 0; k < 2; k++) {
        let acc = 0;
        for (let ci = 0; ci < c; ci++) acc += x.data[p * c + ci] * w.data[ci * 2 + k];
        ref[(oy * o + ox) * 2 + k] = acc;
      }
    }
  }
  return { x, w, ref: { data: ref, shape: [1, o, o, 2] } };
}

describeWasm('%s: growth and exhaustion', (backend) => {
  test('a refused memory.grow is OUT_OF_MEMORY for functional calls, create, layers and sequences; all work again after', () => {
    const d = DATA[2];
    runOp(d.c, d.inp, backend);
    const layer = createLayer(d.c, d.inp, backend);
    const w4x2 = randomTensor(new Rng(1), [4, 2]);
    const pw = sc.createPointwiseConv2d(w4x2, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never);
    const seq = sc.createSequence([sc.createPointwiseConv2d(randomTensor(new Rng(2), [4, 4]), { layout: 'NHWC', stride: BIG_STRIDE, backend } as never),
      sc.createPointwiseConv2d(w4x2, { layout: 'NHWC', backend } as never)] as never);
    layer.run(d.inp.x);
    const proto = WebAssembly.Memory.prototype as { grow: (pages: number) => number };
    const grow = proto.grow;
    const m0 = sc.memory();
    const own = ownBytes(backend);
    const big = bigPointwise(own + (1 << 20), w4x2);
    const bigW = randomTensor(new Rng(3), [1, Math.ceil(own / 4 / 9) + 1024, 3, 3]);
    let calls = 0;
    proto.grow = function refused(): number {
      calls++;
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded (refused by the test)');
    };
    try {
      expectCode(() => sc.pointwiseConv2d(big.x, w4x2, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never), 'OUT_OF_MEMORY');
      expectCode(() => pw.run(big.x), 'OUT_OF_MEMORY');
      expectCode(() => seq.run(big.x), 'OUT_OF_MEMORY');
      expectCode(() => sc.createConv2d(bigW, { backend } as never), 'OUT_OF_MEMORY');
      expect(calls).toBeGreaterThan(0);
      expect(sc.memory().liveLayers).toBe(m0.liveLayers);
      // small calls still fit without growing
      expectTensorClose(layer.run(d.inp.x), d.ref, 'layer while growth is refused');
      expectTensorClose(runOp(d.c, d.inp, backend), d.ref, 'functional while growth is refused');
    } finally {
      proto.grow = grow;
    }
    expect(ownBytes(backend)).toBe(own);
    // a refused run may drop that layer's run buffers (they come back on its next run)
    expect(sc.memory().bytesInUse).toBeLessThanOrEqual(m0.bytesInUse);
    expectTensorClose(pw.run(big.x), big.ref, 'layer once growth is allowed again');
    expectTensorClose(layer.run(d.inp.x), d.ref, 'other layer after');
    seq.run(big.x);
    const m1 = sc.memory();
    pw.dispose();
    seq.dispose();
    layer.dispose();
    expect(sc.memory().liveLayers).toBe(m1.liveLayers - 4);
  });

  test('a run that grows wasm memory works; layers and a sequence made before it still give the reference', () => {
    const layers = DATA.slice(0, 5).map((d) => createLayer(d.c, d.inp, backend));
    const rng = new Rng(12);
    const sx = randomTensor(rng, [1, 3, 6, 6]);
    const seq = sc.createSequence([sc.createConv2d(randomTensor(rng, [4, 3, 2, 2]), { backend } as never),
      sc.createDepthwiseConv2d(randomTensor(rng, [8, 1, 3, 3]), { padding: 1, backend } as never)] as never);
    const big = bigPointwise(ownBytes(backend) + (1 << 20));
    const l0 = sc.createPointwiseConv2d(big.w, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never);
    try {
      layers.forEach((l, i) => expectTensorClose(l.run(DATA[i].inp.x), DATA[i].ref, `${DATA[i].c.name} before`));
      const seqBefore = seq.run(sx);
      const w0 = ownBytes(backend);
      // the layer's own run grows the memory (its buffers and the output view come after)
      expectTensorClose(l0.run(big.x), big.ref, 'the run that grows the memory');
      expect(ownBytes(backend)).toBeGreaterThan(w0);
      layers.forEach((l, i) => expectTensorClose(l.run(DATA[i].inp.x), DATA[i].ref, `${DATA[i].c.name} after growth`));
      expectTensorClose(seq.run(sx), { data: Float64Array.from(seqBefore.data), shape: seqBefore.shape }, 'sequence after growth');
      expectTensorClose(sc.pointwiseConv2d(big.x, big.w, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never), big.ref, 'functional big call');
    } finally {
      for (const l of layers) l.dispose();
      l0.dispose();
      seq.dispose();
    }
  });

  test('a request above 4 GiB is OUT_OF_MEMORY, without growing; the next call works with the same bytesInUse', () => {
    const d = DATA[0];
    runOp(d.c, d.inp, backend);
    const m0 = sc.memory();
    // transposed 16x16 on 2048x2048, cropped to 1x1: its column buffer is 4M pixels x 256 taps x 4 B = 4 GiB
    const x = { data: new Float32Array(2048 * 2048).fill(0.5), shape: [1, 1, 2048, 2048] };
    const w = { data: new Float32Array(256).fill(1), shape: [1, 1, 16, 16] };
    const opts = { padding: [1031, 1031, 1031, 1031] };
    expect(sc.convTranspose2dShape(x.shape, w.shape, opts as never)).toEqual([1, 1, 1, 1]);
    expectCode(() => sc.convTranspose2d(x, w, { ...opts, backend } as never), 'OUT_OF_MEMORY');
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expectTensorClose(runOp(d.c, d.inp, backend), d.ref, 'after OUT_OF_MEMORY');
    const l = sc.createConvTranspose2d(w, { ...opts, backend } as never);
    expectCode(() => l.run(x), 'OUT_OF_MEMORY');
    expectCode(() => l.run(x), 'OUT_OF_MEMORY');
    l.dispose();
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers);
    expect(ownBytes(backend)).toBeLessThan(2 ** 30);
  });
});

const FUNCTIONAL_CALLS = 1000;
const CYCLES = 150;

describe.each(BACKENDS)('%s: flat memory', (backend) => {
  test(`${FUNCTIONAL_CALLS} functional calls over every op keep wasmBytes and bytesInUse flat`, () => {
    for (const d of DATA) runOp(d.c, d.inp, backend); // warm-up
    const m0 = sc.memory();
    for (let i = 0; i < FUNCTIONAL_CALLS; i++) {
      const d = DATA[i % DATA.length];
      const y = runOp(d.c, d.inp, backend);
      if (i % 97 === 0) expectTensorClose(y, d.ref, `${d.c.name} call ${i}`);
    }
    expect(sc.memory()).toEqual(m0);
  });

  test(`${CYCLES} create/run/dispose cycles keep memory flat; dispose returns every byte, liveLayers exact`, () => {
    const cycle = (i: number): void => {
      const d = DATA[i % DATA.length];
      const live = sc.memory().liveLayers;
      const l = createLayer(d.c, d.inp, backend);
      expect(sc.memory().liveLayers).toBe(live + 1);
      const y = l.run(d.inp.x);
      if (i % 13 === 0) expectTensorClose(y, d.ref, `${d.c.name} cycle ${i}`);
      l.dispose();
      expect(sc.memory().liveLayers).toBe(live);
    };
    for (let i = 0; i < DATA.length; i++) cycle(i);
    const m0 = sc.memory();
    for (let i = 0; i < CYCLES; i++) cycle(i);
    expect(sc.memory()).toEqual(m0);
  });

  test('every op and a sequence: dispose returns what create and runs took; second dispose harmless; DISPOSED after', () => {
    const m0 = sc.memory();
    const layers = DATA.map((d) => createLayer(d.c, d.inp, backend));
    expect(sc.memory().liveLayers).toBe(m0.liveLayers + DATA.length);
    DATA.forEach((d, i) => expectTensorClose(layers[i].run(d.inp.x), d.ref, d.c.name));
    if (backend !== 'js') expect(sc.memory().bytesInUse).toBeGreaterThan(m0.bytesInUse);
    for (const [i, l] of layers.entries()) {
      l.dispose();
      l.dispose();
      expect(sc.memory().liveLayers).toBe(m0.liveLayers + DATA.length - i - 1);
      expectCode(() => l.run(DATA[i].inp.x), 'DISPOSED');
    }
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    // a sequence: conv2d (NHWC) then depthwise over its 7 channels
    const rng = new Rng(3);
    const a = DATA[1]; // NHWC conv2d case
    const dw = randomTensor(rng, [3, 3, 4, 2]);
    const seq = sc.createSequence([createLayer(a.c, a.inp, backend), sc.createDepthwiseConv2d(dw, { layout: 'NHWC', padding: 1, backend } as never)] as never);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers + 2);
    seq.run(a.inp.x);
    seq.dispose();
    seq.dispose();
    expectCode(() => seq.run(a.inp.x), 'DISPOSED');
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers);
  });

  test('layers and sequences keep their packed copy when the caller mutates weights and biases', () => {
    for (const d of DATA) {
      const mine: CaseInputs = {
        x: d.inp.x,
        w: { data: new Float32Array(d.inp.w.data), shape: d.inp.w.shape.slice() },
        w2: d.inp.w2 && { data: new Float32Array(d.inp.w2.data), shape: d.inp.w2.shape.slice() },
        opts: { ...d.inp.opts },
      };
      if (d.inp.opts.bias) mine.opts.bias = new Float32Array(d.inp.opts.bias);
      if (d.inp.opts.depthwiseBias) mine.opts.depthwiseBias = new Float32Array(d.inp.opts.depthwiseBias);
      const l = createLayer(d.c, mine, backend);
      try {
        mine.w.data.fill(NaN);
        mine.w.shape[0] = 999;
        mine.w2?.data.fill(1e30);
        mine.opts.bias?.fill(-7);
        mine.opts.depthwiseBias?.fill(7);
        expectTensorClose(l.run(d.inp.x), d.ref, `${d.c.name} after mutation`);
      } finally {
        l.dispose();
      }
    }
    // a sequence made of layers whose weights change after createSequence
    const rng = new Rng(4);
    const w1 = randomTensor(rng, [6, 3, 1, 1]);
    const w1copy = { data: new Float32Array(w1.data), shape: [6, 3, 1, 1] };
    const b1 = randomTensor(rng, [6]).data;
    const b1copy = new Float32Array(b1);
    const w2 = randomTensor(rng, [6, 1, 3, 3]);
    const x = randomTensor(rng, [1, 3, 5, 5]);
    const seq = sc.createSequence([sc.createPointwiseConv2d(w1, { bias: b1, backend } as never), sc.createDepthwiseConv2d(w2, { padding: 1, backend } as never)] as never);
    try {
      const before = seq.run(x);
      w1.data.fill(3);
      b1.fill(3);
      w2.data.fill(-3);
      expectTensorClose(seq.run(x), { data: Float64Array.from(before.data), shape: before.shape }, 'sequence after mutation');
      const mid = refPointwiseConv2d(x, w1copy, { bias: b1copy });
      expect(before.shape).toEqual([1, 6, 5, 5]);
      expect(mid.shape).toEqual([1, 6, 5, 5]);
    } finally {
      seq.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Aliasing

describe.each(BACKENDS)('%s: out aliasing the input', (backend) => {
  // cases whose output has exactly the input's length, so that out can be x itself
  const same = makeCases([
    { op: 'conv2d', c: 4, cout: 4, k: 3, padding: 1, bias: true, h: 6, w: 5 },
    { op: 'conv2d', c: 6, cout: 6, k: 3, groups: 3, padding: 'same', h: 5, w: 7 },
    { op: 'conv2d', c: 8, cout: 8, k: [1, 3], dilation: 2, padding: [0, 2], activation: 'relu', h: 4, w: 9 },
    { op: 'depthwise', c: 8, k: 3, padding: 1, bias: true, h: 7, w: 6 },
    { op: 'depthwise', c: 4, k: 5, padding: 'same', activation: 'relu6', h: 6, w: 6 },
    { op: 'pointwise', c: 9, cout: 9, bias: true, h: 5, w: 5 },
    { op: 'pointwise', c: 5, cout: 5, pwRank: 2, h: 3, w: 8 },
    { op: 'separable', c: 4, cout: 8, k: 3, padding: 1, multiplier: 2, depthwiseBias: true, h: 6, w: 6 },
    { op: 'transposed', c: 4, cout: 4, k: 3, padding: 1, bias: true, h: 5, w: 6 },
    { op: 'transposed', c: 4, cout: 1, k: 4, stride: 2, padding: 'same', h: 3, w: 3 },
  ]);

  test.each(same.flatMap((c) => (['NCHW', 'NHWC'] as const).map((l) => [`${c.name} ${l}`, c, l] as const)))('%s', (_n, c, layout) => {
    const inp = materialise(c, layout);
    const ref = referenceOf(c, inp);
    const check = snapshot({ ...inp, x: { data: new Float32Array(inp.x.data), shape: inp.x.shape } });
    const n = inp.x.data.length;
    const m = ref.data.length;
    // 1. out is x itself (when the lengths agree)
    if (m === n) {
      const x1 = { data: new Float32Array(inp.x.data), shape: inp.x.shape.slice() };
      const y = runOp(c, { ...inp, x: x1 }, backend, { out: x1.data });
      expect(y.data).toBe(x1.data);
      expectTensorClose(y, ref, 'functional, out === x.data');
      const l = createLayer(c, inp, backend);
      try {
        const x2 = { data: new Float32Array(inp.x.data), shape: inp.x.shape.slice() };
        expectTensorClose(l.run(x2, { out: x2.data }), ref, 'layer, out === x.data');
      } finally {
        l.dispose();
      }
    }
    // 2. out and x overlapping views of one buffer, out ahead of x and behind it
    for (const shift of [-3, -1, 1, 5]) {
      const buf = new Float32Array(Math.max(n, m) + 16);
      const xo = 8;
      const oo = xo + shift;
      buf.set(inp.x.data, xo);
      const x = { data: buf.subarray(xo, xo + n), shape: inp.x.shape.slice() };
      const out = buf.subarray(oo, oo + m);
      const y = runOp(c, { ...inp, x }, backend, { out });
      expect(y.data).toBe(out);
      expectTensorClose(y, ref, `functional, out shifted by ${shift} floats from x`);
    }
    check();
  });
});

describe.each(BACKENDS)('%s: sequence.run with out aliasing x', (backend) => {
  test.each(['NCHW', 'NHWC'] as const)('%s: pointwise 6->6 then depthwise 3x3 same, out === x.data and shifted views', (layout) => {
    const pw = makeCases([{ op: 'pointwise', c: 6, cout: 6, bias: true, activation: 'relu', h: 5, w: 7 }])[0];
    const dw = makeCases([{ op: 'depthwise', c: 6, k: 3, padding: 'same', h: 5, w: 7 }])[0];
    const a = materialise(pw, layout);
    const b = materialise(dw, layout);
    const mid = referenceOf(pw, a);
    const ref = referenceOf(dw, { ...b, x: { data: new Float32Array(mid.data), shape: mid.shape } });
    const seq = sc.createSequence([createLayer(pw, a, backend), createLayer(dw, b, backend)] as never);
    try {
      const x = { data: new Float32Array(a.x.data), shape: a.x.shape.slice() };
      expectTensorClose(seq.run(x, { out: x.data }), ref, 'out === x.data');
      for (const shift of [-2, 3]) {
        const buf = new Float32Array(a.x.data.length + 8);
        buf.set(a.x.data, 4);
        const xv = { data: buf.subarray(4, 4 + a.x.data.length), shape: a.x.shape.slice() };
        const out = buf.subarray(4 + shift, 4 + shift + ref.data.length);
        expectTensorClose(seq.run(xv, { out }), ref, `out shifted by ${shift}`);
      }
    } finally {
      seq.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Concurrency

describe.each(BACKENDS)('%s: concurrency', (backend) => {
  test('prepared layers run interleaved from 5 async tasks give the results of running them one by one', async () => {
    const rng = new Rng(21);
    const made = DATA.map((d) => ({ d, l: createLayer(d.c, d.inp, backend) }));
    // second inputs of other sizes, so that layers rebuild their plans between interleaved runs
    const xs = DATA.map((d, i) => [d.inp.x, materialise(d.c, LAYOUT_OF(i), 'second', d.c.h + 3, d.c.w + 2).x]);
    const expected = DATA.map((d, i) => xs[i].map((x) => referenceOf(d.c, { ...d.inp, x })));
    const serial = made.map(({ l }, i) => xs[i].map((x) => l.run(x).data));
    const tick = (): Promise<void> => new Promise((r) => (rng.next() < 0.5 ? setImmediate(r) : queueMicrotask(r)));
    try {
      const tasks = Array.from({ length: 5 }, async (_, t) => {
        const got: [number, number, Float32Array][] = [];
        for (let k = 0; k < 16; k++) {
          const i = (t * 7 + k * 3) % made.length;
          const j = (t + k) % 2;
          await tick();
          got.push([i, j, made[i].l.run(xs[i][j]).data]);
          if (k % 5 === 0) runOp(DATA[(i + 1) % DATA.length].c, DATA[(i + 1) % DATA.length].inp, backend); // functional calls in between
        }
        return got;
      });
      const results = await Promise.all(tasks);
      for (const got of results) {
        for (const [i, j, y] of got) {
          expect(Array.from(y)).toEqual(Array.from(serial[i][j]));
          expectClose(y, expected[i][j].data, `${DATA[i].c.name} input ${j}`);
        }
      }
    } finally {
      for (const { l } of made) l.dispose();
    }
  });
});


// ---------------------------------------------------------------------------------------------
// Last: a buffer size past 2^32 (before d32a5bd it wrapped in i32, the kernel overran the block,
// trapped and overwrote a live layer's packed weights; last so that a regression hurts no other test)

describeWasm('%s: 32-bit overflow of a buffer size', (backend) => {
  test('conv2d whose indirection buffer needs 2^32 entries (16 GiB): OUT_OF_MEMORY or the right result, never a trap; no live layer corrupted', () => {
    const d = DATA[0];
    // a hole below the live layer's blocks, where a small (wrapped) indirection buffer would go
    const hole = sc.createConv2d({ data: new Float32Array(64 * 64 * 9), shape: [64, 64, 3, 3] }, { backend } as never);
    const l = createLayer(d.c, d.inp, backend);
    hole.dispose();
    try {
      expectTensorClose(l.run(d.inp.x), d.ref, 'before');
      const m0 = sc.memory();
      // 2048x2048 output (16 MB) from a 1x1 input and a 1024x1 kernel (kW = 1: not the row-merged
      // path): 2^22 pixels x 2^10 taps
      const x = { data: new Float32Array([1]), shape: [1, 1, 1, 1] };
      const w = { data: new Float32Array(1024).fill(1), shape: [1, 1, 1024, 1] };
      const padding = [1535, 1023, 1535, 1024];
      expect(sc.conv2dShape(x.shape, w.shape, { padding } as never)).toEqual([1, 1, 2048, 2048]);
      let err: unknown;
      let y: Tensor | undefined;
      try {
        y = sc.conv2d(x, w, { padding, backend } as never);
      } catch (e) {
        err = e;
      }
      // the live layer first: a trap must not have overwritten its packed weights
      const problems: string[] = [];
      try {
        expectTensorClose(l.run(d.inp.x), d.ref, 'a live layer after the call');
      } catch (e) {
        problems.push(String(e));
      }
      if (y === undefined) {
        if (!(err instanceof ConvError)) problems.push(`the call threw ${String(err)}`);
        else if (err.code !== 'OUT_OF_MEMORY') problems.push(`the call threw ConvError ${err.code}`);
      } else {
        // ones where the 1024x1 window covers the input pixel: rows 512..1535 of column 1023
        let bad = 0;
        for (let r = 0; r < 2048; r++) {
          for (let c = 0; c < 2048; c++) {
            const want = r >= 512 && r <= 1535 && c === 1023 ? 1 : 0;
            if (y.data[r * 2048 + c] !== want) bad++;
          }
        }
        if (bad) problems.push(`${bad} wrong output elements`);
      }
      if (sc.memory().bytesInUse !== m0.bytesInUse) problems.push(`bytesInUse ${m0.bytesInUse} -> ${sc.memory().bytesInUse}`);
      if (problems.length) throw new Error(problems.join('\n'));
    } finally {
      l.dispose();
    }
  });
});
