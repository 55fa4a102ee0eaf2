/**
 * The activations of API.md fused after the bias on every backend: each one near its corners
 * (0, +-3, +-6, large magnitudes, NaN, infinity) through an identity depthwise 1x1 layer, then
 * through every kind of stage (standard, Winograd, pointwise on NCHW planes and in pixel bands,
 * depthwise in channel bands, grouped, transposed, 1-D, 3-D, separable), both layouts, against
 * PyTorch's float64 definitions.
 */
import { Rng, randomArray, expectClose } from '../../helpers/reference';
import { refConvNd, refConvTransposeNd, toChannelsLast, moveAxis } from '../../helpers/reference-nd';
import { BACKENDS, errorCode, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

/** erf in float64: its series below 3, the continued fraction of erfc above. */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let r: number;
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else if (a === Infinity) {
    r = 1;
  } else {
    // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...))))
    let f = a;
    for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

type Act = Parameters<typeof sc.conv2d>[2] extends infer O ? O extends { activation?: infer A } ? A : never : never;

/** PyTorch's float64 function of each activation (channel c for prelu). */
function ref(a: Act, v: number, c: number): number {
  const relu6 = (t: number): number => (Number.isNaN(t) ? t : Math.min(Math.max(t, 0), 6));
  if (typeof a === 'string') {
    switch (a) {
      case 'none': return v;
      case 'relu': return Number.isNaN(v) ? v : Math.max(v, 0);
      case 'relu6': return relu6(v);
      case 'sigmoid': return 1 / (1 + Math.exp(-v));
      case 'tanh': return Math.tanh(v);
      case 'silu': return v / (1 + Math.exp(-v));
      case 'hardSigmoid': return relu6(v + 3) / 6;
      case 'hardSwish': return (v * relu6(v + 3)) / 6;
      case 'gelu': return v * 0.5 * (1 + erf(v * Math.SQRT1_2));
      case 'leakyRelu': return v > 0 ? v : 0.01 * v;
      case 'elu': return v > 0 ? v : Math.expm1(v);
    }
  } else if (a) {
    switch (a.type) {
      case 'leakyRelu': return v > 0 ? v : a.alpha * v;
      case 'elu': return v > 0 ? v : a.alpha * Math.expm1(v);
      case 'prelu': return v > 0 ? v : (a.alpha.length === 1 ? a.alpha[0] : a.alpha[c]) * v;
      case 'clip': return Number.isNaN(v) ? v : Math.min(Math.max(v, a.min), a.max);
      case 'gelu':
        return a.approximate === 'tanh'
          ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))
          : v * 0.5 * (1 + erf(v * Math.SQRT1_2));
    }
  }
  throw new Error(`no reference for ${JSON.stringify(a)}`);
}

const C = 6;
const ACTS: [string, Act][] = [
  ['sigmoid', 'sigmoid'], ['tanh', 'tanh'], ['silu', 'silu'], ['hardSigmoid', 'hardSigmoid'], ['hardSwish', 'hardSwish'],
  ['gelu', 'gelu'], ['gelu_tanh', { type: 'gelu', approximate: 'tanh' }], ['gelu_none', { type: 'gelu', approximate: 'none' }],
  ['leakyRelu', 'leakyRelu'], ['leakyRelu_0.2', { type: 'leakyRelu', alpha: 0.2 }], ['elu', 'elu'], ['elu_0.5', { type: 'elu', alpha: 0.5 }],
  ['prelu', { type: 'prelu', alpha: Float32Array.from({ length: C }, (_, i) => 0.05 * i - 0.1) }],
  ['prelu_1', { type: 'prelu', alpha: Float32Array.of(0.25) }],
  ['clip', { type: 'clip', min: -1.5, max: 2 }], ['clip_inf', { type: 'clip', min: -Infinity, max: 0.5 }],
  ['relu', 'relu'], ['relu6', 'relu6'], ['none', 'none'],
];

const CORNERS = [0, -0, 3, -3, 6, -6, 1e-3, -1e-3, 0.5, -0.5, 1.5, -2.5, 10, -10, 40, -40, 88, -88, 89, -89, 100, -104, 1e4, -1e4,
  1e30, -1e30, 3e38, -3e38, NaN, Infinity, -Infinity];

/** API.md's tolerance against the float64 values rounded to float32: past 3.4e38 they are infinities. */
function expectAct(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expectClose(got, Float32Array.from(want), what);
}

describe.each(BACKENDS)('%s', (backend) => {
  describe.each(['NCHW', 'NHWC'] as const)('%s', (layout) => {
    test.each(ACTS)('%s at its corners (identity depthwise 1x1)', (_n, act) => {
      const pixels = CORNERS.length;
      // x [1, C, 1, pixels]: every channel sees every corner value
      const vals = new Float32Array(C * pixels);
      for (let c = 0; c < C; c++) for (let p = 0; p < pixels; p++) vals[c * pixels + p] = CORNERS[(p + c) % pixels];
      const want = Float64Array.from(vals, (v, i) => ref(act, v, Math.floor(i / pixels)));
      let x = { data: vals, shape: [1, C, 1, pixels] };
      let w = { data: new Float32Array(C).fill(1), shape: [C, 1, 1, 1] };
      let expected: ArrayLike<number> = want;
      if (layout === 'NHWC') {
        const t = toChannelsLast(x);
        x = { data: Float32Array.from(t.data), shape: t.shape };
        w = { data: w.data, shape: [1, 1, C, 1] };
        expected = toChannelsLast({ data: want, shape: [1, C, 1, pixels] }).data;
      }
      const y = sc.depthwiseConv2d(x, w, { activation: act, layout, backend } as never);
      expectAct(y.data, expected, `${_n} ${backend} ${layout}`);
    });
  });

  // every kind of stage, one activation each of the hard ones, both layouts
  interface Stage { name: string; op: 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose2d'; c: number; cout: number; sp: number[]; k: number[];
    opts?: Record<string, unknown>; nan?: boolean }
  const STAGES: Stage[] = [
    { name: 'igemm 3x3 s2', op: 'conv2d', c: 20, cout: 6, sp: [9, 9], k: [3, 3], opts: { stride: 2, padding: 1 } },
    { name: 'winograd 3x3', op: 'conv2d', c: 16, cout: 6 * 4, sp: [8, 8], k: [3, 3], opts: { padding: 1 } },
    { name: 'winograd F(4x4) edge tiles', op: 'conv2d', c: 16, cout: 20, sp: [9, 7], k: [3, 3], opts: { padding: 1 } },
    { name: 'winograd F(2x2) dilation 4', op: 'conv2d', c: 32, cout: 36, sp: [13, 11], k: [3, 3], opts: { padding: 4, dilation: 4 } },
    { name: 'winograd, an input NaN (the igemm)', op: 'conv2d', c: 16, cout: 20, sp: [9, 7], k: [3, 3], opts: { padding: 1 }, nan: true },
    { name: 'pointwise NCHW planes', op: 'conv2d', c: 16, cout: 6, sp: [32, 32], k: [1, 1] },
    { name: 'pointwise pixel bands', op: 'conv2d', c: 16, cout: 12, sp: [8, 1100], k: [1, 1] },
    { name: 'im2col NCHW', op: 'conv2d', c: 3, cout: 18, sp: [16, 16], k: [3, 3], opts: { padding: 1 } },
    { name: 'grouped of 4', op: 'conv2d', c: 12, cout: 24, sp: [6, 7], k: [3, 3], opts: { groups: 6, padding: 1 } },
    { name: 'depthwise channel bands', op: 'conv2d', c: 6, cout: 6, sp: [130, 130], k: [3, 3], opts: { groups: 6, padding: 1 } },
    { name: 'transposed tiles', op: 'convTranspose2d', c: 8, cout: 6, sp: [5, 6], k: [2, 2], opts: { stride: 2 } },
    { name: 'transposed col2im', op: 'convTranspose2d', c: 8, cout: 12, sp: [5, 6], k: [3, 3], opts: { stride: 2, groups: 2 } },
    { name: 'conv1d causal', op: 'conv1d', c: 8, cout: 6, sp: [40], k: [3], opts: { padding: 'causal', dilation: 2 } },
    { name: 'conv3d', op: 'conv3d', c: 4, cout: 6, sp: [4, 5, 5], k: [3, 3, 3], opts: { padding: 1 } },
  ];
  const HARD: [string, (cout: number) => Act][] = [
    ['gelu', () => 'gelu'], ['silu', () => 'silu'], ['elu_0.7', () => ({ type: 'elu', alpha: 0.7 })],
    ['prelu', (cout) => ({ type: 'prelu', alpha: Float32Array.from({ length: cout }, (_, i) => (i % 5) * 0.1 - 0.2) })],
    ['hardSwish', () => 'hardSwish'],
  ];
  const LAYOUTS: Record<number, [string, string]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };
  describe.each([false, true])('channels last %s', (last) => {
    test.each(STAGES.flatMap((s) => HARD.map(([an, a]) => [`${s.name} ${an}`, s, a] as const)))('%s', (_n, s, mk) => {
      const act = mk(s.cout);
      const rng = new Rng(s.name.length * 31 + s.cout);
      const prod = (a: number[]): number => a.reduce((p, q) => p * q, 1);
      const g = (s.opts?.groups as number) ?? 1;
      const tr = s.op === 'convTranspose2d';
      const wShape = tr ? [s.c, s.cout / g, ...s.k] : [s.cout, s.c / g, ...s.k];
      const x = { data: randomArray(rng, s.c * prod(s.sp)), shape: [1, s.c, ...s.sp] };
      if (s.nan) x.data[3 * prod(s.sp) + 10] = NaN;
      const w = { data: randomArray(rng, prod(wShape), 2 / Math.sqrt((s.c / g) * prod(s.k))), shape: wShape };
      const bias = randomArray(rng, s.cout, 0.5);
      const pre = (tr ? refConvTransposeNd : refConvNd)(x, w, { ...s.opts, bias } as never);
      const per = prod(pre.shape.slice(2));
      let want: ArrayLike<number> = Float64Array.from(pre.data, (v, i) => ref(act, v, Math.floor(i / per) % s.cout));
      let xi = x;
      let wi = w;
      if (last) {
        const t = toChannelsLast(x);
        xi = { data: Float32Array.from(t.data), shape: t.shape };
        const r = wShape.length;
        const tw = moveAxis(moveAxis(w, 1, r - 1), 0, r - 1);
        wi = { data: Float32Array.from(tw.data), shape: tw.shape };
        want = toChannelsLast({ data: want, shape: pre.shape }).data;
      }
      const layout = LAYOUTS[s.sp.length][last ? 1 : 0];
      const fn = s.op === 'conv1d' ? sc.conv1d : s.op === 'conv3d' ? sc.conv3d : s.op === 'convTranspose2d' ? sc.convTranspose2d : sc.conv2d;
      const y = (fn as (x: unknown, w: unknown, o: unknown) => sc.Tensor)(xi, wi, { ...s.opts, bias, activation: act, layout, backend });
      expectClose(y.data, want, `${_n} ${backend} ${layout}`);
    });
  });

  test('separable: depthwiseActivation prelu of C*m slopes and activation gelu', () => {
    const rng = new Rng(77);
    const x = { data: randomArray(rng, 4 * 50 * 50), shape: [1, 4, 50, 50] };
    const dw = { data: randomArray(rng, 8 * 9, 0.5), shape: [8, 1, 3, 3] };
    const pw = { data: randomArray(rng, 5 * 8, 0.5), shape: [5, 8, 1, 1] };
    const alpha = Float32Array.from({ length: 8 }, (_, i) => 0.1 * i - 0.3);
    const y = sc.separableConv2d(x, dw, pw, { padding: 1, depthwiseActivation: { type: 'prelu', alpha }, activation: 'gelu', backend });
    const d = refConvNd(x, dw, { padding: 1, groups: 4 });
    const dA = Float64Array.from(d.data, (v, i) => ref({ type: 'prelu', alpha }, v, Math.floor(i / 2500) % 8));
    const p = refConvNd({ data: dA, shape: d.shape }, pw, {});
    expectClose(y.data, Float64Array.from(p.data, (v) => ref('gelu', v, 0)), `separable ${backend}`);
  });
});

test('errors: prelu of the wrong length, clip with min > max, bad parameters; a valid call after them is right', () => {
  const x = { data: new Float32Array(3 * 16).fill(0.5), shape: [1, 3, 4, 4] };
  const w = { data: new Float32Array(4 * 3 * 9).fill(0.1), shape: [4, 3, 3, 3] };
  expect(errorCode(() => sc.conv2d(x, w, { activation: { type: 'prelu', alpha: new Float32Array(3) } }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.conv2d(x, w, { activation: { type: 'clip', min: 1, max: 0 } }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.conv2d(x, w, { activation: { type: 'leakyRelu', alpha: Infinity } }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.conv2d(x, w, { activation: 'swish' as never }))).toBe('BAD_OPTION');
  expect(errorCode(() => sc.createConv2d(w, { activation: { type: 'prelu', alpha: new Float32Array(5) } }))).toBe('BAD_OPTION');
  const y = sc.conv2d(x, w, { activation: { type: 'prelu', alpha: new Float32Array(4).fill(0.5) } });
  expect(y.data[0]).toBeCloseTo(0.5 * 0.1 * 27, 5);
});
