/**
 * src/ops/options.ts: normaliseOptions turns every public form into one canonical form
 * (API.md's defaults, padding forms and activations: the kernels' clamp and what follows it).
 */
import { ConvError } from '../../../src/errors';
import { normaliseOptions } from '../../../src/ops/options';

describe('normaliseOptions', () => {
  test('defaults', () => {
    const o = normaliseOptions('conv2d', undefined);
    expect(o.stride).toEqual([1, 1]);
    expect(o.dilation).toEqual([1, 1]);
    expect(o.groups).toBe(1);
    expect(o.outputPadding).toEqual([0, 0]);
    expect(o.activation.name).toBe('none');
    expect(o.layout).toBe('NCHW');
    expect(o.padding).toEqual({ kind: 'explicit', front: 0, top: 0, left: 0, back: 0, bottom: 0, right: 0 });
    expect(o.paddingMode).toBe('zeros');
    expect([o.rank, o.strideD, o.dilationD, o.outputPaddingD, o.userLayout]).toEqual([2, 1, 1, 0, 'NCHW']);
  });
  const pad = (front: number, top: number, left: number, back: number, bottom: number, right: number): object =>
    ({ kind: 'explicit', front, top, left, back, bottom, right });
  test.each([
    [1, pad(0, 1, 1, 0, 1, 1)],
    [[2, 1], pad(0, 2, 1, 0, 2, 1)],
    [[1, 2, 3, 4], pad(0, 1, 2, 0, 3, 4)],
    ['valid', pad(0, 0, 0, 0, 0, 0)],
    ['same', { kind: 'same' }],
  ])('padding %j', (p, want) => {
    expect(normaliseOptions('conv2d', { padding: p }).padding).toEqual(want);
  });
  test.each([
    ['conv1d', 2, pad(0, 0, 2, 0, 0, 2)],
    ['conv1d', [3], pad(0, 0, 3, 0, 0, 3)],
    ['conv1d', [3, 1], pad(0, 0, 3, 0, 0, 1)],
    ['conv1d', 'causal', { kind: 'causal' }],
    ['conv3d', 1, pad(1, 1, 1, 1, 1, 1)],
    ['conv3d', [1, 2, 3], pad(1, 2, 3, 1, 2, 3)],
    ['conv3d', [1, 2, 3, 4, 5, 6], pad(1, 2, 3, 4, 5, 6)],
  ])('%s padding %j', (op, p, want) => {
    expect(normaliseOptions(op as 'conv1d', { padding: p }).padding).toEqual(want);
  });
  test('1-D and 3-D values per axis, layouts and padding modes', () => {
    const o1 = normaliseOptions('conv1d', { stride: 3, dilation: [2], layout: 'NWC', paddingMode: 'reflect' });
    expect([o1.rank, o1.stride, o1.dilation, o1.layout, o1.userLayout, o1.paddingMode]).toEqual([1, [1, 3], [1, 2], 'NHWC', 'NWC', 'reflect']);
    const o3 = normaliseOptions('convTranspose3d', { stride: [2, 3, 4], outputPadding: [1, 0, 2], layout: 'NDHWC' });
    expect([o3.strideD, o3.stride, o3.outputPaddingD, o3.outputPadding, o3.layout]).toEqual([2, [3, 4], 1, [0, 2], 'NHWC']);
  });
  test.each([
    ['conv2d', { padding: 'causal' }, 'BAD_PADDING'],
    ['conv3d', { padding: 'causal' }, 'BAD_PADDING'],
    ['conv1d', { padding: [1, 2, 3] }, 'BAD_PADDING'],
    ['conv3d', { padding: [1, 2, 3, 4] }, 'BAD_PADDING'],
    ['conv1d', { stride: [1, 2] }, 'BAD_STRIDE'],
    ['conv3d', { dilation: [1, 2] }, 'BAD_DILATION'],
    ['conv1d', { layout: 'NCHW' }, 'BAD_OPTION'],
    ['conv3d', { layout: 'NCW' }, 'BAD_OPTION'],
    ['conv2d', { layout: 'NCDHW' }, 'BAD_OPTION'],
    ['conv2d', { paddingMode: 'mirror' }, 'BAD_OPTION'],
    ['convTranspose2d', { paddingMode: 'reflect' }, 'BAD_OPTION'],
    ['convTranspose1d', { paddingMode: 'circular' }, 'BAD_OPTION'],
  ])('%s %j is %s', (op, opts, code) => {
    let got: unknown;
    try {
      normaliseOptions(op as 'conv1d', opts);
    } catch (e) {
      got = e;
    }
    expect(got).toBeInstanceOf(ConvError);
    expect((got as ConvError).code).toBe(code);
  });
  test('pairs and scalars', () => {
    const o = normaliseOptions('convTranspose2d', { stride: [2, 3], dilation: 2, outputPadding: [1, 0] });
    expect(o.stride).toEqual([2, 3]);
    expect(o.dilation).toEqual([2, 2]);
    expect(o.outputPadding).toEqual([1, 0]);
  });
  test.each([
    ['conv2d', { stride: 0 }, 'BAD_STRIDE'],
    ['conv2d', { dilation: [1, 0] }, 'BAD_DILATION'],
    ['conv2d', { padding: 'SAME' }, 'BAD_PADDING'],
    ['pointwiseConv2d', { padding: 1 }, 'BAD_PADDING'],
    ['conv2d', { groups: 0 }, 'BAD_GROUPS'],
    ['convTranspose2d', { outputPadding: -1 }, 'BAD_OUTPUT_PADDING'],
    ['conv2d', { bias: [1] }, 'BAD_BIAS'],
    ['conv2d', { out: new Float64Array(1) }, 'BAD_OUT'],
    ['conv2d', { layout: 'nhwc' }, 'BAD_OPTION'],
    ['conv2d', { activation: 'GELU' }, 'BAD_OPTION'],
    ['conv2d', { backend: 'webgpu' }, 'BAD_OPTION'],
    ['conv2d', { outputPadding: 1 }, 'BAD_OPTION'],
    ['depthwiseConv2d', { groups: 2 }, 'BAD_OPTION'],
  ] as const)('%s %j -> %s', (fn, opts, code) => {
    let err: unknown;
    try {
      normaliseOptions(fn, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe(code);
    expect((err as Error).message.startsWith(`${fn}: `)).toBe(true);
  });
});

test.each([
  ['none', 'none', -Infinity, Infinity, 0],
  ['relu', 'none', 0, Infinity, 0],
  ['relu6', 'none', 0, 6, 0],
  [{ type: 'clip', min: -1, max: Infinity }, 'none', -1, Infinity, 0],
  ['sigmoid', 'sigmoid', -Infinity, Infinity, 0],
  ['leakyRelu', 'leakyRelu', -Infinity, Infinity, 0.01],
  [{ type: 'leakyRelu', alpha: 0.2 }, 'leakyRelu', -Infinity, Infinity, 0.2],
  ['elu', 'elu', -Infinity, Infinity, 1],
  [{ type: 'gelu', approximate: 'tanh' }, 'geluTanh', -Infinity, Infinity, 0],
  ['gelu', 'gelu', -Infinity, Infinity, 0],
])('activation %j: clamp and epilogue', (a, kind, min, max, alpha) => {
  const o = normaliseOptions('conv2d', { activation: a });
  expect([o.activation.kind, o.activation.min, o.activation.max, o.activation.alpha]).toEqual([kind, min, max, alpha]);
});
test.each([
  ['Relu'], [{ type: 'clip', min: 2, max: 1 }], [{ type: 'clip', min: NaN, max: 1 }], [{ type: 'elu', alpha: NaN }],
  [{ type: 'prelu', alpha: [0.1] }], [{ type: 'prelu', alpha: new Float32Array(0) }], [{ type: 'prelu', alpha: Float32Array.of(Infinity) }],
  [{ type: 'gelu', approximate: 'erf' }], [{ type: 'swish' }],
])('activation %j is BAD_OPTION', (a) => {
  expect(() => normaliseOptions('conv2d', { activation: a })).toThrow(ConvError);
});
test('prelu alphas are copied', () => {
  const alpha = Float32Array.of(0.1, 0.2);
  const o = normaliseOptions('conv2d', { activation: { type: 'prelu', alpha } });
  alpha[0] = 9;
  expect(Array.from(o.activation.prelu!)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
});
