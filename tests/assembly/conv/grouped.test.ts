/**
 * Grouped convolution with groups of 4 output channels (assembly/conv/grouped.ts; family groups4
 * of bench/kernels/list.cjs): weights packed with nr = 4 (pack_groups4_f32), indirection in tiles
 * of 4 pixels, a zero row spanning all channels; NHWC output (run_conv2d_nhwc_f32 alt 2) and NCHW
 * planes (run_conv2d_groups4_f32: tiles of 4 pixels side by side in one plane, across two
 * images, the short last tile), against float64 loops on every build: pixels around the 4-pixel
 * tile, input channels per group around 4, padding, stride, dilation, batch > 1 and the clamp.
 */
import { ConvTester } from './conv-tester';
import { Case, describeKernels, Entry, many, one } from '../kernels';

type E = Entry<'groups4'>;

/** name, n, c, H, W, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, min, max */
const CASES: [string, ...number[]][] = [
  ['ResNeXt-like g8 cinG 4 3x3 p1', 1, 32, 7, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, -Infinity, Infinity],
  ['g2 cinG 1 (pixels % 4 = 1), clamp', 1, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, -0.5, 0.5],
  ['g3 cinG 3 s2 asym pad, batch 2', 2, 9, 7, 6, 3, 3, 3, 2, 2, 1, 1, 1, 0, 1, 2, -1, 1],
  ['g5 cinG 6 dilated 2x3, batch 3', 3, 30, 8, 9, 5, 3, 2, 1, 1, 2, 3, 2, 3, 2, 3, -Infinity, Infinity],
  ['g4 cinG 4 1x1, 3 pixels', 1, 16, 1, 3, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, -Infinity, Infinity],
  ['g16 cinG 8 3x3 p2 wider than the image', 1, 128, 2, 3, 16, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, -2, 2],
];

function cases(_e: E): Case<E>[] {
  // 4 groups of 4 channels, 3x3 p1 on 5x6: 30 pixels, 7 tiles of 4 and one of 2
  const base = () => new ConvTester().c(16).groups(4).size(5, 6).kernel(3, 3).pad(1, 1, 1, 1);
  return [
    many('m_lt_4: 1 to 3 pixels', [1, 2, 3].map((w) => base().size(1, w).kernel(1, 1).pad(0, 0, 0, 0))),
    one('m_eq_4', base().size(2, 2).kernel(1, 1).pad(0, 0, 0, 0)),
    many('m_gt_4: pixel tails', [5, 6, 7].map((w) => base().size(1, w).kernel(1, 1).pad(0, 0, 0, 0))),
    many('k_lt_4: cinG 1..3', [1, 2, 3].map((cinG) => base().c(4 * cinG))),
    one('k_eq_4', base()),
    many('k_gt_4: cinG 5, 8, 9', [5, 8, 9].map((cinG) => base().c(4 * cinG))),
    one('groups_eq_1', base().c(4).groups(1)),
    one('qmin', base().qmin(0)),
    one('qmax', base().qmax(0.2)),
    ...CASES.map(([name, n, c, H, W, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, min, max]) =>
      one(name, new ConvTester().n(n).c(c).size(H, W).groups(groups).kernel(kH, kW).stride(sH, sW).dilation(dH, dW)
        .pad(pt, pl, pb, pr).clamp(min, max).seed(c * 7 + groups))),
  ];
}

describeKernels('groups4', cases);
