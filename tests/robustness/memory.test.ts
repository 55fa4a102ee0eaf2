/**
 * Memory under load, on every backend:
 *
 * - wasmBytes and bytesInUse flat over many functional calls (every op, mixed sizes) and over
 *   create/run/dispose cycles, once warmed up; dispose returns every byte (sequences too); a
 *   second dispose is harmless; run after dispose is DISPOSED; liveLayers is exact;
 * - a prepared layer or sequence keeps its packed copy when the caller mutates weights and biases;
 * - prepared layers run interleaved from several async tasks give the results of running them
 *   one by one.
 *
 * memory-growth.test.ts: growth and exhaustion; memory-alias.test.ts: out aliasing the input; the
 * cases: memory-cases.ts. scripts/fuzz-long.mjs repeats the flatness checks at 10^4 functional
 * calls and 10^3 cycles.
 */
import { CaseInputs, materialise, referenceOf } from '../helpers/cases';
import { Rng, expectClose, expectTensorClose, randomTensor, refPointwiseConv2d } from '../helpers/reference';
import { BACKENDS, createLayer, initBackends, runOp, sc } from '../helpers/testers';
import { DATA, LAYOUT_OF, expectCode } from './memory-cases';

beforeAll(() => initBackends());

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
