/**
 * Unusual but valid inputs, on every backend: frozen tensors and options, transparent proxies,
 * Float32Array subclasses, SharedArrayBuffer-backed data, class instances with getters and
 * null-prototype options are accepted and give the reference result (the hardening of
 * garbage.test.ts and garbage-changing.test.ts must not refuse them).
 */
import { Rng, Tensor, expectTensorClose, randomTensor, refConv2d } from '../helpers/reference';
import { BACKENDS, initBackends, sc } from '../helpers/testers';
import { B4, W } from './garbage-cases';

beforeAll(() => initBackends());

// ---------------------------------------------------------------------------------------------
// Unusual but valid inputs: hardening must not refuse them

describe.each(BACKENDS)('%s: unusual but valid inputs are accepted and right', (backend) => {
  const XD = randomTensor(new Rng(19), [1, 3, 5, 5]);
  const ref = refConv2d(XD, W, { padding: 1, bias: B4 });
  const shared = (a: Float32Array): Float32Array => {
    const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s;
  };
  class F32 extends Float32Array {}
  class TensorClass {
    constructor(readonly data: Float32Array, readonly shape: number[]) {}
  }
  const cases: [string, () => Tensor][] = [
    ['frozen tensors, shapes and options', () => sc.conv2d(Object.freeze({ data: XD.data, shape: Object.freeze(XD.shape.slice()) }) as never,
      Object.freeze({ data: W.data, shape: Object.freeze(W.shape.slice()) }) as never, Object.freeze({ padding: Object.freeze([1, 1]), bias: B4, backend }) as never)],
    ['transparent proxies everywhere', () => sc.conv2d(new Proxy({ data: XD.data, shape: new Proxy(XD.shape.slice(), {}) }, {}),
      new Proxy({ data: W.data, shape: W.shape.slice() }, {}), new Proxy({ padding: new Proxy([1, 1, 1, 1], {}), bias: B4, backend }, {}) as never)],
    ['Float32Array subclasses', () => sc.conv2d({ data: F32.from(XD.data), shape: XD.shape }, { data: F32.from(W.data), shape: W.shape }, { padding: 1, bias: F32.from(B4), backend } as never)],
    ['SharedArrayBuffer-backed data, bias and out', () => sc.conv2d({ data: shared(XD.data), shape: XD.shape }, { data: shared(W.data), shape: W.shape },
      { padding: 1, bias: shared(B4), out: shared(new Float32Array(ref.data.length)), backend } as never)],
    ['class instances with getters', () => sc.conv2d(new TensorClass(XD.data, XD.shape.slice()), { get data() { return W.data; }, get shape() { return W.shape.slice(); } }, { padding: 1, bias: B4, backend } as never)],
    ['null-prototype options', () => sc.conv2d(XD, W, Object.assign(Object.create(null), { padding: 1, bias: B4, backend }))],
  ];
  test.each(cases)('%s', (_n, f) => {
    expectTensorClose(f(), ref, _n);
  });
});
