/**
 * Values that change between two reads, on every backend: arrays and getters that give one value
 * when checked and another later, and x on a resizable buffer that a later getter shrinks. Each
 * call must throw a ConvError or give the result of the values it checked (never stale memory);
 * afterwards the same function called validly gives the reference result.
 *
 * The other garbage: garbage.test.ts (its values: garbage-cases.ts).
 */
import { ConvError } from '../../src/index';
import {
  RefTensor, Rng, Tensor, expectTensorClose, randomTensor, refConv2d, refConvTranspose2d, refDepthwiseConv2d, refSeparableConv2d,
} from '../helpers/reference';
import { BACKENDS, initBackends, sc } from '../helpers/testers';
import { CREATE, DW, Failures, OpName, PW2, TW, W, api, describeErr, outcome } from './garbage-cases';

beforeAll(() => initBackends());

// ---------------------------------------------------------------------------------------------
// Values that change between two reads: what the library checked must be what it uses.

/** An array whose index reads return the honest entries `honest` times, then `late`. */
function flipping<T>(arr: T[], late: unknown, honest = 1, only?: number[]): T[] {
  const reads = new Map<string, number>();
  return new Proxy(arr, {
    get(t, k, r) {
      if (typeof k === 'string' && /^\d+$/.test(k) && (only === undefined || only.includes(Number(k)))) {
        const n = (reads.get(k) ?? 0) + 1;
        reads.set(k, n);
        return n > honest ? late : t[Number(k)];
      }
      return Reflect.get(t, k, r);
    },
  });
}

describe.each(BACKENDS)('%s: arrays and getters that change after they were checked', (backend) => {
  const XD = randomTensor(new Rng(8), [1, 3, 8, 8]);
  const cases: [string, OpName, () => unknown[], RefTensor][] = [];
  const add = (what: string, op: OpName, args: () => unknown[], ref: RefTensor): void => {
    cases.push([what, op, args, ref]);
  };
  for (const late of [0, 0.5, -1, NaN, 2 ** 31]) {
    add(`conv2d stride [1, 1] then ${late}`, 'conv2d', () => [XD, W, { stride: flipping([1, 1], late), backend }], refConv2d(XD, W, { stride: 1 }));
    add(`depthwise dilation [1, 1] then ${late}`, 'depthwiseConv2d', () => [XD, DW, { dilation: flipping([1, 1], late), backend }], refDepthwiseConv2d(XD, DW, {}));
    add(`transposed stride [2, 2] then ${late}`, 'convTranspose2d', () => [XD, TW, { stride: flipping([2, 2], late), backend }], refConvTranspose2d(XD, TW, { stride: 2 }));
    add(`transposed outputPadding [1, 1] then ${late}`, 'convTranspose2d', () => [XD, TW, { stride: 2, outputPadding: flipping([1, 1], late), backend }], refConvTranspose2d(XD, TW, { stride: 2, outputPadding: 1 }));
  }
  for (const late of [-1, -3, 0.5, 2 ** 31]) {
    add(`conv2d padding [1, 1, 1, 1] then ${late}`, 'conv2d', () => [XD, W, { padding: flipping([1, 1, 1, 1], late), backend }], refConv2d(XD, W, { padding: 1 }));
    add(`separable padding [1, 1] then ${late}`, 'separableConv2d', () => [XD, DW, PW2, { padding: flipping([1, 1], late), backend }], refSeparableConv2d(XD, DW, PW2, { padding: 1 }));
  }
  for (const honest of [1, 2, 3, 4, 5]) {
    const opts = (): unknown => {
      let reads = 0;
      return Object.defineProperty({ backend }, 'groups', { enumerable: true, get: () => (++reads > honest ? 0.5 : 1) });
    };
    add(`conv2d groups getter 1 for ${honest} reads, then 0.5`, 'conv2d', () => [XD, W, opts()], refConv2d(XD, W, {}));
  }
  for (const late of [5, 100]) {
    add(`x.shape [1, 3, 8, 8] then H, W ${late}`, 'conv2d', () => [{ data: XD.data, shape: flipping(XD.shape.slice(), late, 1, [2, 3]) }, W, { backend }], refConv2d(XD, W, {}));
    add(`layer.run x.shape [1, 3, 8, 8] then H, W ${late}`, 'conv2d', () => [{ data: XD.data, shape: flipping(XD.shape.slice(), late, 1, [2, 3]) }, W, { backend, viaLayer: true }], refConv2d(XD, W, {}));
  }
  add('w.shape [4, 3, 3, 3] then kernel 1x1', 'conv2d', () => [XD, { data: W.data, shape: flipping(W.shape.slice(), 1, 1, [2, 3]) }, { backend }], refConv2d(XD, W, {}));
  add('w.shape [4, 3, 3, 3] then kernel 2x2', 'conv2d', () => [XD, { data: W.data, shape: flipping(W.shape.slice(), 2, 1, [2, 3]) }, { backend }], refConv2d(XD, W, {}));

  test.each(cases.map((c) => [c[0], c] as const))('%s: a ConvError or the result of the values checked', (_n, [what, op, args, ref]) => {
    const m0 = sc.memory();
    const r = outcome(() => {
      const a = args();
      const o = a[a.length - 1] as Record<string, unknown>;
      if (!o.viaLayer) return api[op](...a);
      const layer = api[CREATE[op]](...a.slice(1, -1), { backend });
      try {
        return layer.run(a[0]);
      } finally {
        layer.dispose();
      }
    });
    if (r.ok) {
      expectTensorClose(r.value as Tensor, ref, what);
    } else if (!(r.err instanceof ConvError)) {
      throw new Error(`${what}: threw ${describeErr(r.err)}`);
    }
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expectTensorClose(api[op](...(op === 'separableConv2d' ? [XD, DW, PW2] : [XD, op === 'conv2d' ? W : op === 'depthwiseConv2d' ? DW : TW]), { ...(op === 'convTranspose2d' ? { stride: 2 } : {}), backend }),
      op === 'conv2d' ? refConv2d(XD, W, {}) : op === 'depthwiseConv2d' ? refDepthwiseConv2d(XD, DW, {}) : op === 'separableConv2d' ? refSeparableConv2d(XD, DW, PW2, {}) : refConvTranspose2d(XD, TW, { stride: 2 }),
      `valid ${op} afterwards`);
  });
});

// ---------------------------------------------------------------------------------------------
// Buffers that shrink after x was checked (a resizable ArrayBuffer resized by a later getter)

describe.each(BACKENDS)('%s: x on a resizable buffer that a later getter shrinks', (backend) => {
  const XD = randomTensor(new Rng(18), [1, 3, 5, 5]);
  const ref = refConv2d(XD, W, { padding: 1 });
  test.each([true, false])('length-tracking view %s: a ConvError or the result of the data checked, never stale memory', (tracking) => {
    const fails = new Failures();
    for (const via of ['w.data getter', 'opts.padding getter', 'layer.run out getter'] as const) {
      const ab = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize(n: number): void })(XD.data.byteLength, { maxByteLength: XD.data.byteLength * 4 });
      const data = tracking ? new Float32Array(ab) : new Float32Array(ab, 0, XD.data.length);
      data.set(XD.data);
      const w = via === 'w.data getter' ? { shape: W.shape, get data() { ab.resize(0); return W.data; } } : W;
      const opts: Record<string, unknown> = { backend };
      if (via === 'opts.padding getter') Object.defineProperty(opts, 'padding', { enumerable: true, get() { ab.resize(0); return 1; } });
      else opts.padding = 1;
      const r = outcome(() => {
        if (via !== 'layer.run out getter') return sc.conv2d({ data, shape: XD.shape }, w as never, opts as never);
        const layer = sc.createConv2d(W, { padding: 1, backend } as never);
        try {
          return layer.run({ data, shape: XD.shape }, { get out() { ab.resize(0); return undefined; } } as never);
        } finally {
          layer.dispose();
        }
      });
      if (r.ok) fails.check(`${via}: accepted`, () => expectTensorClose(r.value as Tensor, ref, 'result'));
      else if (!(r.err instanceof ConvError)) fails.list.push(`${via}: threw ${describeErr(r.err)}`);
    }
    fails.check('valid afterwards', () => expectTensorClose(sc.conv2d(XD, W, { padding: 1, backend } as never), ref, 'result'));
    fails.assertNone();
  });
});
