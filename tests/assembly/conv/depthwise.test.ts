/**
 * Depthwise NHWC kernels (assembly/conv/depthwise.ts; family dwconv of bench/kernels/list.cjs):
 * pack_dwconv2d_f32, run_dwconv2d_nhwc_f32 and expand_dwconv2d_nhwc_f32 (multiplier), called
 * directly, against float64 loops. Each entry gets the channel boundaries of its 4-channel
 * vectors (c_lt_4, c_eq_4, c_gt_4, c_div_4), a multiplier and the clamp on a geometry that reaches
 * it, and the cases below that reach it: strides, dilations, asymmetric padding, padding wider
 * than the kernel, images smaller than it; for the row kernels (kW = 3 with 16 or more output
 * columns, every kW = 5) pixel pairs and a lone last pixel, edge columns on both sides, rows in
 * the padding, odd channel counts (a partial last block).
 */
import { DwCase } from '../../src/backends/wasm/wasm-helpers';
import { DwconvTester, DwGroup, reaching } from './dwconv-tester';
import { Case, describeKernels, Entry, many } from '../kernels';

type E = Entry<'dwconv'>;

const p1: [number, number, number, number] = [1, 1, 1, 1];
const p2: [number, number, number, number] = [2, 2, 2, 2];

const GROUPS: DwGroup[] = [
  { name: '3x3s1p1 channel tails', cases: [1, 2, 3, 4, 5, 7, 8, 13, 17, 32].map((c) => [{ c, h: 5, w: 6, kH: 3, kW: 3, pad: p1 }, c]) },
  { name: '3x3s2p1, batch 2', cases: [1, 3, 5, 13].map((c) => [{ c, n: 2, h: 9, w: 8, kH: 3, kW: 3, s: [2, 2], pad: p1 }, c]) },
  { name: '5x5 dilation 2, asymmetric padding', cases: [[{ c: 6, h: 11, w: 9, kH: 5, kW: 5, d: [2, 2], pad: [4, 1, 2, 3] }, 3]] },
  { name: 'non-square 3x1 kernel, stride 1x2, dilation 3x1', cases: [[{ c: 9, h: 10, w: 7, kH: 3, kW: 1, s: [1, 2], d: [3, 1], pad: [2, 0, 1, 0] }, 4]] },
  { name: 'padding wider than the kernel: bias only', cases: [[{ c: 5, h: 2, w: 2, kH: 2, kW: 2, pad: [3, 3, 3, 3] }, 5]] },
  { name: 'qmin / qmax', cases: [
    [{ c: 7, h: 4, w: 4, kH: 3, kW: 3, pad: p1, clamp: [0, Infinity] }, 6],
    [{ c: 7, h: 4, w: 4, kH: 3, kW: 3, pad: p1, clamp: [0, 0.3] }, 7],
  ] },
  { name: 'multiplier 2 and 3 through expand', cases: [
    [{ c: 3, m: 2, h: 5, w: 5, kH: 3, kW: 3, pad: p1 }, 8],
    [{ c: 5, m: 3, n: 2, h: 6, w: 4, kH: 2, kW: 3, s: [2, 1], pad: [0, 1, 1, 1] }, 9],
  ] },
  { name: '3x3: stride 2, dilation 2, asymmetric padding, channel tails', cases: [1, 2, 3, 4, 5, 8, 13, 17].map((c) =>
    [{ c, n: 2, h: 9, w: 10, kH: 3, kW: 3, s: [2, 1], d: [2, 3], pad: [2, 0, 1, 3], clamp: [-0.5, 0.5] }, 20 + c]) },
  { name: '3x3: padding wider than the kernel, image smaller than the kernel', cases: [
    [{ c: 6, h: 2, w: 1, kH: 3, kW: 3, pad: [4, 4, 4, 4] }, 11],
    [{ c: 9, h: 1, w: 2, kH: 3, kW: 3, pad: p1, s: [2, 2] }, 12],
  ] },
  { name: '7x7 kernel on a 3x3 image', cases: [[{ c: 4, h: 3, w: 3, kH: 7, kW: 7, pad: [3, 3, 3, 3] }, 10]] },
  { name: '3x3s2p1, odd input 9x33, batch 2, channel tails', cases: [1, 3, 5, 7, 13, 17].map((c) =>
    [{ c, n: 2, h: 9, w: 33, kH: 3, kW: 3, s: [2, 2], pad: p1 }, 60 + c]) },
  { name: '3x3s1p1 ow 16..19 (pairs and a lone pixel)', cases: [16, 17, 18, 19].map((w) =>
    [{ c: 5, h: 4, w, kH: 3, kW: 3, pad: p1, clamp: [-0.6, 0.6] }, 70 + w]) },
  { name: '3x3 s2 asymmetric padding (0, 0, 1, 1: TF same on even sizes), even input', cases: [
    [{ c: 7, h: 8, w: 40, kH: 3, kW: 3, s: [2, 2], pad: [0, 0, 1, 1] }, 80]] },
  { name: '3x3 dilation 2, padding 2, rows in the padding', cases: [[{ c: 13, n: 2, h: 5, w: 21, kH: 3, kW: 3, d: [2, 2], pad: p2 }, 81]] },
  { name: '3x3 multiplier 2 and 3 through expand, wide rows', cases: [
    [{ c: 3, m: 2, h: 6, w: 20, kH: 3, kW: 3, pad: p1 }, 82],
    [{ c: 5, m: 3, n: 2, h: 7, w: 35, kH: 3, kW: 3, s: [2, 2], pad: p1 }, 83],
  ] },
  { name: '5x5s1p2, batch 2, channel tails', cases: [1, 3, 5, 7, 13, 17, 37].map((c) => [{ c, n: 2, h: 7, w: 11, kH: 5, kW: 5, pad: p2 }, 90 + c]) },
  { name: '5x5s2p2 c 5, odd and even widths 9..12', cases: [9, 10, 11, 12].map((w) =>
    [{ c: 5, h: 9, w, kH: 5, kW: 5, s: [2, 2], pad: p2, clamp: [0, 6] }, 100 + w]) },
  { name: '5x5 dilation 2 x 3, asymmetric padding, stride 1 x 2', cases: [
    [{ c: 9, n: 2, h: 13, w: 17, kH: 5, kW: 5, s: [1, 2], d: [2, 3], pad: [3, 5, 1, 2] }, 110]] },
  { name: '5x5 multiplier 2; image narrower than the kernel', cases: [
    [{ c: 3, m: 2, h: 6, w: 9, kH: 5, kW: 5, pad: p2 }, 111],
    [{ c: 6, h: 3, w: 2, kH: 5, kW: 5, pad: p2 }, 112],
    [{ c: 6, h: 4, w: 4, kH: 5, kW: 5, pad: [6, 6, 6, 6] }, 113],
  ] },
  { name: 'kH x 3 and kH x 5 kernels (1x5, 2x3, 7x3)', cases: [
    [{ c: 5, h: 6, w: 19, kH: 1, kW: 5, pad: [0, 2, 0, 2] }, 114],
    [{ c: 6, h: 6, w: 20, kH: 2, kW: 3, s: [1, 1], pad: [1, 1, 0, 1] }, 115],
    [{ c: 3, h: 5, w: 24, kH: 7, kW: 3, pad: [3, 1, 3, 1] }, 116],
  ] },
];

/** A geometry of each NHWC path: the pixel kernel's 3x3 under 16 columns, the row kernels', up4's 2x2. */
const SHAPES: Record<E['path'], DwCase> = {
  '3x3': { c: 4, h: 5, w: 6, kH: 3, kW: 3, pad: p1 },
  rows3: { c: 4, h: 4, w: 18, kH: 3, kW: 3, pad: p1 },
  rows5: { c: 4, h: 7, w: 11, kH: 5, kW: 5, pad: p2 },
  up4: { c: 4, h: 5, w: 6, kH: 2, kW: 2, pad: [1, 1, 0, 0] },
};

function cases(e: E): Case<E>[] {
  const shape = e.flavor === 'scalar' ? SHAPES['3x3'] : SHAPES[e.path];
  const t = (c: number) => new DwconvTester().of({ ...shape, c }).seed(c);
  return [
    many('c_lt_4', [1, 2, 3].map(t)),
    many('c_eq_4', [t(4), t(4).n(2)]),
    many('c_gt_4', [5, 6, 7, 9].map(t)),
    many('c_div_4', [8, 16].map(t)),
    many('m_gt_1', [t(3).m(2), t(5).m(3)]),
    many('qmin_qmax', [t(7).clamp(0, Infinity), t(7).clamp(-Infinity, 0.2), t(7).clamp(-0.3, 0.3)]),
    ...reaching(e, GROUPS),
  ];
}

describeKernels('dwconv', cases);
