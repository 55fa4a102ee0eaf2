/**
 * The op-level shape and MAC helpers (conv2dShape ... separableConv2dMacs): shapes equal the
 * reference's output shapes for the op suites' kinds of cases in both layouts; MACs follow
 * DESIGN.md's table (grouped K^2*Cin/g*H*W*Cout*N, depthwise K^2*C*m*H*W*N, pointwise
 * H*W*Cin*Cout*N, separable dw + pw, transposed K^2*Cin*(Cout/g)*Hin*Win*N); bad shapes throw
 * the op's ConvError.
 */
import { LAYOUTS, OpCase, inputShape, makeCases, materialise, referenceOf, weightShapes } from '../../helpers/cases';
import { errorCode, sc } from '../../helpers/testers';

const cases = makeCases([
  { op: 'conv2d', c: 3, cout: 5, k: 3, padding: 1 },
  { op: 'conv2d', c: 6, cout: 9, k: [3, 2], groups: 3, stride: [2, 1], dilation: [1, 2], padding: [1, 0, 2, 1], n: 2, h: 7, w: 6 },
  { op: 'conv2d', c: 4, cout: 8, k: 4, stride: 2, padding: 'same', h: 9, w: 6 },
  { op: 'conv2d', c: 4, cout: 8, k: 3, padding: 'valid', h: 9, w: 6 },
  { op: 'conv2d', c: 2, cout: 3, k: 3, dilation: 3, padding: 'same', stride: 2, h: 10, w: 7 },
  { op: 'depthwise', c: 13, k: 3, stride: 2, padding: 1, h: 7 },
  { op: 'depthwise', c: 5, k: 5, multiplier: 3, padding: 'same', stride: [2, 3], h: 9, w: 8, n: 3 },
  { op: 'depthwise', c: 4, k: [1, 3], dilation: 2, padding: [0, 1, 2, 3] },
  { op: 'pointwise', c: 7, cout: 11, stride: 2, h: 7 },
  { op: 'pointwise', c: 7, cout: 11, pwRank: 2, n: 2 },
  { op: 'separable', c: 6, cout: 10, k: 3, padding: 'same', stride: 2, h: 7 },
  { op: 'separable', c: 3, cout: 4, k: 3, multiplier: 2, dilation: 2, padding: [2, 1, 0, 1], pwRank: 2, n: 2 },
  { op: 'transposed', c: 4, cout: 6, k: 4, stride: 2, groups: 2, padding: 'same' },
  { op: 'transposed', c: 3, cout: 5, k: 3, stride: [3, 2], padding: [1, 2], outputPadding: [2, 1], n: 2, h: 3, w: 4 },
  { op: 'transposed', c: 2, cout: 2, k: 2, dilation: 3, outputPadding: 2, padding: 'valid' },
]);

type Shapes = { x: number[]; w: number[]; w2?: number[] };

function shapeCall(c: OpCase, s: Shapes, opts: object): number[] {
  switch (c.op) {
    case 'conv2d': return sc.conv2dShape(s.x, s.w, opts as never);
    case 'depthwise': return sc.depthwiseConv2dShape(s.x, s.w, opts as never);
    case 'pointwise': return sc.pointwiseConv2dShape(s.x, s.w, opts as never);
    case 'separable': return sc.separableConv2dShape(s.x, s.w, s.w2!, opts as never);
    case 'transposed': return sc.convTranspose2dShape(s.x, s.w, opts as never);
  }
}

function macsCall(c: OpCase, s: Shapes, opts: object): number {
  switch (c.op) {
    case 'conv2d': return sc.conv2dMacs(s.x, s.w, opts as never);
    case 'depthwise': return sc.depthwiseConv2dMacs(s.x, s.w, opts as never);
    case 'pointwise': return sc.pointwiseConv2dMacs(s.x, s.w, opts as never);
    case 'separable': return sc.separableConv2dMacs(s.x, s.w, s.w2!, opts as never);
    case 'transposed': return sc.convTranspose2dMacs(s.x, s.w, opts as never);
  }
}

/** DESIGN.md's MAC table, from the case and the reference output's size. */
function expectedMacs(c: OpCase, outNchw: number[], dwOut?: number[]): number {
  const [kh, kw] = c.k;
  const g = c.groups ?? 1;
  const [n, , oh, ow] = outNchw;
  switch (c.op) {
    case 'conv2d': return kh * kw * (c.c / g) * oh * ow * c.cout * n;
    case 'depthwise': return kh * kw * c.c * c.multiplier * oh * ow * n;
    case 'pointwise': return oh * ow * c.c * c.cout * n;
    case 'separable': {
      const [, , dh, dw] = dwOut!;
      return n * dh * dw * c.c * c.multiplier * kh * kw + n * dh * dw * c.c * c.multiplier * c.cout;
    }
    case 'transposed': return kh * kw * c.c * (c.cout / g) * c.h * c.w * n;
  }
}

function toNchw(shape: number[], layout: string): number[] {
  return layout === 'NCHW' ? shape : [shape[0], shape[3], shape[1], shape[2]];
}

describe.each(LAYOUTS)('%s', (layout) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s: shape equals the reference output shape; MACs per DESIGN.md', (_n, c) => {
    const inp = materialise(c, layout);
    const ref = referenceOf(c, inp);
    const ws = weightShapes(c, layout);
    const s: Shapes = { x: inputShape(c, layout), w: ws.w, w2: ws.w2 };
    const { bias, depthwiseBias, ...opts } = inp.opts;
    expect(shapeCall(c, s, opts)).toEqual(ref.shape);
    // options with the arrays (bias etc.) give the same answers
    expect(shapeCall(c, s, inp.opts)).toEqual(ref.shape);
    let dwOut: number[] | undefined;
    if (c.op === 'separable') {
      const dwCase: OpCase = { ...c, op: 'depthwise' };
      dwOut = toNchw(referenceOf(dwCase, { x: inp.x, w: inp.w, opts: { ...opts, layout } }).shape, layout);
    }
    expect(macsCall(c, s, opts)).toBe(expectedMacs(c, toNchw(ref.shape, layout), dwOut));
    void bias;
    void depthwiseBias;
  });
});

describe('named MACs', () => {
  test('MobileNetV1 first layer: 3x3 s2 conv 3->32 on 224x224', () => {
    expect(sc.conv2dShape([1, 3, 224, 224], [32, 3, 3, 3], { stride: 2, padding: 'same' })).toEqual([1, 32, 112, 112]);
    expect(sc.conv2dMacs([1, 3, 224, 224], [32, 3, 3, 3], { stride: 2, padding: 'same' })).toBe(9 * 3 * 112 * 112 * 32);
  });
  test('grouped conv: K^2 * Cin/g * H * W * Cout', () => {
    expect(sc.conv2dMacs([2, 8, 5, 5], [12, 2, 3, 3], { groups: 4, padding: 1 })).toBe(9 * 2 * 25 * 12 * 2);
  });
  test('separable = depthwise + pointwise', () => {
    const dw = sc.depthwiseConv2dMacs([1, 32, 112, 112], [32, 1, 3, 3], { padding: 1 });
    const pw = sc.pointwiseConv2dMacs([1, 32, 112, 112], [64, 32, 1, 1]);
    expect(dw).toBe(9 * 32 * 112 * 112);
    expect(pw).toBe(112 * 112 * 32 * 64);
    expect(sc.separableConv2dMacs([1, 32, 112, 112], [32, 1, 3, 3], [64, 32, 1, 1], { padding: 1 })).toBe(dw + pw);
    expect(sc.separableConv2dMacs([1, 112, 112, 32], [3, 3, 32, 1], [32, 64], { padding: 1, layout: 'NHWC' })).toBe(dw + pw);
  });
  test('transposed: K^2 * Cin * Cout/g * Hin * Win (DCGAN 4x4 s2 512->256 on 8x8)', () => {
    expect(sc.convTranspose2dShape([1, 512, 8, 8], [512, 256, 4, 4], { stride: 2, padding: 1 })).toEqual([1, 256, 16, 16]);
    expect(sc.convTranspose2dMacs([1, 512, 8, 8], [512, 256, 4, 4], { stride: 2, padding: 1 })).toBe(16 * 512 * 256 * 64);
    expect(sc.convTranspose2dMacs([1, 4, 3, 3], [4, 3, 2, 2], { stride: 2, groups: 2 })).toBe(4 * 4 * 3 * 9);
  });
});

describe('the helpers throw what the op would', () => {
  test('CHANNEL_MISMATCH, EMPTY_OUTPUT, BAD_RANK, BAD_STRIDE, BAD_GROUPS', () => {
    expect(errorCode(() => sc.conv2dShape([1, 3, 5, 5], [4, 2, 3, 3]))).toBe('CHANNEL_MISMATCH');
    expect(errorCode(() => sc.conv2dMacs([1, 3, 2, 2], [4, 3, 3, 3]))).toBe('EMPTY_OUTPUT');
    expect(errorCode(() => sc.depthwiseConv2dShape([1, 3, 5], [3, 1, 3, 3]))).toBe('BAD_RANK');
    expect(errorCode(() => sc.pointwiseConv2dShape([1, 3, 5, 5], [4, 3], { stride: 0 }))).toBe('BAD_STRIDE');
    expect(errorCode(() => sc.convTranspose2dShape([1, 3, 5, 5], [3, 2, 3, 3], { groups: 2 }))).toBe('BAD_GROUPS');
    expect(sc.conv2dShape([1, 3, 5, 5], [4, 3, 3, 3])).toEqual([1, 4, 3, 3]);
  });
});
