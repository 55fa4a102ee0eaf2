/**
 * src/tensor/layout.ts: canonicalWeights gives the same canonical array from the NCHW and the
 * NHWC weight layouts of API.md (checked by permuting with the test helpers' own loops), always
 * a fresh array, and the documented canonical order on a hand-computed example.
 */
import { normaliseOptions } from '../../../src/ops/options';
import { specConv2d, specDepthwise, specTransposed } from '../../../src/ops/plan';
import { canonicalWeights } from '../../../src/tensor/layout';
import { Rng, Tensor, permuteTensor, randomTensor } from '../../helpers/reference';

const rng = new Rng(3);
const spec = (kind: 'conv' | 'dw' | 'deconv', layout: 'NCHW' | 'NHWC', shape: number[], groups = 1) => {
  if (kind === 'conv') return specConv2d('conv2d', shape, normaliseOptions('conv2d', { layout, groups }));
  if (kind === 'dw') return specDepthwise('depthwiseConv2d', shape, normaliseOptions('depthwiseConv2d', { layout }));
  return specTransposed('convTranspose2d', shape, normaliseOptions('convTranspose2d', { layout, groups }));
};

describe('NCHW and NHWC weights give the same canonical array', () => {
  test.each([
    [[6, 1, 3, 2], 1],
    [[6, 2, 3, 2], 2],
    [[9, 1, 2, 2], 3],
    [[4, 5, 1, 1], 1],
  ])('conv OIHW %j groups %i vs HWIO', (shape, groups) => {
    const oihw = randomTensor(rng, shape as number[]);
    const hwio = permuteTensor(oihw, [2, 3, 1, 0]);
    const a = canonicalWeights(spec('conv', 'NCHW', oihw.shape, groups), oihw.data, 'NCHW');
    const b = canonicalWeights(spec('conv', 'NHWC', hwio.shape, groups), hwio.data, 'NHWC');
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a).not.toBe(oihw.data);
  });
  test.each([[3, 1], [3, 2], [1, 4]])('depthwise C=%i m=%i: [C*m, 1, kH, kW] vs [kH, kW, C, m]', (c, m) => {
    const w: Tensor = randomTensor(rng, [c * m, 1, 3, 2]);
    const hwcm1 = permuteTensor(w, [2, 3, 0, 1]); // [kH, kW, C*m, 1]
    const nhwc = { data: hwcm1.data, shape: [3, 2, c, m] };
    const a = canonicalWeights(spec('dw', 'NCHW', w.shape), w.data, 'NCHW');
    const b = canonicalWeights(spec('dw', 'NHWC', nhwc.shape), nhwc.data, 'NHWC');
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(b).not.toBe(nhwc.data);
  });
  test.each([
    [[4, 3, 2, 3], 1],
    [[4, 3, 2, 3], 2],
    [[6, 1, 3, 3], 3],
  ])('deconv [Cin, Cout/g, kH, kW] %j groups %i vs [kH, kW, Cout/g, Cin]', (shape, groups) => {
    const w = randomTensor(rng, shape as number[]);
    const nhwc = permuteTensor(w, [2, 3, 1, 0]);
    const a = canonicalWeights(spec('deconv', 'NCHW', w.shape, groups), w.data, 'NCHW');
    const b = canonicalWeights(spec('deconv', 'NHWC', nhwc.shape, groups), nhwc.data, 'NHWC');
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

test('conv canonical order [groups][kH][kW][cinG][coutG] on a hand example', () => {
  // OIHW [2 out][1 in][2 kH][1 kW]: o0 = [1, 2], o1 = [3, 4]; canonical [kH][kW][cin][cout] = [[1, 3], [2, 4]]
  const w = Float32Array.from([1, 2, 3, 4]);
  expect(Array.from(canonicalWeights(spec('conv', 'NCHW', [2, 1, 2, 1]), w, 'NCHW'))).toEqual([1, 3, 2, 4]);
});
