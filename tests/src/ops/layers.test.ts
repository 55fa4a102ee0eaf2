/**
 * Prepared layers (createConv2d & co.): run twice and at two input sizes ('same' padding
 * resolved per size), `out`, their own copy of the weights and biases, inputs unchanged, DISPOSED
 * after dispose and a harmless second dispose, liveLayers, and memory(): bytesInUse unchanged
 * by repeated calls after warm-up and back to its value once a layer is disposed.
 */
import { ConvError } from '../../../src/index';
import { CaseInputs, LAYOUTS, OpCase, makeCases, materialise, referenceOf } from '../../helpers/cases';
import { Rng, cloneTensor, expectTensorClose, randomTensor, refDepthwiseConv2d } from '../../helpers/reference';
import { BACKENDS, createLayer, initBackends, runOp, sc, snapshot } from '../../helpers/testers';

beforeAll(() => initBackends());

const cases = makeCases([
  { op: 'conv2d', c: 5, cout: 7, k: 3, stride: 2, padding: 'same', bias: true, activation: 'relu' },
  { op: 'conv2d', c: 6, cout: 4, k: 3, groups: 2, dilation: 2, padding: [2, 1, 0, 1], bias: true },
  { op: 'depthwise', c: 13, k: 3, multiplier: 2, padding: 'same', bias: true },
  { op: 'pointwise', c: 17, cout: 9, bias: true, activation: 'relu6' },
  { op: 'separable', c: 6, cout: 10, k: 3, padding: 'same', stride: 2, depthwiseBias: true, depthwiseActivation: 'relu', bias: true },
  { op: 'transposed', c: 4, cout: 6, k: 4, stride: 2, groups: 2, padding: 'same', bias: true },
  { op: 'transposed', c: 3, cout: 5, k: 3, stride: 2, padding: 1, outputPadding: 1 },
]);

/** Second input size of every case. */
const H2 = 7;
const W2 = 4;

function data(c: OpCase, layout: 'NCHW' | 'NHWC', second = false) {
  const inp = second ? materialise(c, layout, 'second', H2, W2) : materialise(c, layout);
  return { inp, ref: referenceOf(c, inp) };
}

function expectConvError(f: () => unknown, code: string): ConvError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConvError);
  expect((err as ConvError).code).toBe(code);
  return err as ConvError;
}

describe.each(BACKENDS)('%s', (backend) => {
  describe.each(LAYOUTS)('%s', (layout) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s: run twice, at two input sizes, and back', (_n, c) => {
      const a = data(c, layout);
      const b = data(c, layout, true);
      // second size uses the first input's weights: same layer
      const bx = b.inp.x;
      const refB = referenceOf(c, { ...a.inp, x: bx });
      const check = snapshot(a.inp);
      const layer = createLayer(c, a.inp, backend);
      try {
        const y1 = layer.run(a.inp.x);
        expectTensorClose(y1, a.ref, `${c.name} run 1`);
        const y2 = layer.run(a.inp.x);
        expect(y2.data).not.toBe(y1.data);
        expectTensorClose(y2, a.ref, `${c.name} run 2`);
        expectTensorClose(y1, a.ref, `${c.name} run 1 after run 2`);
        const y3 = layer.run(bx);
        expectTensorClose(y3, refB, `${c.name} second size`);
        expectTensorClose(layer.run(a.inp.x), a.ref, `${c.name} first size again`);
        check();
      } finally {
        layer.dispose();
      }
    });

    test.each(cases.map((c) => [c.name, c] as const))('%s: run with out', (_n, c) => {
      const a = data(c, layout);
      const layer = createLayer(c, a.inp, backend);
      try {
        const out = new Float32Array(a.ref.data.length).fill(-123);
        const y = layer.run(a.inp.x, { out });
        expect(y.data).toBe(out);
        expectTensorClose(y, a.ref, `${c.name} out`);
        expectConvError(() => layer.run(a.inp.x, { out: new Float32Array(a.ref.data.length + 1) }), 'BAD_OUT');
        expectTensorClose(layer.run(a.inp.x), a.ref, `${c.name} after BAD_OUT`);
        // a refused run at a new size leaves the layer consistent at both sizes
        const b = data(c, layout, true);
        const refB = referenceOf(c, { ...a.inp, x: b.inp.x });
        expectConvError(() => layer.run(b.inp.x, { out: new Float32Array(refB.data.length - 1) }), 'BAD_OUT');
        expectTensorClose(layer.run(a.inp.x), a.ref, `${c.name} first size after a refused second size`);
        expectTensorClose(layer.run(b.inp.x), refB, `${c.name} second size after it was refused`);
      } finally {
        layer.dispose();
      }
    });

    test.each(cases.map((c) => [c.name, c] as const))('%s: keeps its own copy of weights and biases', (_n, c) => {
      const a = data(c, layout);
      const mine: CaseInputs = {
        x: a.inp.x,
        w: cloneTensor(a.inp.w),
        w2: a.inp.w2 ? cloneTensor(a.inp.w2) : undefined,
        opts: {
          ...a.inp.opts,
          bias: a.inp.opts.bias ? new Float32Array(a.inp.opts.bias) : undefined,
          depthwiseBias: a.inp.opts.depthwiseBias ? new Float32Array(a.inp.opts.depthwiseBias) : undefined,
        },
      };
      if (mine.opts.bias === undefined) delete mine.opts.bias;
      if (mine.opts.depthwiseBias === undefined) delete mine.opts.depthwiseBias;
      const layer = createLayer(c, mine, backend);
      try {
        mine.w.data.fill(7);
        mine.w2?.data.fill(-3);
        mine.opts.bias?.fill(100);
        mine.opts.depthwiseBias?.fill(-100);
        expectTensorClose(layer.run(a.inp.x), a.ref, `${c.name} after mutating the caller's arrays`);
      } finally {
        layer.dispose();
      }
    });
  });

  test('run after dispose throws DISPOSED; a second dispose does nothing; liveLayers counts', () => {
    const c = cases[0];
    const a = data(c, 'NCHW');
    const live0 = sc.memory().liveLayers;
    const l1 = createLayer(c, a.inp, backend);
    expect(sc.memory().liveLayers).toBe(live0 + 1);
    const l2 = createLayer(cases[3], data(cases[3], 'NCHW').inp, backend);
    expect(sc.memory().liveLayers).toBe(live0 + 2);
    l1.dispose();
    expect(sc.memory().liveLayers).toBe(live0 + 1);
    const err = expectConvError(() => l1.run(a.inp.x), 'DISPOSED');
    expect(err.message.length).toBeGreaterThan(0);
    expect(() => l1.dispose()).not.toThrow();
    expect(sc.memory().liveLayers).toBe(live0 + 1);
    expectConvError(() => l1.run(a.inp.x), 'DISPOSED');
    // the other layer still works
    const d3 = data(cases[3], 'NCHW');
    expectTensorClose(l2.run(d3.inp.x), d3.ref, 'other layer after a dispose');
    l2.dispose();
    expect(sc.memory().liveLayers).toBe(live0);
    // functional ops leave no layer behind
    runOp(c, a.inp, backend);
    expect(sc.memory().liveLayers).toBe(live0);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: memory() bytesInUse is stable over repeated calls and returns after dispose', (_n, c) => {
    const a = data(c, 'NCHW');
    const b = data(c, 'NCHW', true);
    // warm-up: the functional op and a layer at both sizes
    for (let i = 0; i < 2; i++) {
      runOp(c, a.inp, backend);
      runOp(c, { ...a.inp, x: b.inp.x }, backend);
      const warm = createLayer(c, a.inp, backend);
      warm.run(a.inp.x);
      warm.run(b.inp.x);
      warm.dispose();
    }
    const m0 = sc.memory();
    for (let i = 0; i < 3; i++) {
      expectTensorClose(runOp(c, a.inp, backend), a.ref, 'repeat');
      runOp(c, { ...a.inp, x: b.inp.x }, backend);
    }
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    const layer = createLayer(c, a.inp, backend);
    const m1 = sc.memory();
    if (backend !== 'js') {
      // the packed weights live in wasm memory while the layer lives
      expect(m1.bytesInUse).toBeGreaterThan(m0.bytesInUse);
      expect(m1.wasmBytes).toBeGreaterThanOrEqual(m1.bytesInUse);
    }
    for (let i = 0; i < 3; i++) {
      layer.run(a.inp.x);
      layer.run(b.inp.x);
    }
    const m2 = sc.memory();
    for (let i = 0; i < 3; i++) {
      layer.run(a.inp.x);
      layer.run(b.inp.x);
    }
    expect(sc.memory().bytesInUse).toBe(m2.bytesInUse);
    layer.dispose();
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers);
  });
});

describe.each(BACKENDS)('%s: layers side by side', (backend) => {
  test('interleaved layers at different sizes, across a growth of wasm memory, keep their results', () => {
    const ca = cases[0]; // conv2d 'same' s2
    const cb = cases[2]; // depthwise m2
    const a = data(ca, 'NHWC');
    const b = data(cb, 'NCHW');
    const la = createLayer(ca, a.inp, backend);
    const lb = createLayer(cb, b.inp, backend);
    try {
      expectTensorClose(la.run(a.inp.x), a.ref, 'a before');
      expectTensorClose(lb.run(b.inp.x), b.ref, 'b before');
      // a large input for b (13 channels, 96x96: ~0.5 MB in, 1 MB out) so that the backend must
      // grow its buffers (wasm: likely memory.grow, which detaches old views)
      const big = materialise(cb, 'NCHW', 'big', 96, 96);
      const bigRef = referenceOf(cb, { ...b.inp, x: big.x });
      const w0 = sc.memory().wasmBytes;
      expectTensorClose(lb.run(big.x), bigRef, 'b big');
      expect(sc.memory().wasmBytes).toBeGreaterThanOrEqual(w0);
      expectTensorClose(la.run(a.inp.x), a.ref, 'a after b grew');
      expectTensorClose(lb.run(b.inp.x), b.ref, 'b small again');
      const a2 = materialise(ca, 'NHWC', 'second', 9, 6);
      expectTensorClose(la.run(a2.x), referenceOf(ca, { ...a.inp, x: a2.x }), 'a at a third size');
      // a functional op in between does not disturb the layers
      const c = data(cases[5], 'NCHW');
      expectTensorClose(runOp(cases[5], c.inp, backend), c.ref, 'functional transposed');
      expectTensorClose(la.run(a.inp.x), a.ref, 'a last');
      expectTensorClose(lb.run(big.x), bigRef, 'b big again');
    } finally {
      la.dispose();
      lb.dispose();
    }
  });
});

describe.each(BACKENDS)('%s: NCHW depthwise weights [C*m, 1, kH, kW] leave C to the input', (backend) => {
  test('one layer with 6 output channels runs on C = 3 (m 2), 6 (m 1), 2 (m 3) and 1 (m 6)', () => {
    const rng = new Rng(31);
    const w = randomTensor(rng, [6, 1, 3, 3]);
    const bias = randomTensor(rng, [6]).data;
    const opts = { padding: 1, bias, activation: 'relu' as const };
    const layer = sc.createDepthwiseConv2d(w, { ...opts, backend } as never);
    try {
      for (const c of [3, 6, 2, 1, 3]) {
        const x = randomTensor(rng, [2, c, 4, 5]);
        expectTensorClose(layer.run(x), refDepthwiseConv2d(x, w, opts), `C = ${c}`);
      }
      expectConvError(() => layer.run(randomTensor(rng, [1, 4, 4, 5])), 'CHANNEL_MISMATCH');
    } finally {
      layer.dispose();
    }
  });
});
