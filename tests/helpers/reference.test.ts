/**
 * Checks the float64 references themselves, against ground truth that does not come from them:
 * hand-computed values (the 2-D wrappers and the N-D core under them: 1-D and 3-D, padding
 * modes, causal, channels-last, the clamp), the ONNX conformance vectors (NCHW), and
 * TensorFlow.js's CPU backend for the NHWC layouts (HWIO, [kH, kW, C, m], [kH, kW, Cout, Cin]),
 * where tfjs supports the case.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  Rng, Tensor, compare, expectClose, nchwToNhwc, permuteTensor, randomTensor, refConv2d, refConvTranspose2d,
  refDepthwiseConv2d, refPointwiseConv2d, refSamePads, refSeparableConv2d,
} from './reference';
import { refConvNd, refConvTransposeNd } from './reference-nd';
import { caseName, makeCases, materialise, referenceOf } from './cases';
import { inputOf, loadVectors } from '../conformance/onnx/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const T = (data: number[], shape: number[]): Tensor => ({ data: Float32Array.from(data), shape });

describe('hand-computed', () => {
  test('conv2d 3x3 input, 2x2 ones kernel, stride 1', () => {
    const y = refConv2d(T([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]), T([1, 1, 1, 1], [1, 1, 2, 2]));
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([12, 16, 24, 28]);
  });
  test('conv2d padding [top,left,bottom,right] = [1,0,0,0], bias, relu', () => {
    const y = refConv2d(T([1, 2, 3, 4], [1, 1, 2, 2]), T([1, -1], [1, 1, 1, 2]), {
      padding: [1, 0, 0, 0], bias: Float32Array.from([0.5]), activation: 'relu',
    });
    // rows: [0,0] -> 0+0.5; [1,2] -> -1+0.5 -> relu 0; [3,4] -> -1+0.5 -> 0
    expect(y.shape).toEqual([1, 1, 3, 1]);
    expect(Array.from(y.data)).toEqual([0.5, 0, 0]);
  });
  test('relu6 clamps at 6 and NaN propagates', () => {
    const y = refConv2d(T([10, -10, NaN, 1], [1, 4, 1, 1]), T([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4, 1, 1]), {
      activation: 'relu6',
    });
    expect(Array.from(y.data)).toEqual([NaN, NaN, NaN, NaN]); // 0 * NaN = NaN, as in PyTorch
    const z = refConv2d(T([10, -10, 3], [1, 3, 1, 1]), T([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3, 1, 1]), { activation: 'relu6' });
    expect(Array.from(z.data)).toEqual([6, 0, 3]);
  });
  test("'same' is SAME_UPPER", () => {
    expect(refSamePads(5, 3, 2, 1)).toEqual([1, 1]);
    expect(refSamePads(4, 3, 2, 1)).toEqual([0, 1]);
    expect(refSamePads(5, 4, 1, 1)).toEqual([1, 2]);
    expect(refSamePads(5, 1, 3, 1)).toEqual([0, 0]);
  });
  test('transposed 1-channel stride 2, crop and outputPadding', () => {
    // full output of [1,2] with k=[1,1], s=2: [1,1,2,2]; crop 1 at the start -> [1,2,2]; op 1 -> 4 values
    const y = refConvTranspose2d(T([1, 2], [1, 1, 1, 2]), T([1, 1], [1, 1, 1, 2]), { stride: 2, padding: [0, 1, 0, 0] });
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expect(Array.from(y.data)).toEqual([1, 2, 2]);
    const z = refConvTranspose2d(T([1, 2], [1, 1, 1, 2]), T([1, 1], [1, 1, 1, 2]), {
      stride: [1, 2], padding: [0, 1, 0, 1], outputPadding: [0, 1],
    });
    // PyTorch: size (2-1)*2 - 2 + 1 + 1 + 1 = 3; out[j] = full[j+1] of [1,1,2,2] -> [1,2,2]
    expect(Array.from(z.data)).toEqual([1, 2, 2]);
  });
  test('depthwise multiplier: output channel c*m + j reads input channel c (both layouts)', () => {
    const x = T([1, 10], [1, 2, 1, 1]);
    const y = refDepthwiseConv2d(x, T([1, 2, 3, 4], [4, 1, 1, 1]));
    expect(Array.from(y.data)).toEqual([1, 2, 30, 40]);
    const yh = refDepthwiseConv2d(T([1, 10], [1, 1, 1, 2]), T([1, 2, 3, 4], [1, 1, 2, 2]), { layout: 'NHWC' });
    expect(Array.from(yh.data)).toEqual([1, 2, 30, 40]);
  });
  test('pointwise 2-D forms', () => {
    const x = T([1, 2], [1, 2, 1, 1]);
    expect(Array.from(refPointwiseConv2d(x, T([1, 1, 1, -1, 0, 2], [3, 2])).data)).toEqual([3, -1, 4]);
    expect(Array.from(refPointwiseConv2d(T([1, 2], [1, 1, 1, 2]), T([1, 1, 1, -1, 0, 2], [2, 3]), { layout: 'NHWC' }).data))
      .toEqual([-1, 1, 5]);
  });
  test('separable: depthwiseBias and depthwiseActivation between the stages', () => {
    const x = T([-3], [1, 1, 1, 1]);
    const y = refSeparableConv2d(x, T([1], [1, 1, 1, 1]), T([2], [1, 1, 1, 1]), {
      depthwiseBias: Float32Array.from([1]), depthwiseActivation: 'relu', bias: Float32Array.from([0.25]),
    });
    expect(Array.from(y.data)).toEqual([0.25]);
  });
  test('expectClose reports the first bad index, its values and the count', () => {
    expect(() => expectClose([1, 2, 3.1, 5], [1, 2, 3, 4], 'ctx')).toThrow(
      'ctx: 2 of 4 elements differ; first at index 2: got 3.1, expected 3',
    );
    expect(compare([1 + 1e-4, 1000.1], [1, 1000])).toBeNull();
    expect(compare([1 + 2.1e-4], [1])).not.toBeNull();
    expect(compare([NaN, Infinity], [NaN, Infinity])).toBeNull();
    expect(compare([0], [NaN])).not.toBeNull();
  });
  test('case names follow STYLE.md', () => {
    expect(caseName({ op: 'depthwise', c: 13, k: 3, stride: 2, dilation: 1, padding: 1, h: 7 })).toBe('depthwise_3x3s2d1p1_c13_7x7');
    expect(() => makeCases([{ op: 'conv2d', c: 1 }, { op: 'conv2d', c: 1 }])).toThrow('duplicate');
  });
});

describe('N-D core, hand-computed', () => {
  const X = (data: number[], shape: number[]) => ({ data, shape });
  const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

  test('conv1d padding 1 in every mode: zeros, reflect, replicate, circular', () => {
    const x = X([1, 2, 3], [1, 1, 3]);
    const w = X([1, 1, 1], [1, 1, 3]);
    // padded inputs [0 1 2 3 0], [2 1 2 3 2], [1 1 2 3 3], [3 1 2 3 1]
    expect(vals(refConvNd(x, w, { padding: 1 }))).toEqual([3, 6, 5]);
    expect(vals(refConvNd(x, w, { padding: 1, paddingMode: 'reflect' }))).toEqual([5, 6, 7]);
    expect(vals(refConvNd(x, w, { padding: 1, paddingMode: 'replicate' }))).toEqual([4, 6, 8]);
    expect(vals(refConvNd(x, w, { padding: 1, paddingMode: 'circular' }))).toEqual([6, 6, 6]);
  });
  test("conv1d 'causal': dilation * (k - 1) zeros before, none after", () => {
    const y = refConvNd(X([1, 2, 3], [1, 1, 3]), X([1, 10], [1, 1, 2]), { padding: 'causal' });
    expect(y.shape).toEqual([1, 1, 3]);
    expect(vals(y)).toEqual([10, 21, 32]);
    const d = refConvNd(X([1, 2, 3], [1, 1, 3]), X([1, 10], [1, 1, 2]), { padding: 'causal', dilation: 2 });
    expect(vals(d)).toEqual([10, 20, 31]); // [0 0 1 2 3]: y[i] = x[i-2] + 10 x[i]
  });
  test('conv3d 2x2x2 ones over 1..8, groups of 1-D channels', () => {
    const y = refConvNd(X([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 2, 2]), X([1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 2, 2, 2]));
    expect(y.shape).toEqual([1, 1, 1, 1, 1]);
    expect(vals(y)).toEqual([36]);
    expect(vals(refConvNd(X([1, 10], [1, 2, 1]), X([2, 3], [2, 1, 1]), { groups: 2 }))).toEqual([2, 30]);
  });
  test('convTranspose1d: stride 2, crop, outputPadding', () => {
    const x = X([1, 2], [1, 1, 2]);
    const w = X([1, 10], [1, 1, 2]);
    expect(vals(refConvTransposeNd(x, w, { stride: 2 }))).toEqual([1, 10, 2, 20]);
    expect(vals(refConvTransposeNd(x, w, { stride: 2, padding: 1 }))).toEqual([10, 2]);
    expect(vals(refConvTransposeNd(x, w, { stride: 2, padding: 1, outputPadding: 1 }))).toEqual([10, 2, 20]);
    expect(vals(refConvTransposeNd(x, w, { stride: 2, bias: [0.5] }))).toEqual([1.5, 10.5, 2.5, 20.5]);
  });
  test('channels-last: NWC input, [k, I, O] weights, NWC output', () => {
    const y = refConvNd(X([1, 2, 3, 4, 5, 6], [1, 3, 2]), X([1, 10], [1, 2, 1]), { channelsLast: true });
    expect(y.shape).toEqual([1, 3, 1]);
    expect(vals(y)).toEqual([21, 43, 65]);
  });
  test('padding taps contribute nothing, even against an infinite weight', () => {
    expect(vals(refConvNd(X([1], [1, 1, 1]), X([Infinity, 1, Infinity], [1, 1, 3]), { padding: 1 }))).toEqual([1]);
  });
  test('clamp after the activation; NaN passes through', () => {
    const w = X([1], [1, 1, 1]);
    expect(vals(refConvNd(X([1, 2, 3], [1, 1, 3]), w, { clamp: [1.5, 2.5] }))).toEqual([1.5, 2, 2.5]);
    expect(vals(refConvNd(X([-1, 7], [1, 1, 2]), w, { activation: 'relu6', clamp: [0.5, 5] }))).toEqual([0.5, 5]);
    expect(vals(refConvNd(X([NaN], [1, 1, 1]), w, { clamp: [0, 1] }))).toEqual([NaN]);
  });
  test('bad channels and empty outputs throw', () => {
    expect(() => refConvNd(X([1, 2], [1, 2, 1]), X([1], [1, 1, 1]))).toThrow('bad channels');
    expect(() => refConvNd(X([1], [1, 1, 1]), X([1, 1], [1, 1, 2]))).toThrow('empty output');
  });
});

describe('ONNX vectors (NCHW)', () => {
  const vectors = loadVectors().filter((v) => v.simdconv !== null);
  test.each(vectors.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const call = v.simdconv!;
    const x = inputOf(v, 'X')!;
    const w = inputOf(v, 'W')!;
    const b = inputOf(v, 'B');
    const opts = { ...call.options, bias: call.bias ? b!.data : undefined };
    const y = call.op === 'conv2d' ? refConv2d(x, w, opts) : refConvTranspose2d(x, w, opts);
    expect(y.shape).toEqual(v.output.shape);
    expectClose(y.data, v.output.data, v.name);
  });
});

describe('NHWC layouts against TensorFlow.js (cpu)', () => {
  const rng = new Rng(7);
  const tfOut = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

  test.each([
    { c: 3, co: 5, k: [3, 3], s: [1, 1], p: [1, 1, 1, 1], d: [1, 1] },
    { c: 4, co: 3, k: [2, 3], s: [2, 1], p: [0, 1, 2, 1], d: [1, 1] },
    { c: 2, co: 2, k: [3, 2], s: [1, 1], p: [2, 0, 1, 1], d: [2, 3] },
  ])('conv2d HWIO %#', ({ c, co, k, s, p, d }) => {
    const x = randomTensor(rng, [2, 6, 7, c]);
    const w = randomTensor(rng, [k[0], k[1], c, co]);
    const want = tfOut(tf.conv2d(tf.tensor4d(x.data, x.shape as never), tf.tensor4d(w.data, w.shape as never),
      s as [number, number], [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]], 'NHWC', d as [number, number]));
    const got = refConv2d(x, w, { layout: 'NHWC', stride: s as never, padding: p as never, dilation: d as never });
    expectClose(got.data, want);
  });

  test.each([
    { c: 3, m: 1, k: [3, 3], s: [2, 2], pad: 'same' as const },
    { c: 5, m: 3, k: [2, 3], s: [1, 2], pad: 'valid' as const },
  ])('depthwise [kH, kW, C, m] %#', ({ c, m, k, s, pad }) => {
    const x = randomTensor(rng, [1, 6, 5, c]);
    const w = randomTensor(rng, [k[0], k[1], c, m]);
    const want = tfOut(tf.depthwiseConv2d(tf.tensor4d(x.data, x.shape as never), tf.tensor4d(w.data, w.shape as never),
      s as [number, number], pad));
    const got = refDepthwiseConv2d(x, w, { layout: 'NHWC', stride: s as never, padding: pad });
    expectClose(got.data, want);
  });

  test.each([
    { ci: 3, co: 2, k: [3, 3], s: [2, 2], pad: 'valid' as const },
    { ci: 2, co: 4, k: [4, 4], s: [2, 2], pad: 'same' as const },
    { ci: 2, co: 3, k: [3, 2], s: [1, 1], pad: 'same' as const },
  ])('convTranspose [kH, kW, Cout, Cin] %#', ({ ci, co, k, s, pad }) => {
    const [h, w0] = [3, 4];
    const x = randomTensor(rng, [1, h, w0, ci]);
    const w = randomTensor(rng, [k[0], k[1], co, ci]);
    const oh = pad === 'same' ? h * s[0] : (h - 1) * s[0] + k[0];
    const ow = pad === 'same' ? w0 * s[1] : (w0 - 1) * s[1] + k[1];
    const want = tfOut(tf.conv2dTranspose(tf.tensor4d(x.data, x.shape as never), tf.tensor4d(w.data, w.shape as never),
      [1, oh, ow, co], s as [number, number], pad));
    const got = refConvTranspose2d(x, w, { layout: 'NHWC', stride: s as never, padding: pad });
    expect(got.shape).toEqual([1, oh, ow, co]);
    expectClose(got.data, want);
  });
});

describe('NHWC and NCHW references agree', () => {
  const cases = makeCases([
    { op: 'conv2d', c: 6, cout: 4, k: [3, 2], groups: 2, stride: [2, 1], dilation: [1, 2], padding: [1, 0, 2, 1], bias: true, n: 2 },
    { op: 'depthwise', c: 3, multiplier: 2, k: 3, padding: 'same', stride: 2 },
    { op: 'pointwise', c: 5, cout: 3, pwRank: 2, stride: 2 },
    { op: 'separable', c: 3, multiplier: 2, cout: 4, k: 3, padding: 1, depthwiseBias: true, depthwiseActivation: 'relu' },
    { op: 'transposed', c: 4, cout: 6, k: [3, 2], groups: 2, stride: [2, 3], padding: [1, 0, 0, 1], outputPadding: [1, 2], dilation: [1, 2] },
  ]);
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const a = materialise(c, 'NCHW');
    const perm: Record<string, [number, number, number, number]> = {
      conv2d: [2, 3, 1, 0], transposed: [2, 3, 1, 0], depthwise: [2, 3, 0, 1],
    };
    const toNhwcW = (w: Tensor, kind: string): Tensor => {
      if (kind === 'depthwise') {
        // [C*m, 1, kH, kW] -> [kH, kW, C, m]
        const m = c.multiplier;
        const hwcm = permuteTensor(w, [2, 3, 0, 1]); // [kH, kW, C*m, 1]
        return { data: hwcm.data, shape: [hwcm.shape[0], hwcm.shape[1], w.shape[0] / m, m] };
      }
      if (kind === 'pointwise') return w.shape.length === 2 ? permuteTensor({ data: w.data, shape: [...w.shape, 1, 1] }, [2, 3, 1, 0]) : permuteTensor(w, [2, 3, 1, 0]);
      return permuteTensor(w, perm[kind]);
    };
    const b = {
      x: nchwToNhwc(a.x),
      w: toNhwcW(a.w, c.op === 'separable' ? 'depthwise' : c.op),
      w2: a.w2 ? toNhwcW(a.w2, 'pointwise') : undefined,
      opts: { ...a.opts, layout: 'NHWC' as const },
    };
    const r1 = referenceOf(c, a);
    const r2 = referenceOf(c, b);
    const r1h = nchwToNhwc(r1);
    expect(r2.shape).toEqual(r1h.shape);
    expectClose(r2.data, r1h.data);
  });
});
