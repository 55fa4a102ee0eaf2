/**
 * runConv in every combination of input and output layout (the strided gemm and im2col), direct
 * pointwise and im2col paths, groups and batch, against reference.ts's float64 conv.
 */
import { runConv } from '../../../../src/backends/js/conv';
import { packPanels } from '../../../../src/backends/js/pack';
import { Scratch } from '../../../../src/backends/js/scratch';
import { ConvOptions, normaliseOptions } from '../../../../src/ops/options';
import { resolve, specConv2d } from '../../../../src/ops/plan';
import { canonicalWeights } from '../../../../src/tensor/layout';
import { expectClose, randomF32, refConv2d, toNchw, toNhwc } from './reference';

const cases: [string, number, number, number, number, number, number, number, ConvOptions][] = [
  ['pointwise_direct_n2', 2, 7, 5, 6, 9, 1, 1, {}],
  ['pointwise_grouped', 1, 6, 9, 9, 4, 1, 1, { groups: 2 }],
  ['pointwise_long_rows', 1, 3, 10, 15, 5, 1, 1, { activation: 'relu' }],
  ['im2col_3x3_n2', 2, 5, 6, 7, 6, 3, 3, { padding: 1 }],
  ['im2col_grouped_strided', 1, 6, 9, 8, 9, 3, 2, { groups: 3, stride: [2, 1], padding: [1, 0, 0, 1], dilation: [1, 2] }],
];

describe.each([['NHWC', 'NHWC'], ['NHWC', 'NCHW'], ['NCHW', 'NHWC'], ['NCHW', 'NCHW']] as const)('runConv %s -> %s', (xl, yl) => {
  it.each(cases)('%s', (_name, n, c, h, w, cout, kH, kW, opts) => {
    const groups = opts.groups ?? 1;
    const spec = specConv2d('conv2d', [cout, c / groups, kH, kW], normaliseOptions('conv2d', opts));
    const g = resolve(spec, n, c, h, w);
    const wUser = randomF32(cout * (c / groups) * kH * kW, 1);
    const bias = randomF32(cout, 2);
    const kc = kH * kW * (c / groups);
    const packed = packPanels(canonicalWeights(spec, wUser, 'NCHW'), bias, groups, kc, cout / groups);
    const x = randomF32(n * c * h * w, 3); // NCHW
    const y = new Float32Array(n * cout * g.oh * g.ow);
    runConv(packed, g, xl === 'NCHW' ? x : toNhwc(x, n, c, h, w), xl, y, yl, new Scratch());
    const want = refConv2d(x, wUser, {
      n, c, h, w, cout, kH, kW, stride: [g.strideH, g.strideW], dilation: [g.dilationH, g.dilationW],
      pad: [g.padTop, g.padLeft, g.padBottom, g.padRight], groups, bias, min: g.min, max: g.max,
    }).y;
    expectClose(yl === 'NCHW' ? y : toNchw(y, n, g.oh, g.ow, cout), want, `${xl}->${yl}`);
  });
});
