/**
 * createSequence: prepared layers run back to back (API.md, "Sequences") give the chained
 * reference, take the layers over, dispose them, and reject a chain that does not fit.
 */
import { ConvError } from '../../../src/index';
import { LAYOUTS, makeCases, materialise, referenceOf } from '../../helpers/cases';
import { expectTensorClose, RefTensor, Tensor } from '../../helpers/reference';
import { BACKENDS, createLayer, initBackends, sc } from '../../helpers/testers';

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
