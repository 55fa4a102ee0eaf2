/**
 * foldBatchNorm: the folded convolution equals the convolution followed by the batch norm
 * (computed in float64), for every op kind and both layouts, grouped transposed weights
 * included; and its errors.
 */
import { Rng, randomArray, expectClose } from '../../helpers/reference';
import { moveAxis, refConvNd, refConvTransposeNd } from '../../helpers/reference-nd';
import { errorCode, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

interface Case {
  op: 'conv1d' | 'conv2d' | 'conv3d' | 'depthwiseConv2d' | 'pointwiseConv2d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d';
  c: number;
  cout: number;
  sp: number[];
  k: number[];
  groups?: number;
  stride?: number;
}
const CASES: Case[] = [
  { op: 'conv1d', c: 3, cout: 5, sp: [11], k: [3] },
  { op: 'conv2d', c: 4, cout: 6, sp: [5, 6], k: [3, 3], groups: 2 },
  { op: 'conv3d', c: 3, cout: 4, sp: [3, 4, 4], k: [2, 3, 3] },
  { op: 'depthwiseConv2d', c: 3, cout: 6, sp: [5, 5], k: [3, 3] },
  { op: 'pointwiseConv2d', c: 5, cout: 7, sp: [4, 4], k: [1, 1] },
  { op: 'convTranspose1d', c: 4, cout: 6, sp: [7], k: [3], groups: 2, stride: 2 },
  { op: 'convTranspose2d', c: 6, cout: 9, sp: [4, 5], k: [2, 3], groups: 3, stride: 2 },
  { op: 'convTranspose3d', c: 4, cout: 2, sp: [2, 3, 3], k: [2, 2, 2], stride: 2 },
];
const LAYOUT: Record<number, [string, string]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };

describe.each([false, true])('channels last: %s', (last) => {
  test.each(CASES.map((c) => [`${c.op}_g${c.groups ?? 1}`, c] as const))('%s', (_n, c) => {
    const rng = new Rng(c.op.length * 17 + c.c);
    const g = c.groups ?? 1;
    const tr = c.op.startsWith('convTranspose');
    const dw = c.op === 'depthwiseConv2d';
    const wFirst = tr ? [c.c, c.cout / g, ...c.k] : dw ? [c.cout, 1, ...c.k] : [c.cout, c.c / g, ...c.k];
    const prod = (a: number[]): number => a.reduce((p, q) => p * q, 1);
    const x = { data: randomArray(rng, c.c * prod(c.sp)), shape: [1, c.c, ...c.sp] };
    const w = { data: randomArray(rng, prod(wFirst), 0.5), shape: wFirst };
    const bias = randomArray(rng, c.cout, 0.5);
    const bn = {
      mean: randomArray(rng, c.cout, 0.3),
      variance: Float32Array.from(randomArray(rng, c.cout), (v) => v * v + 0.1),
      gamma: randomArray(rng, c.cout),
      beta: randomArray(rng, c.cout, 0.2),
      epsilon: 1e-3,
    };
    const opts = { groups: dw ? c.c : g, stride: c.stride };
    const ref = tr ? refConvTransposeNd : refConvNd;
    const y = ref(x, w, { ...opts, bias });
    const per = prod(y.shape.slice(2));
    const want = Float64Array.from(y.data, (v, i) => {
      const o = Math.floor(i / per) % c.cout;
      return ((v - bn.mean[o]) * bn.gamma[o]) / Math.sqrt(bn.variance[o] + bn.epsilon) + bn.beta[o];
    });
    // the weights in the layout under test ([A, B, ...k] -> [...k, B, A]; depthwise NHWC [kH, kW, C, m])
    const r = wFirst.length;
    let wl = w;
    if (last) {
      const t = moveAxis(moveAxis(w, 1, r - 1), 0, r - 1);
      wl = { data: Float32Array.from(t.data), shape: dw ? [...c.k, c.c, c.cout / c.c] : t.shape };
    }
    const layout = LAYOUT[c.sp.length][last ? 1 : 0];
    const folded = sc.foldBatchNorm(c.op, wl, bias, bn, { layout, groups: g });
    expect(folded.w.data).not.toBe(wl.data);
    // run the folded conv channels-first: bring the folded weights back
    let wf = folded.w;
    if (last) {
      const sh = dw ? [...c.k, 1, c.cout] : wl.shape;
      const t = moveAxis(moveAxis({ data: wf.data, shape: sh }, r - 1, 0), r - 1, 1);
      wf = { data: Float32Array.from(t.data), shape: wFirst };
    }
    const got = ref(x, wf, { ...opts, bias: folded.bias });
    expectClose(Float32Array.from(got.data), want, `${c.op} ${layout}`);
  });
});

test('through the library: conv2d with the folded weights equals conv2d then the batch norm', () => {
  const rng = new Rng(5);
  const x = { data: randomArray(rng, 2 * 3 * 6 * 6), shape: [2, 3, 6, 6] };
  const w = { data: randomArray(rng, 8 * 3 * 9, 0.3), shape: [8, 3, 3, 3] };
  const bn = { mean: randomArray(rng, 8), variance: Float32Array.from(randomArray(rng, 8), (v) => v * v + 0.5) };
  const f = sc.foldBatchNorm('conv2d', w, undefined, bn);
  const y = sc.conv2d(x, f.w, { bias: f.bias, padding: 1 });
  const plain = sc.conv2d(x, w, { padding: 1 });
  const want = Float64Array.from(plain.data, (v, i) => {
    const o = Math.floor(i / 36) % 8;
    return (v - bn.mean[o]) / Math.sqrt(bn.variance[o] + 1e-5);
  });
  expectClose(y.data, want, 'conv2d folded');
});

test('errors', () => {
  const w = { data: new Float32Array(8 * 3 * 9), shape: [8, 3, 3, 3] };
  const ok = { mean: new Float32Array(8), variance: new Float32Array(8).fill(1) };
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, { ...ok, mean: new Float32Array(7) }))).toBe('BAD_BIAS');
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, new Float32Array(3), ok))).toBe('BAD_BIAS');
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, { ...ok, variance: new Float32Array(8).fill(-1) }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, { ...ok, gamma: new Float32Array(8).fill(NaN) }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, { ...ok, epsilon: NaN }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.foldBatchNorm('separableConv2d', w, undefined, ok))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, ok, { layout: 'NCW' }))).toBeUndefined();
  expect(errorCode(() => sc.foldBatchNorm('conv2d', w, undefined, ok, { layout: 'XYZ' }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.foldBatchNorm('conv1d', w, undefined, ok))).toBe('BAD_RANK');
  expect(errorCode(() => sc.foldBatchNorm('convTranspose2d', { data: new Float32Array(6 * 4 * 4), shape: [6, 4, 2, 2] }, undefined,
    { mean: new Float32Array(8), variance: new Float32Array(8).fill(1) }, { groups: 4 }))).toBe('BAD_GROUPS');
});
