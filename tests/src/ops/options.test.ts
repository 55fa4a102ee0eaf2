/**
 * src/ops/options.ts: normaliseOptions turns every public form into one canonical form
 * (API.md's defaults and padding forms) and clampOf gives the activation's (min, max).
 */
import { ConvError } from '../../../src/errors';
import { clampOf, normaliseOptions } from '../../../src/ops/options';

describe('normaliseOptions', () => {
  test('defaults', () => {
    const o = normaliseOptions('conv2d', undefined);
    expect(o.stride).toEqual([1, 1]);
    expect(o.dilation).toEqual([1, 1]);
    expect(o.groups).toBe(1);
    expect(o.outputPadding).toEqual([0, 0]);
    expect(o.activation).toBe('none');
    expect(o.layout).toBe('NCHW');
    expect(o.padding).toEqual({ kind: 'explicit', top: 0, left: 0, bottom: 0, right: 0 });
  });
  test.each([
    [1, { kind: 'explicit', top: 1, left: 1, bottom: 1, right: 1 }],
    [[2, 1], { kind: 'explicit', top: 2, left: 1, bottom: 2, right: 1 }],
    [[1, 2, 3, 4], { kind: 'explicit', top: 1, left: 2, bottom: 3, right: 4 }],
    ['valid', { kind: 'explicit', top: 0, left: 0, bottom: 0, right: 0 }],
    ['same', { kind: 'same' }],
  ])('padding %j', (p, want) => {
    expect(normaliseOptions('conv2d', { padding: p }).padding).toEqual(want);
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
    ['conv2d', { activation: 'gelu' }, 'BAD_OPTION'],
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

test('clampOf: none, relu, relu6', () => {
  expect(clampOf('none')).toEqual([-Infinity, Infinity]);
  expect(clampOf('relu')).toEqual([0, Infinity]);
  expect(clampOf('relu6')).toEqual([0, 6]);
});
