/**
 * Whole networks as sequences (API.md, "Sequences"): a MobileNetV1-like body (width 0.25, 32x32
 * input, its 27 conv layers) with a separable layer inside and a transposed conv near the end, run
 * as one sequence, equals the same layers called one by one, on every backend and in both
 * layouts; bad chains give the codes the layers would give; dispose returns every byte and layer;
 * 1000 runs leave bytesInUse and wasmBytes flat. sequence.test.ts covers the short chain against
 * the float64 reference, ownership and the refused lists; this file covers depth.
 */
import { CaseSpec, LAYOUTS, OpCase, makeCase, materialise } from '../../helpers/cases';
import { expectTensorClose, Tensor } from '../../helpers/reference';
import { BACKENDS, LayerLike, createLayer, errorCode, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

type Layout = 'NCHW' | 'NHWC';

// MobileNetV1 at width 0.25: stem 3->8 s2, then (dw, pw) pairs. Pre-activation scale 1.5 for
// inputs in [0, 6] keeps every ReLU6 layer between the clamps (checked below, not assumed).
const specs: CaseSpec[] = [];
const block = (c: number, cout: number, s: number, h: number, gain = 1.2): void => {
  specs.push({ op: 'depthwise', c, k: 3, stride: s, padding: 1, bias: true, activation: 'relu6', h, gain });
  const oh = Math.floor((h - 1) / s) + 1;
  specs.push({ op: 'pointwise', c, cout, bias: true, activation: 'relu6', h: oh, gain });
};
specs.push({ op: 'conv2d', c: 3, cout: 8, k: 3, stride: 2, padding: 1, bias: true, activation: 'relu6', h: 32, gain: 3 });
block(8, 16, 1, 16);
block(16, 32, 2, 16);
block(32, 32, 1, 8);
// a separable layer ('valid': the spatial size shrinks 8 -> 6, so a small input gets EMPTY_OUTPUT here)
specs.push({ op: 'separable', c: 32, cout: 32, k: 3, padding: 'valid', bias: true, activation: 'relu6', depthwiseBias: true, depthwiseActivation: 'relu6', h: 8, gain: 1.2 });
block(32, 64, 2, 6);
block(64, 64, 1, 3);
block(64, 128, 2, 3);
for (let i = 0; i < 5; i++) block(128, 128, 1, 2);
block(128, 256, 2, 2);
block(256, 256, 1, 1);
// decoder end: transposed 3x3 s2 (1x1 -> 2x2) and a plain pointwise head without activation
specs.push({ op: 'transposed', c: 256, cout: 32, k: 3, stride: 2, padding: 1, outputPadding: 1, bias: true, activation: 'relu', h: 1 });
specs.push({ op: 'pointwise', c: 32, cout: 10, bias: true, h: 2 });
// the layer index in the name: the five equal 128-channel blocks get their own seeded weights
const net: OpCase[] = specs.map((s, i) => {
  const c = makeCase(s);
  return { ...c, name: `net${i}.${c.name}` };
});
const SEP = net.findIndex((c) => c.op === 'separable');

/** The network's inputs in a layout (weights seeded by case name: equal in every call). */
const inputsOf = (layout: Layout) => net.map((c) => materialise(c, layout));
const build = (layout: Layout, backend: (typeof BACKENDS)[number]): LayerLike[] => {
  const inputs = inputsOf(layout);
  return net.map((c, i) => createLayer(c, inputs[i], backend));
};
const inputOf = (layout: Layout, h: number, salt = 'net'): Tensor => materialise(net[0], layout, salt, h, h).x;

/** Runs layers one by one; returns every intermediate. */
function oneByOne(layers: LayerLike[], x: Tensor): Tensor[] {
  const outs: Tensor[] = [];
  let t = x;
  for (const l of layers) {
    t = l.run(t);
    outs.push(t);
  }
  return outs;
}

test('the network is deep and its ReLU6 layers work between the clamps', () => {
  expect(net.length).toBe(30); // 27 MobileNet layers, the separable, the transposed, the head
  // the one-by-one js run of the float32 layers: every ReLU6 layer has zeros, values inside (0, 6),
  // and the network as a whole reaches 6, so a wrong clamp or bias changes the output
  const layers = build('NCHW', 'js');
  const outs = oneByOne(layers, inputOf('NCHW', 32));
  let sixes = 0;
  outs.forEach((t, i) => {
    if (net[i].activation !== 'relu6') return;
    let z = 0;
    let inside = 0;
    for (const v of t.data) {
      if (v === 0) z++;
      else if (v === 6) sixes++;
      else if (v > 0 && v < 6) inside++;
    }
    expect({ layer: i, zeros: z > 0, inside: inside >= t.data.length / 4 }).toEqual({ layer: i, zeros: true, inside: true });
  });
  expect(sixes).toBeGreaterThan(0);
  expect(outs[outs.length - 1].shape).toEqual([1, 10, 2, 2]);
  for (const l of layers) l.dispose();
});

describe.each(BACKENDS)('%s', (backend) => {
  test.each(LAYOUTS)('%s: the 30-layer sequence equals its layers run one by one, at two input sizes', (layout) => {
    const live0 = sc.memory().liveLayers;
    const alone = build(layout, backend);
    const seq = sc.createSequence(build(layout, backend) as never);
    try {
      expect(sc.memory().liveLayers).toBe(live0 + 2 * net.length);
      for (const h of [32, 40]) {
        const x = inputOf(layout, h);
        const want = oneByOne(alone, x).pop() as Tensor;
        expectTensorClose(seq.run(x), want, `${backend} ${layout} ${h}x${h}`);
        const out = new Float32Array(want.data.length);
        const y = seq.run(x, { out });
        expect(y.data).toBe(out);
        expectTensorClose(y, want, `${backend} ${layout} ${h}x${h} with out`);
      }
    } finally {
      seq.dispose();
      for (const l of alone) l.dispose();
    }
    expect(sc.memory().liveLayers).toBe(live0);
  });

  test('channels that do not chain: CHANNEL_MISMATCH at createSequence, the layers stay usable', () => {
    for (const layout of LAYOUTS) {
      const live0 = sc.memory().liveLayers;
      const layers = build(layout, backend);
      // the stem (8 channels out) before pw 16->32; the body up to 32 channels, then pw 64->64
      // (a block skipped); the head (10) before the transposed layer (256 in)
      expect(errorCode(() => sc.createSequence([layers[0], layers[4]] as never))).toBe('CHANNEL_MISMATCH');
      expect(errorCode(() => sc.createSequence([...layers.slice(0, SEP), layers[SEP + 4]] as never))).toBe('CHANNEL_MISMATCH');
      expect(errorCode(() => sc.createSequence([layers[net.length - 1], layers[net.length - 2]] as never))).toBe('CHANNEL_MISMATCH');
      // nothing was taken over
      const x = inputOf(layout, 32);
      expect(layers[0].run(x).shape).toEqual(layout === 'NCHW' ? [1, 8, 16, 16] : [1, 16, 16, 8]);
      for (const l of layers) l.dispose();
      expect(sc.memory().liveLayers).toBe(live0);
    }
  });

  test('shapes that fail at run: the code the failing layer gives alone; the sequence still works and leaks nothing', () => {
    const layout: Layout = 'NHWC';
    const alone = build(layout, backend);
    const seq = sc.createSequence(build(layout, backend) as never);
    try {
      const good = inputOf(layout, 32);
      const want = seq.run(good);
      // what the layers say alone (run first: their own scratch is not the sequence's)
      // 8x8 input: the stem and blocks give 4x4 then 2x2, and the 'valid' separable layer has no output
      const small = inputOf(layout, 8, 'small');
      const before = oneByOne(alone.slice(0, SEP), small).pop() as Tensor;
      const sepCode = errorCode(() => alone[SEP].run(before));
      expect(sepCode).toBe('EMPTY_OUTPUT');
      // 4 input channels: what the stem says; a 3-D input
      const four = { data: new Float32Array(32 * 32 * 4), shape: [1, 32, 32, 4] };
      expect(errorCode(() => alone[0].run(four))).toBe('CHANNEL_MISMATCH');
      const flat = { data: good.data, shape: [32, 32, 3] };
      const rankCode = errorCode(() => alone[0].run(flat));
      expect(rankCode).toBe('BAD_RANK');
      const m0 = sc.memory();
      expect(errorCode(() => seq.run(small))).toBe(sepCode);
      expect(errorCode(() => seq.run(four))).toBe('CHANNEL_MISMATCH');
      expect(errorCode(() => seq.run(flat))).toBe(rankCode);
      expect(errorCode(() => seq.run({ data: good.data.subarray(1), shape: good.shape }))).toBe('SHAPE_MISMATCH');
      expect(errorCode(() => seq.run(good, { out: new Float32Array(want.data.length + 1) }))).toBe('BAD_OUT');
      // an out the size of the first layer's output is still the wrong size for the sequence
      expect(errorCode(() => seq.run(good, { out: new Float32Array(16 * 16 * 8) }))).toBe('BAD_OUT');
      expect(sc.memory()).toEqual(m0);
      expectTensorClose(seq.run(good), want, 'after the refused runs');
      expect(sc.memory()).toEqual(m0);
    } finally {
      seq.dispose();
      for (const l of alone) l.dispose();
    }
  });

  test('dispose returns every byte and layer; 1000 runs keep bytesInUse and wasmBytes flat', () => {
    const layout: Layout = 'NCHW';
    const m0 = sc.memory();
    const seq = sc.createSequence(build(layout, backend) as never);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers + net.length);
    const a = inputOf(layout, 32);
    const b = inputOf(layout, 24, 'b');
    const outA = new Float32Array(10 * 2 * 2);
    const want = seq.run(a);
    // warm-up at both sizes, then 1000 runs alternating them
    seq.run(b);
    seq.run(a, { out: outA });
    const m1 = sc.memory();
    let drift = 0;
    for (let i = 0; i < 1000; i++) {
      if (i % 2) seq.run(b);
      else seq.run(a, { out: outA });
      const m = sc.memory();
      if (m.bytesInUse !== m1.bytesInUse || m.wasmBytes !== m1.wasmBytes) drift++;
    }
    expect(drift).toBe(0);
    expectTensorClose({ data: outA, shape: want.shape }, want, 'after 1000 runs');
    seq.dispose();
    const m2 = sc.memory();
    expect(m2.liveLayers).toBe(m0.liveLayers);
    expect(m2.bytesInUse).toBe(m0.bytesInUse);
    expect(m2.wasmBytes).toBe(m1.wasmBytes);
    // a second network of the same layers takes the same bytes again (nothing was lost)
    const again = sc.createSequence(build(layout, backend) as never);
    again.run(a);
    again.run(b);
    expect(sc.memory().bytesInUse).toBe(m1.bytesInUse);
    again.dispose();
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
  });
});
