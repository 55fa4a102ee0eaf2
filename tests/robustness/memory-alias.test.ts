/**
 * `out` aliasing the input, on every backend: `out` may be the same Float32Array as x, or an
 * overlapping view of its buffer (ahead of x or behind it), for functional calls, layers and
 * sequences; the result is the reference, and x, weights and biases are never modified.
 *
 * memory.test.ts: memory under load; memory-growth.test.ts: growth and exhaustion.
 */
import { makeCases, materialise, referenceOf } from '../helpers/cases';
import { expectTensorClose } from '../helpers/reference';
import { BACKENDS, createLayer, initBackends, runOp, sc, snapshot } from '../helpers/testers';

beforeAll(() => initBackends());

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
