/**
 * createSequence: prepared layers run back to back (API.md, "Sequences") give the chained
 * reference, take the layers over, dispose them, and reject a chain that does not fit.
 */
import { ConvError } from '../../../src/index';
import { LAYOUTS, makeCases, materialise, referenceOf } from '../../helpers/cases';
import { expectTensorClose, RefTensor, Tensor } from '../../helpers/reference';
import { BACKENDS, createLayer, errorCode, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

// a small MobileNet-like chain: conv 3x3 s2 -> depthwise 3x3 -> pointwise -> transposed 2x2 s2
const chain = makeCases([
  { op: 'conv2d', c: 3, cout: 8, k: 3, stride: 2, padding: 'same', bias: true, activation: 'relu6', h: 9, w: 8 },
  { op: 'depthwise', c: 8, k: 3, padding: 1, bias: true, activation: 'relu' },
  { op: 'pointwise', c: 8, cout: 13, bias: true },
  { op: 'transposed', c: 13, cout: 5, k: 2, stride: 2 },
]);

const f32 = (r: RefTensor): Tensor => ({ data: new Float32Array(r.data), shape: r.shape });

describe.each(BACKENDS)('%s', (backend) => {
  test.each(LAYOUTS)('%s: a sequence equals its layers chained, twice and with out', (layout) => {
    const inputs = chain.map((c) => materialise(c, layout));
    let x = inputs[0].x;
    let ref: RefTensor | undefined;
    for (let i = 0; i < chain.length; i++) {
      ref = referenceOf(chain[i], { ...inputs[i], x });
      x = f32(ref); // the next stage reads the float32-rounded output, as the library does
    }
    const live0 = sc.memory().liveLayers;
    const net = sc.createSequence(chain.map((c, i) => createLayer(c, inputs[i], backend)) as never);
    try {
      expectTensorClose(net.run(inputs[0].x), ref!, 'sequence run 1');
      const out = new Float32Array(ref!.data.length);
      const y = net.run(inputs[0].x, { out });
      expect(y.data).toBe(out);
      expectTensorClose(y, ref!, 'sequence run 2');
    } finally {
      net.dispose();
    }
    expect(sc.memory().liveLayers).toBe(live0);
    let err: unknown;
    try {
      net.run(inputs[0].x);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe('DISPOSED');
  });

  test('a chain whose channels do not fit throws CHANNEL_MISMATCH', () => {
    const a = materialise(chain[0], 'NCHW');
    const c = materialise(chain[2], 'NCHW');
    const l0 = createLayer(chain[0], a, backend);
    const l2 = createLayer(chain[3], materialise(chain[3], 'NCHW'), backend); // expects 13 channels, gets 8
    let err: unknown;
    try {
      sc.createSequence([l0, l2] as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe('CHANNEL_MISMATCH');
    // the layers still work on their own after the refused sequence
    expectTensorClose(l0.run(a.x), referenceOf(chain[0], a), 'layer after refused sequence');
    l0.dispose();
    l2.dispose();
    void c;
  });
});

describe('sequence ownership and bad chains', () => {
  const a = materialise(chain[0], 'NCHW');
  const p = materialise(chain[2], 'NCHW');

  test.each(BACKENDS)('%s: a layer handed to a sequence cannot run alone; its dispose does not break the sequence', (backend) => {
    const live0 = sc.memory().liveLayers;
    const l0 = createLayer(chain[0], a, backend);
    const net = sc.createSequence([l0] as never);
    expect(errorCode(() => l0.run(a.x))).toBe('DISPOSED');
    expect(() => l0.dispose()).not.toThrow();
    expectTensorClose(net.run(a.x), referenceOf(chain[0], a), 'sequence after the owned layer was disposed');
    // a layer already owned cannot join another sequence
    expect(errorCode(() => sc.createSequence([l0] as never))).toBeDefined();
    net.dispose();
    expect(() => net.dispose()).not.toThrow();
    expect(sc.memory().liveLayers).toBe(live0);
  });

  test('mixed layouts, mixed backends, an empty list, a non-layer, a disposed layer and the same layer twice are ConvErrors', () => {
    const others = BACKENDS.filter((b) => b !== 'js');
    const live0 = sc.memory().liveLayers;
    const made: { dispose(): void }[] = [];
    const mk = <T extends { dispose(): void }>(l: T): T => {
      made.push(l);
      return l;
    };
    const nchw = mk(createLayer(chain[0], a, 'js'));
    const pNhwc = materialise(chain[2], 'NHWC');
    expect(errorCode(() => sc.createSequence([nchw, mk(createLayer(chain[2], pNhwc, 'js'))] as never))).toBeDefined();
    if (others.length) {
      expect(errorCode(() => sc.createSequence([mk(createLayer(chain[0], a, others[0])), mk(createLayer(chain[2], p, 'js'))] as never))).toBeDefined();
    }
    expect(errorCode(() => sc.createSequence([] as never))).toBeDefined();
    expect(errorCode(() => sc.createSequence(5 as never))).toBeDefined();
    expect(errorCode(() => sc.createSequence([{ run: () => a.x, dispose: () => undefined }] as never))).toBeDefined();
    const gone = createLayer(chain[0], a, 'js');
    gone.dispose();
    expect(errorCode(() => sc.createSequence([gone] as never))).toBe('DISPOSED');
    const twice = mk(createLayer(chain[2], p, 'js'));
    expect(errorCode(() => sc.createSequence([twice, twice] as never))).toBeDefined();
    // nothing was taken over: the layers still run alone
    expectTensorClose(nchw.run(a.x), referenceOf(chain[0], a), 'layer after refused sequences');
    for (const l of made) l.dispose();
    expect(sc.memory().liveLayers).toBe(live0);
  });
});

describe.each(BACKENDS)('%s: sequence memory', (backend) => {
  test('repeated runs keep bytesInUse; dispose returns what create took', () => {
    const inputs = chain.map((c) => materialise(c, 'NHWC'));
    const build = () => sc.createSequence(chain.map((c, i) => createLayer(c, inputs[i], backend)) as never);
    const big = materialise(chain[0], 'NHWC', 'big', 17, 12).x;
    // warm-up at both sizes
    const warm = build();
    warm.run(inputs[0].x);
    warm.run(big);
    warm.dispose();
    const m0 = sc.memory();
    const net = build();
    try {
      net.run(inputs[0].x);
      net.run(big);
      const m1 = sc.memory();
      expect(m1.liveLayers).toBe(m0.liveLayers + chain.length);
      for (let i = 0; i < 3; i++) {
        net.run(inputs[0].x);
        net.run(big);
      }
      expect(sc.memory().bytesInUse).toBe(m1.bytesInUse);
    } finally {
      net.dispose();
    }
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers);
  });
});
