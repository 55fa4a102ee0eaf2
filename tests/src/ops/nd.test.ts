/**
 * conv1d, convTranspose1d, conv3d, convTranspose3d, and the padding modes on 1-D, 2-D and 3-D
 * ops: every case in both layouts on every backend, through the functional op and a prepared
 * layer, against the float64 N-D reference (odd channel counts, batch > 1, asymmetric padding,
 * groups, depthwise by groups = channels, dilation, strides, outputPadding, each padding mode at
 * its limits).
 */
import { Rng, randomArray, expectClose } from '../../helpers/reference';
import { NdOptions, NdPad, Mode, moveAxis, refConvNd, refConvTransposeNd, toChannelsLast } from '../../helpers/reference-nd';
import { BACKENDS, errorCode, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

type Op = 'conv1d' | 'convTranspose1d' | 'conv2d' | 'conv3d' | 'convTranspose3d';
interface Case {
  op: Op;
  n?: number;
  c: number;
  cout: number;
  sp: number[];
  k: number[];
  stride?: number | number[];
  dilation?: number | number[];
  padding?: NdPad;
  paddingMode?: Mode;
  groups?: number;
  outputPadding?: number | number[];
  bias?: boolean;
  activation?: 'none' | 'relu' | 'relu6';
}

const LAYOUTS: Record<1 | 2 | 3, [string, string]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };
const transposed = (op: Op): boolean => op.startsWith('convTranspose');

function name(c: Case): string {
  const bits = [c.op, `c${c.c}`, `co${c.cout}`, `sp${c.sp.join('x')}`, `k${c.k.join('x')}`];
  if (c.n) bits.push(`n${c.n}`);
  if (c.stride !== undefined) bits.push(`s${c.stride}`);
  if (c.dilation !== undefined) bits.push(`d${c.dilation}`);
  if (c.padding !== undefined) bits.push(`p${c.padding}`);
  if (c.paddingMode) bits.push(c.paddingMode);
  if (c.groups) bits.push(`g${c.groups}`);
  if (c.outputPadding !== undefined) bits.push(`op${c.outputPadding}`);
  if (c.bias) bits.push('bias');
  if (c.activation) bits.push(c.activation);
  return bits.join('_');
}

const CASES: Case[] = [
  // conv1d: tails, batch, stride, dilation, every padding form, groups, depthwise
  { op: 'conv1d', c: 1, cout: 1, sp: [9], k: [3] },
  { op: 'conv1d', c: 3, cout: 5, sp: [17], k: [3], padding: 1, bias: true },
  { op: 'conv1d', c: 5, cout: 7, sp: [20], k: [4], stride: 2, padding: [2, 1], n: 2 },
  { op: 'conv1d', c: 7, cout: 13, sp: [33], k: [3], dilation: 3, padding: 'causal', activation: 'relu' },
  { op: 'conv1d', c: 8, cout: 8, sp: [30], k: [5], stride: 3, dilation: 2, padding: 'causal', bias: true },
  { op: 'conv1d', c: 6, cout: 9, sp: [19], k: [3], stride: 2, padding: 'same', groups: 3 },
  { op: 'conv1d', c: 16, cout: 16, sp: [40], k: [7], padding: 3, groups: 16, bias: true },
  { op: 'conv1d', c: 4, cout: 8, sp: [25], k: [31], padding: 15, groups: 4 },
  // depthwise 1-D (the NCW row kernel at stride 1): tails of the 16-output blocks, dilation,
  // kernels longer than the input, batch 2, causal, and stride 2 (the NHWC kernel)
  { op: 'conv1d', c: 5, cout: 5, sp: [17], k: [31], padding: 15, groups: 5, bias: true },
  { op: 'conv1d', c: 3, cout: 3, sp: [33], k: [5], dilation: 3, padding: [7, 1], groups: 3, n: 2, activation: 'relu6' },
  { op: 'conv1d', c: 6, cout: 6, sp: [64], k: [3], dilation: 8, padding: 'causal', groups: 6 },
  { op: 'conv1d', c: 4, cout: 4, sp: [15], k: [9], stride: 2, padding: 4, groups: 4 },
  { op: 'conv1d', c: 9, cout: 9, sp: [48], k: [1], groups: 9 },
  { op: 'conv1d', c: 17, cout: 33, sp: [600], k: [1] },
  { op: 'conv1d', c: 3, cout: 24, sp: [700], k: [3] },
  { op: 'conv1d', c: 20, cout: 20, sp: [600], k: [3], padding: 'same', activation: 'relu6', bias: true },
  { op: 'conv1d', c: 3, cout: 4, sp: [10], k: [10], stride: 5 },
  // convTranspose1d
  { op: 'convTranspose1d', c: 3, cout: 5, sp: [7], k: [3], stride: 2, padding: 1, outputPadding: 1, bias: true },
  { op: 'convTranspose1d', c: 8, cout: 4, sp: [10], k: [16], stride: 8, padding: 4 },
  { op: 'convTranspose1d', c: 6, cout: 6, sp: [9], k: [4], stride: 2, dilation: 2, groups: 3, n: 2 },
  { op: 'convTranspose1d', c: 5, cout: 3, sp: [8], k: [2], stride: 2, padding: 'same' },
  // conv3d
  { op: 'conv3d', c: 3, cout: 5, sp: [5, 6, 7], k: [3, 3, 3], padding: 1, bias: true },
  { op: 'conv3d', c: 4, cout: 6, sp: [6, 5, 7], k: [3, 2, 3], stride: [2, 1, 2], padding: [1, 0, 2, 0, 1, 1], n: 2 },
  { op: 'conv3d', c: 6, cout: 4, sp: [7, 7, 6], k: [3, 3, 3], dilation: [2, 1, 2], padding: 'same', groups: 2, activation: 'relu' },
  { op: 'conv3d', c: 8, cout: 8, sp: [4, 5, 5], k: [3, 3, 3], padding: 1, groups: 8 },
  { op: 'conv3d', c: 17, cout: 20, sp: [3, 4, 4], k: [1, 1, 1], bias: true, activation: 'relu6' },
  { op: 'conv3d', c: 5, cout: 7, sp: [6, 6, 6], k: [3, 3, 3], stride: 2, padding: 1 },
  // convTranspose3d
  { op: 'convTranspose3d', c: 4, cout: 3, sp: [3, 4, 3], k: [2, 2, 2], stride: 2, bias: true },
  { op: 'convTranspose3d', c: 6, cout: 4, sp: [3, 3, 4], k: [3, 3, 2], stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 1], groups: 2 },
  { op: 'convTranspose3d', c: 3, cout: 5, sp: [4, 3, 3], k: [3, 3, 3], dilation: 2, padding: 1, n: 2, activation: 'relu' },
  // padding modes: 1-D, 2-D and 3-D, at their limits (reflect: size - 1, circular: size)
  { op: 'conv1d', c: 3, cout: 4, sp: [6], k: [11], padding: 5, paddingMode: 'reflect' },
  { op: 'conv1d', c: 3, cout: 4, sp: [5], k: [5], padding: [5, 2], paddingMode: 'circular', bias: true },
  { op: 'conv1d', c: 5, cout: 6, sp: [7], k: [3], padding: [9, 0], paddingMode: 'replicate' },
  { op: 'conv1d', c: 4, cout: 4, sp: [12], k: [3], dilation: 4, padding: 'causal', paddingMode: 'replicate' },
  { op: 'conv2d', c: 3, cout: 5, sp: [6, 5], k: [3, 3], padding: 1, paddingMode: 'reflect' },
  { op: 'conv2d', c: 16, cout: 16, sp: [9, 8], k: [3, 3], padding: 1, paddingMode: 'reflect', bias: true },
  { op: 'conv2d', c: 16, cout: 20, sp: [10, 9], k: [3, 3], padding: 1, paddingMode: 'circular' },
  { op: 'conv2d', c: 3, cout: 8, sp: [9, 9], k: [7, 7], stride: 2, padding: 3, paddingMode: 'replicate' },
  { op: 'conv2d', c: 20, cout: 24, sp: [7, 6], k: [3, 3], padding: [2, 1, 0, 3], paddingMode: 'reflect', stride: 2 },
  { op: 'conv2d', c: 3, cout: 4, sp: [4, 3], k: [5, 3], padding: [3, 2, 3, 2], paddingMode: 'reflect' },
  { op: 'conv2d', c: 6, cout: 6, sp: [5, 5], k: [3, 3], padding: 'same', groups: 6, paddingMode: 'circular' },
  { op: 'conv2d', c: 8, cout: 8, sp: [6, 50], k: [3, 3], padding: 1, groups: 8, paddingMode: 'reflect' },
  { op: 'conv2d', c: 4, cout: 6, sp: [5, 5], k: [3, 3], padding: 4, paddingMode: 'replicate', n: 2 },
  { op: 'conv2d', c: 3, cout: 4, sp: [4, 4], k: [3, 3], padding: 4, paddingMode: 'circular', dilation: 2 },
  { op: 'conv3d', c: 3, cout: 4, sp: [3, 4, 5], k: [3, 3, 3], padding: [2, 3, 4], paddingMode: 'reflect' },
  { op: 'conv3d', c: 2, cout: 3, sp: [3, 3, 3], k: [3, 3, 3], padding: [3, 1, 0, 2, 3, 1], paddingMode: 'circular' },
  { op: 'conv3d', c: 4, cout: 4, sp: [4, 3, 4], k: [3, 3, 3], padding: 2, paddingMode: 'replicate', groups: 4 },
];

function spatialRank(op: Op): 1 | 2 | 3 {
  return op.endsWith('1d') ? 1 : op.endsWith('3d') ? 3 : 2;
}

interface Built {
  x: { data: Float32Array; shape: number[] };
  w: { data: Float32Array; shape: number[] };
  opts: Record<string, unknown>;
  want: { data: Float64Array; shape: number[] };
}

const memo = new Map<string, Built>();
function build(c: Case, last: boolean): Built {
  const key = `${name(c)}/${last}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const rng = new Rng(name(c).length * 131 + (last ? 7 : 0));
  const g = c.groups ?? 1;
  const n = c.n ?? 1;
  const wFirst = transposed(c.op) ? [c.c, c.cout / g, ...c.k] : [c.cout, c.c / g, ...c.k];
  const xFirst = [n, c.c, ...c.sp];
  const prod = (a: number[]): number => a.reduce((p, q) => p * q, 1);
  const xData = randomArray(rng, prod(xFirst));
  const fan = (c.c / g) * prod(c.k);
  const wData = randomArray(rng, prod(wFirst), 1 / Math.sqrt(fan));
  const bias = c.bias ? randomArray(rng, c.cout, 0.5) : undefined;
  const o: NdOptions = { stride: c.stride, dilation: c.dilation, padding: c.padding, paddingMode: c.paddingMode, groups: c.groups,
    outputPadding: c.outputPadding, bias, activation: c.activation };
  const ref = transposed(c.op) ? refConvTransposeNd : refConvNd;
  const want = ref({ data: xData, shape: xFirst }, { data: wData, shape: wFirst }, o);
  let x = { data: xData, shape: xFirst };
  let w = { data: wData, shape: wFirst };
  let out = want;
  if (last) {
    const tl = (t: { data: ArrayLike<number>; shape: number[] }): { data: Float32Array; shape: number[] } => {
      const r = toChannelsLast(t);
      return { data: Float32Array.from(r.data), shape: r.shape };
    };
    x = tl(x);
    // [A, B, ...k] -> [...k, B, A]
    const r = w.shape.length;
    const w1 = moveAxis(moveAxis(w, 1, r - 1), 0, r - 1);
    w = { data: Float32Array.from(w1.data), shape: w1.shape };
    const o2 = toChannelsLast(want);
    out = { data: Float64Array.from(o2.data), shape: o2.shape };
  }
  const opts: Record<string, unknown> = { ...o, layout: LAYOUTS[spatialRank(c.op)][last ? 1 : 0] };
  for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
  const b = { x, w, opts, want: out };
  memo.set(key, b);
  return b;
}

const OPS = {
  conv1d: [sc.conv1d, sc.createConv1d],
  convTranspose1d: [sc.convTranspose1d, sc.createConvTranspose1d],
  conv2d: [sc.conv2d, sc.createConv2d],
  conv3d: [sc.conv3d, sc.createConv3d],
  convTranspose3d: [sc.convTranspose3d, sc.createConvTranspose3d],
} as const;

describe.each(BACKENDS)('%s', (backend) => {
  describe.each([false, true])('channels last: %s', (last) => {
    test.each(CASES.map((c) => [name(c), c] as const))('%s', (_n, c) => {
      const b = build(c, last);
      const [op, create] = OPS[c.op];
      const y = (op as (x: unknown, w: unknown, o: unknown) => sc.Tensor)(b.x, b.w, { ...b.opts, backend });
      expect(y.shape).toEqual(b.want.shape);
      expectClose(y.data, b.want.data, `${name(c)} ${backend}`);
      const layer = (create as (w: unknown, o: unknown) => sc.PreparedLayer)(b.w, { ...b.opts, backend });
      try {
        const out = new Float32Array(y.data.length).fill(NaN);
        const z = layer.run(b.x, { out });
        expect(z.data).toBe(out);
        expectClose(out, b.want.data, `${name(c)} ${backend} layer`);
      } finally {
        layer.dispose();
      }
    });
  });
});

describe('shape and MAC helpers', () => {
  test('conv1d / conv3d and their transposes', () => {
    expect(sc.conv1dShape([2, 3, 100], [8, 3, 5], { stride: 2, padding: 'causal' })).toEqual([2, 8, 50]);
    expect(sc.conv1dShape([1, 100, 3], [5, 3, 8], { layout: 'NWC' })).toEqual([1, 96, 8]);
    expect(sc.conv1dMacs([2, 3, 100], [8, 3, 5], { padding: 2 })).toBe(8 * 3 * 5 * 100 * 2);
    expect(sc.convTranspose1dShape([1, 512, 200], [512, 256, 16], { stride: 8, padding: 4 })).toEqual([1, 256, 1600]);
    expect(sc.convTranspose1dMacs([1, 512, 200], [512, 256, 16], { stride: 8, padding: 4 })).toBe(512 * 256 * 16 * 200);
    expect(sc.conv3dShape([1, 32, 32, 32, 32], [64, 32, 3, 3, 3], { stride: 2, padding: 1 })).toEqual([1, 64, 16, 16, 16]);
    expect(sc.conv3dMacs([1, 4, 5, 6, 7], [8, 2, 3, 3, 3], { groups: 2, padding: 1 })).toBe(8 * 2 * 27 * 5 * 6 * 7);
    expect(sc.convTranspose3dShape([1, 64, 16, 16, 16], [64, 32, 2, 2, 2], { stride: 2 })).toEqual([1, 32, 32, 32, 32]);
    expect(sc.convTranspose3dMacs([1, 64, 16, 16, 16], [64, 32, 2, 2, 2], { stride: 2 })).toBe(64 * 32 * 8 * 16 ** 3);
    expect(sc.conv3dShape([1, 5, 6, 7, 3], [3, 3, 3, 3, 4], { layout: 'NDHWC', padding: 1 })).toEqual([1, 5, 6, 7, 4]);
  });
});

describe('errors', () => {
  const x1 = { data: new Float32Array(2 * 6), shape: [1, 2, 6] };
  const w1 = { data: new Float32Array(3 * 2 * 3), shape: [3, 2, 3] };
  const code = errorCode;
  test.each(BACKENDS)('%s: each a ConvError with its code, and a valid call after it is right', (backend) => {
    expect(code(() => sc.conv1d({ data: new Float32Array(12), shape: [1, 2, 2, 3] }, w1, { backend }))).toBe('BAD_RANK');
    expect(code(() => sc.conv1d(x1, { data: new Float32Array(18), shape: [3, 2, 3, 1] }, { backend }))).toBe('BAD_RANK');
    expect(code(() => sc.conv3d(x1, w1, { backend }))).toBe('BAD_RANK');
    expect(code(() => sc.conv1d(x1, w1, { padding: 6, paddingMode: 'reflect', backend }))).toBe('BAD_PADDING');
    expect(code(() => sc.conv1d(x1, w1, { padding: 7, paddingMode: 'circular', backend }))).toBe('BAD_PADDING');
    expect(code(() => sc.conv1d(x1, w1, { padding: 6, paddingMode: 'circular', backend }))).toBeUndefined();
    expect(code(() => sc.conv2d({ data: new Float32Array(36), shape: [1, 1, 6, 6] }, { data: new Float32Array(9), shape: [1, 1, 3, 3] },
      { padding: 'causal', backend } as never))).toBe('BAD_PADDING');
    expect(code(() => sc.conv1d(x1, w1, { layout: 'NHWC', backend } as never))).toBe('BAD_OPTION');
    expect(code(() => sc.convTranspose1d(x1, { data: new Float32Array(12), shape: [2, 2, 3] }, { paddingMode: 'reflect', backend }))).toBe('BAD_OPTION');
    expect(code(() => sc.conv1d(x1, { data: new Float32Array(0), shape: [3, 2, 0] }, { backend }))).toBe('BAD_KERNEL');
    expect(code(() => sc.conv1d(x1, w1, { padding: 'same', groups: 4, backend }))).toBe('BAD_GROUPS');
    const y = sc.conv1d(x1, w1, { padding: 5, paddingMode: 'reflect', backend });
    expectClose(y.data, refConvNd(x1, w1, { padding: 5, paddingMode: 'reflect' }).data, 'after the errors');
  });
  test('a sequence keeps one rank', () => {
    const a = sc.createConv1d(w1, { padding: 1 });
    const b = sc.createConv2d({ data: new Float32Array(9 * 3 * 2), shape: [2, 3, 3, 3] }, { padding: 1 });
    try {
      expect(code(() => sc.createSequence([a, b]))).toBe('BAD_RANK');
    } finally {
      a.dispose();
      b.dispose();
    }
  });
  test('1-D sequences run as one', () => {
    const l1 = sc.createConv1d({ data: randomArray(new Rng(3), 4 * 2 * 3), shape: [4, 2, 3] }, { padding: 'causal', dilation: 2 });
    const l2 = sc.createConv1d({ data: randomArray(new Rng(4), 3 * 4 * 3), shape: [3, 4, 3] }, { padding: 1, activation: 'relu' });
    const x = { data: randomArray(new Rng(5), 2 * 2 * 9), shape: [2, 2, 9] };
    const a = refConvNd(x, { data: randomArray(new Rng(3), 24), shape: [4, 2, 3] }, { padding: 'causal', dilation: 2 });
    const b = refConvNd(a, { data: randomArray(new Rng(4), 36), shape: [3, 4, 3] }, { padding: 1, activation: 'relu' });
    const net = sc.createSequence([l1, l2]);
    try {
      const y = net.run(x);
      expect(y.shape).toEqual([2, 3, 9]);
      expectClose(y.data, b.data, '1-D sequence');
    } finally {
      net.dispose();
    }
  });
});
