/**
 * Depthwise straight on NCHW planes (assembly/conv/depthwise-nchw.ts; family dwconv-nchw of
 * bench/kernels/list.cjs): pack_dwconv2d_planes_f32 and run_dwconv2d_nchw_f32 against float64
 * loops. Each entry gets output widths around its 4-column vector blocks (ow_lt_4, ow_eq_4,
 * ow_gt_4, ow_div_4), a multiplier and the clamp on a geometry that reaches it, and the cases
 * below that reach it: the whole-row 3x3 kernels (stride 1 and 2, column dilation 1) on every
 * width from 1 to 27 and left paddings 0 to 5 (staged edge blocks), rows in the padding and row
 * dilation; the per-tap loops on stride 3 (scalar columns), 5x5 and non-square kernels,
 * dilations, asymmetric padding, padding wider than the kernel; multipliers, batch > 1.
 */
import { DwCase } from '../../src/backends/wasm/wasm-helpers';
import { DwconvTester, DwGroup, reaching } from './dwconv-tester';
import { Case, describeKernels, Entry, many, range } from '../kernels';

type E = Entry<'dwconv-nchw'>;

const p1: [number, number, number, number] = [1, 1, 1, 1];
const widths = range(1, 27);

const GROUPS: DwGroup[] = [
  { name: '3x3 s1 p1, widths 1..9, 11, 13, 16, 21', cases: [...range(1, 9), 11, 13, 16, 21].map((w) => [{ c: 3, h: 5, w, kH: 3, kW: 3, pad: p1 }, w]) },
  { name: '3x3 s2 p1, batch 2, widths 4..24', cases: [4, 7, 8, 9, 12, 17, 24].map((w) =>
    [{ c: 2, n: 2, h: 7, w, kH: 3, kW: 3, s: [2, 2], pad: p1, clamp: [0, 6] }, 100 + w]) },
  { name: '3x3 strides 1 and 2, row dilation 1 to 3, rows in the padding', cases: [[1, 1], [2, 1], [1, 2], [2, 3]].map(([s, d]) =>
    [{ c: 3, n: 2, h: 6, w: 23, kH: 3, kW: 3, s: [s, s], d: [d, 1], pad: [2, 1, 2, 1], clamp: [-0.7, 0.9] }, 40 + s * 7 + d]) },
  { name: 'stride 3 (scalar columns)', cases: [[{ c: 4, h: 9, w: 17, kH: 3, kW: 3, s: [3, 3], pad: p1 }, 7]] },
  { name: '5x5 dilation 2, asymmetric padding', cases: [[{ c: 3, h: 12, w: 19, kH: 5, kW: 5, d: [2, 2], pad: [4, 1, 2, 3] }, 8]] },
  { name: 'non-square 3x1 / 1x5 kernels, stride 1x2', cases: [
    [{ c: 5, h: 6, w: 14, kH: 3, kW: 1, s: [1, 2], pad: [1, 0, 1, 0] }, 9],
    [{ c: 5, h: 6, w: 14, kH: 1, kW: 5, s: [2, 1], pad: [0, 2, 0, 2] }, 10],
  ] },
  { name: 'multiplier 2 and 3', cases: [
    [{ c: 3, m: 2, h: 6, w: 11, kH: 3, kW: 3, pad: p1 }, 11],
    [{ c: 2, m: 3, n: 2, h: 8, w: 13, kH: 3, kW: 3, s: [2, 2], pad: p1 }, 12],
  ] },
  { name: 'padding wider than the kernel; image narrower than the kernel', cases: [
    [{ c: 2, h: 2, w: 3, kH: 2, kW: 2, pad: [3, 3, 3, 3] }, 13],
    [{ c: 2, h: 3, w: 2, kH: 3, kW: 5, pad: [1, 2, 1, 2] }, 14],
  ] },
  { name: 'qmin / qmax', cases: [[{ c: 4, h: 6, w: 12, kH: 3, kW: 3, pad: p1, clamp: [-0.2, 0.3] }, 15]] },
  { name: 'whole rows: 3x3 s1 p1, batch 2, every width 1..27', cases: widths.map((w) =>
    [{ c: 2, n: 2, h: 4, w, kH: 3, kW: 3, pad: p1, clamp: [-0.8, 0.8] }, 200 + w]) },
  { name: 'whole rows: 3x3 s2 p1, every width 1..27', cases: widths.map((w) => [{ c: 2, h: 5, w, kH: 3, kW: 3, s: [2, 2], pad: p1 }, 300 + w]) },
  { name: 'whole rows: left padding 0..5, right padding 1 or 0, stride 1 and 2', cases: [0, 2, 3, 4, 5].flatMap((pl) =>
    [3, 8, 13, 22].flatMap((w): [DwCase, number][] => [
      [{ c: 3, h: 5, w, kH: 3, kW: 3, pad: [1, pl, 0, 1], s: [1, 1] }, 400 + pl * 31 + w],
      [{ c: 3, h: 6, w, kH: 3, kW: 3, pad: [0, pl, 1, 0], s: [2, 2] }, 500 + pl * 31 + w],
    ])) },
  { name: 'whole rows: stride 2 x 1 and 1 x 2, row dilation 2, multiplier 3', cases: [
    [{ c: 2, m: 3, h: 9, w: 17, kH: 3, kW: 3, s: [2, 1], d: [2, 1], pad: [2, 1, 2, 1] }, 601],
    [{ c: 2, m: 3, n: 2, h: 9, w: 19, kH: 3, kW: 3, s: [1, 2], d: [2, 1], pad: [2, 1, 2, 1] }, 602],
  ] },
];

/** A geometry of output width `ow` on each path: the whole-row kernels' 3x3 s1 / s2, 5x5 per tap. */
function shape(e: E, ow: number): DwCase {
  if (e.path === 'rows3x3s1' || e.flavor === 'scalar') return { c: 3, h: 5, w: ow, kH: 3, kW: 3, pad: p1 };
  if (e.path === 'rows3x3s2') return { c: 3, h: 7, w: 2 * ow, kH: 3, kW: 3, s: [2, 2], pad: p1 };
  return { c: 3, h: 7, w: ow, kH: 5, kW: 5, pad: [2, 2, 2, 2] };
}

function cases(e: E): Case<E>[] {
  const t = (ow: number) => new DwconvTester().of(shape(e, ow)).seed(ow);
  return [
    many('ow_lt_4', [1, 2, 3].map(t)),
    many('ow_eq_4', [t(4), t(4).n(2)]),
    many('ow_gt_4', [5, 6, 7, 9, 13].map(t)),
    many('ow_div_4', [8, 16, 32].map(t)),
    many('m_gt_1', [t(9).m(2), t(6).m(3).n(2)]),
    many('qmin_qmax', [t(11).clamp(0, Infinity), t(11).clamp(-Infinity, 0.2), t(11).clamp(-0.3, 0.3)]),
    ...reaching(e, GROUPS),
  ];
}

describeKernels('dwconv-nchw', cases);
