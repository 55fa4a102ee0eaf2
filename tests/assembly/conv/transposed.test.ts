/**
 * Transposed convolution (assembly/conv/transposed.ts; family deconv of bench/kernels/list.cjs):
 * the gemm into the column buffer through run_conv2d_nhwc_f32 with one tap, then
 * run_deconv_col2im_ndhwc_f32 (bias, scatter-add with crop, stride, dilation, outputPadding,
 * groups, clamp) or run_deconv2d_tiles_nchw_f32 (stride = kernel: channel quads and their tails,
 * output rows in blocks of 4 columns and their tails, crops, outputPadding past the taps), and
 * run_clamp_f32, against float64 loops.
 */
import { flavors, harness, Harness } from '../harness';
import { DeconvTester } from './deconv-tester';
import { Case, describeKernels, Entry, many, one } from '../kernels';

type E = Entry<'deconv'>;

/** name, n, c, H, W, cout, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, opH, opW, min, max */
const COL2IM: [string, ...number[]][] = [
  ['2x2 s2 (U-Net up)', 1, 8, 4, 4, 4, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, -Infinity, Infinity],
  ['4x4 s2 p1 (DCGAN up)', 1, 6, 3, 5, 5, 1, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, -Infinity, Infinity],
  ['3x3 s2 p1 outputPadding 1, batch 2, relu', 2, 3, 3, 3, 7, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, Infinity],
  ['groups 2, coutG 3 (tails)', 1, 4, 3, 4, 6, 2, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, -Infinity, Infinity],
  ['dilation 2 with outputPadding 1, stride 1', 1, 2, 4, 3, 3, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, -Infinity, Infinity],
  ['asymmetric crop, stride 3x2, non-square kernel, relu6', 2, 5, 3, 4, 13, 1, 3, 2, 3, 2, 1, 1, 1, 0, 2, 1, 2, 1, 0, 6],
  ['crop larger than a kernel extent', 1, 3, 4, 4, 5, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, -Infinity, Infinity],
];

function col2im(): Case<E>[] {
  const base = () => new DeconvTester().c(6).size(3, 4).kernel(3, 3).stride(2).pad(1, 1, 1, 1);
  return [
    many('n_lt_4', [1, 2, 3].map((co) => base().cout(co))),
    one('n_eq_4', base().cout(4)),
    many('n_gt_4', [5, 7, 17].map((co) => base().cout(co))),
    one('n_div_4', base().cout(8)),
    ...COL2IM.map(([name, n, c, H, W, cout, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, opH, opW, lo, hi]) =>
      one(name, new DeconvTester().n(n).c(c).size(H, W).cout(cout).groups(groups).kernel(kH, kW).stride(sH, sW)
        .dilation(dH, dW).pad(pt, pl, pb, pr).outputPadding(opH, opW).clamp(lo, hi))),
  ];
}

function tiles(): Case<E>[] {
  // 2x2 stride 2 on 3x5: output rows of 10 columns (2 blocks of 4 and a tail of 2)
  const base = () => new DeconvTester().c(5).size(3, 5).cout(4).kernel(2, 2).stride(2);
  return [
    many('n_lt_4', [1, 2, 3].map((co) => base().cout(co))),
    one('n_eq_4', base()),
    many('n_gt_4', [5, 6, 7, 13].map((co) => base().cout(co))),
    many('n_div_4', [8, 16].map((co) => base().cout(co))),
    many('ow_lt_4', [1, 2, 3].map((ow) => base().kernel(1, ow).stride(1, ow).size(3, 1))),
    many('ow tails: rows of 4k + 1..3 columns', [3, 5, 7, 9].map((w) => base().kernel(3, 3).stride(3).size(2, w).cout(6))),
    one('batch 2, clamp', base().n(2).clamp(-0.3, 0.4)),
    many('crops, asymmetric, and wider than one tap', [base().pad(1, 1, 1, 1), base().pad(0, 3, 1, 0), base().kernel(3, 3).stride(3).pad(2, 4, 1, 2)]),
    many('outputPadding: columns and rows past the taps', [base().outputPadding(1), base().pad(1, 2, 0, 0).outputPadding(1, 1)]),
    one('non-square kernel 2x3, stride 2x3, many channels', base().kernel(2, 3).stride(2, 3).c(33).cout(9)),
  ];
}

describeKernels('deconv', (e) => (e.export === 'run_deconv2d_tiles_nchw_f32' ? tiles() : col2im()));

describe.each(flavors())('run_clamp_f32 (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test('run_clamp_f32: tails, NaN propagates, (-inf, inf) is a no-op', () => {
    const v = [-2, -0.5, 0, 0.5, 3, 7, NaN, 6.5, -Infinity, Infinity, 1];
    const p = h.put(v);
    h.ex.run_clamp_f32(p, v.length, 0, 6);
    const got = Array.from(h.get(p, v.length));
    expect(got.slice(0, 6)).toEqual([0, 0, 0, 0.5, 3, 6]);
    expect(Number.isNaN(got[6])).toBe(true);
    expect(got.slice(7)).toEqual([6, 0, 6, 1]);
    const q = h.put(v);
    h.ex.run_clamp_f32(q, v.length, -Infinity, Infinity);
    expect(Array.from(h.get(q, v.length))).toEqual(v);
    h.reset();
  });
});
